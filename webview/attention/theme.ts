// The colours and font of the current VS Code theme, read from its --vscode-* CSS variables, so that the
// canvas and the exported images follow light, dark and high-contrast themes.
import { contrastRatio, over, parseCssColor, toHex, type Rgb } from "../../src/shared/colorScale";

export interface Theme {
  background: Rgb;
  foreground: Rgb;
  /** the colour of weight 1; weight 0 is the background */
  high: Rgb;
  /** border of the chosen row / hovered cell */
  focus: Rgb;
  fontFamily: string;
  fontSize: number;
  highContrast: boolean;
  /** one colour per head in the lines view's every-head overlay, from the theme's chart colours (cycled past them) */
  heads: readonly Rgb[];
}

/** the chart colours, in the order heads take them */
const HEAD_COLOURS = ["--vscode-charts-blue", "--vscode-charts-orange", "--vscode-charts-green", "--vscode-charts-purple", "--vscode-charts-red", "--vscode-charts-yellow"];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function color(name: string, under: Rgb, fallback: Rgb): Rgb {
  const c = parseCssColor(cssVar(name));
  return c ? over(c, under) : fallback;
}

export function readTheme(): Theme {
  const highContrast = document.body.classList.contains("vscode-high-contrast") || document.body.classList.contains("vscode-high-contrast-light");
  const dark = document.body.classList.contains("vscode-dark") || (highContrast && !document.body.classList.contains("vscode-high-contrast-light"));
  const background = color("--vscode-editor-background", dark ? [0, 0, 0] : [255, 255, 255], dark ? [30, 30, 30] : [255, 255, 255]);
  const foreground = color("--vscode-editor-foreground", background, dark ? [212, 212, 212] : [51, 51, 51]);
  let high = color("--vscode-charts-blue", background, foreground);
  // a chart colour too close to the background (some themes) would hide strong weights: use the text colour
  if (contrastRatio(high, background) < 3) high = foreground;
  const focus = color("--vscode-focusBorder", background, foreground);
  const size = parseFloat(cssVar("--vscode-editor-font-size"));
  // a chart colour the background hides (a light theme's yellow) is left out, so every head's lines show
  const heads = HEAD_COLOURS.map((v) => parseCssColor(cssVar(v)))
    .filter((c): c is NonNullable<typeof c> => c !== undefined)
    .map((c) => over(c, background))
    .filter((c) => contrastRatio(c, background) >= 1.8);
  return {
    background,
    foreground,
    high,
    focus,
    fontFamily: cssVar("--vscode-editor-font-family") || "monospace",
    fontSize: Number.isFinite(size) && size > 0 ? Math.min(size, 13) : 12,
    highContrast,
    heads: heads.length > 0 ? heads : [high],
  };
}

export const css = toHex;
