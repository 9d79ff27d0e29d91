// The suggestion's sampling shares (src/shared/sampling.ts): what "Why this word?" draws at a temperature
// and top-k is what the suggestion samples from. The arithmetic by hand, then sampleIndex's draws against
// the shares, then the real model: the panel's list, at the shares the webview shows, names the very word
// that the ghost text's sampled suggestion takes for every seed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pickByShare, samplingShares } from "../../src/shared/sampling";
import { mulberry32, sampleIndex } from "../../src/modelHost/nextWord";
import { SUGGEST, sharedEngine } from "./helpers";

const close = (a: readonly number[], b: readonly number[], tol = 1e-12) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol);
const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);

test("samplingShares: temperature 0 is greedy, 1 renormalises the top k, higher flattens and lower sharpens", () => {
  const p = [0.5, 0.25, 0.125, 0.0625];
  const logps = p.map(Math.log);
  assert.deepEqual(samplingShares(logps, 0, 5), [1, 0, 0, 0], "temperature 0: the first word gets 100 %");
  assert.deepEqual(samplingShares(logps, -1, 5), [1, 0, 0, 0]);
  assert.deepEqual(samplingShares(logps, Number.NaN, 5), [1, 0, 0, 0]);
  const total = sum(p);
  assert.ok(close(samplingShares(logps, 1, 10), p.map((x) => x / total)), "temperature 1, every word: the probabilities over the list");
  assert.ok(close(samplingShares(logps, 1, 2), [2 / 3, 1 / 3, 0, 0]), "top 2: the first two renormalised, the rest 0");
  // at temperature 2 each share goes as the square root of the probability; at 0.5 as its square
  const sq = p.map(Math.sqrt);
  assert.ok(close(samplingShares(logps, 2, 4), sq.map((x) => x / sum(sq))));
  const pow2 = p.map((x) => x * x);
  assert.ok(close(samplingShares(logps, 0.5, 4), pow2.map((x) => x / sum(pow2))));
  let first = 1.1;
  for (const t of [0.1, 0.5, 1, 1.5, 2]) {
    const s = samplingShares(logps, t, 4);
    assert.ok(Math.abs(sum(s) - 1) < 1e-12, `the shares sum to 1 at ${t}`);
    assert.ok(s[0] < first, `the first word's share falls as the temperature rises (${t})`);
    first = s[0];
  }
  assert.ok(close(samplingShares(logps, 1, 0), samplingShares(logps, 1, 99)), "a top-k below 1 or past the list takes the whole list");
  assert.ok(close(samplingShares(logps, 1, 2.7), samplingShares(logps, 1, 2)), "a fractional top-k counts whole words");
  assert.ok(close(samplingShares(logps.map((l) => l - 3), 1.3, 3), samplingShares(logps, 1.3, 3)), "a shift of every log (a completion's probability given the typed part) changes nothing");
  assert.deepEqual(samplingShares([], 1, 5), []);
  assert.deepEqual(samplingShares([-Infinity, -Infinity], 1, 5), [1, 0], "no weight at all: greedy, never NaN");
  assert.deepEqual(samplingShares([-1, -Infinity], 1, 5), [1, 0], "a word of probability 0 gets 0");
});

test("pickByShare: a draw picks the word whose cumulative share passes it", () => {
  const s = [0.5, 0.3, 0.2, 0];
  assert.equal(pickByShare(s, 0), 0);
  assert.equal(pickByShare(s, 0.49), 0);
  assert.equal(pickByShare(s, 0.5), 1);
  assert.equal(pickByShare(s, 0.79), 1);
  assert.equal(pickByShare(s, 0.81), 2);
  assert.equal(pickByShare(s, 0.999999999), 2, "never a word of share 0");
  assert.equal(pickByShare([], 0.3), -1);
});

test("sampleIndex's choices follow the shares: greedy at 0, within top k, at the shares' frequencies", () => {
  const logps = [-0.4, -1.2, -2, -2.5, -4];
  assert.equal(sampleIndex(logps, 0, 5, mulberry32(1)), 0);
  assert.equal(sampleIndex([], 1, 5, mulberry32(1)), -1);
  for (const [t, k] of [
    [0.7, 3],
    [1, 5],
    [1.8, 2],
  ] as const) {
    const shares = samplingShares(logps, t, k);
    const n = 20_000;
    const counts = logps.map(() => 0);
    const rand = mulberry32(11);
    for (let i = 0; i < n; i++) counts[sampleIndex(logps, t, k, rand)]++;
    counts.forEach((c, i) => {
      // four standard deviations of a binomial share
      const tol = 4 * Math.sqrt((shares[i] * (1 - shares[i])) / n) + 1e-9;
      assert.ok(Math.abs(c / n - shares[i]) <= tol, `temperature ${t}, top ${k}: word ${i} drawn ${(c / n).toFixed(4)}, share ${shares[i].toFixed(4)}`);
    });
    // and draw by draw: the same generator gives the same index through the shares
    const a = mulberry32(5);
    const b = mulberry32(5);
    for (let i = 0; i < 200; i++) assert.equal(sampleIndex(logps, t, k, a), pickByShare(shares, b()));
  }
});

test("the real model: at a temperature and top-k, the panel's list and its shares name the word the suggestion samples, seed by seed", async () => {
  const engine = await sharedEngine();
  const text = "She opened the door and";
  // the panel's list ("Why this word?"'s next words) is the ghost text's search at temperature 0
  const panel = await engine.panelWords(text, 0, SUGGEST);
  assert.ok(panel.alternatives.length >= 5);
  for (const [temperature, topK] of [
    [0.8, 3],
    [1.5, 5],
  ] as const) {
    const shares = samplingShares(
      panel.alternatives.map((w) => Math.log(w.p)),
      temperature,
      topK,
    );
    const seen = new Set<string>();
    for (let seed = 0; seed < 24; seed++) {
      const s = await engine.suggest(text, { ...SUGGEST, temperature, topK, seed });
      const expected = panel.alternatives[pickByShare(shares, mulberry32(seed)())].word;
      assert.equal(s.text, expected, `temperature ${temperature}, top ${topK}, seed ${seed}`);
      seen.add(s.text);
    }
    assert.ok(seen.size > 1, `the suggestion varies with the seed at ${temperature}`);
  }
  // temperature 0: the panel's first word, whatever the seed
  assert.equal((await engine.suggest(text, { ...SUGGEST, temperature: 0, seed: 9 })).text, panel.alternatives[0].word);
});
