// Softmax sums over a logits row, and its most likely tokens. Pure.
//
// The word search (wordSearch.ts) sums a row once per visited hypothesis, and the document memory and the
// scoring read the same log-probabilities; the sums are cached per logits array and use a fast e^x.

/** below this many nats under the best logit a token's probability (< 1e-16 of the best) is left out of sums */
const NEGLIGIBLE = 37;

/** e^(-k/8) for k = 0 .. 8 * NEGLIGIBLE + 1 */
const EXP_STEPS = 8;
const EXP_TABLE = Float64Array.from({ length: EXP_STEPS * NEGLIGIBLE + 2 }, (_, k) => Math.exp(-k / EXP_STEPS));

/**
 * e^x for x in [-NEGLIGIBLE, 0], within 1e-8 of Math.exp relatively and three times as fast: a table at
 * steps of 1/8 and a degree-5 Taylor polynomial for the rest (|f| < 1/8). The softmax sums take one per
 * vocabulary entry per visited hypothesis, the largest share of a suggestion's JavaScript time.
 */
export function expNeg(x: number): number {
  const y = -x * EXP_STEPS;
  const k = y | 0;
  const f = (k - y) / EXP_STEPS;
  return EXP_TABLE[k] * (1 + f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24 + f * (1 / 120))))));
}

/** The largest logit and log of the softmax denominator (terms NEGLIGIBLE nats below the largest are left out). */
export function logSoftmax(logits: Float32Array): { max: number; logZ: number } {
  return softmaxSums(logits, null);
}

/**
 * logSoftmax, and in the same pass over the exponentials the probability mass of the tokens marked in
 * `mask` (the search's "the unit goes on" mass): one exp per token instead of two.
 */
export function softmaxSums(logits: Float32Array, mask: Uint8Array | null): { max: number; logZ: number; masked: number } {
  // a search revisits logits (the root of each search, states from the step memo): each is summed once per mask
  const known = summed.get(logits);
  if (known) {
    if (mask === null) return { max: known.max, logZ: known.logZ, masked: 0 };
    const m = known.masked.get(mask);
    if (m !== undefined) return { max: known.max, logZ: known.logZ, masked: m };
  }
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  let inMask = 0;
  const floor = max - NEGLIGIBLE;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v > floor) {
      const e = expNeg(v - max);
      sum += e;
      if (mask !== null && mask[i]) inMask += e;
    }
  }
  const logZ = max + Math.log(sum);
  const masked = inMask / sum;
  const entry = known ?? { max, logZ, masked: new Map<Uint8Array, number>() };
  if (!known) summed.set(logits, entry);
  if (mask !== null) entry.masked.set(mask, masked);
  return { max, logZ, masked };
}

/** logits -> their softmax sums (logits arrays are never changed once a model run has returned them) */
const summed = new WeakMap<Float32Array, { max: number; logZ: number; masked: Map<Uint8Array, number> }>();

/** The k most likely tokens of a logits row, with their probabilities, best first. */
export function topTokens(logits: Float32Array, k: number): { id: number; p: number }[] {
  const { logZ } = logSoftmax(logits);
  // k best by insertion into a small sorted array (k is 10: no allocation per candidate)
  const ids = new Int32Array(k).fill(-1);
  const vals = new Float32Array(k).fill(-Infinity);
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v <= vals[k - 1]) continue;
    let j = k - 1;
    while (j > 0 && vals[j - 1] < v) {
      vals[j] = vals[j - 1];
      ids[j] = ids[j - 1];
      j--;
    }
    vals[j] = v;
    ids[j] = i;
  }
  const out: { id: number; p: number }[] = [];
  for (let j = 0; j < k; j++) if (ids[j] >= 0) out.push({ id: ids[j], p: Math.exp(vals[j] - logZ) });
  return out;
}
