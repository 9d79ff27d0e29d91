// The part of a T×T attention matrix the heatmap shows: n rows from row0 and n columns from col0, square
// cells. At 20 tokens the whole matrix fits with every token's name on its axes; at 141–256 tokens it does
// not, so the heatmap opens on a window around the chosen token, with names, which the user zooms (more or
// fewer cells) and pans (other rows, other columns), the whole matrix one zoom away. Pure: no DOM.

export interface Viewport {
  /** rows shown, and columns shown (1..T) */
  n: number;
  /** the first row shown (a looking token) */
  row0: number;
  /** the first column shown (a token looked at) */
  col0: number;
}

/** the fewest cells a zoom shows */
export const MIN_CELLS = 6;

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/** The viewport made valid for T tokens: n within 1..T (at least MIN_CELLS where T has them), both starts inside. */
export function clampViewport(v: Viewport, T: number): Viewport {
  if (T <= 0) return { n: 0, row0: 0, col0: 0 };
  const n = clamp(Math.round(Number.isFinite(v.n) ? v.n : T), Math.min(T, MIN_CELLS), T);
  const start = (x: number) => clamp(Math.round(Number.isFinite(x) ? x : 0), 0, T - n);
  return { n, row0: start(v.row0), col0: start(v.col0) };
}

/**
 * The viewport moved as little as it must so that row q and column k show: a row that is out of view
 * comes to the middle; a column that is out comes three quarters of the way across, so that the tokens just
 * before it (what a token mostly reads) show beside it and the hatched future takes little room.
 */
export function follow(v: Viewport, T: number, q: number, k = q): Viewport {
  const c = clampViewport(v, T);
  if (c.n === 0) return c;
  let { row0, col0 } = c;
  if (q < row0 || q >= row0 + c.n) row0 = q - Math.floor(c.n / 2);
  if (k < col0 || k >= col0 + c.n) col0 = k - Math.ceil((c.n * 3) / 4) + 1;
  return clampViewport({ n: c.n, row0, col0 }, T);
}

/** The viewport shifted by rows and columns (a drag, a wheel, the keys), stopping at the matrix's edges. */
export function pan(v: Viewport, T: number, rows: number, cols: number): Viewport {
  return clampViewport({ n: v.n, row0: v.row0 + rows, col0: v.col0 + cols }, T);
}

/**
 * Zoomed to n cells (fewer: larger cells), keeping the cell `at` (row, column; the middle by default)
 * where it was on the screen, as maps zoom around the pointer.
 */
export function zoomTo(v: Viewport, T: number, n: number, at?: { q: number; k: number }): Viewport {
  const c = clampViewport(v, T);
  if (c.n === 0) return c;
  const next = clampViewport({ ...c, n }, T).n;
  const q = at?.q ?? c.row0 + c.n / 2;
  const k = at?.k ?? c.col0 + c.n / 2;
  // the anchor's place across the view, 0..1, kept (and the anchor's cell kept inside it, whatever the rounding)
  const keep = (a: number, start: number) => {
    const at = Math.round(a - ((a + 0.5 - start) / c.n) * next + 0.5);
    return Math.floor(a) >= 0 ? Math.max(Math.floor(a) - next + 1, Math.min(Math.floor(a), at)) : at;
  };
  return clampViewport({ n: next, row0: keep(q, c.row0), col0: keep(k, c.col0) }, T);
}

/** One zoom step: in shows about two thirds as many cells, out half as many again (never past 1..T). */
export function zoomStep(v: Viewport, T: number, direction: "in" | "out", at?: { q: number; k: number }): Viewport {
  const n = direction === "in" ? Math.floor((v.n * 2) / 3) : Math.ceil(v.n * 1.5);
  return zoomTo(v, T, n === v.n ? v.n + (direction === "in" ? -1 : 1) : n, at);
}

/** Whether the viewport shows the whole matrix. */
export function isWhole(v: Viewport, T: number): boolean {
  return v.n >= T;
}

/** "rows 120–151, columns 113–144 of 256 tokens" (numbered from 0, as the token strip numbers them), or "all 20 tokens". */
export function describeViewport(v: Viewport, T: number): string {
  if (T === 0) return "";
  if (isWhole(v, T)) return `all ${T} tokens`;
  const range = (a: number) => `${a}–${a + v.n - 1}`;
  return `rows ${range(v.row0)}, columns ${range(v.col0)} of ${T} tokens`;
}
