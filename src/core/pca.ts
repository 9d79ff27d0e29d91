// Principal component analysis by power iteration on the covariance matrix, for the neighbours map:
// a handful of vectors (the query and its neighbours) projected onto their two main directions.
// The covariance C = XᵀX / n of the centred rows is applied as Xᵀ(Xv) / n, never formed, so one step
// costs 2·n·d; later components deflate the earlier ones. The start vector is a fixed pseudo-random
// one and each component's largest entry is made positive, so the same rows always give the same map. PURE.

export interface PcaResult {
  /** [n, components] row-major: each row's coordinates on the components */
  coords: Float64Array;
  /** unit vectors [dim] (a zero vector where the data has no variance left) */
  components: Float64Array[];
  /** variance along each component (its eigenvalue of C) */
  variances: number[];
  /** each component's share of the total variance (0 when there is none) */
  explained: number[];
  mean: Float64Array;
}

export interface PcaOptions {
  maxIterations?: number;
  /** stop when 1 - |cos| between successive vectors falls below this */
  tolerance?: number;
}

/** A fixed start vector with no special direction (an LCG, so that no data is orthogonal to it by design). */
function startVector(dim: number, salt: number): Float64Array {
  const v = new Float64Array(dim);
  let s = (0x9e3779b9 ^ (salt * 0x85ebca6b)) >>> 0;
  for (let j = 0; j < dim; j++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[j] = s / 2 ** 32 - 0.5;
  }
  return v;
}

function normalise(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  const n = Math.sqrt(s);
  if (n > 0) for (let j = 0; j < v.length; j++) v[j] /= n;
  return n;
}

export function pca(rows: readonly ArrayLike<number>[], components = 2, opts: PcaOptions = {}): PcaResult {
  const n = rows.length;
  const dim = n > 0 ? rows[0].length : 0;
  if (!Number.isInteger(components) || components < 1) throw new RangeError(`components must be a positive integer (got ${components})`);
  for (const r of rows) if (r.length !== dim) throw new RangeError(`rows of ${dim} and ${r.length} values`);
  const maxIterations = opts.maxIterations ?? 1000;
  const tolerance = opts.tolerance ?? 1e-12;
  // [n, dim] centred
  const mean = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] += r[j] / n;
  const x = new Float64Array(n * dim);
  let total = 0;
  rows.forEach((r, i) => {
    for (let j = 0; j < dim; j++) {
      const c = r[j] - mean[j];
      x[i * dim + j] = c;
      total += (c * c) / n;
    }
  });
  const found: Float64Array[] = [];
  const variances: number[] = [];
  const xv = new Float64Array(n);
  // C v with the components found so far deflated: C v - Σ λ_c (u_c · v) u_c
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += x[i * dim + j] * v[j];
      xv[i] = s;
    }
    out.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out[j] += (x[i * dim + j] * xv[i]) / n;
    found.forEach((u, c) => {
      let d = 0;
      for (let j = 0; j < dim; j++) d += u[j] * v[j];
      for (let j = 0; j < dim; j++) out[j] -= variances[c] * d * u[j];
    });
  };
  for (let c = 0; c < components; c++) {
    let v: Float64Array = startVector(dim, c + 1);
    // start orthogonal to the components found, so that rounding cannot bring them back
    for (const u of found) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += u[j] * v[j];
      for (let j = 0; j < dim; j++) v[j] -= d * u[j];
    }
    let lambda = 0;
    if (dim > 0 && normalise(v) > 0) {
      let next: Float64Array = new Float64Array(dim);
      for (let it = 0; it < maxIterations; it++) {
        apply(v, next);
        lambda = normalise(next);
        if (lambda <= 1e-12 * Math.max(total, 1e-300)) {
          lambda = 0;
          break;
        }
        let cos = 0;
        for (let j = 0; j < dim; j++) cos += next[j] * v[j];
        [v, next] = [next, v];
        if (1 - Math.abs(cos) < tolerance) break;
      }
    }
    if (lambda === 0) v = new Float64Array(dim);
    // orientation: the largest entry positive
    let big = 0;
    for (let j = 0; j < dim; j++) if (Math.abs(v[j]) > Math.abs(big)) big = v[j];
    if (big < 0) for (let j = 0; j < dim; j++) v[j] = -v[j];
    found.push(v);
    variances.push(lambda);
  }
  const coords = new Float64Array(n * components);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < components; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += x[i * dim + j] * found[c][j];
      coords[i * components + c] = s;
    }
  }
  return { coords, components: found, variances, explained: variances.map((l) => (total > 0 ? l / total : 0)), mean };
}
