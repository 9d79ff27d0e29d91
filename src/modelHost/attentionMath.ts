// Attention maths over the flat tensor the model host returns: attentions [layer, head, query, key]
// flattened, index ((l * H + h) * T + q) * T + k. PURE: the attention panel derives its views here.

export interface AttentionShape {
  nLayer: number;
  nHead: number;
  /** tokens */
  T: number;
}

function checkShape(attentions: ArrayLike<number>, s: AttentionShape): void {
  const want = s.nLayer * s.nHead * s.T * s.T;
  if (attentions.length !== want) {
    throw new RangeError(`attentions has ${attentions.length} values; [${s.nLayer}, ${s.nHead}, ${s.T}, ${s.T}] needs ${want}`);
  }
}

function checkIndex(name: string, i: number, n: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`${name} ${i} is out of range 0..${n - 1}`);
}

/** The mean over heads of one layer: [query, key]. */
export function headMean(attentions: Float32Array, s: AttentionShape, layer: number): Float32Array {
  checkShape(attentions, s);
  checkIndex("layer", layer, s.nLayer);
  const TT = s.T * s.T;
  const out = new Float32Array(TT);
  for (let h = 0; h < s.nHead; h++) {
    const m = attentions.subarray((layer * s.nHead + h) * TT, (layer * s.nHead + h + 1) * TT);
    for (let i = 0; i < TT; i++) out[i] += m[i];
  }
  for (let i = 0; i < TT; i++) out[i] /= s.nHead;
  return out;
}

/** The mean over heads of every layer: [layer, query, key]. */
export function headMeans(attentions: Float32Array, s: AttentionShape): Float32Array {
  const TT = s.T * s.T;
  const out = new Float32Array(s.nLayer * TT);
  for (let l = 0; l < s.nLayer; l++) out.set(headMean(attentions, s, l), l * TT);
  return out;
}

/**
 * Attention rollout (Abnar & Zuidema 2020): per layer A' = 0.5 · mean over heads + 0.5 · I (the residual
 * stream), rows renormalised; rollout = A'_L · … · A'_1, so row q says how much of each input token
 * flows into position q at the last layer. Rows sum to 1. [query, key]
 */
export function rollout(attentions: Float32Array, s: AttentionShape): Float32Array {
  checkShape(attentions, s);
  const T = s.T;
  let acc: Float32Array | null = null;
  for (let l = 0; l < s.nLayer; l++) {
    const a = headMean(attentions, s, l);
    for (let q = 0; q < T; q++) {
      a[q * T + q] += 1;
      let sum = 0;
      for (let k = 0; k < T; k++) sum += a[q * T + k];
      // a row of zeros (none in a softmax) stays the identity's row
      for (let k = 0; k < T; k++) a[q * T + k] = sum > 0 ? a[q * T + k] / sum : q === k ? 1 : 0;
    }
    acc = acc === null ? a : matmul(a, acc, T);
  }
  if (acc === null) {
    const id = new Float32Array(T * T);
    for (let i = 0; i < T; i++) id[i * T + i] = 1;
    return id;
  }
  return acc;
}

/**
 * a · b for T×T row-major matrices. Zeros are skipped: those of a, and those at the end of b's rows, so
 * that causal (lower-triangular) matrices cost about T³/6 instead of T³.
 */
export function matmul(a: Float32Array, b: Float32Array, T: number): Float32Array {
  const out = new Float32Array(T * T);
  const row = new Float64Array(T);
  // one past the last non-zero of each row of b
  const width = new Int32Array(T);
  for (let j = 0; j < T; j++) {
    let w = T;
    while (w > 0 && b[j * T + w - 1] === 0) w--;
    width[j] = w;
  }
  for (let i = 0; i < T; i++) {
    row.fill(0);
    for (let j = 0; j < T; j++) {
      const x = a[i * T + j];
      if (x === 0) continue;
      const bj = j * T;
      const w = width[j];
      for (let k = 0; k < w; k++) row[k] += x * b[bj + k];
    }
    out.set(row, i * T);
  }
  return out;
}
