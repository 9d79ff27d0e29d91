// The map's axes in the space's own words: each principal component named by the words of the points
// shown that lie furthest along it either way ("left: ‹woman, girl›, right: ‹king, prince›"), instead of
// "component 1". Pure: coordinates and words in, words out.

export interface AxisEnds {
  /** the words at the component's low end, the furthest first */
  low: string[];
  /** the words at its high end, the furthest first */
  high: string[];
}

/** words named at each end of an axis, at most */
export const AXIS_WORDS = 3;

/**
 * The words at the two ends of one component: the `n` lowest and the `n` highest values (fewer when there
 * are fewer than 2n points, so that no word names both ends); ties keep the points' order.
 */
export function axisEnds(values: readonly number[], words: readonly string[], n = AXIS_WORDS): AxisEnds {
  const m = Math.min(values.length, words.length);
  const take = Math.max(0, Math.min(n, Math.floor(m / 2)));
  const idx = Array.from({ length: m }, (_, i) => i).filter((i) => Number.isFinite(values[i]));
  const up = [...idx].sort((a, b) => values[a] - values[b] || a - b);
  const down = [...idx].sort((a, b) => values[b] - values[a] || a - b);
  const k = Math.min(take, Math.floor(idx.length / 2));
  return { low: up.slice(0, k).map((i) => words[i]), high: down.slice(0, k).map((i) => words[i]) };
}

/** Both components' ends: x from left to right, y from bottom to top (the second component points up). */
export function mapAxes(x: readonly number[], y: readonly number[], words: readonly string[], n = AXIS_WORDS): { x: AxisEnds; y: AxisEnds } {
  return { x: axisEnds(x, words, n), y: axisEnds(y, words, n) };
}

function list(ws: readonly string[]): string {
  return ws.join(", ");
}

/** One sentence per axis: "left: woman, girl · right: king, prince" and "bottom: … · top: …". */
export function axesCaption(axes: { x: AxisEnds; y: AxisEnds }): { x: string; y: string } {
  const say = (a: AxisEnds, lo: string, hi: string) => (a.low.length === 0 ? "" : `${lo}: ${list(a.low)} · ${hi}: ${list(a.high)}`);
  return { x: say(axes.x, "left", "right"), y: say(axes.y, "bottom", "top") };
}

/**
 * The map's axes explained in its own words, one sentence each: "Across (PC1, 34% of the spread): from
 * woman, girl on the left to king, prince on the right." Empty strings when there are too few points.
 */
export function axesSentences(x: readonly number[], y: readonly number[], words: readonly string[], explained: readonly [number, number] | readonly number[]): { x: string; y: string } {
  const a = mapAxes(x, y, words);
  const pct = (f: number | undefined) => `${(100 * (f ?? 0)).toFixed(0)}%`;
  return {
    x: a.x.low.length === 0 ? "" : `Across (PC1, ${pct(explained[0])} of the spread): from ${list(a.x.low)} on the left to ${list(a.x.high)} on the right.`,
    y: a.y.low.length === 0 ? "" : `Up (PC2, ${pct(explained[1])}): from ${list(a.y.low)} at the bottom to ${list(a.y.high)} at the top.`,
  };
}
