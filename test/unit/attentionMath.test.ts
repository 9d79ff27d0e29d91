// Attention maths: head slices, head means, rollout (Abnar & Zuidema 2020), matrix products.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { headMean, headMeans, matmul, rollout, type AttentionShape } from "../../src/modelHost/attentionMath";

/** causal attention rows (softmax over keys 0..q) from arbitrary scores: [layer, head, query, key] */
function causal(s: AttentionShape, scores: (i: number) => number): Float32Array {
  const { nLayer: L, nHead: H, T } = s;
  const a = new Float32Array(L * H * T * T);
  let i = 0;
  for (let m = 0; m < L * H; m++) {
    for (let q = 0; q < T; q++) {
      const row = Array.from({ length: q + 1 }, () => Math.exp(scores(i++)));
      const sum = row.reduce((x, y) => x + y, 0);
      row.forEach((v, k) => (a[(m * T + q) * T + k] = v / sum));
    }
  }
  return a;
}

/** Largest absolute difference of each row's sum from 1 (0 for proper attention rows). */
function rowSumError(m: Float32Array, T: number): number {
  let worst = 0;
  for (let q = 0; q < T; q++) {
    let sum = 0;
    for (let k = 0; k < T; k++) sum += m[q * T + k];
    worst = Math.max(worst, Math.abs(sum - 1));
  }
  return worst;
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, eps = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < eps, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

test("a layer or a shape that does not fit the attentions is refused", () => {
  const s = { nLayer: 2, nHead: 3, T: 2 };
  const a = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  assert.throws(() => headMean(a, s, 2), RangeError);
  assert.throws(() => headMean(a, s, -1), RangeError);
  assert.throws(() => headMean(a, s, 1.5), RangeError);
  assert.throws(() => headMean(a.subarray(1), s, 0), /needs 24/);
});

test("headMean averages the heads of one layer", () => {
  const s = { nLayer: 2, nHead: 2, T: 2 };
  // layer 0: head 0 = identity, head 1 = everything on token 0; layer 1: both identity
  const a = Float32Array.from([1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1]);
  close(headMean(a, s, 0), [1, 0, 0.5, 0.5]);
  close(headMean(a, s, 1), [1, 0, 0, 1]);
  close(headMeans(a, s), [1, 0, 0.5, 0.5, 1, 0, 0, 1]);
  assert.throws(() => headMean(a, s, 2), RangeError);
});

test("rollout of a single layer whose heads attend to themselves (one-hot) is the identity", () => {
  const T = 4;
  const s = { nLayer: 1, nHead: 2, T };
  const a = new Float32Array(2 * T * T);
  for (let h = 0; h < 2; h++) for (let q = 0; q < T; q++) a[(h * T + q) * T + q] = 1;
  close(rollout(a, s), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
});

test("rollout of a single layer attending one-hot to the first token mixes it half and half with the residual", () => {
  const T = 3;
  const a = new Float32Array(T * T);
  for (let q = 0; q < T; q++) a[q * T] = 1;
  close(rollout(a, { nLayer: 1, nHead: 1, T }), [1, 0, 0, 0.5, 0.5, 0, 0.5, 0, 0.5]);
});

test("rollout multiplies the layers, the last layer on the left", () => {
  const T = 2;
  // layer 0 = identity, layer 1 = all on token 0
  const a = Float32Array.from([1, 0, 0, 1, 1, 0, 1, 0]);
  const r = rollout(a, { nLayer: 2, nHead: 1, T });
  // A'_0 = I, A'_1 = [[1, 0], [0.5, 0.5]]: the product is A'_1
  close(r, [1, 0, 0.5, 0.5]);
  // no layers: the identity
  close(rollout(new Float32Array(0), { nLayer: 0, nHead: 4, T: 2 }), [1, 0, 0, 1]);
});

test("rollout rows sum to 1 and stay causal, for any attention (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 12 }),
      fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 1, maxLength: 64 }),
      (L, H, T, noise) => {
        const s = { nLayer: L, nHead: H, T };
        const a = causal(s, (i) => noise[i % noise.length]);
        const r = rollout(a, s);
        assert.ok(rowSumError(r, T) < 1e-5, `row sums off by ${rowSumError(r, T)}`);
        for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) assert.equal(r[q * T + k], 0);
        for (const v of r) assert.ok(v >= 0 && v <= 1 + 1e-6);
        for (let l = 0; l < L; l++) assert.ok(rowSumError(headMean(a, s, l), T) < 1e-5);
      },
    ),
    { numRuns: 60, seed: 42 },
  );
});

test("matmul matches the textbook product, with and without zeros to skip", () => {
  const T = 5;
  const rnd = (i: number) => ((i * 7919) % 13) / 13 - (i % 4 === 0 ? 0.4 : 0);
  const a = Float32Array.from({ length: T * T }, (_, i) => (i % 3 === 0 ? 0 : rnd(i)));
  const b = Float32Array.from({ length: T * T }, (_, i) => (i % T > 2 ? 0 : rnd(i + 3)));
  const want = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) for (let k = 0; k < T; k++) want[i * T + k] += a[i * T + j] * b[j * T + k];
  close(matmul(a, b, T), want, 1e-5);
});

test("rowSumError reports the worst row", () => {
  assert.equal(rowSumError(Float32Array.from([1, 0, 0.5, 0.5]), 2), 0);
  assert.ok(Math.abs(rowSumError(Float32Array.from([1, 0, 0.5, 0.25]), 2) - 0.25) < 1e-9);
});
