// A partial word completes only to a word the lexicon (words.txt) or the document knows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseWordList, wordsStartingWith } from "../../src/core/wordIndex";
import { MODEL_DIR, SUGGEST, sharedEngine } from "./helpers";
import { knownContinuations } from "../../src/modelHost/nextWord";

const lexicon = new Set(Array.from(parseWordList(readFileSync(join(MODEL_DIR, "words.txt"), "utf8")), (w) => w.toLowerCase()));

test('"lighth" completes to "lighthouse" when the document has it, never to a non-word such as "lighthed"', async () => {
  const e = await sharedEngine();
  const story = "The lighthouse stood on the rock above the bay. Every night the lighth";
  const r = await e.suggest(story, { ...SUGGEST, k: 5 });
  assert.equal(r.text, "ouse");
  for (const a of r.alternatives) assert.ok(a.word === "ouse" || lexicon.has(`lighth${a.word}`), a.word);
  // without the word in the text, no completion that no one knows
  const bare = await e.suggest("She walked down to the lighth", { ...SUGGEST, k: 5 });
  for (const a of bare.alternatives) assert.ok(lexicon.has(`lighth${a.word}`.toLowerCase()), `"lighth${a.word}" is not a word`);
  // the document beyond the text sent (knownWords) counts too
  const far = await e.suggest("She walked down to the lighth", { ...SUGGEST, k: 5, knownWords: ["lighthouse"] });
  assert.equal(far.text, "ouse");
});

test("a short typed word completes to the word the model expects (\"set t\" -> \"o\"), its first token carrying the space", async () => {
  const e = await sharedEngine();
  for (const [text, rest] of [["The file attribute will be set t", "o"], ["Do not reload the module if it was alr", "eady"]]) {
    const r = await e.suggest(text, { ...SUGGEST, k: 5 });
    assert.equal(r.alternatives[0]?.word, rest, `${text} -> ${JSON.stringify(r.alternatives)}`);
  }
});

test("completions of typed words are lexicon or document words, across prefixes", async () => {
  const e = await sharedEngine();
  const doc = "The quick brown fox jumped over the lazy dog near the harbour. Then the captain ";
  for (const typed of ["jum", "harb", "capt", "qu", "tho", "begi", "wonde", "xyl"]) {
    const r = await e.suggest(doc + typed, { ...SUGGEST, k: 5 });
    if (r.startsNewWord) continue;
    const inDoc = new Set(wordsStartingWith(doc, typed));
    for (const a of r.alternatives) {
      const w = (typed + a.word).toLowerCase();
      assert.ok(lexicon.has(w) || inDoc.has(w), `${typed} -> ${typed}${a.word}`);
    }
  }
});

test("wordsStartingWith finds whole words only", () => {
  assert.deepEqual(wordsStartingWith("The lighthouse, a lighthouse-keeper; delight", "light"), ["lighthouse", "lighthouse"]);
  assert.deepEqual(wordsStartingWith("Light LIGHTS", "light"), ["lights"]);
  assert.deepEqual(wordsStartingWith("anything", ""), []);
});

test("the k best words are the first k of the 2k best: the search's beam never hides a likelier word", async () => {
  const e = await sharedEngine();
  for (const ctx of ["the hair was still", "She opened the door and", "The jury said that the", "In the morning he went to the"]) {
    for (const k of [3, 5]) {
      const few = (await e.suggest(ctx, { ...SUGGEST, k, words: 1 })).alternatives.map((a) => a.word);
      const more = (await e.suggest(ctx, { ...SUGGEST, k: 2 * k, words: 1 })).alternatives.map((a) => a.word);
      assert.deepEqual(few, more.slice(0, k), `${JSON.stringify(ctx)}: top ${k}`);
    }
  }
});

test("knownContinuations: a typed word goes on only along letters that begin a known word", () => {
  const words = ["lighthouse", "light", "lightly"];
  const prefixes = new Set(words.flatMap((w) => Array.from({ length: w.length }, (_, i) => w.slice(0, i + 1))));
  let asked = 0;
  const next = knownContinuations((p) => {
    asked++;
    return prefixes.has(p);
  });
  const enc = (s: string) => new TextEncoder().encode(s);
  const allow = next(enc(" Lighth"));
  assert.ok(allow);
  assert.equal(allow(enc("ouse")), true);
  assert.equal(allow(enc("o")), true);
  assert.equal(allow(enc("ed")), false, "no known word starts with lighthed");
  assert.equal(allow(enc("1")), false);
  assert.equal(allow(enc("\u00e9")), true, "a letter outside ASCII is left to accept");
  assert.equal(next(enc(" l1")), undefined, "a unit that is not letters is not judged");
  // the first token of the word may carry its leading space (" light"), and a bare space is not judged
  const start = next(enc(""));
  assert.ok(start);
  assert.equal(start(enc(" light")), true);
  assert.equal(start(enc(" lx")), false);
  assert.equal(start(enc(" ")), true);
  // the letters that may follow a unit are looked up once per unit
  const before = asked;
  next(enc(" Lighth"))!(enc("x"));
  assert.equal(asked, before);
});
