// What the views compute from the state: the matrix shown, labels, sizes.
import { visibleWhitespace } from "../../src/shared/tokenDisplay";
import { type Layout } from "./heatmap";
import { MEAN, S, send } from "./state";
import { panels } from "./skeleton";
// ---------------------------------------------------------------- derived data

export function T(): number {
  return S.view?.tokens.length ?? 0;
}

export function labels(max = 18): string[] {
  return (S.view?.tokens ?? []).map((t) => {
    const s = visibleWhitespace(t.text) || "∅";
    const chars = [...s];
    return chars.length <= max ? s : chars.slice(0, max - 1).join("") + "…";
  });
}

/** The T×T matrix of the chosen layer and head (or the heads' average), [query, key]; empty while it has not arrived. */
export function currentMatrix(): Float32Array {
  if (!S.view) return new Float32Array(0);
  const TT = T() * T();
  const s = S.view.shown;
  if (S.view.pending) return s && s.layer === S.ui.layer && (s.head ?? MEAN) === S.ui.head ? s.matrix : new Float32Array(0);
  if (S.ui.head === MEAN) return S.view.headMeans.subarray(S.ui.layer * TT, (S.ui.layer + 1) * TT);
  const at = (S.ui.layer * S.view.nHead + S.ui.head) * TT;
  return S.view.attentions.subarray(at, at + TT);
}

/** Tell the extension which head the heatmap shows, so that the next view's first message carries it. */
export function sendShowing(): void {
  send({ type: "showing", layer: Math.max(0, S.ui.layer), head: S.ui.head === MEAN ? null : S.ui.head });
}

export function selectionName(): string {
  if (!S.view) return "";
  return S.ui.head === MEAN ? `layer ${S.ui.layer + 1}, average of ${S.view.nHead} heads` : `layer ${S.ui.layer + 1}, head ${S.ui.head + 1}`;
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

/** Scroll a heatmap's box so that the chosen row shows. */
export function revealRow(canvas: HTMLCanvasElement, layout: Layout | undefined): void {
  const wrap = canvas.parentElement;
  if (!wrap || !layout || S.ui.chosen < 0) return;
  const top = layout.y0 + S.ui.chosen * layout.cell;
  if (top < wrap.scrollTop + layout.y0 || top + layout.cell > wrap.scrollTop + wrap.clientHeight) {
    wrap.scrollTop = Math.max(0, top - wrap.clientHeight / 2);
  }
}

