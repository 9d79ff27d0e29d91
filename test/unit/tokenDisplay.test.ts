// The tokens of a text as the attention panel and `lm-lens attention --json` show them: the tokens of one
// character (or emoji, or letter with its marks) grouped, never U+FFFD, and concatenating to the text.
// Through the shipped model's real tokenizer (byte-level BPE, which splits CJK, emoji and Arabic into bytes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { readModelFolder } from "../../src/modelHost/modelFolder";
import { tokenRanges } from "../../src/modelHost/tokenizer";
import { isByteFragment, shownToken, tokenGroups, tokenLabel } from "../../src/shared/tokenDisplay";
import { MODEL_DIR, ROOT } from "./helpers";

const folder = readModelFolder(MODEL_DIR);
const tokensOf = (text: string) => tokenRanges(folder.tokenizer, folder.tokenizer.encode(text));
const MIXED = "The 中文 line 👨‍👩‍👧 and مرحبا with cafe\u0301 👍🏽!";

test("a mixed-script line: every character and emoji is one group, shown whole on its first token; the displays concatenate to the text", () => {
  const tokens = tokensOf(MIXED);
  assert.ok(tokens.some((t) => t.text === "\uFFFD"), "the premise: some tokens alone are U+FFFD");
  const shown = tokenGroups(tokens);
  assert.equal(shown.map((d) => d.display).join(""), MIXED);
  for (const d of shown) assert.ok(!d.display.includes("\uFFFD"), JSON.stringify(d));
  const firsts = shown.filter((d, i) => d.group[0] === i).map((d) => d.display);
  for (const whole of ["中", "文", "👨‍👩‍👧", "م", "ر", "ح", "ب", "ا", "👍🏽"]) assert.ok(firsts.includes(whole), `“${whole}” is one group: ${JSON.stringify(firsts)}`);
  // e + a combining acute accent is one grapheme: the accent's tokens join the token of its letter
  assert.ok(firsts.some((f) => f.endsWith("e\u0301")), JSON.stringify(firsts));
  // 中 is three tokens of one byte each: the first carries it, the others are empty and name their bytes
  const i = shown.findIndex((d) => d.display === "中");
  assert.deepEqual(shown.slice(i, i + 3).map((d) => [d.display, d.bytes, d.group]), [["中", "e4", [i, i + 2]], ["", "b8", [i, i + 2]], ["", "ad", [i, i + 2]]]);
  assert.deepEqual([0, 1, 2].map((k) => tokenLabel(shown, i + k)), ["中 (1/3)", "中 (2/3)", "中 (3/3)"]);
  // a token of whole characters stands alone and has no bytes to explain
  const the = shown[0];
  assert.deepEqual(the, { display: "The", group: [0, 0] });
  assert.equal(tokenLabel(shown, 0), "The");
});

test("any text: the displays concatenate to it, and none holds U+FFFD that the text does not (property)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
      const shown = tokenGroups(tokensOf(text));
      assert.equal(shown.map((d) => d.display).join(""), text);
      if (!text.includes("\uFFFD")) for (const d of shown) assert.ok(!d.display.includes("\uFFFD"));
      // a group's tokens are consecutive and every token of it says so
      shown.forEach((d, i) => assert.ok(d.group[0] <= i && i <= d.group[1] && shown[d.group[0]].group[1] === d.group[1]));
    }),
    { numRuns: 300 },
  );
});

test("bytes that form no character (a text cut inside one) display as nothing and say their bytes; a special token reads by name", () => {
  const cut = tokenGroups([{ bytes: [0x61], text: "a" }, { bytes: [0xe4, 0xb8], text: "\uFFFD" }]);
  assert.deepEqual(cut, [{ display: "a", group: [0, 0] }, { display: "", group: [1, 1], bytes: "e4 b8" }]);
  assert.equal(tokenLabel(cut, 1), "‹e4 b8›");
  const eot = tokenGroups([{ bytes: [], text: "<|endoftext|>" }, { bytes: [0x68, 0x69], text: "hi" }]);
  assert.deepEqual(eot.map((d) => d.display), ["<|endoftext|>", "hi"]);
});

test("lm-lens attention --json: each token's display, grouped, no U+FFFD, concatenating to the text; and its bytes", () => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "attention", "--json", "--model", MODEL_DIR, MIXED], { encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { tokens: string[]; display: string[]; bytes: string[]; predictions: { token: string; p: number }[][] };
  assert.equal(out.display.length, out.tokens.length);
  assert.equal(out.display.join(""), MIXED);
  for (const d of out.display) assert.ok(!d.includes("\uFFFD"), d);
  const i = out.display.indexOf("中");
  assert.deepEqual(out.bytes.slice(i, i + 3), ["e4", "b8", "ad"]);
  assert.equal(out.bytes[0], "54 68 65", "“The”");
  // the next tokens at every position: a token that is part of a character reads as its bytes, never U+FFFD
  const next = out.predictions.flat().map((t) => t.token);
  for (const t of next) assert.ok(!t.includes("\uFFFD"), JSON.stringify(t));
  assert.ok(out.predictions[i].some((t) => isByteFragment(t.token)), `after the first byte of 中 the model expects its other bytes: ${out.predictions[i].map((t) => t.token).join(" ")}`);
});

test("a token alone reads as its text, or as its bytes where it is part of a character", () => {
  const id = (text: string) => folder.tokenizer.encode(text);
  const [first] = id("中");
  assert.equal(folder.tokenizer.tokenText(first), "\uFFFD", "the premise: the first token of 中 alone is U+FFFD");
  assert.equal(folder.tokenizer.tokenShown(first), "‹e4›");
  assert.ok(isByteFragment("‹e4 b8›") && !isByteFragment("e4") && !isByteFragment("‹the›"));
  for (const t of id(" the weather")) assert.equal(folder.tokenizer.tokenShown(t), folder.tokenizer.tokenText(t), "whole tokens read as their text");
  assert.equal(shownToken([0xf0, 0x9f], "\uFFFD"), "‹f0 9f›");
  assert.equal(shownToken([], "<|endoftext|>"), "<|endoftext|>");
});
