// The document memory's maths: a continuous cache (Grave, Joulin and Usunier, ICLR 2017). Pure.
//
// The memory holds, for earlier positions i of a document, the model's final hidden state h_i and the
// token x_{i+1} that followed it. After a state h_t the next token's probability is the mixture
//
//   p(w) = (1 - λ_t) · p_model(w) + λ_t · Σ_{i : x_{i+1} = w} softmax_i(θ · h_t · h_i)
//
// with λ_t = λ · n / (n + n0) · σ(slope · (max_i h_t · h_i - at)) for n entries: a memory of a few
// positions is trusted less than a full one, and a memory whose best match is a distant context less than
// one that has seen nearly this context before (each measured better than without it on the held-out
// split; see `npm run tune:memory` and the model card).
// The mixture is returned as log-probabilities in the place of logits, so that every consumer of logits
// (the word search's softmax sums, its "the unit goes on" mass, sampling) reads the mixture unchanged.

import { logSoftmax } from "./softmax";

export interface MemoryParams {
  /** sharpness of the match between states */
  theta: number;
  /** the memory's largest share of the probability */
  lambda: number;
  /** entries at which the memory's share is half of lambda */
  n0: number;
  /**
   * Match directions, not lengths: keys and queries are scaled to unit length (θ then scales a cosine).
   * The final hidden states share a large common part, so that raw dot products rank states by length
   * more than by context.
   */
  unit?: boolean;
  /**
   * The share also follows the best match: it is multiplied by σ(slope · (max_i h_t · h_i - at)), so that
   * a memory that has seen nearly this context before (a cosine near 1 with unit states) weighs more.
   */
  gate?: { slope: number; at: number };
}

/**
 * Chosen by `npm run tune:memory` on the second halves of the held-out files only (the eval reports on
 * the first tokens of each file, which the tuning never reads); the model card records the figures.
 */
export const MEMORY_PARAMS: MemoryParams = { theta: 25, lambda: 1, n0: 32, unit: true, gate: { slope: 10, at: 0.95 } };

/** Entries of a memory as one contiguous block, oldest first: keys [count, dim], their next tokens [count]. */
export interface MemoryView {
  keys: Float32Array;
  next: Int32Array;
  /** [count] each entry's stamp (documentMemory.ts): the same stamp, the same state */
  stamps?: Float64Array;
  count: number;
  dim: number;
  /**
   * Entries `index` of another view, whose keys are not copied (keys is then empty): explain's removals
   * read the memory less a few entries, dozens of times. Their dot products are that view's, picked out.
   */
  within?: { view: MemoryView; index: Int32Array };
}

/**
 * What a model state keeps of its last mixing: the entries it was matched against (their stamps), the dot
 * products, and the mixture it gave. A suggestion visits the same states again and again (the step memo);
 * while the memory holds the same entries the mixture is reused, and while it holds some of them, their
 * dot products are.
 */
export interface MixMemo {
  stamps: Float64Array;
  dots: Float32Array;
  logits: Float32Array;
}

/** Whether the view holds exactly the entries the memo was mixed with. */
export function sameEntries(memo: MixMemo, view: MemoryView): boolean {
  const s = view.stamps;
  const n = view.count;
  return !!s && memo.stamps.length === n && n > 0 && memo.stamps[0] === s[0] && memo.stamps[n - 1] === s[n - 1];
}

/**
 * The memo's dot products for the view's entries that it holds (the same stamp), in the view's order, and
 * the indexes of the view's entries it does not hold. Both stamp lists increase: one merge walk.
 */
export function reuseDots(memo: MixMemo, view: MemoryView): { dots: Float32Array; missing: number[] } {
  const s = view.stamps!;
  const old = memo.stamps;
  const dots = new Float32Array(view.count);
  const missing: number[] = [];
  let j = 0;
  for (let i = 0; i < view.count; i++) {
    while (j < old.length && old[j] < s[i]) j++;
    if (j < old.length && old[j] === s[i]) dots[i] = memo.dots[j];
    else missing.push(i);
  }
  return { dots, missing };
}

/** h · k_i for entry i of the view (four accumulators: over every entry, the memory's largest cost per visited state). */
export function entryDot(view: MemoryView, h: Float32Array, i: number): number {
  const { keys, dim } = view;
  const o = i * dim;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    a += h[j] * keys[o + j];
    b += h[j + 1] * keys[o + j + 1];
    c += h[j + 2] * keys[o + j + 2];
    d += h[j + 3] * keys[o + j + 3];
  }
  for (; j < dim; j++) a += h[j] * keys[o + j];
  return a + b + c + d;
}

/** v scaled to unit length (a copy; a zero vector stays zero). */
export function unitVector(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  const out = new Float32Array(v.length);
  if (n === 0) return out;
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * s;
  return out;
}

/** The memory's share of the probability with n entries whose best match is `best` (max_i h_t · h_i). */
export function memoryShare(n: number, params: MemoryParams, best: number): number {
  if (n <= 0) return 0;
  const share = (params.lambda * n) / (n + params.n0);
  return params.gate ? share / (1 + Math.exp(-params.gate.slope * (best - params.gate.at))) : share;
}

/** The largest of the dot products (-Infinity for none). */
export function bestDot(dots: ArrayLike<number>): number {
  let best = -Infinity;
  for (let i = 0; i < dots.length; i++) if (dots[i] > best) best = dots[i];
  return best;
}

/** h · k_i for every entry of the view, [count]. */
export function memoryDots(view: MemoryView, h: Float32Array): Float64Array {
  const out = new Float64Array(view.count);
  for (let i = 0; i < view.count; i++) out[i] = entryDot(view, h, i);
  return out;
}

/** softmax_i(θ · dots_i), [count]. */
export function weightsFromDots(dots: ArrayLike<number>, theta: number): Float64Array {
  const w = new Float64Array(dots.length);
  let max = -Infinity;
  for (let i = 0; i < dots.length; i++) if (theta * dots[i] > max) max = theta * dots[i];
  let sum = 0;
  for (let i = 0; i < dots.length; i++) {
    const e = Math.exp(theta * dots[i] - max);
    w[i] = e;
    sum += e;
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

/**
 * What a mixture was made of, for the numbers the views show beside it: the model's own logits, the
 * memory's share, and the memory's distribution (its tokens with probability above 0; the rest have 0).
 */
export interface MixParts {
  raw: Float32Array;
  share: number;
  q: Map<number, number>;
}

/** mixed log-probabilities -> what they were mixed from (arrays are never changed once returned) */
const partsOf = new WeakMap<Float32Array, MixParts>();

/** The parts of a mixture that mixLogits returned (undefined: logits the memory did not change). */
export function mixtureParts(mixed: Float32Array): MixParts | undefined {
  return partsOf.get(mixed);
}

/** per-token scratch of mixLogits (one model host serves one request at a time) */
let scratch = new Float64Array(0);

/**
 * The mixture's log-probabilities, [vocab], in the place of the model's logits. With an empty view (or
 * λ = 0) the logits come back as they are: the memory off gives exactly the model's numbers.
 */
export function mixLogits(logits: Float32Array, h: Float32Array, view: MemoryView | null, params: MemoryParams, dots?: ArrayLike<number>): Float32Array {
  if (!view || view.count <= 0 || params.lambda <= 0) return logits;
  // the dot products may come computed already (onnxModel.ts's dots); the share depends on the best of them
  const d = dots ?? memoryDots(view, h);
  const share = memoryShare(view.count, params, bestDot(d));
  if (share <= 0) return logits;
  const V = logits.length;
  const w = weightsFromDots(d, params.theta);
  if (scratch.length < V) scratch = new Float64Array(V);
  const q = scratch;
  const touched: number[] = [];
  for (let i = 0; i < view.count; i++) {
    const t = view.next[i];
    if (t < 0 || t >= V) continue;
    if (q[t] === 0) touched.push(t);
    q[t] += w[i];
  }
  const { logZ } = logSoftmax(logits);
  // a token the memory never saw: log((1 - λ) p) = log(1 - λ) + logit - logZ, no exp or log per token
  const shift = Math.log(1 - share) - logZ;
  const out = new Float32Array(V);
  for (let i = 0; i < V; i++) out[i] = logits[i] + shift;
  // (a token whose first weights were 0 is listed more than once: every listing sees its whole sum)
  for (const t of touched) out[t] = Math.log((1 - share) * Math.exp(logits[t] - logZ) + share * q[t]);
  partsOf.set(out, { raw: logits, share, q: new Map(touched.map((t) => [t, q[t]])) });
  for (const t of touched) q[t] = 0;
  return out;
}

/** Where the memory's probability for one token came from: its entries by weight, heaviest first. */
export interface MemoryPlaces {
  /** the memory's probability of the token (before mixing) */
  pMemory: number;
  /** entries that predicted it: index into the view, weight */
  places: { index: number; weight: number }[];
}

/** `w`: the memory's weights for a state (weightsFromDots over memoryDots) */
export function memoryPlaces(view: MemoryView, w: Float64Array, token: number, max: number): MemoryPlaces {
  const places: { index: number; weight: number }[] = [];
  let pMemory = 0;
  for (let i = 0; i < view.count; i++) {
    if (view.next[i] !== token) continue;
    pMemory += w[i];
    places.push({ index: i, weight: w[i] });
  }
  places.sort((a, b) => b.weight - a.weight);
  return { pMemory, places: places.slice(0, max) };
}
