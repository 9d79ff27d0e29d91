// The heatmap of one layer and head (or the heads' average), with a sentence that reads the chosen row.
import { drawHeatmap, drawLegend, type Layout } from "../heatmap";
import { type ReadState } from "../state";
import { heatCanvas, heatSummary, heatLegend, heatZoom } from "../skeleton";
import { T, labels, currentMatrix, selectionName, availableWidth, availableHeight, heatViewport } from "../derived";
import { renderZoom } from "./zoom";

/** where the last drawing put the cells: a cache of this view's own, for hit-testing the pointer (not state) */
let layout: Layout | undefined;

export function heatmapLayout(): Layout | undefined {
  return layout;
}

export function describeRow(s: ReadState, q: number, m: Float32Array): string {
  if (!s.view || q < 0 || q >= T(s)) return "";
  const n = T(s);
  const lab = labels(s);
  const top = Array.from({ length: q + 1 }, (_, k) => ({ k, w: m[q * n + k] }))
    .sort((a, b) => b.w - a.w)
    .slice(0, 3)
    .map((x) => `“${lab[x.k]}” ${(x.w * 100).toFixed(0)}%`);
  return `“${lab[q]}” (token ${q}) looks most at ${top.join(", ")}.`;
}

export function renderHeatmap(s: ReadState): void {
  const m = currentMatrix(s);
  const size = { theme: s.theme, maxWidth: availableWidth(), maxHeight: availableHeight() };
  if (s.view && m.length !== T(s) * T(s)) {
    // this head's weights follow in a moment (details)
    layout = drawHeatmap(heatCanvas, { matrix: m, T: 0, labels: [], chosen: 0, hover: null, ...size });
    heatSummary.textContent = `Loading ${selectionName(s)}…`;
    renderZoom(s, heatZoom, heatViewport(s), m, false);
    return;
  }
  const hover = s.hoverCell ?? (s.keyColumn >= 0 ? { q: s.ui.chosen, k: s.keyColumn } : null);
  const view = heatViewport(s);
  layout = drawHeatmap(heatCanvas, { matrix: m, T: T(s), labels: labels(s), chosen: s.ui.chosen, hover, view, ...size });
  renderZoom(s, heatZoom, view, m, layout.labelled);
  const name = selectionName(s);
  heatCanvas.setAttribute("aria-label", `Attention heatmap, ${name}. Up and down arrows choose the looking token, left and right read its row.`);
  heatSummary.textContent = s.view ? `${name[0].toUpperCase()}${name.slice(1)}: ${describeRow(s, s.ui.chosen, m)}` : "";
  drawLegend(heatLegend, s.theme);
}
