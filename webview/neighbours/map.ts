// The neighbours map: the query and its neighbours on their two principal components (PCA, computed in
// the model host), drawn as an SVG scatter. Labels and hover texts go in through textContent only;
// colours come from the stylesheet (theme variables), so the map follows the theme.
import type { NeighbourList } from "../../src/shared/neighboursProtocol";
import { svgNode as node } from "../common/svg";
import { type DeepReadonly } from "../common/store";
import { placeLabels } from "./labels";
import { bounds } from "./viewport";

/** the map's label font (svg.map in neighbours.css): 11 px */
const LABEL_PX = 11;
let measurer: CanvasRenderingContext2D | null | undefined;
/** A label's width in the map's font (`px` high); an estimate where no canvas is at hand. */
export function labelWidth(text: string, bold: boolean, px = LABEL_PX): number {
  measurer ??= document.createElement("canvas").getContext("2d");
  if (!measurer) return text.length * px * 0.62;
  const family = getComputedStyle(document.body).getPropertyValue("--vscode-editor-font-family").trim() || "monospace";
  measurer.font = `${bold ? "bold " : ""}${px}px ${family}`;
  return Math.ceil(measurer.measureText(text).width) + 1;
}

export interface MapPoint {
  label: string;
  /** what hovering the point says */
  detail: string;
  isQuery: boolean;
}

/** Points of a list: the query first, then the neighbours, with their values for hovering. */
export function mapPoints(list: DeepReadonly<NeighbourList>, formatScore: (score: number) => string): MapPoint[] {
  return [
    { label: list.query, detail: `query “${list.query}”`, isQuery: true },
    ...list.neighbours.map((n, i) => ({ label: n.word, detail: `${i + 1}. ${n.word}: ${formatScore(n.score)}`, isQuery: false })),
  ];
}

/**
 * An SVG of the points at (x[i], y[i]); equal scales on both axes, so that distances on the map are
 * distances in the plane of the two components. `onHover` gets the point's index, or null.
 */
export function scatterSvg(x: readonly number[], y: readonly number[], points: readonly MapPoint[], width: number, onHover: (i: number | null) => void): SVGSVGElement {
  const height = Math.round(Math.max(180, Math.min(320, width * 0.8)));
  const pad = 28;
  const svg = node("svg", { class: "map", width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
  const n = Math.min(x.length, y.length, points.length);
  if (n === 0) return svg;
  const { minX, maxX, minY, maxY } = bounds(x, y, n);
  const span = Math.max(maxX - minX, maxY - minY, 1e-9);
  const scale = Math.min((width - 2 * pad) / Math.max(maxX - minX, span * 0.25), (height - 2 * pad) / Math.max(maxY - minY, span * 0.25));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  // screen y grows downwards: the second component points up
  const px = (v: number) => width / 2 + (v - cx) * scale;
  const py = (v: number) => height / 2 - (v - cy) * scale;
  svg.append(node("line", { class: "axis", x1: pad / 2, y1: height / 2, x2: width - pad / 2, y2: height / 2 }));
  svg.append(node("line", { class: "axis", x1: width / 2, y1: pad / 2, x2: width / 2, y2: height - pad / 2 }));
  // lines from the query to each neighbour, under the points
  const links = node("g", { class: "links" });
  for (let i = 1; i < n; i++) links.append(node("line", { x1: px(x[0]), y1: py(y[0]), x2: px(x[i]), y2: py(y[i]) }));
  svg.append(links);
  // labels: the query's first, then the neighbours nearest first; one with no free spot shows on hover and focus
  const boxes = placeLabels(
    Array.from({ length: n }, (_, i) => ({ x: px(x[i]), y: py(y[i]), w: labelWidth(points[i].label, points[i].isQuery), h: LABEL_PX + 3 })),
    { x: 0, y: 0, w: width, h: height },
  );
  // the query last, so that it is drawn on top
  const order = [...Array.from({ length: n - 1 }, (_, i) => i + 1), 0];
  for (const i of order) {
    const p = points[i];
    const box = boxes[i];
    const g = node("g", { class: `${p.isQuery ? "point query" : "point"}${box ? "" : " unlabelled"}`, tabindex: 0, role: "img", "aria-label": `${p.detail}, PC1 ${x[i].toFixed(3)}, PC2 ${y[i].toFixed(3)}` });
    g.append(node("title", {}, `${p.detail} (PC1 ${x[i].toFixed(3)}, PC2 ${y[i].toFixed(3)})`));
    g.append(node("circle", { cx: px(x[i]), cy: py(y[i]), r: p.isQuery ? 5 : 3.5 }));
    // a placed label sits in its box (baseline near the bottom); an unplaced one waits to the right of its point
    const at = box ?? { x: px(x[i]) + 6, y: py(y[i]) - (LABEL_PX + 3) / 2, w: 0, h: LABEL_PX + 3 };
    g.append(node("text", { x: at.x, y: at.y + at.h - 3, class: box ? "label" : "label hidden-label" }, p.label));
    g.addEventListener("mouseenter", () => onHover(i));
    g.addEventListener("mouseleave", () => onHover(null));
    g.addEventListener("focus", () => onHover(i));
    g.addEventListener("blur", () => onHover(null));
    svg.append(g);
  }
  return svg;
}
