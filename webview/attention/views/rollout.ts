// Attention rollout through all layers, drawn as a heatmap once the model host has worked it out.
import { drawHeatmap, drawLegend, type Layout } from "../heatmap";
import { type ReadState } from "../state";
import { rollCanvas, rollLegend, rollZoom } from "../skeleton";
import { T, labels, availableWidth, availableHeight, heatViewport } from "../derived";
import { renderZoom } from "./zoom";
import { describeRow } from "./heatmap";

/** where the last drawing put the cells: a cache of this view's own, for hit-testing the pointer (not state) */
let layout: Layout | undefined;

export function rolloutLayout(): Layout | undefined {
  return layout;
}

export function renderRollout(s: ReadState): void {
  if (!s.view) return;
  // while the model host is still working it out, an empty picture (the header says it is coming)
  const n = s.view.pending ? 0 : T(s);
  // the heatmap's window on the matrix, so that switching tabs keeps the place
  const view = heatViewport(s);
  layout = drawHeatmap(rollCanvas, { matrix: s.view.rollout, T: n, labels: labels(s), chosen: s.ui.chosen, hover: null, theme: s.theme, maxWidth: availableWidth(), maxHeight: availableHeight(), view });
  renderZoom(s, rollZoom, view, s.view.pending ? new Float32Array(0) : s.view.rollout, layout.labelled);
  rollCanvas.setAttribute("aria-label", s.view.pending ? "Attention rollout: still being worked out." : `Attention rollout through all ${s.view.nLayer} layers. ${describeRow(s, s.ui.chosen, s.view.rollout)}`);
  drawLegend(rollLegend, s.theme);
}
