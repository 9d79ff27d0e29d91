// The large map (an editor tab): the side bar's map list drawn over the whole tab at the zoom and pan of
// the UI state, its axes named by the words at their ends, a label wherever one fits at this zoom, the
// highlighted point's label always, and beside it the list of every point (a listbox with a roving
// tabindex) whose focus highlights that point. Everything from the state, read-only; what the user does
// is reported through the functions it is handed.
import { el } from "../../common/dom";
import { svgNode as node } from "../../common/svg";
import { setPickerValue } from "../../common/toolkit";
import { type ReadState } from "../state";
import { titleEl, subEl, spacePick, zoomOut, mapBox, pointList, infoEl, axesEl, emptyEl, root, axisEnds } from "../mapSkeleton";
import { formatScore, scoreLabel } from "../format";
import { labelWidth, mapPoints, type MapPoint } from "../map";
import { placeLabels, type Box } from "../labels";
import { mapAxes, axesSentences } from "../axes";
import { clamp, fitTransform, fitted, toScreen, type Size } from "../viewport";

/** the large map's label font (svg.big-map in neighbours.css) */
const LABEL_PX = 13;
const LABEL_H = LABEL_PX + 4;

export interface BigMapEvents {
  /** a row of the list got the focus, or a point was clicked */
  highlight(point: number): void;
  /** Enter on a row: its word becomes the query */
  pickPoint(point: number): void;
}

/** The map's size now (the host fills the tab's free room). */
export function mapSize(): Size {
  return { w: Math.max(200, mapBox.clientWidth), h: Math.max(160, mapBox.clientHeight) };
}

function listTitle(s: ReadState): string {
  const sc = s.screen!;
  const l = sc[sc.mapList].list;
  const space = sc.mapList === "pooled" ? `pooled (layer ${l?.layer ?? "?"}, averaged over the training text)` : sc.mapList === "static" ? "static (input embedding)" : `contextual, layer ${l?.layer ?? sc.options.layer}`;
  return `${space} · k = ${l?.k ?? sc.options.k} · ${scoreLabel(l?.metric ?? sc.options.metric)}`;
}

export function renderBigMap(s: ReadState, on: BigMapEvents, change: "all" | "view" | "point" | "map"): void {
  const sc = s.screen;
  const l = sc?.[sc.mapList].list;
  if (sc) setPickerValue(spacePick, sc.mapList);
  if (!sc || !sc.query) {
    titleEl.textContent = sc ? "Neighbours map" : s.error || "Starting…";
    subEl.textContent = sc ? "Select a word in an editor, or type one in the Neighbours view: this map shows its list." : "";
  } else {
    titleEl.textContent = `Neighbours of “${l?.query ?? sc.query.text}”`;
    subEl.textContent = `${listTitle(s)} · the Neighbours view's list`;
  }
  const why = sc?.notAWord ? `${sc.notAWord}.` : sc && !l ? (sc[sc.mapList].loading ? "Working…" : sc[sc.mapList].error ? `There is no ${sc.mapList} list: ${sc[sc.mapList].error}` : "The map appears with the list.") : "";
  emptyEl.textContent = why;
  emptyEl.hidden = !why;
  root.classList.toggle("no-map", !l || l.neighbours.length === 0);
  if (!l || l.neighbours.length === 0) {
    mapBox.replaceChildren();
    pointList.replaceChildren();
    infoEl.textContent = "";
    axesEl.replaceChildren();
    for (const e of Object.values(axisEnds)) e.textContent = "";
    zoomOut.textContent = "";
    return;
  }
  const points = mapPoints(l, (score) => `${l.metric === "cosine" ? "similarity" : "distance"} ${formatScore(l, score)}`);
  const point = Math.min(s.ui.point, points.length - 1);
  if (change === "all" || change === "map") renderList(points, point, on);
  else if (change === "point") selectRow(point);
  const size = mapSize();
  const view = clamp(s.ui.view, size);
  zoomOut.textContent = `×${view.zoom < 10 ? view.zoom.toFixed(1) : view.zoom.toFixed(0)}`;
  const fit = fitTransform(l.map.x, l.map.y, size);
  const at = points.map((_, i) => {
    const f = fitted(fit, l.map.x[i], l.map.y[i]);
    return toScreen(view, f.x, f.y);
  });
  const words = points.map((p) => p.label);
  const svg = node("svg", { class: "big-map", width: size.w, height: size.h, viewBox: `0 0 ${size.w} ${size.h}`, role: "img", "data-zoom": view.zoom.toFixed(3) });
  svg.setAttribute("aria-label", `Map of “${l.query}” and its ${l.neighbours.length} neighbours at ×${view.zoom.toFixed(1)}`);
  svg.append(node("rect", { class: "bg", x: 0, y: 0, width: size.w, height: size.h }));
  // the components' zero lines (the mean of the points shown: PCA centres them)
  const o = toScreen(view, fitted(fit, 0, 0).x, fitted(fit, 0, 0).y);
  if (o.y >= 0 && o.y <= size.h) svg.append(node("line", { class: "axis", x1: 0, y1: o.y, x2: size.w, y2: o.y }));
  if (o.x >= 0 && o.x <= size.w) svg.append(node("line", { class: "axis", x1: o.x, y1: 0, x2: o.x, y2: size.h }));
  const links = node("g", { class: "links" });
  for (let i = 1; i < points.length; i++) links.append(node("line", { x1: at[0].x, y1: at[0].y, x2: at[i].x, y2: at[i].y }));
  svg.append(links);
  // the axes' ends in words, around the map (outside it: the words named are the points at its very edges)
  const ends = mapAxes(l.map.x, l.map.y, words);
  const named = ends.x.low.length > 0;
  axisEnds.top.textContent = named ? `↑ ${ends.y.high.join(", ")}` : "";
  axisEnds.bottom.textContent = named ? `↓ ${ends.y.low.join(", ")}` : "";
  axisEnds.left.textContent = named ? `← ${ends.x.low.join(", ")}` : "";
  axisEnds.right.textContent = named ? `${ends.x.high.join(", ")} →` : "";
  // labels where they fit at this zoom: the highlighted point's first, then the query, then nearest first
  const inView = (i: number) => at[i].x >= -2 && at[i].x <= size.w + 2 && at[i].y >= -2 && at[i].y <= size.h + 2;
  const order = [point, ...points.map((_, i) => i).filter((i) => i !== point)].filter(inView);
  const boxes = placeLabels(
    order.map((i) => ({ x: at[i].x, y: at[i].y, w: labelWidth(points[i].label, points[i].isQuery || i === point, LABEL_PX), h: LABEL_H })),
    { x: 0, y: 0, w: size.w, h: size.h },
  );
  const boxOf = new Map<number, Box | null>(order.map((i, j) => [i, boxes[j]]));
  // the query and the highlighted point last, so that they are drawn on top
  // (every point, in view or not: the svg clips what lies outside it)
  const drawOrder = points.map((_, i) => i).filter((i) => i !== 0 && i !== point).reverse().concat(point !== 0 ? [0] : [], [point]);
  for (const i of drawOrder) svg.append(pointNode(points[i], i, at[i], boxOf.get(i) ?? null, i === point && inView(i), size));
  svg.setAttribute("data-labels", String(boxes.filter(Boolean).length));
  mapBox.replaceChildren(svg);
  const p = points[point];
  infoEl.textContent = `${p.detail} · PC1 ${l.map.x[point].toFixed(3)}, PC2 ${l.map.y[point].toFixed(3)}${inView(point) ? "" : " · outside the view"}`;
  if (change === "all" || change === "map") {
    const sentences = axesSentences(l.map.x, l.map.y, words, l.map.explained);
    axesEl.replaceChildren(el("p", { text: sentences.x }), el("p", { text: sentences.y }));
  }
}

function pointNode(p: MapPoint, i: number, at: { x: number; y: number }, box: Box | null, highlighted: boolean, size: Size): SVGGElement {
  const cls = ["point", p.isQuery ? "query" : "", highlighted ? "highlighted" : "", box || highlighted ? "" : "unlabelled"].filter(Boolean).join(" ");
  const g = node("g", { class: cls, "data-index": i });
  g.append(node("title", {}, p.detail));
  // the highlighted point's label shows even where no spot was free: over the others, on a backing
  let b = box;
  if (!b && highlighted) {
    const w = labelWidth(p.label, true, LABEL_PX);
    b = { x: at.x + 8 + w > size.w ? at.x - 8 - w : at.x + 8, y: Math.max(0, Math.min(size.h - LABEL_H, at.y - LABEL_H / 2)), w, h: LABEL_H };
  }
  if (b) {
    if (highlighted) g.append(node("rect", { class: "label-back", x: b.x - 3, y: b.y - 1, width: b.w + 6, height: b.h + 2, rx: 3 }));
    // 2 px further from the point than the spot: the big map's points are larger than labels.ts's
    const dx = b.x >= at.x ? 2 : b.x + b.w <= at.x ? -2 : 0;
    g.append(node("text", { class: "label", x: b.x + dx, y: b.y + b.h - 4 }, p.label));
  }
  // the point over its label's backing
  if (highlighted) g.append(node("circle", { class: "ring", cx: at.x, cy: at.y, r: 10 }));
  g.append(node("circle", { cx: at.x, cy: at.y, r: p.isQuery ? 6 : 4.5 }));
  return g;
}

function renderList(points: readonly MapPoint[], point: number, on: BigMapEvents): void {
  const focused = pointList.contains(document.activeElement);
  const rows = points.map((p, i) => {
    const li = el("li", { attrs: { role: "option", tabindex: -1, "aria-selected": i === point, "data-index": i, title: p.detail } }, [
      el("span", { className: "rank", text: i === 0 ? "query" : String(i) }),
      el("span", { className: "word", text: p.label }),
      el("span", { className: "value", text: i === 0 ? "" : p.detail.slice(p.detail.lastIndexOf(" ") + 1) }),
    ]);
    li.addEventListener("focus", () => on.highlight(i));
    li.addEventListener("click", () => on.highlight(i));
    li.addEventListener("dblclick", () => on.pickPoint(i));
    return li;
  });
  pointList.replaceChildren(...rows);
  const active = rows[point] ?? rows[0];
  if (active) active.tabIndex = 0;
  if (focused) active?.focus();
}

function selectRow(point: number): void {
  const rows = [...pointList.children] as HTMLElement[];
  rows.forEach((r, i) => {
    r.setAttribute("aria-selected", String(i === point));
    r.tabIndex = i === point ? 0 : -1;
  });
  rows[point]?.scrollIntoView({ block: "nearest" });
}
