// The search box's language: words, phrases, and sums such as "king - man + woman".
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_NEIGHBOUR_QUERY_CHARS } from "../../src/shared/vocabulary";
import { formatQuery, MAX_TERMS, MAX_WORDS_PER_TERM, parseVectorQuery, queryWords, singleWord, type VectorQuery } from "../../src/core/vectorQuery";

function ok(input: string): VectorQuery {
  const r = parseVectorQuery(input);
  assert.ok(r.ok, `${JSON.stringify(input)}: ${r.ok ? "" : r.error}`);
  return r.query;
}

function err(input: string): { error: string; at: number } {
  const r = parseVectorQuery(input);
  assert.ok(!r.ok, `${JSON.stringify(input)} should not parse`);
  return r;
}

test("a word, a phrase, and a sum", () => {
  assert.deepEqual(ok("king").terms, [{ sign: 1, words: ["king"] }]);
  assert.deepEqual(ok("red car").terms, [{ sign: 1, words: ["red", "car"] }]);
  assert.deepEqual(ok("king - man + woman").terms, [
    { sign: 1, words: ["king"] },
    { sign: -1, words: ["man"] },
    { sign: 1, words: ["woman"] },
  ]);
  assert.equal(ok("king - man + woman").text, "king - man + woman");
  assert.deepEqual(ok("big red car - small car").terms, [{ sign: 1, words: ["big", "red", "car"] }, { sign: -1, words: ["small", "car"] }]);
});

test("spaces do not matter: none, many, tabs and newlines around words and operators", () => {
  const want = ok("king - man + woman");
  for (const s of ["king-man+woman", "  king   -  man\t+\nwoman  ", "king -man +woman", "king- man+ woman"]) assert.deepEqual(ok(s), want, JSON.stringify(s));
  assert.equal(ok("  red    car ").text, "red car");
  // the Unicode minus sign is a minus too
  assert.deepEqual(ok("king − man").terms[1], { sign: -1, words: ["man"] });
});

test("a leading minus negates the first term; a leading plus is allowed", () => {
  assert.deepEqual(ok("-man + woman").terms, [{ sign: -1, words: ["man"] }, { sign: 1, words: ["woman"] }]);
  assert.equal(ok("-man + woman").text, "-man + woman");
  assert.equal(ok(" - man").text, "-man");
  assert.deepEqual(ok("+king").terms, [{ sign: 1, words: ["king"] }]);
});

test("repeated operators are an error that names both and points at the second", () => {
  const e = err("king + - man");
  assert.match(e.error, /“\+” is followed by “-” with no word between them/);
  assert.equal(e.at, 7);
  assert.match(err("king -- man").error, /“-” is followed by “-”/);
  assert.match(err("++king").error, /“\+” is followed by “\+”/);
  assert.equal(err("--king").at, 1);
});

test("empty terms: an empty query, a trailing operator, operators alone", () => {
  assert.match(err("").error, /Type a word/);
  assert.match(err("   \t ").error, /Type a word/);
  const trailing = err("king - man +");
  assert.match(trailing.error, /ends with “\+”: a word must follow it/);
  assert.equal(trailing.at, 11);
  assert.match(err("king -").error, /ends with “-”/);
  assert.match(err("-").error, /ends with “-”/);
  assert.match(err("+ -").error, /followed by/);
});

test("words must have a letter or digit; limits on length, terms and phrase words", () => {
  assert.match(err("king - ...").error, /“\.\.\.” is not a word/);
  assert.equal(err("king - ...").at, 7);
  assert.ok(parseVectorQuery("don't").ok, "an apostrophe inside a word is fine");
  assert.ok(parseVectorQuery("über").ok, "letters beyond ASCII are words (the tokenizer embeds anything)");
  assert.match(err("a".repeat(41)).error, /longer than 40/);
  assert.match(err("x".repeat(MAX_NEIGHBOUR_QUERY_CHARS + 1)).error, new RegExp(`longer than ${MAX_NEIGHBOUR_QUERY_CHARS}`));
  assert.match(err(Array.from({ length: MAX_TERMS + 1 }, (_, i) => `w${i}`).join(" + ")).error, new RegExp(`At most ${MAX_TERMS} terms`));
  assert.ok(parseVectorQuery(Array.from({ length: MAX_TERMS }, (_, i) => `w${i}`).join(" + ")).ok);
  assert.match(err(Array.from({ length: MAX_WORDS_PER_TERM + 1 }, () => "w").join(" ")).error, new RegExp(`at most ${MAX_WORDS_PER_TERM} words`));
  assert.match(err(42 as unknown as string).error, /must be text/);
});

test("singleWord, queryWords and formatQuery", () => {
  assert.equal(singleWord(ok("king")), "king");
  assert.equal(singleWord(ok(" king ")), "king");
  assert.equal(singleWord(ok("-king")), undefined);
  assert.equal(singleWord(ok("red car")), undefined);
  assert.equal(singleWord(ok("king - man")), undefined);
  assert.deepEqual(queryWords(ok("king - man + woman - man")), ["king", "man", "woman"]);
  assert.equal(formatQuery([{ sign: -1, words: ["a", "b"] }, { sign: -1, words: ["c"] }]), "-a b - c");
  assert.equal(formatQuery([]), "");
});
