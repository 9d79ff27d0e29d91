// The "lines" view (after bertviz): the tokens in two columns, the looking token on the left, the tokens
// it looks at on the right; a line's thickness and opacity are the attention weight. The token labels are
// built once per view; a hover redraws only the lines (replacing the element under the pointer would
// make the browser report a new hover, and so on for ever).
const SVG = "http://www.w3.org/2000/svg";
const ROW = 18;
const COLUMN_WIDTH = 140;
const GAP = 160;
/** lines below this weight are not drawn (they would be invisible anyway) */
const MIN_WEIGHT = 0.01;

/** One head's lines: its [query, key] matrix, and in the every-head overlay its colour, index and (past the theme's colours) dashes. */
export interface HeadLines {
  matrix: Float32Array;
  colour?: string;
  head?: number;
  dashed?: boolean;
}

export interface LinesEvents {
  onHover(index: number | null, side: "left" | "right"): void;
  onPick(index: number): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const leftX = COLUMN_WIDTH;
const rightX = COLUMN_WIDTH + GAP;
const rowY = (i: number) => (i + 0.5) * ROW + 4;

export class LinesView {
  readonly root: SVGSVGElement;
  private readonly weights: SVGGElement;
  private readonly left: SVGTextElement[] = [];
  private readonly right: SVGTextElement[] = [];

  constructor(host: Element, labels: readonly string[], ev: LinesEvents) {
    const T = labels.length;
    const width = 2 * COLUMN_WIDTH + GAP;
    const height = T * ROW + 8;
    this.root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "lines", role: "img" });
    const title = svg("title", {});
    title.textContent = "Lines from each token to the tokens it attends to; thicker and darker means more attention.";
    this.weights = svg("g", { class: "weights" });
    this.root.append(title, this.weights);
    for (const side of ["left", "right"] as const) {
      const col = svg("g", { class: `column ${side}` });
      labels.forEach((label, i) => {
        const t = svg("text", {
          x: side === "left" ? leftX - 4 : rightX + 4,
          y: rowY(i),
          "text-anchor": side === "left" ? "end" : "start",
          "dominant-baseline": "middle",
          class: "token",
        });
        t.textContent = label;
        t.addEventListener("mouseenter", () => ev.onHover(i, side));
        t.addEventListener("click", () => ev.onPick(i));
        col.append(t);
        (side === "left" ? this.left : this.right).push(t);
      });
      this.root.append(col);
    }
    this.root.addEventListener("mouseleave", () => ev.onHover(null, "left"));
    host.replaceChildren(this.root);
  }

  /**
   * Draw the lines of one token: what it looks at ("from", left side) or what looks at it ("to", right side).
   * The lines of several heads at once (bertviz's head view): each head in its own colour, its lines moved
   * a pixel or two off the others' so that heads that agree still show side by side. One head with no
   * colour: the lines of today's one-head view, coloured by the stylesheet.
   */
  update(heads: readonly HeadLines[], active: number, direction: "from" | "to"): void {
    const T = this.left.length;
    const lines: SVGLineElement[] = [];
    const spread = heads.length > 1 ? Math.min(2, (ROW - 6) / heads.length) : 0;
    heads.forEach(({ matrix, colour, head, dashed }, n) => {
      if (!(active >= 0 && active < T) || matrix.length !== T * T) return;
      const dy = (n - (heads.length - 1) / 2) * spread;
      for (let i = 0; i < T; i++) {
        const q = direction === "from" ? active : i;
        const k = direction === "from" ? i : active;
        if (k > q) continue;
        const w = matrix[q * T + k];
        if (!(w >= MIN_WEIGHT)) continue;
        const line = svg("line", { x1: leftX + 4, y1: rowY(q) + dy, x2: rightX - 4, y2: rowY(k) + dy, "stroke-width": (0.5 + 5 * w).toFixed(2), "stroke-opacity": (0.15 + 0.85 * w).toFixed(3) });
        // an inline style (CSSOM, which the CSP allows): it wins over the stylesheet and travels with an SVG export
        if (colour) line.style.stroke = colour;
        if (head !== undefined) line.setAttribute("data-head", String(head));
        if (dashed) line.setAttribute("stroke-dasharray", "4 2");
        lines.push(line);
      }
    });
    this.weights.replaceChildren(...lines);
    this.left.forEach((t, i) => t.classList.toggle("active", direction === "from" && i === active));
    this.right.forEach((t, i) => t.classList.toggle("active", direction === "to" && i === active));
  }
}
