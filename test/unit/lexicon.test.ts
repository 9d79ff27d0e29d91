// The word search's lexicon: a word, and whether a word starts with a prefix, as the prefix set it replaces answered.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Lexicon } from "../../src/core/lexicon";

test("Lexicon: words are lower-cased; a prefix is known when some word starts with it", () => {
  const l = new Lexicon(["Still", "stir", "red", "été"]);
  assert.equal(l.has("still"), true);
  assert.equal(l.has("Still"), false, "queries are lower-case");
  for (const p of ["s", "st", "sti", "stil", "still", "stir", "r", "re", "red", "é", "ét", "été"]) assert.equal(l.hasPrefix(p), true, p);
  for (const p of ["", "stilll", "x", "rd", "sto", "t"]) assert.equal(l.hasPrefix(p), false, p);
});

test("Lexicon: hasPrefix equals a set of every prefix of every word (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 30 }), fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 30 }), (words, probes) => {
      const l = new Lexicon(words);
      const prefixes = new Set<string>();
      for (const w of words.map((x) => x.toLowerCase())) for (let i = 1; i <= w.length; i++) prefixes.add(w.slice(0, i));
      for (const p of [...probes, ...prefixes]) assert.equal(l.hasPrefix(p), prefixes.has(p), JSON.stringify(p));
    }),
  );
});
