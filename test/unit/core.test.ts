// Pure core: pending split, context windows, the prefix memo, sampling, settings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { expNeg, logSoftmax } from "../../src/modelHost/softmax";
import { splitPending } from "../../src/modelHost/wordUnits";
import { commonPrefix, stickyWindow, textWindow, tokenWindow, windowStart } from "../../src/core/contextWindow";
import { SuggestionMemo } from "../../src/core/suggestionMemo";
import { mulberry32, sampleIndex } from "../../src/modelHost/nextWord";
import { clampSetting, effectiveModelPath, LIMITS } from "../../src/core/settings";

test("splitPending keeps the partial word and its leading space out of the context", () => {
  assert.deepEqual(splitPending("the hair was st"), { context: "the hair was", pending: " st" });
  assert.deepEqual(splitPending("the hair was still"), { context: "the hair was", pending: " still" });
  assert.deepEqual(splitPending("the hair was still "), { context: "the hair was still", pending: " " });
  assert.deepEqual(splitPending("Hello,"), { context: "Hello", pending: "," });
  assert.deepEqual(splitPending("line one\n"), { context: "line one\n", pending: "" });
  assert.deepEqual(splitPending("def f():\n    "), { context: "def f():\n    ", pending: "" });
  assert.deepEqual(splitPending(""), { context: "", pending: "" });
  assert.deepEqual(splitPending("naïve caf"), { context: "naïve", pending: " caf" });
});

test("windowStart is stable while typing and aligned to 512 characters", () => {
  assert.equal(windowStart(100, 128), 0);
  const a = windowStart(5000, 128);
  assert.equal(a % 512, 0);
  assert.equal(windowStart(5001, 128), a);
  assert.ok(5000 - a >= 128 * 8);
});

test("textWindow starts after whitespace and never splits a surrogate pair", () => {
  const text = "word ".repeat(1000);
  const w = textWindow(text, 16);
  assert.equal(w.atStart, false);
  assert.ok(w.text.startsWith("word"));
  assert.ok(text.endsWith(w.text));
  const emoji = "😀".repeat(3000);
  const e = textWindow(emoji, 16);
  assert.ok(!/^[\udc00-\udfff]/.test(e.text), "starts with a low surrogate");
  assert.deepEqual(textWindow("short", 16), { text: "short", atStart: true });
  // a suffix read from an offset gives the same window as the whole text
  const long = "abc def ".repeat(2000);
  const off = windowStart(long.length, 64);
  assert.deepEqual(textWindow(long.slice(off), 64, off), textWindow(long, 64));
});

test("tokenWindow drops from the front in quarter steps", () => {
  const ids = Array.from({ length: 300 }, (_, i) => i);
  const w = tokenWindow(ids, 128);
  assert.ok(w.ids.length <= 128 && w.ids.length > 96);
  assert.equal(w.dropped % 32, 0);
  assert.equal(w.ids[w.ids.length - 1], 299);
  // one more token keeps the same start unless a step is crossed
  const w2 = tokenWindow([...ids, 300], 128);
  assert.ok(w2.dropped === w.dropped || w2.dropped === w.dropped + 32);
  assert.deepEqual(tokenWindow([1, 2], 128), { ids: [1, 2], dropped: 0 });
  assert.equal(commonPrefix([1, 2, 3], [1, 2, 4]), 2);
});

test("stickyWindow keeps the previous window's start while it fits, so its cache stays valid", () => {
  const doc = Array.from({ length: 400 }, (_, i) => 1000 + i);
  // the previous window: 110 tokens ending at token 300
  const prev = doc.slice(190, 300);
  // typing on: the same start while the window fits in 128 tokens
  assert.deepEqual(stickyWindow(doc.slice(0, 305), 128, [prev]), doc.slice(190, 305));
  // the text window jumped (the ids now start 40 tokens later): the token window does not move
  assert.deepEqual(stickyWindow(doc.slice(40, 305), 128, [prev]), doc.slice(190, 305));
  // the last word was retyped: the window still starts where it did
  assert.deepEqual(stickyWindow([...doc.slice(0, 299), 7], 128, [prev]), [...doc.slice(190, 299), 7]);
  // past 128 tokens the start must move; a prefetched window a quarter further on is taken
  const spare = prev.slice(32);
  assert.deepEqual(stickyWindow(doc.slice(0, 320), 128, [prev, spare]), doc.slice(222, 320));
  // without one, tokenWindow decides
  assert.equal(stickyWindow(doc.slice(0, 320), 128, [prev]), undefined);
  // a window shorter than tokenWindow's three quarters is never chosen
  assert.equal(stickyWindow(doc.slice(0, 400), 128, [doc.slice(350, 380)]), undefined);
  // unrelated or too little overlap: undefined
  assert.equal(stickyWindow(doc.slice(0, 305), 128, [[5, 6, 7]]), undefined);
  assert.equal(stickyWindow(doc.slice(0, 305), 128, [doc.slice(190, 200)]), undefined);
  // short texts are tokenWindow's (everything)
  assert.equal(stickyWindow(doc.slice(0, 100), 128, [prev]), undefined);
});

test("SuggestionMemo serves the rest of a suggestion as it is typed, and nothing after other edits", () => {
  const m = new SuggestionMemo();
  const before = "the hair was still";
  m.remember("doc", before.length, before, " red");
  assert.equal(m.lookup("doc", before.length, before), " red");
  assert.equal(m.lookup("doc", before.length + 2, before + " r"), "ed");
  assert.equal(m.lookup("doc", before.length + 2, before + " b"), undefined, "typed something else");
  assert.equal(m.lookup("doc", before.length + 4, before + " red"), undefined, "typed all of it");
  assert.equal(m.lookup("other", before.length, before), undefined);
  assert.equal(m.lookup("doc", before.length + 1, "THE hair was still "), undefined, "text before changed");
});

test("sampleIndex: greedy at temperature 0, seeded and within top-k otherwise", () => {
  const logps = [-0.1, -2, -3, -4];
  assert.equal(sampleIndex(logps, 0, 5, mulberry32(1)), 0);
  const r1 = mulberry32(7);
  const r2 = mulberry32(7);
  const a = Array.from({ length: 20 }, () => sampleIndex(logps, 1.5, 2, r1));
  const b = Array.from({ length: 20 }, () => sampleIndex(logps, 1.5, 2, r2));
  assert.deepEqual(a, b);
  assert.ok(a.every((i) => i === 0 || i === 1));
  assert.ok(a.includes(1), "a high temperature samples the second word sometimes");
  assert.equal(sampleIndex([], 1, 5, r1), -1);
});

test("Workspace Trust: in an untrusted workspace a workspace or folder lmLens.modelPath is ignored, the user's own value kept", () => {
  const all = { globalValue: " /home/me/gpt2 ", workspaceValue: "/repo/evil-model", workspaceFolderValue: "/repo/sub/evil-model" };
  assert.equal(effectiveModelPath(all, false), "/home/me/gpt2");
  assert.equal(effectiveModelPath({ workspaceValue: "/repo/evil-model" }, false), "", "the shipped model");
  assert.equal(effectiveModelPath({ workspaceFolderValue: "/repo/evil-model" }, false), "");
  // trusted: the most specific scope wins
  assert.equal(effectiveModelPath(all, true), "/repo/sub/evil-model");
  assert.equal(effectiveModelPath({ globalValue: "/a", workspaceValue: "/b" }, true), "/b");
  assert.equal(effectiveModelPath({ globalValue: "/a" }, true), "/a");
  // not a string: the shipped model
  for (const v of [42, null, ["/a"], { path: "/a" }, undefined]) assert.equal(effectiveModelPath({ globalValue: v }, true), "");
});

test("clampSetting keeps numbers in range and rejects non-numbers", () => {
  assert.equal(clampSetting(1000, LIMITS.maxContextTokens, 128), 512);
  assert.equal(clampSetting(-3, LIMITS.words, 1), 1);
  assert.equal(clampSetting("12", LIMITS.words, 1), 1);
  assert.equal(clampSetting(0.7, LIMITS.temperature, 0, false), 0.7);
  assert.equal(clampSetting(Number.NaN, LIMITS.topK, 5), 5);
});

test("expNeg agrees with Math.exp to 1e-8 over the softmax's range, and logSoftmax with the exact sum", () => {
  let worst = 0;
  for (let x = -37; x <= 0; x += 0.000731) worst = Math.max(worst, Math.abs(expNeg(x) / Math.exp(x) - 1));
  for (const x of [0, -1e-12, -0.125, -1, -36.999999]) worst = Math.max(worst, Math.abs(expNeg(x) / Math.exp(x) - 1));
  assert.ok(worst < 1e-8, `relative error ${worst}`);
  const logits = Float32Array.from({ length: 8192 }, (_, i) => Math.sin(i * 12.9898) * 9);
  const max = Math.max(...logits);
  const exact = max + Math.log(logits.reduce((a, v) => a + Math.exp(v - max), 0));
  assert.ok(Math.abs(logSoftmax(logits).logZ - exact) < 1e-9);
});
