import { test } from "node:test";
import assert from "node:assert/strict";
import { KneserNeyTrigram, UnigramBaseline, isWordUnit, splitUnits } from "../../src/tools/ngram";

const TEXTS = [
  "The cat sat on the mat.",
  "The cat sat on the hat!",
  "The dog sat on the log.",
  "The dog ran to the cat, and the cat ran away.",
  "A cat and a dog sat together on the mat.",
  "Don't stop, it's 42 already!",
  "The zebra quietly munched grass.",
];
const DOCS = TEXTS.map(splitUnits);

function near(actual: number, expected: number, tol: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

test("splitUnits keeps contractions, digit runs and single punctuation", () => {
  assert.deepEqual(splitUnits("Don't stop, it's 42 already!"), ["Don't", "stop", ",", "it's", "42", "already", "!"]);
  assert.deepEqual(splitUnits("  \n\t "), []);
  assert.deepEqual(splitUnits("a...b"), ["a", ".", ".", ".", "b"]);
});

test("isWordUnit tells words and numbers from punctuation", () => {
  assert.equal(isWordUnit("it's"), true);
  assert.equal(isWordUnit("42"), true);
  assert.equal(isWordUnit("é"), true);
  assert.equal(isWordUnit(","), false);
  assert.equal(isWordUnit("$"), false);
});

test("the trigram is a distribution over the vocabulary after every history", () => {
  const lm = KneserNeyTrigram.train(DOCS);
  const vocab = lm.vocabulary();
  assert.ok(vocab.includes("<unk>"), "rare units are pooled into <unk>");
  assert.ok(!vocab.includes("<s>"));
  assert.ok(!vocab.includes("zebra"), "a unit seen once is below minCount 2");
  assert.equal(lm.vocabularySize, vocab.length);
  const histories: [string, string][] = [
    ["<s>", "<s>"],
    ["<s>", "The"],
    ["The", "cat"],
    ["cat", "sat"],
    ["the", "cat"], // seen bigram history, seen trigram history
    ["mat", "cat"], // unseen trigram history, seen bigram
    ["zebra", "quietly"], // both out of vocabulary: <unk> <unk>
    [".", "."], // never seen as a history at all
  ];
  for (const [u, v] of histories) {
    let sum = 0;
    for (const w of vocab) sum += Math.exp(lm.logProb(u, v, w));
    near(sum, 1, 1e-9, `sum after "${u} ${v}"`);
  }
  for (const d of [0.1, 0.5, 1]) {
    const other = KneserNeyTrigram.train(DOCS, { discount: d, minCount: 1 });
    let sum = 0;
    for (const w of other.vocabulary()) sum += Math.exp(other.logProb("on", "the", w));
    near(sum, 1, 1e-9, `sum with D=${d}`);
  }
});

test("the trigram matches an interpolated Kneser-Ney value computed by hand", () => {
  // Documents (padded with <s> <s>):  a b a b | b a c | a b a ;  minCount 1, D = 0.75.
  // Vocabulary |V| = 4: <unk>, a, b, c.
  // Trigram counts: (<s> <s> a)2 (<s> a b)2 (a b a)2 (b a b)1 (<s> <s> b)1 (<s> b a)1 (b a c)1.
  // Bigram continuation counts N1+(. v w): (<s> a)1 (a b)2 (b a)2 (<s> b)1 (a c)1.
  // Unigram continuation counts N1+(. w): a 2 (after <s>, b), b 2 (after a, <s>), c 1, <unk> 0;
  //   5 bigram types in all, 3 words with a continuation.
  const lm = KneserNeyTrigram.train([["a", "b", "a", "b"], ["b", "a", "c"], ["a", "b", "a"]], { discount: 0.75, minCount: 1 });
  const D = 0.75;
  const P1 = (n: number) => (Math.max(n - D, 0) + D * 3 * (1 / 4)) / 5;
  const p1a = P1(2); // (1.25 + 0.5625) / 5 = 0.3625
  const p1c = P1(1); // (0.25 + 0.5625) / 5 = 0.1625
  const p1unk = P1(0); // 0.5625 / 5 = 0.1125
  near(p1a, 0.3625, 1e-15, "P1(a)");
  near(p1c, 0.1625, 1e-15, "P1(c)");

  // P(c | b a): history (b a) saw b once and c once: S3 = 2, T3 = 2.
  //   P2(c | a): after a, (a b) 2 and (a c) 1: S2 = 3, T2 = 2 -> (0.25 + 0.75·2·0.1625) / 3 = 0.49375 / 3.
  //   P3 = (0.25 + 0.75·2·0.49375/3) / 2 = (0.25 + 0.246875) / 2 = 0.2484375.
  const p2ca = (1 - D + D * 2 * p1c) / 3;
  near((1 - D + D * 2 * p2ca) / 2, 0.2484375, 1e-15, "arithmetic");
  near(lm.logProb("b", "a", "c"), Math.log(0.2484375), 1e-12, "P(c | b a)");

  // P(a | <s> <s>): history saw a twice and b once: S3 = 3, T3 = 2.
  //   P2(a | <s>): (<s> a)1 (<s> b)1: (0.25 + 0.75·2·0.3625) / 2 = 0.396875.
  //   P3 = (1.25 + 0.75·2·0.396875) / 3 = 1.8453125 / 3.
  near(lm.logProb("<s>", "<s>", "a"), Math.log(1.8453125 / 3), 1e-12, "P(a | <s> <s>)");

  // P(<unk> | <s> <s>) (an unknown unit is <unk>): P2 = 0.75·2·0.1125 / 2 = 0.084375, P3 = 0.75·2·0.084375 / 3.
  near(lm.logProb("<s>", "<s>", "zzz"), Math.log(0.0421875), 1e-12, "P(<unk> | <s> <s>)");
  near(0.75 * 2 * ((0.75 * 2 * p1unk) / 2) / 3, 0.0421875, 1e-15, "arithmetic");
  // Open vocabulary: nothing was mapped to <unk>, so the spelling model has only its unseen-character
  // slot and the end symbol, each 1/2: P_spell("zz") = 1/2 · 1/2 · 1/2.
  near(lm.logProbOpen("<s>", "<s>", "zz"), Math.log(0.0421875 / 8), 1e-12, "P_open(zz | <s> <s>)");

  // P(a | c a): history (c a) never seen -> P2(a | a) = (0 + 0.75·2·0.3625) / 3 = 0.18125.
  near(lm.logProb("c", "a", "a"), Math.log(0.18125), 1e-12, "P(a | c a)");

  // P(c | c c): c never precedes anything -> P1(c) = 0.1625.
  near(lm.logProb("c", "c", "c"), Math.log(0.1625), 1e-12, "P(c | c c)");
});

test("a trigram seen in training beats an unseen continuation of the same history", () => {
  const lm = KneserNeyTrigram.train(DOCS);
  assert.ok(lm.logProb("The", "cat", "sat") > lm.logProb("The", "cat", "ran"));
  assert.ok(lm.logProb("on", "the", "mat") > lm.logProb("on", "the", "dog"));
  assert.ok(lm.logProb("The", "dog", "sat") > lm.logProb("The", "dog", "cat"));
});

test("out-of-vocabulary units are spelled: finite, rarer than a frequent word, shorter is likelier", () => {
  const lm = KneserNeyTrigram.train(DOCS);
  const oov = lm.logProbOpen("on", "the", "zebra");
  assert.ok(Number.isFinite(oov), String(oov));
  assert.ok(oov < lm.logProbOpen("on", "the", "the"));
  assert.ok(oov < lm.logProb("on", "the", "zebra"), "spelling only takes probability away from <unk>");
  assert.equal(lm.logProbOpen("on", "the", "mat"), lm.logProb("on", "the", "mat"));
  assert.ok(lm.logProbOpen("on", "the", "zqzq") < lm.logProbOpen("on", "the", "zq"));
  assert.ok(lm.logProbOpen("on", "the", "grassgrass") < lm.logProbOpen("on", "the", "grass"));
  // A character never seen in training still gets a (small) probability.
  assert.ok(Number.isFinite(lm.logProbOpen("on", "the", "日本")));

  const uni = UnigramBaseline.train(DOCS);
  const u = uni.logProbOpen("zebra");
  assert.ok(Number.isFinite(u));
  assert.ok(u < uni.logProbOpen("the"));
  assert.ok(uni.logProbOpen("zqzq") < uni.logProbOpen("zq"));
});

test("topWords agrees with ranking the whole vocabulary by logProb", () => {
  const lm = KneserNeyTrigram.train(DOCS);
  const vocab = lm.vocabulary();
  const excludes: (((u: string) => boolean) | undefined)[] = [
    undefined,
    (u) => !isWordUnit(u),
    (u) => u === "cat" || u === "mat" || u === "the",
  ];
  const histories: [string, string][] = [
    ["<s>", "<s>"],
    ["on", "the"],
    ["The", "cat"],
    ["mat", "cat"],
    ["zebra", "quietly"],
    [".", "."],
  ];
  for (const [u, v] of histories) {
    for (const exclude of excludes) {
      const all = vocab
        .filter((w) => w !== "<unk>" && !(exclude && exclude(w)))
        .map((w) => ({ word: w, logp: lm.logProb(u, v, w) }))
        .sort((x, y) => y.logp - x.logp); // stable: ties stay in vocabulary order
      for (const k of [1, 3, 5, all.length + 3]) {
        const top = lm.topWords(u, v, k, exclude);
        const what = `"${u} ${v}" k=${k} ${exclude ? "filtered" : ""}`;
        assert.equal(top.length, Math.min(k, all.length), what);
        for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].logp >= top[i].logp, what);
        for (const t of top) {
          assert.notEqual(t.word, "<unk>");
          assert.notEqual(t.word, "<s>");
          if (exclude) assert.equal(exclude(t.word), false, what);
          assert.equal(t.logp, lm.logProb(u, v, t.word), `${what} ${t.word}`);
        }
        assert.deepEqual(top.map((t) => t.word), all.slice(0, k).map((t) => t.word), what);
      }
    }
  }
  assert.deepEqual(lm.topWords("on", "the", 0), []);
  assert.equal(lm.topWords("on", "the", 1)[0].word, "mat");
});

test("UnigramBaseline ranks the most frequent words first", () => {
  const docs = [
    ["the", "cat", "the", "dog", "the", "cat", "a", "rare"],
    ["the", "cat", "dog", "the", "only"],
    ["the", "dog", "a"],
  ];
  // Counts: the 6, cat 3, dog 3, a 2; rare and only fall under minCount 2 and become <unk> (2).
  const uni = UnigramBaseline.train(docs);
  assert.deepEqual(uni.topWords(4).map((t) => t.word), ["the", "cat", "dog", "a"]);
  assert.deepEqual(uni.topWords(10).map((t) => t.word), ["the", "cat", "dog", "a"], "never <unk>");
  assert.deepEqual(uni.topWords(2, (w) => w === "cat").map((t) => t.word), ["the", "dog"]);
  // Add-one: N = 16 units, |V| = 5 (<unk>, the, cat, dog, a).
  near(uni.topWords(1)[0].logp, Math.log(7 / 21), 1e-12, "P(the)");
  near(uni.logProbOpen("cat"), Math.log(4 / 21), 1e-12, "P(cat)");
  assert.equal(uni.vocabularySize, 5);
  // Spelling model trained on "rare" and "only": r 2, a 1, e 1, o 1, n 1, l 1, y 1 (8 characters), 2 ends,
  // 7 distinct characters + unseen slot + end -> denominator 8 + 2 + 7 + 2 = 19.
  // P_spell("ran") = 3/19 · 2/19 · 2/19 · 3/19 (end); P_spell("x") = 1/19 · 3/19.
  near(uni.logProbOpen("ran"), Math.log(3 / 21) + Math.log((3 * 2 * 2 * 3) / 19 ** 4), 1e-12, "P_open(ran)");
  near(uni.logProbOpen("x"), Math.log(3 / 21) + Math.log(3 / 19 ** 2), 1e-12, "P_open(x)");
  let sum = 0;
  for (const w of uni.vocabulary()) sum += Math.exp(uni.logProbOpen(w));
  near(sum, 1, 1e-12, "unigram sum");
});
