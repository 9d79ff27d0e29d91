// Regexes in a tokenizer.json that could backtrack for exponential time are found at load.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hasNestedQuantifier, slowTokenizerRegex } from "../../src/modelHost/tokenizerRegex";

test("hasNestedQuantifier: a repeated group that repeats inside is found; GPT-2's and plain patterns pass", () => {
  for (const p of ["(a+)+$", "(a*)*", "(?:\\w+\\s?)*x", "((ab)+c)+", "(x+){2,}", "(\\d+){1,5}"]) assert.equal(hasNestedQuantifier(p), true, p);
  for (const p of ["'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", "(ab)+", "(a+)?", "[(a+)]+", "\\(a+\\)+", " ?\\p{L}+", "(a+){1}"]) assert.equal(hasNestedQuantifier(p), false, p);
});

test("slowTokenizerRegex: names the field of a normalizer's or pre-tokenizer's regex", () => {
  assert.deepEqual(slowTokenizerRegex({ normalizer: { type: "Replace", pattern: { Regex: "(a+)+$" }, content: "" } }), { path: "normalizer.pattern.Regex", pattern: "(a+)+$" });
  assert.deepEqual(slowTokenizerRegex({ pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: "(x*)*y" } }, { type: "ByteLevel" }] } })?.path, "pre_tokenizer.pretokenizers[0].pattern.Regex");
  assert.equal(slowTokenizerRegex({ pre_tokenizer: { type: "ByteLevel", use_regex: true } }), undefined);
});
