import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OnboardPredictor, fetchOnboardModel, historyOf, parseOnboardLm } from "../../src/tools/onboard";

const FIXTURE = readFileSync(join(__dirname, "..", "fixtures", "onboard-tiny.lm"), "utf8");

// Golden values: Onboard 1.4.1's own engine (Debian onboard, Onboard/pypredict, a DynamicModel with
// smoothing "abs-disc", as its WPEngine sets it) loaded with test/fixtures/onboard-tiny.lm:
//   m.predictp([history, prefix], 10, options=LanguageModel.CASE_INSENSITIVE)
const ONBOARD = {
  "New|": [["York", 0.6014443770591225], ["Zealand", 0.37587519874116937], ["Yorker", 0.02248190547998773]],
  "New|y": [["York", 0.6014443770591225], ["Yorker", 0.02248190547998773], ["you", 3.512362344665776e-5], ["year", 1.2293268206330215e-5]],
  "of|": [["the", 0.9999694643413267]],
  "|y": [["you", 0.15571473061351604], ["York", 0.07007162877608222], ["year", 0.05450015571473061], ["Yorker", 0.0031142946122703205]],
} as const;

const startsWith = (prefix: string) => (w: string) => w.toLowerCase().startsWith(prefix.toLowerCase());

test("parseOnboardLm reads the counts, keeps case and file order, and groups 2-grams by history", () => {
  const lm = parseOnboardLm(FIXTURE);
  assert.equal(lm.words.length, 12);
  assert.deepEqual(lm.words.slice(0, 6), ["<unk>", "<s>", "</s>", "<num>", "New", "York"]);
  assert.equal(lm.counts[lm.words.indexOf("the")], 5000);
  assert.deepEqual(
    lm.bigrams.get("New")!.map((b) => [lm.words[b.word], b.count]),
    [["York", 800], ["Yorker", 30], ["Zealand", 500]],
  );
  assert.equal(lm.bigrams.get("new"), undefined);
});

test("parseOnboardLm refuses what is not an Onboard model, with the reason", () => {
  assert.throws(() => parseOnboardLm("hello\n"), /no \\data\\ header/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=x\n"), /expected "ngram N=count"/);
  assert.throws(() => parseOnboardLm("\\data\\\n\n\\1-grams:\n"), /no n-gram counts declared/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 2=1\n"), /out of sequence/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=1\nngram 2=1\nngram 3=1\n"), /only unigram and bigram/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=1\n\n5 a\n\\end\\\n"), /before any section/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=1\n\n\\2-grams:\n"), /not declared/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=1\n\n\\1-grams:\n-3 a\n\\end\\\n"), /expected a count and 1 word/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=1\n\n\\1-grams:\n3 a b\n\\end\\\n"), /expected a count and 1 word/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=2\n\n\\1-grams:\n3 a\n4 a\n\\end\\\n"), /a listed twice/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=2\n\n\\1-grams:\n3 a\n\\end\\\n"), /1 read, 2 declared/);
  assert.throws(() => parseOnboardLm("\\data\\\nngram 1=1\n\n\\1-grams:\n3 a\n"), /no \\end\\ line/);
});

test("a 2-gram whose word has no 1-gram is skipped", () => {
  const lm = parseOnboardLm("\\data\\\nngram 1=1\nngram 2=2\n\n\\1-grams:\n3 a\n\n\\2-grams:\n2 a a\n1 a b\n\\end\\\n");
  assert.deepEqual(lm.bigrams.get("a"), [{ word: 0, count: 2 }]);
});

test("topWords gives Onboard's own ranking and probabilities (interpolated absolute discounting, D = 0.1)", () => {
  const m = OnboardPredictor.parse(FIXTURE);
  for (const [key, want] of Object.entries(ONBOARD)) {
    const [history, prefix] = key.split("|");
    const got = m.topWords(history || undefined, 10, prefix ? startsWith(prefix) : undefined, prefix === "");
    assert.deepEqual(got.map((c) => c.word), want.map((w) => w[0]), key);
    got.forEach((c, i) => assert.ok(Math.abs(c.p - want[i][1]) <= 1e-12 * want[i][1], `${key} ${c.word}: ${c.p} vs ${want[i][1]}`));
  }
});

test("topWords backs off to unigram counts after an unknown history and never predicts control words", () => {
  const m = OnboardPredictor.parse(FIXTURE);
  const top = m.topWords("xyzzy", 20);
  assert.deepEqual(top.map((c) => c.word), ["the", "of", "you", "York", "year", "New", "Zealand", "Yorker"]);
  assert.equal(top[0].p, 5000 / 12844);
  // after "New": its 2-grams first, then every other word at gamma · P1, in count order
  const after = m.topWords("New", 5).map((c) => c.word);
  assert.deepEqual(after, ["York", "Zealand", "Yorker", "the", "of"]);
  assert.deepEqual(m.topWords("New", 0), []);
  // nothing typed and no history: the keyboard itself lists nothing
  assert.deepEqual(m.topWords(undefined, 5, undefined, true), []);
});

test("probabilities after a history sum to one over the vocabulary", () => {
  const m = OnboardPredictor.parse(FIXTURE);
  const sum = (h: string | undefined) => m.topWords(h, 100).reduce((a, c) => a + c.p, 0);
  // control words hold 4 / 12844 of the unigram mass and are never listed
  const control = 4 / 12844;
  assert.ok(Math.abs(sum(undefined) - (1 - control)) < 1e-12);
  const gamma = (0.1 * 3) / 1330;
  assert.ok(Math.abs(sum("New") - (1 - gamma * control)) < 1e-12);
});

test("OnboardPredictor refuses a discount outside [0, 1) and a model without counts", () => {
  const lm = parseOnboardLm(FIXTURE);
  assert.throws(() => new OnboardPredictor(lm, 1), /discount/);
  assert.throws(() => new OnboardPredictor(lm, -0.1), /discount/);
  assert.throws(() => OnboardPredictor.parse("\\data\\\nngram 1=1\n\n\\1-grams:\n0 a\n\\end\\\n"), /no counts/);
});

test("historyOf reads the last word as Onboard's tokenizer would, <s> and <num> as no history", () => {
  assert.equal(historyOf("the United "), "United");
  assert.equal(historyOf("the United"), "United");
  assert.equal(historyOf("Hello, "), "Hello");
  assert.equal(historyOf("x = foo(bar) "), "bar");
  assert.equal(historyOf("don't "), "don't");
  assert.equal(historyOf("well-known "), "well-known");
  assert.equal(historyOf("end?) "), "end");
  assert.equal(historyOf("He said. "), undefined);
  assert.equal(historyOf('"Yes." '), undefined);
  assert.equal(historyOf("a: "), undefined);
  assert.equal(historyOf("para\n\n"), undefined);
  assert.equal(historyOf("para\n"), "para");
  assert.equal(historyOf("in 1990 "), undefined);
  assert.equal(historyOf("  "), undefined);
  assert.equal(historyOf(""), undefined);
});

test("fetchOnboardModel uses an unpacked model in the cache folder without downloading", () => {
  const dir = mkdtempSync(join(tmpdir(), "onboard-"));
  try {
    const models = join(dir, "usr", "share", "onboard", "models");
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, "en_US.lm"), FIXTURE);
    assert.equal(fetchOnboardModel(dir), join(models, "en_US.lm"));
    // a .deb that is not one: the unpacking fails and says why instead of throwing
    writeFileSync(join(dir, "onboard-data_0_all.deb"), "not a deb");
    const r = fetchOnboardModel(dir, "xx_XX");
    assert.ok(r instanceof Error && r.message.length > 0, String(r));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
