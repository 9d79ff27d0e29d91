// Where the map's labels go: each label is placed at one of eight spots around its point, the first
// that overlaps no label placed before it, no other point and stays inside the picture; a label with no
// free spot is not drawn (its word shows on hover and keyboard focus). Points are placed in order of
// importance: the query, then the neighbours nearest first. Pure: sizes come in, boxes go out.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelInput {
  /** the point, in picture coordinates */
  x: number;
  y: number;
  /** the label's size */
  w: number;
  h: number;
}

/** gap between a point and its label */
const GAP = 5;
/** a point's own radius, kept free of other labels */
const POINT_R = 4;

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The eight spots around a point, most readable first: right, left, above, below, then the corners. */
function spots(p: LabelInput): Box[] {
  const { x, y, w, h } = p;
  return [
    { x: x + GAP, y: y - h / 2, w, h },
    { x: x - GAP - w, y: y - h / 2, w, h },
    { x: x - w / 2, y: y - GAP - h, w, h },
    { x: x - w / 2, y: y + GAP, w, h },
    { x: x + GAP, y: y - GAP - h, w, h },
    { x: x - GAP - w, y: y - GAP - h, w, h },
    { x: x + GAP, y: y + GAP, w, h },
    { x: x - GAP - w, y: y + GAP, w, h },
  ];
}

/** A box for each label in input order, or null where no spot is free. */
export function placeLabels(labels: readonly LabelInput[], bounds: Box): (Box | null)[] {
  const placed: Box[] = [];
  const points: Box[] = labels.map((p) => ({ x: p.x - POINT_R, y: p.y - POINT_R, w: 2 * POINT_R, h: 2 * POINT_R }));
  const inside = (b: Box) => b.x >= bounds.x && b.y >= bounds.y && b.x + b.w <= bounds.x + bounds.w && b.y + b.h <= bounds.y + bounds.h;
  return labels.map((p, i) => {
    const spot = spots(p).find((b) => inside(b) && !placed.some((q) => overlaps(b, q)) && !points.some((q, j) => j !== i && overlaps(b, q)));
    if (!spot) return null;
    placed.push(spot);
    return spot;
  });
}
