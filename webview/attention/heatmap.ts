// Heatmaps of T×T attention matrices on <canvas>: rows are the token that looks (query), columns the token
// it looks at (key). The causal triangle above the diagonal (the future, which a token cannot see) is
// hatched, not coloured, so that it reads as empty rather than as weight 0.
import { colorScale } from "../../src/shared/colorScale";
import { css, type Theme } from "./theme";
import { clampViewport, type Viewport } from "./viewport";

/** Where a drawing put the cells: the window of the matrix it shows (viewport.ts), from x0, y0, cell px each. */
export interface Layout {
  x0: number;
  y0: number;
  cell: number;
  T: number;
  row0: number;
  col0: number;
  /** rows and columns drawn */
  n: number;
  /** whether every row and column carries its token's name */
  labelled: boolean;
}

export interface Cell {
  q: number;
  k: number;
}

/** the last matrix drawn as an image, for the same matrix and theme: zooming and panning redraw often */
let imageCache: { buffer: ArrayBufferLike; offset: number; T: number; theme: Theme; canvas: HTMLCanvasElement } | undefined;

/** The matrix as a T×T image, one pixel per cell; the causal triangle is left at the background colour. */
function matrixCanvas(m: Float32Array, T: number, theme: Theme): HTMLCanvasElement {
  // keyed by where the matrix lies, not by the view object: currentMatrix gives a new subarray each call
  if (imageCache && imageCache.buffer === m.buffer && imageCache.offset === m.byteOffset && imageCache.T === T && imageCache.theme === theme) return imageCache.canvas;
  const img = new ImageData(Math.max(1, T), Math.max(1, T));
  for (let q = 0; q < T; q++) {
    for (let k = 0; k < T; k++) {
      const c = k > q ? theme.background : colorScale(m[q * T + k], theme.background, theme.high);
      const i = (q * T + k) * 4;
      img.data[i] = c[0];
      img.data[i + 1] = c[1];
      img.data[i + 2] = c[2];
      img.data[i + 3] = 255;
    }
  }
  const c = document.createElement("canvas");
  c.width = img.width;
  c.height = img.height;
  c.getContext("2d")!.putImageData(img, 0, 0);
  imageCache = { buffer: m.buffer, offset: m.byteOffset, T, theme, canvas: c };
  return c;
}

/** Hatches the cells of the future (column after row) among rows row0.. and columns col0.. (n each), drawn from x, y. */
function hatchFuture(ctx: CanvasRenderingContext2D, x: number, y: number, cell: number, n: number, row0: number, col0: number, theme: Theme): void {
  if (n < 1) return;
  ctx.save();
  ctx.beginPath();
  let any = false;
  for (let r = 0; r < n; r++) {
    // row row0 + r cannot see columns after it: from column (row0 + r + 1) - col0 on
    const from = Math.max(0, row0 + r + 1 - col0);
    if (from >= n) continue;
    ctx.rect(x + from * cell, y + r * cell, (n - from) * cell, cell);
    any = true;
  }
  if (!any) {
    ctx.restore();
    return;
  }
  ctx.clip();
  ctx.strokeStyle = css(theme.foreground);
  ctx.globalAlpha = theme.highContrast ? 0.6 : 0.22;
  ctx.lineWidth = 1;
  const size = n * cell;
  const step = Math.max(4, Math.min(8, cell));
  ctx.beginPath();
  for (let d = -size; d < size; d += step) {
    ctx.moveTo(x + d, y);
    ctx.lineTo(x + d + size, y + size);
  }
  ctx.stroke();
  ctx.restore();
}

/** A small heatmap (the grid of every layer × head) of size px square. */
export function drawThumbnail(canvas: HTMLCanvasElement, m: Float32Array, T: number, theme: Theme, size: number): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(size * dpr);
  canvas.height = Math.round(size * dpr);
  canvas.style.width = `${size}px`;
  canvas.style.height = `${size}px`;
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = css(theme.background);
  ctx.fillRect(0, 0, size, size);
  if (T === 0) return;
  // enlarging keeps the cells sharp; shrinking averages them so that no row disappears
  ctx.imageSmoothingEnabled = T > size;
  ctx.drawImage(matrixCanvas(m, T, theme), 0, 0, size, size);
  hatchFuture(ctx, 0, 0, size / T, T, 0, 0, theme);
}

export interface HeatmapPicture {
  matrix: Float32Array;
  T: number;
  /** token labels, whitespace made visible */
  labels: readonly string[];
  chosen: number;
  hover: Cell | null;
  theme: Theme;
  /** CSS pixels available for the whole picture; the cells shrink to fit both (down to 2 px, then the picture scrolls) */
  maxWidth: number;
  maxHeight: number;
  /** the rows and columns shown (viewport.ts); the whole matrix when absent */
  view?: Viewport;
}

function shorten(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join("") + "…";
}

/** the room the axes' names take at most, beside and above the cells */
const LABEL_ROOM = 118;

/** The room the axes' names take: the widest of `labels` (as drawn, at most 12 characters) and its margin. */
export function labelRoom(labels: readonly string[], theme: Theme): number {
  const ctx = document.createElement("canvas").getContext("2d");
  if (!ctx) return LABEL_ROOM;
  ctx.font = `${theme.fontSize}px ${theme.fontFamily}`;
  return Math.ceil(Math.min(110, labels.reduce((m, l) => Math.max(m, ctx.measureText(shorten(l, 12)).width), 0)) + 8);
}

/**
 * The most rows (and columns) that fit in the space with every token's name on its axes (a cell as tall
 * as a line of text), `room` the names' own room beside and above the cells.
 */
export function labelledCells(maxWidth: number, maxHeight: number, fontSize: number, room = LABEL_ROOM): number {
  return Math.max(1, Math.floor((Math.min(maxWidth, maxHeight) - room - 4) / (fontSize + 2)));
}

/** Draws the matrix (or the viewport's window of it) with its axes; returns where the cells are, for hit-testing. */
export function drawHeatmap(canvas: HTMLCanvasElement, p: HeatmapPicture): Layout {
  const { T, theme } = p;
  const v = p.view && T > 0 ? clampViewport(p.view, T) : { n: T, row0: 0, col0: 0 };
  const { n, row0, col0 } = v;
  const dpr = window.devicePixelRatio || 1;
  const ctx = canvas.getContext("2d")!;
  const font = `${theme.fontSize}px ${theme.fontFamily}`;
  ctx.font = font;
  const labels = p.labels.map((l) => shorten(l, 12));
  // names when the cells are tall enough to carry them; otherwise index ticks
  const shown = (from: number) => labels.slice(from, from + n);
  const room = Math.min(110, [...shown(row0), ...shown(col0)].reduce((m, l) => Math.max(m, ctx.measureText(l).width), 0)) + 8;
  const labelled = n > 0 && n <= labelledCells(p.maxWidth, p.maxHeight, theme.fontSize, Math.ceil(room));
  const labelWidth = labelled ? room : 28;
  const x0 = Math.ceil(labelWidth);
  const y0 = Math.ceil(labelWidth);
  const fit = Math.min(p.maxWidth - x0 - 4, p.maxHeight - y0 - 4);
  // whole pixels while each cell has two or more; below that (the whole of a long matrix) the cells shrink
  // to fit the width, averaged rather than dropped, instead of scrolling out of the panel
  const cell = n * 2 > fit ? Math.max(0.25, fit / n) : Math.max(2, Math.min(32, Math.floor(fit / Math.max(1, n))));
  const width = x0 + cell * n + 4;
  const height = y0 + cell * n + 4;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.dataset.cell = String(Math.round(cell * 100) / 100);
  canvas.dataset.view = `${n} ${row0} ${col0}`;
  canvas.dataset.labelled = String(labelled);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = css(theme.background);
  ctx.fillRect(0, 0, width, height);
  const layout: Layout = { x0, y0, cell, T, row0, col0, n, labelled };
  if (T === 0) return layout;

  ctx.imageSmoothingEnabled = cell < 2;
  // the window's cells: its part of the T×T image, one pixel per cell, enlarged
  ctx.drawImage(matrixCanvas(p.matrix, T, theme), col0, row0, n, n, x0, y0, cell * n, cell * n);
  hatchFuture(ctx, x0, y0, cell, n, row0, col0, theme);

  // axes
  ctx.font = font;
  ctx.fillStyle = css(theme.foreground);
  ctx.textBaseline = "middle";
  if (labelled) {
    ctx.textAlign = "right";
    for (let r = 0; r < n; r++) {
      const i = row0 + r;
      ctx.fillStyle = css(i === p.chosen ? theme.focus : theme.foreground);
      ctx.fillText(labels[i], x0 - 4, y0 + (r + 0.5) * cell, labelWidth - 6);
    }
    ctx.save();
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "left";
    for (let c = 0; c < n; c++) {
      const i = col0 + c;
      ctx.fillStyle = css(i === p.chosen ? theme.focus : theme.foreground);
      // rotated: x is -y, y is x
      ctx.fillText(labels[i], -(y0 - 4), x0 + (c + 0.5) * cell, labelWidth - 6);
    }
    ctx.restore();
  } else {
    const every = n <= 50 ? 10 : n <= 200 ? 25 : 50;
    ctx.font = `${Math.max(9, theme.fontSize - 2)}px ${theme.fontFamily}`;
    const first = (from: number) => Math.ceil(from / every) * every;
    ctx.textAlign = "right";
    for (let i = first(row0); i < row0 + n; i += every) ctx.fillText(String(i), x0 - 3, y0 + (i - row0 + 0.5) * cell);
    ctx.textAlign = "center";
    for (let i = first(col0); i < col0 + n; i += every) ctx.fillText(String(i), x0 + (i - col0 + 0.5) * cell, y0 - 8);
  }

  // the chosen row: what that token looks at (its cells up to the diagonal that the window shows)
  const r = p.chosen - row0;
  if (p.chosen >= 0 && r >= 0 && r < n) {
    const last = Math.min(n, p.chosen - col0 + 1);
    if (last > 0) {
      ctx.strokeStyle = css(theme.focus);
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 - 1, y0 + r * cell - 1, last * cell + 2, cell + 2);
    }
  }
  const h = p.hover;
  if (h && h.q < T && h.k <= h.q && h.q >= row0 && h.q < row0 + n && h.k >= col0 && h.k < col0 + n) {
    ctx.strokeStyle = css(theme.foreground);
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + (h.k - col0) * cell + 0.5, y0 + (h.q - row0) * cell + 0.5, Math.max(1, cell - 1), Math.max(1, cell - 1));
  }
  return layout;
}

/** The cell under a mouse position (in the canvas's CSS pixels), as the matrix's row and column, or null outside the cells. */
export function cellAt(layout: Layout, x: number, y: number): Cell | null {
  const c = Math.floor((x - layout.x0) / layout.cell);
  const r = Math.floor((y - layout.y0) / layout.cell);
  if (r < 0 || c < 0 || r >= layout.n || c >= layout.n) return null;
  return { q: layout.row0 + r, k: layout.col0 + c };
}

/** Where a cell of the matrix is drawn (its top left corner, CSS pixels), or null when the window does not show it. */
export function cellBox(layout: Layout, cell: Cell): { x: number; y: number } | null {
  const r = cell.q - layout.row0;
  const c = cell.k - layout.col0;
  if (r < 0 || c < 0 || r >= layout.n || c >= layout.n) return null;
  return { x: layout.x0 + c * layout.cell, y: layout.y0 + r * layout.cell };
}

/**
 * The overview beside a zoomed heatmap: the whole matrix, small, with the window shown framed. Returns the
 * scale (CSS px per token) for mapping a click back to a row and column.
 */
export function drawOverview(canvas: HTMLCanvasElement, m: Float32Array, T: number, theme: Theme, size: number, v: Viewport): number {
  drawThumbnail(canvas, m, T, theme, size);
  if (T === 0) return 1;
  const ctx = canvas.getContext("2d")!;
  const scale = size / T;
  ctx.strokeStyle = css(theme.focus);
  ctx.lineWidth = 2;
  ctx.strokeRect(v.col0 * scale + 1, v.row0 * scale + 1, Math.max(3, v.n * scale - 2), Math.max(3, v.n * scale - 2));
  return scale;
}

/** The colour legend, 0 to 1. */
export function drawLegend(canvas: HTMLCanvasElement, theme: Theme): void {
  const dpr = window.devicePixelRatio || 1;
  const w = 160;
  const h = 12;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  for (let x = 0; x < w; x++) {
    ctx.fillStyle = css(colorScale(x / (w - 1), theme.background, theme.high));
    ctx.fillRect(x, 0, 1, h);
  }
  ctx.strokeStyle = css(theme.foreground);
  ctx.globalAlpha = 0.5;
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
  ctx.globalAlpha = 1;
}
