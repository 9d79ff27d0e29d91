// Neighbour search (src/modelHost/neighbours.ts) against a brute-force reference on random data, the word
// index, and, on the shipped model, that the neighbours are stable from one run to the next.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cosine, euclidean, nearest, row, TopK, vectorTable, type Metric } from "../../src/modelHost/neighbours";
import { buildWordIndex, isWholeWordToken } from "../../src/core/wordIndex";
import { readModelFolder } from "../../src/modelHost/modelFolder";
import { NeighbourSpace } from "../../src/modelHost/neighbourSpace";
import { MODEL_DIR } from "./helpers";

/** a seeded generator, so that a failure can be run again */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomTable(count: number, dim: number, seed: number) {
  const rand = lcg(seed);
  const data = Float32Array.from({ length: count * dim }, () => rand() * 2 - 1);
  return vectorTable(data, dim);
}

/** every row scored, sorted nearest first (ties: lower index first) */
function bruteForce(data: Float32Array, dim: number, q: ArrayLike<number>, k: number, metric: Metric, exclude: Set<number>) {
  const all: { index: number; score: number }[] = [];
  for (let i = 0; i < data.length / dim; i++) {
    if (exclude.has(i)) continue;
    const v = data.subarray(i * dim, (i + 1) * dim);
    all.push({ index: i, score: metric === "cosine" ? cosine(q, v) : euclidean(q, v) });
  }
  all.sort((a, b) => (metric === "cosine" ? b.score - a.score : a.score - b.score) || a.index - b.index);
  return all.slice(0, k);
}

function sameHits(got: { index: number; score: number }[], want: { index: number; score: number }[], label: string): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i].score - want[i].score) < 1e-5, `${label}: rank ${i}: ${got[i].score} vs ${want[i].score}`);
    // equal scores may come in either order only if they are equal to rounding
    if (got[i].index !== want[i].index) assert.ok(Math.abs(got[i].score - want[i].score) < 1e-6, `${label}: rank ${i}: row ${got[i].index} vs ${want[i].index}`);
  }
}

test("nearest() matches a brute-force search on random data, for both metrics, k and exclusions", () => {
  for (const [count, dim, seed] of [[500, 16, 1], [1000, 64, 2], [37, 3, 3], [5, 8, 4]] as const) {
    const t = randomTable(count, dim, seed);
    const rand = lcg(seed * 7919);
    for (let trial = 0; trial < 8; trial++) {
      const q = Float32Array.from({ length: dim }, () => rand() * 2 - 1);
      const exclude = new Set(Array.from({ length: 3 }, () => Math.floor(rand() * count)));
      for (const metric of ["cosine", "euclidean"] as const) {
        for (const k of [1, 10, 50, count + 5]) {
          sameHits(nearest(t, q, k, metric, (i) => exclude.has(i)), bruteForce(t.data, dim, q, k, metric, exclude), `${count}x${dim} ${metric} k=${k}`);
        }
      }
    }
  }
});

test("nearest() agrees with brute force for any small table (property)", () => {
  // hundredths from -10 to 10: float32 norms of subnormal values would underflow where float64's do not
  const value = fc.integer({ min: -1000, max: 1000 }).map((i) => i / 100);
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }).chain((dim) =>
        fc.record({
          dim: fc.constant(dim),
          rows: fc.array(fc.array(value, { minLength: dim, maxLength: dim }), { minLength: 1, maxLength: 40 }),
          q: fc.array(value, { minLength: dim, maxLength: dim }),
          k: fc.integer({ min: 0, max: 45 }),
          metric: fc.constantFrom<Metric>("cosine", "euclidean"),
        }),
      ),
      ({ dim, rows, q, k, metric }) => {
        const data = Float32Array.from(rows.flat());
        const qq = Float32Array.from(q);
        const got = nearest(vectorTable(data, dim), qq, k, metric);
        const want = bruteForce(data, dim, qq, k, metric, new Set());
        assert.equal(got.length, want.length);
        for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i].score - want[i].score) <= 1e-4 * Math.max(1, Math.abs(want[i].score)), `${got[i].score} vs ${want[i].score}`);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test("nearest() handles zero vectors, a query of the wrong size and k = 0", () => {
  const t = vectorTable(Float32Array.from([0, 0, 1, 0, 0, 2]), 2);
  assert.deepEqual(nearest(t, [1, 0], 3, "cosine"), [{ index: 1, score: 1 }, { index: 0, score: 0 }, { index: 2, score: 0 }]);
  assert.deepEqual(nearest(t, [0, 0], 1, "cosine"), [{ index: 0, score: 0 }], "a zero query is 0 to every row; ties go to the lower row");
  assert.deepEqual(nearest(t, [0, 0], 2, "euclidean"), [{ index: 0, score: 0 }, { index: 1, score: 1 }]);
  assert.deepEqual(nearest(t, [1, 0], 0, "cosine"), []);
  assert.throws(() => nearest(t, [1, 0, 0], 1, "cosine"), RangeError);
  assert.throws(() => vectorTable(new Float32Array(5), 2), RangeError);
  assert.throws(() => vectorTable(new Float32Array(4), 0), RangeError);
  assert.deepEqual([...row(t, 2)], [0, 2]);
});

test("TopK keeps the k best, ties to the lower index, whatever the order of arrival", () => {
  const values = [5, 1, 9, 9, 3, 7, 7, 0, 9];
  const want = [{ goodness: 9, index: 2 }, { goodness: 9, index: 3 }, { goodness: 9, index: 8 }, { goodness: 7, index: 5 }];
  for (let shift = 0; shift < values.length; shift++) {
    const h = new TopK(4);
    for (let j = 0; j < values.length; j++) {
      const i = (j + shift) % values.length;
      h.push(values[i], i);
    }
    assert.deepEqual(h.sorted(), want, `shift ${shift}`);
  }
  const h = new TopK(2);
  h.push(NaN, 0);
  assert.equal(h.size, 0, "NaN is never kept");
  assert.throws(() => new TopK(-1), RangeError);
});

test("the word index keeps whole words with a leading space: letters only, at least two", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const table = [" the", "the", " a", " zen", "ith", " don't", " Über", " ok", " ok", "", " x1", " Hello"].map(enc);
  assert.equal(isWholeWordToken(enc(" the")), true);
  assert.equal(isWholeWordToken(enc(" a")), false, "one letter");
  assert.equal(isWholeWordToken(enc("ith")), false, "no leading space");
  assert.equal(isWholeWordToken(enc("  ab")), false, "two spaces");
  assert.equal(isWholeWordToken(enc(" ab[")), false);
  assert.equal(isWholeWordToken(enc(" ab@")), false);
  const ix = buildWordIndex(table);
  assert.deepEqual(ix.words, ["the", "zen", "ok", "Hello"]);
  assert.deepEqual([...ix.ids], [0, 3, 7, 11]);
  assert.equal(ix.rowOf.get("ok"), 2, "a repeated word keeps its first id");
});

test("on the shipped model: the word index, the query left out, and a word's nearest neighbour stable across two runs", () => {
  const run = () => NeighbourSpace.create(readModelFolder(MODEL_DIR), null);
  const a = run();
  const b = run();
  assert.ok(a.index.words.length > 500, `${a.index.words.length} words`);
  for (const w of a.index.words) assert.match(w, /^[A-Za-z]{2,}$/);
  assert.match(a.source, /\[\d+, \d+\]/);
  return (async () => {
    for (const word of ["the", "king", "water", "house", a.index.words[100]]) {
      const ra = await a.search({ query: word, mode: "static", layer: 0, metric: "cosine", k: 5 });
      const rb = await b.search({ query: word, mode: "static", layer: 0, metric: "cosine", k: 5 });
      assert.ok(ra.neighbours.length === 5);
      assert.ok(!ra.neighbours.some((n) => n.word === word), `${word} is not its own neighbour`);
      assert.equal(ra.neighbours[0].word, rb.neighbours[0].word, `nearest neighbour of ${word}`);
      assert.deepEqual(ra.neighbours, rb.neighbours);
      for (let i = 1; i < 5; i++) assert.ok(ra.neighbours[i - 1].score >= ra.neighbours[i].score, "sorted");
    }
  })();
});

test("a word list keeps only vocabulary entries used as whole words", async () => {
  const { buildWordIndex, parseWordList } = await import("../../src/core/wordIndex");
  const enc = new TextEncoder();
  const bytes = [" king", " benef", "ith", " queen", " x"].map((s) => enc.encode(s));
  const all = buildWordIndex(bytes);
  assert.deepEqual(all.words, ["king", "benef", "queen"]);
  const known = parseWordList("king\t120\nqueen\t80\n\n");
  const filtered = buildWordIndex(bytes, known);
  assert.deepEqual(filtered.words, ["king", "queen"]);
  assert.deepEqual(Array.from(filtered.ids), [0, 3]);
});

test("a word list's standalone share keeps word starts such as ' con' out of the index", async () => {
  const { parseWordList } = await import("../../src/core/wordIndex");
  const text = "the\t175088\t0.887\ncon\t135\t0.004\nred\t193\t0.229\nold\t50\n";
  assert.deepEqual([...parseWordList(text)], ["the", "con", "red", "old"]);
  assert.deepEqual([...parseWordList(text, 0.1)], ["the", "red", "old"]);
});
