// A heatmap's zoom bar: which rows and columns the window shows, the buttons' states, and the overview of
// the whole matrix with the window framed (shown only while the window is not the whole matrix).
import { drawOverview } from "../heatmap";
import { type ReadState } from "../state";
import { type ZoomBar } from "../skeleton";
import { T } from "../derived";
import { describeViewport, isWhole, MIN_CELLS, type Viewport } from "../viewport";

/** the overview's size, CSS pixels */
export const OVERVIEW_PX = 64;

/** the overview's scale (px per token) of each bar as last drawn, for mapping a click: a cache of this view's own, not state */
const scales = new WeakMap<ZoomBar, number>();

export function overviewScale(bar: ZoomBar): number {
  return scales.get(bar) ?? 1;
}

export function renderZoom(s: ReadState, bar: ZoomBar, v: Viewport, m: Float32Array, labelled: boolean): void {
  const n = T(s);
  const ready = !!s.view && n > 0 && m.length === n * n;
  bar.bar.hidden = !s.view || n === 0;
  bar.zoomIn.disabled = !ready || v.n <= Math.min(n, MIN_CELLS);
  bar.zoomOut.disabled = !ready || isWhole(v, n);
  bar.whole.disabled = !ready || isWhole(v, n);
  bar.names.disabled = !ready || s.zoom.n === null;
  bar.where.textContent = ready ? `${describeViewport(v, n)}${labelled ? "" : " (too small to name: zoom in, or hover a cell)"}` : "";
  bar.overview.hidden = !ready || isWhole(v, n);
  if (ready && !isWhole(v, n)) scales.set(bar, drawOverview(bar.overview, m, n, s.theme, OVERVIEW_PX, v));
}
