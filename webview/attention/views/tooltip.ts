// A heatmap's tip: what one cell's weight means, beside the cell (under the pointer or the keyboard's column).
import { cellBox, type Cell, type Layout } from "../heatmap";
import { type ReadState } from "../state";
import { T, labels } from "../derived";

/** The tip of `cell` of matrix `m` ([query, key]); hidden when there is no cell or no view. */
export function showTip(s: ReadState, tip: HTMLElement, layout: Layout | undefined, cell: Cell | null, m: Float32Array): void {
  const box = layout && cell ? cellBox(layout, cell) : null;
  if (!layout || !cell || !box || !s.view) {
    tip.hidden = true;
    return;
  }
  const lab = labels(s);
  const v = m[cell.q * T(s) + cell.k];
  tip.textContent =
    cell.k > cell.q ? `“${lab[cell.q]}” cannot see “${lab[cell.k]}”: it comes later.` : `“${lab[cell.q]}” → “${lab[cell.k]}”: ${v.toFixed(3)} (${(v * 100).toFixed(1)}% of its attention)`;
  tip.hidden = false;
  // right of the cell, or left of it where the panel's edge would cut the tip off
  const wrap = tip.parentElement;
  const right = box.x + layout.cell + 8;
  const room = wrap ? wrap.scrollLeft + wrap.clientWidth : Infinity;
  tip.style.left = `${right + tip.offsetWidth <= room ? right : Math.max(wrap?.scrollLeft ?? 0, box.x - tip.offsetWidth - 8)}px`;
  tip.style.top = `${box.y + layout.cell + 4}px`;
}
