// Which editor words the neighbours view shows, and the sentence the model reads before each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_CONTEXT_CHARS, selectionWords, sentenceStart } from "../../src/ui/selectionWords";

const TEXT = "It was late. The old king sat by the fire, and the queen's dog slept.\nA new line here.";

test("a selection shows its words; a word cut by the selection's edge counts whole", () => {
  const s = TEXT.indexOf("old") + 1; // inside "old"
  const e = TEXT.indexOf("fire") + 2; // inside "fire"
  const r = selectionWords(TEXT, 0, s, e)!;
  assert.deepEqual(r.words.map((w) => w.text), ["old", "king", "sat", "by", "the", "fire"]);
  assert.equal(r.focus, 0, "the first word is in focus");
  assert.equal(r.total, 6);
  assert.equal(r.words[1].start, TEXT.indexOf("king"));
  assert.equal(r.words[1].end, TEXT.indexOf("king") + 4);
});

test("each word carries its sentence before it, from the last sentence end", () => {
  const r = selectionWords(TEXT, 0, TEXT.indexOf("king"), TEXT.indexOf("king") + 4)!;
  assert.deepEqual(r.words.map((w) => w.text), ["king"]);
  assert.equal(r.words[0].before, "The old");
  const dog = selectionWords(TEXT, 0, TEXT.indexOf("dog"), TEXT.indexOf("dog"))!;
  assert.equal(dog.words[dog.focus].text, "dog");
  assert.equal(dog.words[dog.focus].before, "The old king sat by the fire, and the queen's");
  const first = selectionWords(TEXT, 0, TEXT.indexOf("The"), TEXT.indexOf("The") + 3)!;
  assert.equal(first.words[0].before, "", "a sentence's first word has nothing before it");
});

test("an empty selection: the words of the cursor's line, the word under the cursor in focus", () => {
  const at = TEXT.indexOf("queen") + 2;
  const r = selectionWords(TEXT, 0, at, at)!;
  assert.equal(r.words[r.focus].text, "queen's", "an inner apostrophe stays in the word");
  assert.ok(r.words.length <= 12);
  // at the end of a word (the cursor just after it) the word still counts
  const end = TEXT.indexOf("king") + 4;
  const k = selectionWords(TEXT, 0, end, end)!;
  assert.equal(k.words[k.focus].text, "king");
  // between words: the nearest one before the cursor
  const gap = TEXT.indexOf(", and") + 1;
  const g = selectionWords(TEXT, 0, gap, gap)!;
  assert.equal(g.words[g.focus].text, "fire");
  // on the second line, only its words
  const l2 = selectionWords(TEXT, 0, TEXT.indexOf("new"), TEXT.indexOf("new"))!;
  assert.deepEqual(l2.words.map((w) => w.text), ["A", "new", "line", "here"]);
});

test("at most 12 chips: a selection's first 12 with the total; around the cursor for an empty selection", () => {
  const words = Array.from({ length: 30 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${i > 25 ? "z" : ""}`);
  const text = words.join(" ");
  const all = selectionWords(text, 0, 0, text.length)!;
  assert.equal(all.words.length, 12);
  assert.equal(all.total, 30);
  const at = text.indexOf(words[20]);
  const near = selectionWords(text, 0, at, at)!;
  assert.equal(near.words.length, 12);
  assert.equal(near.words[near.focus].text, words[20]);
  assert.ok(near.focus > 0 && near.focus < 11, "the focus is inside the window");
});

test("document offsets: a piece of the document starting at base", () => {
  const base = 1000;
  const at = base + TEXT.indexOf("king");
  const r = selectionWords(TEXT, base, at, at)!;
  assert.equal(r.words[r.focus].start, at);
});

test("no words: undefined (the view keeps what it shows)", () => {
  assert.equal(selectionWords("  123 ... \n", 0, 3, 3), undefined);
  assert.equal(selectionWords("", 0, 0, 0), undefined);
  assert.equal(selectionWords("one\n\ntwo", 0, 4, 4), undefined, "an empty line");
});

test("sentenceStart: sentence ends, blank lines, and at most MAX_CONTEXT_CHARS back at a word boundary", () => {
  assert.equal(sentenceStart("Hi there. Next one", 18), "Hi there. ".length);
  assert.equal(sentenceStart('He said "stop!" and left', 24), 0, "a closing quote inside a sentence that goes on");
  assert.equal(sentenceStart('"Stop!" Then', 12), '"Stop!" '.length);
  assert.equal(sentenceStart("para one\n\npara two", 18), "para one\n\n".length);
  const long = "word ".repeat(200);
  const s = sentenceStart(long, long.length);
  assert.ok(long.length - s <= MAX_CONTEXT_CHARS);
  assert.equal(long[s - 1], " ", "starts after whitespace, not inside a word");
});
