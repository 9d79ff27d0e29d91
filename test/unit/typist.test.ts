// The typist's yardstick (src/tools/typist.ts): what the simulated typist takes, and what it counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptedShare, decide, letterSpaceSavings, savings, typeText, wordPieces, type Suggester } from "../../src/tools/typist";
import { typistTexts } from "../../src/tools/typistEval";

test("Ctrl+Right's pieces are words with the space before them", () => {
  assert.deepEqual(wordPieces(" door is open."), [" door", " is", " open", "."]);
  assert.deepEqual(wordPieces("ing to"), ["ing", " to"]);
  assert.deepEqual(wordPieces("   "), ["   "]);
});

test("Tab takes ghost text that is the rest of the word, or of several words", () => {
  const text = "the door is open";
  assert.deepEqual(decide(text, 4, "door"), { take: "door", keys: 1, whole: true });
  assert.deepEqual(decide(text, 3, " door is"), { take: " door is", keys: 1, whole: true });
  // "do" would stop inside "door": not the rest of the word
  assert.equal(decide(text, 4, "do").keys, 0);
  // a one-letter rest is typed: Tab would save nothing
  assert.equal(decide("a b", 1, " ").keys, 0);
  assert.equal(decide("the door", 7, "r").keys, 0);
});

test("Ctrl+Right takes the correct leading words, a key each, and stops at the first wrong one", () => {
  const text = "the door is open";
  assert.deepEqual(decide(text, 3, " door was"), { take: " door", keys: 1, whole: false });
  assert.deepEqual(decide(text, 3, " door is shut"), { take: " door is", keys: 2, whole: false });
  // the first word wrong: nothing is taken
  assert.equal(decide(text, 3, " window is").keys, 0);
  // a piece that stops inside the text's word is not taken ("doo" of "door")
  assert.equal(decide("the doors", 3, " door is").keys, 0);
});

test("typing with a suggester that is always right: each word costs its first letter and a Tab", async () => {
  const text = "alpha beta gamma";
  // the perfect suggester: after a word's first letter, the rest of it; nothing elsewhere
  const perfect: Suggester = {
    async ghost(typed) {
      const m = /(\p{L}+)$/u.exec(typed);
      if (!m) return { text: "", fresh: true };
      const word = text.slice(typed.length - m[1].length).split(" ")[0];
      return { text: word.slice(m[1].length), fresh: true };
    },
  };
  const t = await typeText(text, perfect);
  // a(1) Tab(1) space(1) b Tab space g Tab: 8 keys for 16 characters
  assert.equal(t.chars, 16);
  assert.equal(t.keys, 8);
  assert.equal(savings(t), 0.5);
  assert.equal(t.tabs, 3);
  assert.equal(t.shown, 3);
  assert.equal(acceptedShare(t), 1);
  // letters and spaces: 16; inserted by accepting: 4 + 3 + 4 = 11 letters, in 3 keys
  assert.equal(t.letterSpaceChars, 16);
  assert.equal(letterSpaceSavings(t), (11 - 3) / 16);
});

test("a suggestion that stays on screen while its letters are typed is counted once; a wrong one is never taken", async () => {
  const text = "one two";
  let calls = 0;
  const wrong: Suggester = {
    async ghost(typed) {
      calls++;
      // the same suggestion "xyz" from the start, its rest while nothing matches is not shown again
      return typed === "" ? { text: "xyz", fresh: true } : { text: "", fresh: true };
    },
  };
  const t = await typeText(text, wrong);
  assert.equal(t.keys, text.length);
  assert.equal(t.shown, 1);
  assert.equal(t.accepted, 0);
  assert.equal(calls, text.length);
});

test("a keyboard's list: a tap inserts the word that is the text's next word, in any case", async () => {
  const text = "The cat";
  const list: Suggester = {
    async ghost(typed) {
      return typed === "" ? { text: "", fresh: true, list: ["a", "the"] } : typed === "The " ? { text: "", fresh: true, list: ["dog", "cat"] } : { text: "", fresh: false, list: [] };
    },
  };
  const t = await typeText(text, list);
  // tap "The", type the space, tap "cat": 3 keys for 7 characters
  assert.equal(t.keys, 3);
  assert.equal(t.shown, 2);
  assert.equal(t.accepted, 2);
});

test("the typist's texts are the first words of the documents, the last cut at a line end", () => {
  const docs = ["a b c\nd e\n", "f g h i\nj k l\n", "m n"];
  assert.deepEqual(typistTexts(docs, 5), ["a b c\nd e\n"]);
  assert.deepEqual(typistTexts(docs, 7), ["a b c\nd e\n", "f g h i\n"]);
});
