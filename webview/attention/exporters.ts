// What the export buttons save: an SVG built from the data (not a screenshot), and the raw tensors as JSON.
// The SVG is built as DOM nodes and serialised, so token text is escaped by the serialiser.
import type { AttentionView } from "../../src/shared/attentionProtocol";
import { colorScale } from "../../src/shared/colorScale";
import { tokenGroups } from "../../src/shared/tokenDisplay";
import { css, type Theme } from "./theme";
import { svgNode as node, SVG_NS as SVG } from "../common/svg";
import { type DeepReadonly } from "../common/store";

/** A standalone SVG of one T×T matrix, with token labels, the hatched future and a legend. */
export function heatmapSvg(m: Float32Array, labels: readonly string[], title: PictureTitle, theme: Theme): string {
  const caption = title.caption;
  const T = labels.length;
  const cell = T <= 40 ? 18 : T <= 120 ? 8 : 4;
  const label = T <= 120 ? 110 : 30;
  const x0 = label;
  const y0 = label + 42;
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
  root.append(node("text", { x: 4, y: 16, fill: fg, "font-size": 12, "font-weight": "bold" }, caption));
  root.append(node("text", { x: 4, y: 34, fill: fg, "font-size": 12, "unicode-bidi": "isolate" }, title.text));
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
  root.append(node("text", { x: x0, y: ly + 24, fill: fg }, "0"), node("text", { x: x0 + 160, y: ly + 24, fill: fg, "text-anchor": "end" }, "1"), node("text", { x: x0 + 170, y: ly + 9, fill: fg }, title.scale));
  root.append(
    node("text", { x: 4, y: ly + 44, fill: fg }, "Row: the token that looks; column: the token it looks at."),
    node("text", { x: 4, y: ly + 60, fill: fg }, "Each row sums to 1. Hatched: later tokens, which it cannot see."),
  );
  return new XMLSerializer().serializeToString(root);
}

/** What an exported picture says about itself: the caption (model, source, layer and head) and the text analysed. */
export interface PictureTitle {
  /** "lm-lens-5m · story.txt:1 · layer 2, head 1" */
  caption: string;
  /** the analysed text, quoted and cut to one line */
  text: string;
  /** what the colour scale measures: "attention weight" or "rollout weight" */
  scale: string;
}

const LEGEND_WIDTH = 160;

/**
 * A PNG of an on-screen heatmap that says what it shows: the caption and the text above the picture, and
 * below it the colour scale from 0 to 1 with what it measures. Drawn at the canvas's own resolution.
 */
export function framedPng(picture: HTMLCanvasElement, title: PictureTitle, theme: Theme): string {
  const dpr = Math.max(1, picture.width / Math.max(1, picture.clientWidth || picture.width));
  const pad = 8;
  const line = 18;
  const width = Math.max(picture.width / dpr + 2 * pad, 520);
  const top = pad + 2 * line + 6;
  const legendTop = top + picture.height / dpr + 14;
  const height = legendTop + 10 + 3 * line + pad;
  const out = document.createElement("canvas");
  out.width = Math.round(width * dpr);
  out.height = Math.round(height * dpr);
  const ctx = out.getContext("2d")!;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = css(theme.background);
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = css(theme.foreground);
  ctx.textBaseline = "middle";
  ctx.font = `bold 13px ${theme.fontFamily}`;
  ctx.fillText(title.caption, pad, pad + line / 2, width - 2 * pad);
  ctx.font = `12px ${theme.fontFamily}`;
  ctx.fillText(title.text, pad, pad + line * 1.5, width - 2 * pad);
  ctx.drawImage(picture, pad, top, picture.width / dpr, picture.height / dpr);
  // the colour scale, as on screen: the background colour at 0, the theme's chart colour at 1
  for (let x = 0; x < LEGEND_WIDTH; x++) {
    ctx.fillStyle = css(colorScale(x / (LEGEND_WIDTH - 1), theme.background, theme.high));
    ctx.fillRect(pad + x, legendTop, 1, 10);
  }
  ctx.strokeStyle = css(theme.foreground);
  ctx.globalAlpha = 0.5;
  ctx.strokeRect(pad + 0.5, legendTop + 0.5, LEGEND_WIDTH - 1, 9);
  ctx.globalAlpha = 1;
  ctx.fillStyle = css(theme.foreground);
  ctx.fillText("0", pad, legendTop + 10 + line / 2);
  ctx.textAlign = "right";
  ctx.fillText("1", pad + LEGEND_WIDTH, legendTop + 10 + line / 2);
  ctx.textAlign = "left";
  ctx.fillText(title.scale, pad + LEGEND_WIDTH + 10, legendTop + 5);
  ctx.fillText("Row: the token that looks; column: the token it looks at. Each row sums to 1.", pad, legendTop + 10 + line * 1.5, width - 2 * pad);
  ctx.fillText("Hatched: later tokens, which it cannot see.", pad, legendTop + 10 + line * 2.5, width - 2 * pad);
  return out.toDataURL("image/png");
}

/** The lines view as a standalone SVG: the on-screen one with its theme colours written in. */
export function linesSvg(onScreen: SVGSVGElement, title: PictureTitle, theme: Theme): string {
  const caption = title.caption;
  const root = onScreen.cloneNode(true) as SVGSVGElement;
  root.setAttribute("xmlns", SVG);
  root.setAttribute("font-family", theme.fontFamily);
  root.setAttribute("font-size", String(theme.fontSize));
  // room above the lines for what they show: the caption and the text (the weight is each line's thickness)
  const head = 44;
  const [w, h] = [Number(root.getAttribute("width")), Number(root.getAttribute("height"))];
  root.setAttribute("height", String(h + head));
  root.setAttribute("viewBox", `0 ${-head} ${w} ${h + head}`);
  const bg = node("rect", { x: 0, y: -head, width: "100%", height: "100%", fill: css(theme.background) });
  root.insertBefore(bg, root.firstChild);
  root.querySelector("title")!.textContent = caption;
  root.append(
    node("text", { x: 4, y: -head + 14, "font-size": 12, "font-weight": "bold" }, caption),
    node("text", { x: 4, y: -head + 32, "font-size": 12, "unicode-bidi": "isolate" }, `${title.text} · a line's thickness is its ${title.scale}`),
  );
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
