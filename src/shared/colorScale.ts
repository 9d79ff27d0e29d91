// The colour scale of the attention heatmaps: 0 is the editor's background, 1 the theme's chart colour,
// linear in between, so the picture follows light, dark and high-contrast themes. PURE, shared with the
// webview (which reads the theme's CSS variables) and the unit tests.

export type Rgb = readonly [number, number, number];
export interface Rgba {
  rgb: Rgb;
  /** 0..1 */
  alpha: number;
}

const clamp01 = (v: number) => (Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v)));
const byte = (v: number) => Math.round(Math.min(255, Math.max(0, v)));

/** #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(…) and rgba(…) (comma or space syntax); anything else: undefined. */
export function parseCssColor(input: string): Rgba | undefined {
  const s = input.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s);
  if (hex) {
    let h = hex[1];
    if (h.length === 3 || h.length === 4) h = [...h].map((c) => c + c).join("");
    if (h.length !== 6 && h.length !== 8) return undefined;
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return { rgb: [n(0), n(2), n(4)], alpha: h.length === 8 ? n(6) / 255 : 1 };
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(s);
  if (fn) {
    const parts = fn[1].split(/[\s,/]+/).filter(Boolean);
    if (parts.length !== 3 && parts.length !== 4) return undefined;
    const nums = parts.map((p, i) => {
      const pct = p.endsWith("%");
      const v = Number(pct ? p.slice(0, -1) : p);
      if (!Number.isFinite(v)) return NaN;
      if (i === 3) return pct ? v / 100 : v;
      return pct ? (v * 255) / 100 : v;
    });
    if (nums.some(Number.isNaN)) return undefined;
    return { rgb: [byte(nums[0]), byte(nums[1]), byte(nums[2])], alpha: clamp01(nums[3] ?? 1) };
  }
  return undefined;
}

/** A translucent colour painted over an opaque one. */
export function over(top: Rgba, under: Rgb): Rgb {
  const a = clamp01(top.alpha);
  return [0, 1, 2].map((i) => byte(top.rgb[i] * a + under[i] * (1 - a))) as unknown as Rgb;
}

/** The colour of value v (clamped to 0..1): low at 0, high at 1, linear in between. */
export function colorScale(v: number, low: Rgb, high: Rgb): Rgb {
  const t = clamp01(v);
  return [byte(low[0] + (high[0] - low[0]) * t), byte(low[1] + (high[1] - low[1]) * t), byte(low[2] + (high[2] - low[2]) * t)];
}

export function toHex(c: Rgb): string {
  return "#" + c.map((v) => byte(v).toString(16).padStart(2, "0")).join("");
}

/** WCAG relative luminance, to pick readable text over a cell. */
export function luminance(c: Rgb): number {
  const lin = c.map((v) => {
    const s = byte(v) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

/** WCAG contrast ratio of two opaque colours, 1..21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
