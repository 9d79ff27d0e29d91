// Which text the attention panel analyses, which token it chooses first, and how tokens read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { charsForTokens, headEnd, notInPair, tailStart, tokenAtOffset } from "../../src/core/attentionSource";
import { shortQuote, visibleWhitespace } from "../../src/shared/tokenDisplay";

test("tailStart keeps the whole of a short text", () => {
  assert.equal(tailStart("the hair was", 100), 0);
  assert.equal(tailStart("", 10), 0);
  assert.equal(tailStart("abc", 3), 0);
});

test("tailStart cuts a long text after whitespace, never inside a word or a surrogate pair", () => {
  const text = "alpha beta gamma delta";
  const s = tailStart(text, 9);
  assert.equal(text.slice(s), "delta");
  assert.ok(text.length - s <= 9);
  // no whitespace nearby: a plain cut, but not between the halves of an emoji
  const emoji = "😀".repeat(20);
  const e = tailStart(emoji, 5);
  assert.ok(!/^[\udc00-\udfff]/.test(emoji.slice(e)));
  assert.ok(tailStart("x".repeat(200), 10) === 190);
  assert.equal(tailStart("abc def", 0), 6, "a budget below 1 counts as 1");
});

test("charsForTokens is the one characters-per-token bound", () => {
  assert.equal(charsForTokens(256), 256 * 64);
});

test("headEnd and notInPair never cut a surrogate pair in half", () => {
  const s = "ab😀cd";
  assert.equal(headEnd(s, 3), 2, "before the emoji, not inside it");
  assert.equal(headEnd(s, 4), 4);
  assert.equal(headEnd(s, 99), s.length);
  assert.equal(notInPair(s, 3), 4, "past the emoji's second half");
  assert.equal(notInPair(s, 2), 2);
});

test("tokenAtOffset finds the token that covers an offset", () => {
  const tokens = [
    { start: 0, end: 3 },
    { start: 3, end: 8 },
    { start: 8, end: 14 },
  ];
  assert.equal(tokenAtOffset(tokens, 0), 0);
  assert.equal(tokenAtOffset(tokens, 3), 1, "a token starting at the offset");
  assert.equal(tokenAtOffset(tokens, 5), 1, "a token spanning the offset (a suggestion completing a word)");
  assert.equal(tokenAtOffset(tokens, 8), 2);
  assert.equal(tokenAtOffset(tokens, 14), 2, "past the end: the last token");
  assert.equal(tokenAtOffset([], 0), -1);
});

test("visibleWhitespace shows spaces, tabs and line ends", () => {
  assert.equal(visibleWhitespace(" the"), "·the");
  assert.equal(visibleWhitespace("\n\n"), "↵↵");
  assert.equal(visibleWhitespace("\r\n"), "↵");
  assert.equal(visibleWhitespace("\r"), "␍");
  assert.equal(visibleWhitespace("\tx "), "→x·");
  assert.equal(visibleWhitespace("<|endoftext|>"), "<|endoftext|>");
});

test("shortQuote flattens whitespace and shortens on a character boundary", () => {
  assert.equal(shortQuote("  the hair\nwas  still "), "the hair was still");
  assert.equal(shortQuote("abcdefghij", 5), "abcd…");
  assert.equal(shortQuote("The jury said it did find that many of the laws", 28), "The jury said it did find…");
  assert.ok(shortQuote("word ".repeat(40), 20).length <= 20);
  const q = shortQuote("ab😀cdef", 4);
  assert.ok(!/[\ud800-\udbff]…$/.test(q), q);
});
