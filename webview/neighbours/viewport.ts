// The large map's zoom and pan, as arithmetic on one affine map from the fitted picture to the screen:
// screen = fitted · zoom + offset (the same on both axes, so distances keep their proportions). The
// fitted picture is the whole map at zoom 1, filling the view; zooming keeps the point under the cursor
// (or the view's centre) where it is, and the offset is clamped so that the picture always covers the
// view. Pure: numbers in, numbers out.

export interface Viewport {
  /** 1: the whole map; up to MAX_ZOOM */
  zoom: number;
  /** screen position of the fitted picture's top-left corner, in CSS px */
  ox: number;
  oy: number;
}

export interface Size {
  w: number;
  h: number;
}

export const MIN_ZOOM = 1;
/** far enough to pull apart 51 points that sit within a few pixels of each other at zoom 1 */
export const MAX_ZOOM = 64;
/** one press of + or − */
export const ZOOM_STEP = 1.5;
/** one press of an arrow key: a tenth of the view */
export const PAN_STEP = 0.1;

export const WHOLE: Viewport = { zoom: 1, ox: 0, oy: 0 };

function clampZoom(z: number): number {
  return Number.isFinite(z) ? Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z)) : MIN_ZOOM;
}

/** The offset kept within [size − size·zoom, 0] on each axis: the picture covers the view. */
export function clamp(v: Viewport, size: Size): Viewport {
  const zoom = clampZoom(v.zoom);
  const lim = (o: number, s: number) => Math.min(0, Math.max(s - s * zoom, Number.isFinite(o) ? o : 0));
  return { zoom, ox: lim(v.ox, size.w), oy: lim(v.oy, size.h) };
}

/** Zoom by `factor` about the screen point (px, py), which stays where it is unless the clamp moves it. */
export function zoomAt(v: Viewport, factor: number, px: number, py: number, size: Size): Viewport {
  const zoom = clampZoom(v.zoom * factor);
  const r = zoom / v.zoom;
  return clamp({ zoom, ox: px - (px - v.ox) * r, oy: py - (py - v.oy) * r }, size);
}

/** Zoom about the view's centre (the buttons and the + and − keys). */
export function zoomCentre(v: Viewport, factor: number, size: Size): Viewport {
  return zoomAt(v, factor, size.w / 2, size.h / 2, size);
}

/** Move the picture by (dx, dy) screen pixels (a drag). */
export function panBy(v: Viewport, dx: number, dy: number, size: Size): Viewport {
  return clamp({ zoom: v.zoom, ox: v.ox + dx, oy: v.oy + dy }, size);
}

/** An arrow key: the view moves a tenth of its size that way (so the picture moves the other way). */
export function panKey(v: Viewport, key: string, size: Size): Viewport | undefined {
  const dx = key === "ArrowLeft" ? 1 : key === "ArrowRight" ? -1 : 0;
  const dy = key === "ArrowUp" ? 1 : key === "ArrowDown" ? -1 : 0;
  if (dx === 0 && dy === 0) return undefined;
  return panBy(v, dx * PAN_STEP * size.w, dy * PAN_STEP * size.h, size);
}

/** Where a fitted-picture point shows on the screen. */
export function toScreen(v: Viewport, fx: number, fy: number): { x: number; y: number } {
  return { x: fx * v.zoom + v.ox, y: fy * v.zoom + v.oy };
}

/** The fitted-picture point under a screen point. */
export function toFitted(v: Viewport, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.ox) / v.zoom, y: (sy - v.oy) / v.zoom };
}

/** The view moved as little as it takes to show the fitted point (fx, fy) at least `margin` px inside its edges. */
export function reveal(v: Viewport, fx: number, fy: number, size: Size, margin = 40): Viewport {
  const p = toScreen(v, fx, fy);
  const m = Math.min(margin, size.w / 2, size.h / 2);
  const dx = p.x < m ? m - p.x : p.x > size.w - m ? size.w - m - p.x : 0;
  const dy = p.y < m ? m - p.y : p.y > size.h - m ? size.h - m - p.y : 0;
  return dx === 0 && dy === 0 ? v : panBy(v, dx, dy, size);
}

/** how far from each edge of the view the fitted picture keeps its points, in px (room for labels) */
export const MAP_PAD = 56;

export interface Fit {
  /** px per data unit */
  scale: number;
  /** the data point at the view's centre */
  cx: number;
  cy: number;
  size: Size;
}

/** The first n points' extent on both axes (a loop, not Math.min(...x): spreading a long array overflows the stack). */
export function bounds(x: readonly number[], y: readonly number[], n: number): { minX: number; maxX: number; minY: number; maxY: number } {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, x[i]);
    maxX = Math.max(maxX, x[i]);
    minY = Math.min(minY, y[i]);
    maxY = Math.max(maxY, y[i]);
  }
  return { minX, maxX, minY, maxY };
}

/**
 * How points (x[i], y[i]) in data units fill a view of `size` at zoom 1, `pad` px kept free at each
 * edge: equal scales on both axes, centred, the second component pointing up.
 */
export function fitTransform(x: readonly number[], y: readonly number[], size: Size, pad = MAP_PAD): Fit {
  const n = Math.min(x.length, y.length);
  const { minX, maxX, minY, maxY } = bounds(x, y, n);
  if (n === 0) return { scale: 1, cx: 0, cy: 0, size };
  const w = Math.max(1, size.w - 2 * pad);
  const h = Math.max(1, size.h - 2 * pad);
  const scale = Math.min(w / Math.max(maxX - minX, 1e-9), h / Math.max(maxY - minY, 1e-9));
  return { scale, cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, size };
}

/** A data point's place in the fitted picture. */
export function fitted(f: Fit, x: number, y: number): { x: number; y: number } {
  return { x: f.size.w / 2 + (x - f.cx) * f.scale, y: f.size.h / 2 - (y - f.cy) * f.scale };
}
