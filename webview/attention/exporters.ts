// What the export buttons save: an SVG built from the data (not a screenshot), and the raw tensors as JSON.
// The SVG is built as DOM nodes and serialised, so token text is escaped by the serialiser.
import type { AttentionView } from "../../src/shared/attentionProtocol";
import { colorScale } from "../../src/shared/colorScale";
import { tokenGroups } from "../../src/shared/tokenDisplay";
import { css, type Theme } from "./theme";
import { svgNode as node, SVG_NS as SVG } from "../common/svg";
import { type DeepReadonly } from "../common/store";

/** A standalone SVG of one T×T matrix, with token labels, the hatched future and a legend. */
export function heatmapSvg(m: Float32Array, labels: readonly string[], caption: string, theme: Theme): string {
  const T = labels.length;
  const cell = T <= 40 ? 18 : T <= 120 ? 8 : 4;
  const label = T <= 120 ? 110 : 30;
  const x0 = label;
  const y0 = label + 24;
  const size = T * cell;
  const width = Math.max(x0 + size + 20, 520);
  const height = y0 + size + 88;
  const fg = css(theme.foreground);
  const root = node("svg", { xmlns: SVG, width, height, viewBox: `0 0 ${width} ${height}`, "font-family": theme.fontFamily, "font-size": Math.min(11, cell + 2) });
  root.append(node("title", {}, caption));
  const defs = node("defs", {});
  const pattern = node("pattern", { id: "future", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  pattern.append(node("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: fg, "stroke-opacity": 0.3, "stroke-width": 1 }));
  defs.append(pattern);
  root.append(defs);
  root.append(node("rect", { x: 0, y: 0, width, height, fill: css(theme.background) }));
  root.append(node("text", { x: 4, y: 16, fill: fg, "font-size": 12 }, caption));
  const cells = node("g", {});
  for (let q = 0; q < T; q++) {
    for (let k = 0; k <= q; k++) {
      const v = m[q * T + k];
      // weight ~0 is the background colour anyway
      if (!(v >= 0.002)) continue;
      const r = node("rect", { x: x0 + k * cell, y: y0 + q * cell, width: cell, height: cell, fill: css(colorScale(v, theme.background, theme.high)) });
      if (T <= 40) r.append(node("title", {}, `${labels[q]} → ${labels[k]}: ${v.toFixed(3)}`));
      cells.append(r);
    }
  }
  root.append(cells);
  const future = node("path", { fill: "url(#future)", d: Array.from({ length: Math.max(0, T - 1) }, (_, q) => `M${x0 + (q + 1) * cell},${y0 + q * cell}h${(T - q - 1) * cell}v${cell}h${-(T - q - 1) * cell}z`).join("") });
  root.append(future);
  if (T <= 120) {
    const axes = node("g", { fill: fg });
    labels.forEach((l, i) => {
      axes.append(node("text", { x: x0 - 4, y: y0 + (i + 0.5) * cell, "text-anchor": "end", "dominant-baseline": "middle", "unicode-bidi": "isolate" }, l));
      axes.append(node("text", { transform: `translate(${x0 + (i + 0.5) * cell},${y0 - 4}) rotate(-90)`, "dominant-baseline": "middle", "unicode-bidi": "isolate" }, l));
    });
    root.append(axes);
  }
  // legend
  const ly = y0 + size + 20;
  const grad = node("linearGradient", { id: "scale" });
  grad.append(node("stop", { offset: 0, "stop-color": css(theme.background) }), node("stop", { offset: 1, "stop-color": css(theme.high) }));
  defs.append(grad);
  root.append(node("rect", { x: x0, y: ly, width: 160, height: 10, fill: "url(#scale)", stroke: fg, "stroke-opacity": 0.5 }));
  root.append(node("text", { x: x0, y: ly + 24, fill: fg }, "0"), node("text", { x: x0 + 160, y: ly + 24, fill: fg, "text-anchor": "end" }, "1"));
  root.append(
    node("text", { x: 4, y: ly + 44, fill: fg }, "Row: the token that looks; column: the token it looks at."),
    node("text", { x: 4, y: ly + 60, fill: fg }, "Each row sums to 1. Hatched: later tokens, which it cannot see."),
  );
  return new XMLSerializer().serializeToString(root);
}

/** The lines view as a standalone SVG: the on-screen one with its theme colours written in. */
export function linesSvg(onScreen: SVGSVGElement, caption: string, theme: Theme): string {
  const root = onScreen.cloneNode(true) as SVGSVGElement;
  root.setAttribute("xmlns", SVG);
  root.setAttribute("font-family", theme.fontFamily);
  root.setAttribute("font-size", String(theme.fontSize));
  const bg = node("rect", { x: 0, y: 0, width: "100%", height: "100%", fill: css(theme.background) });
  root.insertBefore(bg, root.firstChild);
  root.querySelector("title")!.textContent = caption;
  for (const l of root.querySelectorAll("line")) l.setAttribute("stroke", css(theme.high));
  for (const t of root.querySelectorAll("text")) t.setAttribute("fill", css(t.classList.contains("active") ? theme.focus : theme.foreground));
  return new XMLSerializer().serializeToString(root);
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** The raw tensors, nested [layer][head][query][key] for readers in any language. */
export function viewJson(v: DeepReadonly<AttentionView>): string {
  const T = v.tokens.length;
  const matrix = (a: Float32Array, at: number) => Array.from({ length: T }, (_, q) => Array.from(a.subarray(at + q * T, at + (q + 1) * T), round));
  return JSON.stringify({
    model: v.model,
    text: v.text,
    source: v.source,
    tokens: v.tokens,
    // as lm-lens attention --json: the tokens of one character grouped on the first, concatenating to the text
    display: tokenGroups(v.tokens).map((d) => d.display),
    shape: { layers: v.nLayer, heads: v.nHead, tokens: T },
    // the arrays are indexed from 0; a person reads layers and heads from 1, as the panel names them
    indexing: "attentions[l][h] is layer l + 1, head h + 1 (the panel's names count from 1); headMeans[l] is layer l + 1",
    attentions: Array.from({ length: v.nLayer }, (_, l) => Array.from({ length: v.nHead }, (_, h) => matrix(v.attentions, (l * v.nHead + h) * T * T))),
    headMeans: Array.from({ length: v.nLayer }, (_, l) => matrix(v.headMeans, l * T * T)),
    // saved before the model host sent them: left out rather than written empty
    ...(v.pending ? { pending: "rollout, predictions and next words were still being worked out" } : { rollout: matrix(v.rollout, 0), predictions: v.predictions, nextWords: v.nextWords }),
    ...(v.truncatedNotice ? { truncated: v.truncatedNotice } : {}),
    ...(v.memory ? { memory: v.memory } : {}),
    // "Why this word?": the explanation as the model host gave it (parts named L1H1.., layers counted from 1)
    ...(v.why?.state === "done" ? { explanation: v.why.explanation } : {}),
  });
}
