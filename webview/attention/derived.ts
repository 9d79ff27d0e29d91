// What the views compute from the state (read-only): the matrix shown, labels, sizes.
import { tokenGroups, tokenLabel, type TokenDisplay } from "../../src/shared/tokenDisplay";
import { SAMPLING_LIMITS, type SamplingSettings } from "../../src/shared/attentionProtocol";
import { samplingShares } from "../../src/shared/sampling";
import { labelRoom, labelledCells, type Layout } from "./heatmap";
import { clampViewport, type Viewport } from "./viewport";
import { MEAN, type ReadState } from "./state";
import { panels } from "./skeleton";

export function T(s: ReadState): number {
  return s.view?.tokens.length ?? 0;
}

/** the tokens' displays, for the tokens they were worked out for (a new view brings new tokens): a cache, not state */
let shownFor: { tokens: unknown; shown: TokenDisplay[] } | undefined;

/** How each token of the view reads: the tokens of one character or emoji grouped (tokenDisplay.ts). */
export function displays(s: ReadState): TokenDisplay[] {
  const tokens = s.view?.tokens ?? [];
  if (shownFor?.tokens !== tokens) shownFor = { tokens, shown: tokenGroups(tokens) };
  return shownFor.shown;
}

export function labels(s: ReadState, max = 18): string[] {
  const shown = displays(s);
  return shown.map((_d, i) => {
    const text = tokenLabel(shown, i);
    const chars = [...text];
    return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
  });
}

/** The T×T matrix of the chosen layer and head (or the heads' average), [query, key]; empty while it has not arrived. */
export function currentMatrix(s: ReadState): Float32Array {
  if (!s.view) return new Float32Array(0);
  const TT = T(s) * T(s);
  const shown = s.view.shown;
  if (s.view.pending) return shown && shown.layer === s.ui.layer && (shown.head ?? MEAN) === s.ui.head ? shown.matrix : new Float32Array(0);
  if (s.ui.head === MEAN) return s.view.headMeans.subarray(s.ui.layer * TT, (s.ui.layer + 1) * TT);
  const at = (s.ui.layer * s.view.nHead + s.ui.head) * TT;
  return s.view.attentions.subarray(at, at + TT);
}

export function selectionName(s: ReadState): string {
  if (!s.view) return "";
  return s.ui.head === MEAN ? `layer ${s.ui.layer + 1}, average of ${s.view.nHead} heads` : `layer ${s.ui.layer + 1}, head ${s.ui.head + 1}`;
}

/** CSS pixels a picture may use: the width of the views column, less the panel view's padding. */
export function availableWidth(): number {
  const width = panels.clientWidth || document.body.clientWidth || 600;
  return Math.max(160, width - 40);
}

/** A heatmap fits in most of the window's height, so that its last rows show without scrolling. */
export function availableHeight(): number {
  return Math.max(240, Math.floor(window.innerHeight * 0.8));
}

/**
 * The heatmap's window on the matrix: the zoom's, or where the user has not zoomed, as many rows and
 * columns as carry their names at the panel's width (the whole matrix when it fits).
 */
/** the room the view's names take on the axes, for the labels and theme it was measured with: a cache, not state */
let roomFor: { labels: unknown; theme: unknown; room: number } | undefined;

export function heatViewport(s: ReadState): Viewport {
  const tokens = s.view?.tokens;
  if (roomFor?.labels !== tokens || roomFor?.theme !== s.theme) roomFor = { labels: tokens, theme: s.theme, room: labelRoom(labels(s), s.theme) };
  const n = s.zoom.n ?? labelledCells(availableWidth(), availableHeight(), s.theme.fontSize, roomFor.room);
  return clampViewport({ n, row0: s.zoom.row0, col0: s.zoom.col0 }, T(s));
}

/** Scroll a heatmap's box so that the chosen row shows (where cells are too small to fit the box). */
export function revealRow(canvas: HTMLCanvasElement, layout: Layout | undefined, chosen: number): void {
  const wrap = canvas.parentElement;
  if (!wrap || !layout || chosen < layout.row0 || chosen >= layout.row0 + layout.n) return;
  const top = layout.y0 + (chosen - layout.row0) * layout.cell;
  if (top < wrap.scrollTop + layout.y0 || top + layout.cell > wrap.scrollTop + wrap.clientHeight) {
    wrap.scrollTop = Math.max(0, top - wrap.clientHeight / 2);
  }
}

/**
 * The tokens of the prediction's own window, [first, end): the tokens the model read for the next words
 * (the view may show a longer span; the list's numbers come from this window only). Undefined until known.
 */
export function predictionWindow(view: ReadState["view"]): { first: number; end: number } | undefined {
  if (!view || view.windowStart === undefined) return undefined;
  const at = view.nextWordsAt ?? view.text.length;
  const first = view.tokens.findIndex((t) => t.end > view.windowStart!);
  const after = view.tokens.findIndex((t) => t.end > at);
  return { first: first < 0 ? view.tokens.length : first, end: after < 0 ? view.tokens.length : after };
}

/** The token whose row of attention predicts the next words: the last one before them. */
export function predictingToken(view: ReadState["view"]): number {
  if (!view || view.tokens.length === 0) return -1;
  const at = view.nextWordsAt ?? view.text.length;
  const after = view.tokens.findIndex((t) => t.end > at);
  return (after < 0 ? view.tokens.length : after) - 1;
}

/** The most words top-k may take in the panel: the words it lists (the suggestion's own top-k may reach further). */
export function topKMax(s: ReadState): number {
  return Math.max(1, Math.min(SAMPLING_LIMITS.topK.max, s.view?.nextWords.length ?? 0));
}

/** "Why this word?"'s temperature and top-k: the panel's own, else the user's setting (top-k within the list). */
export function panelSampling(s: ReadState): SamplingSettings | undefined {
  const base = s.sampling ?? s.view?.sampling;
  if (!base) return undefined;
  return { temperature: base.temperature, topK: Math.max(1, Math.min(base.topK, topKMax(s))) };
}

/** Each listed word's chance of being the suggestion at the panel's temperature and top-k: the suggestion's own sampling (sampling.ts). */
export function sampledShares(s: ReadState): number[] {
  const at = panelSampling(s);
  const words = s.view?.nextWords ?? [];
  return at ? samplingShares(words.map((w) => Math.log(w.p)), at.temperature, at.topK) : [];
}
