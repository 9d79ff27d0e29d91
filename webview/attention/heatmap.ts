// Heatmaps of T×T attention matrices on <canvas>: rows are the token that looks (query), columns the token
// it looks at (key). The causal triangle above the diagonal (the future, which a token cannot see) is
// hatched, not coloured, so that it reads as empty rather than as weight 0.
import { colorScale } from "../../src/shared/colorScale";
import { css, type Theme } from "./theme";

export interface Layout {
  x0: number;
  y0: number;
  cell: number;
  T: number;
}

export interface Cell {
  q: number;
  k: number;
}

/** The matrix as a T×T image, one pixel per cell; the causal triangle is left at the background colour. */
function matrixCanvas(m: Float32Array, T: number, theme: Theme): HTMLCanvasElement {
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
  return c;
}

function hatchFuture(ctx: CanvasRenderingContext2D, x: number, y: number, cell: number, T: number, theme: Theme): void {
  if (T < 2) return;
  ctx.save();
  ctx.beginPath();
  for (let q = 0; q < T - 1; q++) ctx.rect(x + (q + 1) * cell, y + q * cell, (T - q - 1) * cell, cell);
  ctx.clip();
  ctx.strokeStyle = css(theme.foreground);
  ctx.globalAlpha = theme.highContrast ? 0.6 : 0.22;
  ctx.lineWidth = 1;
  const size = T * cell;
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
  hatchFuture(ctx, 0, 0, size / T, T, theme);
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
}

function shorten(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join("") + "…";
}

/** Draws the matrix with its axes; returns where the cells are, for hit-testing. */
export function drawHeatmap(canvas: HTMLCanvasElement, p: HeatmapPicture): Layout {
  const { T, theme } = p;
  const dpr = window.devicePixelRatio || 1;
  const ctx = canvas.getContext("2d")!;
  const font = `${theme.fontSize}px ${theme.fontFamily}`;
  ctx.font = font;
  const labels = p.labels.map((l) => shorten(l, 12));
  // labels when the cells are tall enough to carry them; otherwise index ticks
  const roughCell = Math.floor((Math.min(p.maxWidth, p.maxHeight) - 40) / Math.max(1, T));
  const withLabels = T > 0 && roughCell >= theme.fontSize + 2;
  const labelWidth = withLabels ? Math.min(110, labels.reduce((m, l) => Math.max(m, ctx.measureText(l).width), 0)) + 8 : 28;
  const x0 = Math.ceil(labelWidth);
  const y0 = Math.ceil(labelWidth);
  const fit = Math.min(p.maxWidth - x0 - 4, p.maxHeight - y0 - 4);
  const cell = Math.max(2, Math.min(32, Math.floor(fit / Math.max(1, T))));
  const width = x0 + cell * T + 4;
  const height = y0 + cell * T + 4;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = css(theme.background);
  ctx.fillRect(0, 0, width, height);
  if (T === 0) return { x0, y0, cell, T };

  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(matrixCanvas(p.matrix, T, theme), x0, y0, cell * T, cell * T);
  hatchFuture(ctx, x0, y0, cell, T, theme);

  // axes
  ctx.font = font;
  ctx.fillStyle = css(theme.foreground);
  ctx.textBaseline = "middle";
  if (withLabels) {
    ctx.textAlign = "right";
    labels.forEach((l, i) => {
      ctx.fillStyle = css(i === p.chosen ? theme.focus : theme.foreground);
      ctx.fillText(l, x0 - 4, y0 + (i + 0.5) * cell, labelWidth - 6);
    });
    ctx.save();
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "left";
    labels.forEach((l, i) => {
      ctx.fillStyle = css(i === p.chosen ? theme.focus : theme.foreground);
      // rotated: x is -y, y is x
      ctx.fillText(l, -(y0 - 4), x0 + (i + 0.5) * cell, labelWidth - 6);
    });
    ctx.restore();
  } else {
    const every = T <= 50 ? 10 : T <= 200 ? 25 : 50;
    ctx.font = `${Math.max(9, theme.fontSize - 2)}px ${theme.fontFamily}`;
    for (let i = 0; i < T; i += every) {
      ctx.textAlign = "right";
      ctx.fillText(String(i), x0 - 3, y0 + (i + 0.5) * cell);
      ctx.textAlign = "center";
      ctx.fillText(String(i), x0 + (i + 0.5) * cell, y0 - 8);
    }
  }

  // the chosen row: what that token looks at
  if (p.chosen >= 0 && p.chosen < T) {
    ctx.strokeStyle = css(theme.focus);
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 - 1, y0 + p.chosen * cell - 1, (p.chosen + 1) * cell + 2, cell + 2);
  }
  if (p.hover && p.hover.q < T && p.hover.k <= p.hover.q) {
    ctx.strokeStyle = css(theme.foreground);
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + p.hover.k * cell + 0.5, y0 + p.hover.q * cell + 0.5, cell - 1, cell - 1);
  }
  return { x0, y0, cell, T };
}

/** The cell under a mouse position (in the canvas's CSS pixels), or null outside the matrix. */
export function cellAt(layout: Layout, x: number, y: number): Cell | null {
  const k = Math.floor((x - layout.x0) / layout.cell);
  const q = Math.floor((y - layout.y0) / layout.cell);
  if (q < 0 || k < 0 || q >= layout.T || k >= layout.T) return null;
  return { q, k };
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
