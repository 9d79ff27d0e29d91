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
}

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
  return {
    background,
    foreground,
    high,
    focus,
    fontFamily: cssVar("--vscode-editor-font-family") || "monospace",
    fontSize: Number.isFinite(size) && size > 0 ? Math.min(size, 13) : 12,
    highContrast,
  };
}

export const css = toHex;
