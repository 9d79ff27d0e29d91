// Nearest-neighbour search over a table of vectors: cosine similarity with precomputed norms, or
// Euclidean distance, and the top k kept in a small heap, so that a query costs one pass over the
// table and O(count log k) comparisons. PURE.

export type Metric = "cosine" | "euclidean";

export interface VectorTable {
  /** [count, dim] row-major */
  data: Float32Array;
  dim: number;
  count: number;
  /** [count]: the Euclidean norm of each row */
  norms: Float32Array;
}

export interface Hit {
  /** row in the table */
  index: number;
  /** cosine: the similarity (higher is nearer); euclidean: the distance (lower is nearer) */
  score: number;
}

/** A table over data [count, dim], with the norms of its rows. */
export function vectorTable(data: Float32Array, dim: number): VectorTable {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`dim must be a positive integer (got ${dim})`);
  if (data.length % dim !== 0) throw new RangeError(`${data.length} values are not a whole number of rows of ${dim}`);
  const count = data.length / dim;
  const norms = new Float32Array(count);
  for (let i = 0; i < count; i++) norms[i] = Math.sqrt(dot(data, i * dim, data, i * dim, dim));
  return { data, dim, count, norms };
}

function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[ao + j] * b[bo + j];
  return s;
}

/** Cosine similarity of two vectors; 0 when either is the zero vector. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`vectors of ${a.length} and ${b.length} values`);
  const na = Math.sqrt(dot(a, 0, a, 0, a.length));
  const nb = Math.sqrt(dot(b, 0, b, 0, b.length));
  return na > 0 && nb > 0 ? dot(a, 0, b, 0, a.length) / (na * nb) : 0;
}

export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`vectors of ${a.length} and ${b.length} values`);
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[j];
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * A bounded heap that keeps the k best (goodness, index) pairs seen: its root is the worst kept, so a
 * candidate is compared with one number and most are rejected at once. Ties go to the lower index, so the
 * result does not depend on anything but the data.
 */
export class TopK {
  private readonly good: Float64Array;
  private readonly idx: Int32Array;
  private n = 0;

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer (got ${k})`);
    this.good = new Float64Array(k);
    this.idx = new Int32Array(k);
  }

  get size(): number {
    return this.n;
  }

  /** a is worse than b */
  private worse(ga: number, ia: number, gb: number, ib: number): boolean {
    return ga < gb || (ga === gb && ia > ib);
  }

  push(goodness: number, index: number): void {
    if (this.k === 0 || Number.isNaN(goodness)) return;
    if (this.n < this.k) {
      let i = this.n++;
      // sift up: the root stays the worst
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(goodness, index, this.good[p], this.idx[p])) break;
        this.good[i] = this.good[p];
        this.idx[i] = this.idx[p];
        i = p;
      }
      this.good[i] = goodness;
      this.idx[i] = index;
      return;
    }
    if (!this.worse(this.good[0], this.idx[0], goodness, index)) return;
    // replace the root and sift down
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && this.worse(this.good[r], this.idx[r], this.good[l], this.idx[l]) ? r : l;
      if (!this.worse(this.good[c], this.idx[c], goodness, index)) break;
      this.good[i] = this.good[c];
      this.idx[i] = this.idx[c];
      i = c;
    }
    this.good[i] = goodness;
    this.idx[i] = index;
  }

  /** the kept pairs, best first */
  sorted(): { goodness: number; index: number }[] {
    const out = Array.from({ length: this.n }, (_, i) => ({ goodness: this.good[i], index: this.idx[i] }));
    return out.sort((a, b) => b.goodness - a.goodness || a.index - b.index);
  }
}

/**
 * The k rows of the table nearest to the query, nearest first. `exclude(i)` drops rows (the query's own
 * words). Cosine against a zero query is 0 for every row; a zero row has similarity 0 to any query.
 */
export function nearest(table: VectorTable, query: ArrayLike<number>, k: number, metric: Metric, exclude: (index: number) => boolean = () => false): Hit[] {
  const { data, dim, count, norms } = table;
  if (query.length !== dim) throw new RangeError(`the query has ${query.length} values, the table's rows ${dim}`);
  const heap = new TopK(Math.max(0, Math.min(k, count)));
  // one typed copy, so that the inner loops see a single array type
  const q = Float64Array.from(query);
  const qn = Math.sqrt(dot(q, 0, q, 0, dim));
  for (let i = 0; i < count; i++) {
    if (exclude(i)) continue;
    const o = i * dim;
    if (metric === "cosine") {
      const denom = qn * norms[i];
      if (!(denom > 0)) {
        heap.push(0, i);
        continue;
      }
      let s = 0;
      for (let j = 0; j < dim; j++) s += q[j] * data[o + j];
      heap.push(s / denom, i);
    } else {
      // the squared distance directly (not |q|^2 - 2 q.v + |v|^2, which cancels badly for near rows)
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const diff = q[j] - data[o + j];
        s += diff * diff;
      }
      heap.push(-s, i);
    }
  }
  return heap.sorted().map(({ goodness, index }) => ({ index, score: metric === "cosine" ? goodness : Math.sqrt(-goodness) }));
}

/** Row i of a table, as a view (no copy). */
export function row(table: VectorTable, i: number): Float32Array {
  return table.data.subarray(i * table.dim, (i + 1) * table.dim);
}
