// Principal component analysis by power iteration on the covariance, for the neighbours map: a handful
// of vectors (the query and its neighbours) projected onto their two main directions.
// With n centred rows X [n, d], the covariance C = XᵀX / n [d, d] and the Gram matrix G = XXᵀ / n [n, n]
// have the same non-zero eigenvalues, and an eigenvector e of G gives the one of C as Xᵀe / √(nλ). The
// iteration runs on whichever is smaller (a map has ~11 rows of 256 values: an 11 × 11 matrix), later
// components orthogonally to the earlier ones (deflation). The start vectors are fixed pseudo-random ones
// and each component's largest entry is made positive, so the same rows always give the same map. PURE.

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
function startVector(m: number, salt: number): Float64Array {
  const v = new Float64Array(m);
  let s = (0x9e3779b9 ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  for (let j = 0; j < m; j++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[j] = s / 2 ** 32 - 0.5;
  }
  return v;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function normalise(v: Float64Array): number {
  const n = Math.sqrt(dot(v, v));
  if (n > 0) for (let j = 0; j < v.length; j++) v[j] /= n;
  return n;
}

/**
 * The leading eigenpairs of a symmetric positive semi-definite matrix S [m, m] by power iteration with
 * deflation (each vector kept orthogonal to those found). Eigenvalues below `floor` count as 0.
 */
function eigenpairs(S: Float64Array, m: number, count: number, floor: number, maxIterations: number, tolerance: number): { vectors: Float64Array[]; values: number[] } {
  const vectors: Float64Array[] = [];
  const values: number[] = [];
  const deflate = (v: Float64Array) => {
    for (const u of vectors) {
      const d = dot(u, v);
      for (let j = 0; j < m; j++) v[j] -= d * u[j];
    }
  };
  for (let c = 0; c < count; c++) {
    let v: Float64Array = startVector(m, c + 1);
    deflate(v);
    let lambda = 0;
    if (m > 0 && normalise(v) > 0) {
      let next: Float64Array = new Float64Array(m);
      for (let it = 0; it < maxIterations; it++) {
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < m; j++) s += S[i * m + j] * v[j];
          next[i] = s;
        }
        // projecting at every step keeps rounding from bringing found vectors back
        deflate(next);
        lambda = normalise(next);
        if (lambda <= floor) {
          lambda = 0;
          break;
        }
        const cos = dot(next, v);
        [v, next] = [next, v];
        if (1 - Math.abs(cos) < tolerance) break;
      }
    }
    vectors.push(lambda > 0 ? v : new Float64Array(m));
    values.push(lambda);
  }
  return { vectors, values };
}

export function pca(rows: readonly ArrayLike<number>[], components = 2, opts: PcaOptions = {}): PcaResult {
  const n = rows.length;
  const dim = n > 0 ? rows[0].length : 0;
  if (!Number.isInteger(components) || components < 1) throw new RangeError(`components must be a positive integer (got ${components})`);
  for (const r of rows) if (r.length !== dim) throw new RangeError(`rows of ${dim} and ${r.length} values`);
  const maxIterations = opts.maxIterations ?? 1000;
  const tolerance = opts.tolerance ?? 1e-12;
  // X [n, dim], centred
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
  const floor = 1e-12 * total;
  const found: Float64Array[] = [];
  let variances: number[];
  if (n <= dim) {
    // G = X Xᵀ / n [n, n]; a component is Xᵀe / √(nλ)
    const G = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += x[a * dim + j] * x[b * dim + j];
        G[a * n + b] = G[b * n + a] = s / n;
      }
    }
    const e = eigenpairs(G, n, components, floor, maxIterations, tolerance);
    variances = e.values;
    e.vectors.forEach((ev, c) => {
      const v = new Float64Array(dim);
      if (variances[c] > 0) {
        for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) v[j] += x[i * dim + j] * ev[i];
        normalise(v);
      }
      found.push(v);
    });
  } else {
    // C = Xᵀ X / n [dim, dim]
    const C = new Float64Array(dim * dim);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < dim; a++) {
        const xa = x[i * dim + a] / n;
        for (let b = a; b < dim; b++) C[a * dim + b] += xa * x[i * dim + b];
      }
    }
    for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) C[a * dim + b] = C[b * dim + a];
    const e = eigenpairs(C, dim, components, floor, maxIterations, tolerance);
    variances = e.values;
    found.push(...e.vectors);
  }
  // orientation: the largest entry positive
  for (const v of found) {
    let big = 0;
    for (let j = 0; j < dim; j++) if (Math.abs(v[j]) > Math.abs(big)) big = v[j];
    if (big < 0) for (let j = 0; j < dim; j++) v[j] = -v[j];
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
