// The user's own figures (shown, accepted, dismissed, keystrokes saved) from what the extension sees, and
// Ctrl+Right's decision to take the word after a suggestion's leading space.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeFigures, figureLines, shortFigures, SuggestionTally } from "../../src/core/suggestionTally";
import { takeWordToo } from "../../src/core/takeWordToo";

const DOC = "file:///notes.txt";

test("a suggestion accepted with Tab: shown 1, accepted 1 in full, its characters less one key saved", () => {
  const t = new SuggestionTally();
  const id = t.show(DOC, 100, [" door"]);
  t.edit(DOC, 100, 0, " door");
  t.acceptedInFull(id); // the item's command, after its edit
  t.moved(DOC, 105);
  assert.deepEqual(t.figures(), { shown: 1, accepted: 1, acceptedInFull: 1, dismissed: 0, typedAsShown: 0, keystrokesSaved: 4 });
});

test("typing a suggestion's letters keeps it one suggestion; Tab on the rest saves the rest less one key", () => {
  const t = new SuggestionTally();
  const id = t.show(DOC, 0, [" door"]);
  t.edit(DOC, 0, 0, " ");
  t.moved(DOC, 1);
  t.edit(DOC, 1, 0, "d");
  t.moved(DOC, 2);
  // the provider answers from the memo: no new suggestion (show is not called for it)
  t.edit(DOC, 2, 0, "oor");
  t.acceptedInFull(id);
  assert.deepEqual(t.figures(), { shown: 1, accepted: 1, acceptedInFull: 1, dismissed: 0, typedAsShown: 0, keystrokesSaved: 2 });
});

test("a one-letter rest accepted with Tab reads as typed until its command arrives, before or after the edit", () => {
  const after = new SuggestionTally();
  const a = after.show(DOC, 10, ["p"]);
  after.edit(DOC, 10, 0, "p");
  assert.equal(after.figures().typedAsShown, 1);
  after.show(DOC, 11, [" over"]); // the next suggestion may come before the command
  after.acceptedInFull(a);
  assert.deepEqual(after.figures(), { shown: 2, accepted: 1, acceptedInFull: 1, dismissed: 0, typedAsShown: 0, keystrokesSaved: 0 });
  const before = new SuggestionTally();
  const b = before.show(DOC, 10, ["p"]);
  before.acceptedInFull(b);
  before.edit(DOC, 10, 0, "p");
  assert.deepEqual(before.figures(), { shown: 1, accepted: 1, acceptedInFull: 1, dismissed: 0, typedAsShown: 0, keystrokesSaved: 0 });
});

test("typed over, moved away from, or left for another editor: dismissed; typed letter by letter: typed as shown", () => {
  const t = new SuggestionTally();
  t.show(DOC, 0, [" door"]);
  t.edit(DOC, 0, 0, " ");
  t.edit(DOC, 1, 0, "w"); // " w" is not " door"
  t.show(DOC, 2, [" window"]);
  t.moved(DOC, 40);
  t.show(DOC, 40, [" and"]);
  t.left();
  t.show(DOC, 50, [" so"]);
  t.edit(DOC, 50, 0, " ");
  t.edit(DOC, 51, 0, "s");
  t.edit(DOC, 52, 0, "o");
  assert.deepEqual(t.figures(), { shown: 4, accepted: 0, acceptedInFull: 0, dismissed: 3, typedAsShown: 1, keystrokesSaved: 0 });
  // an edit elsewhere in the document, a change of several places, or another document
  const u = new SuggestionTally();
  u.show(DOC, 10, [" door"]);
  u.edit("file:///other.txt", 0, 0, "x");
  u.edit(DOC, 3, 0, "x");
  u.show(DOC, 11, [" door"]);
  u.edit(DOC, 11, 0, " door", true);
  assert.equal(u.figures().dismissed, 2);
});

test("Backspace over typed letters keeps the suggestion (its rest shows again)", () => {
  const t = new SuggestionTally();
  const id = t.show(DOC, 0, [" door"]);
  t.edit(DOC, 0, 0, " ");
  t.edit(DOC, 1, 0, "d");
  t.edit(DOC, 1, 1, "");
  t.moved(DOC, 1);
  t.edit(DOC, 1, 0, "door");
  t.acceptedInFull(id);
  assert.deepEqual(t.figures(), { shown: 1, accepted: 1, acceptedInFull: 1, dismissed: 0, typedAsShown: 0, keystrokesSaved: 3 });
});

test("word by word: one accept key is one action however many edits it makes; a suggestion left half taken counts as accepted", () => {
  const t = new SuggestionTally();
  t.show(DOC, 0, [" door is open"]);
  // one Ctrl+Right: VS Code's accept-next-word twice (" ", then "door")
  t.acceptStart();
  t.edit(DOC, 0, 0, " ");
  t.edit(DOC, 1, 0, "door");
  t.acceptEnd();
  assert.deepEqual(t.figures(), { shown: 1, accepted: 1, acceptedInFull: 0, dismissed: 0, typedAsShown: 0, keystrokesSaved: 4 });
  // the built-in's own second press (not ours): " is" is more than one character, an accept action
  t.edit(DOC, 5, 0, " is");
  t.edit(DOC, 8, 0, "!"); // then typed over
  assert.deepEqual(t.figures(), { shown: 1, accepted: 1, acceptedInFull: 0, dismissed: 0, typedAsShown: 0, keystrokesSaved: 6 });
});

test("the last word taken with Ctrl+Right is VS Code's whole accept, which replaces the suggestion's range, what was taken included", () => {
  const t = new SuggestionTally();
  const id = t.show(DOC, 18, [" in the"]);
  t.acceptStart();
  t.edit(DOC, 18, 0, " ");
  t.edit(DOC, 19, 0, "in");
  t.acceptEnd();
  t.acceptStart();
  t.edit(DOC, 21, 0, " ");
  t.edit(DOC, 18, 4, " in the"); // " in " replaced by " in the": "the" inserted
  t.acceptEnd();
  t.acceptedInFull(id);
  assert.deepEqual(t.figures(), { shown: 1, accepted: 1, acceptedInFull: 1, dismissed: 0, typedAsShown: 0, keystrokesSaved: 5 });
  // a replacement that changes what was taken is typing over it
  const u = new SuggestionTally();
  u.show(DOC, 0, [" door"]);
  u.edit(DOC, 0, 0, " d");
  u.edit(DOC, 0, 2, " w");
  assert.equal(u.figures().accepted, 1, "partly accepted, then typed over");
  assert.equal(u.active, undefined);
});

test("the same text at the same place is the same suggestion; an explicit request's alternative can be the one taken", () => {
  const t = new SuggestionTally();
  t.show(DOC, 0, [" door"]);
  const id = t.show(DOC, 0, [" door", " window", " gate"]); // Alt+\ at the same place
  assert.equal(t.figures().shown, 1);
  t.edit(DOC, 0, 0, " window"); // Alt+] then Tab
  t.acceptedInFull(id);
  assert.deepEqual(t.figures(), { shown: 1, accepted: 1, acceptedInFull: 1, dismissed: 0, typedAsShown: 0, keystrokesSaved: 6 });
  // an empty answer is no suggestion
  assert.equal(t.show(DOC, 9, [""]), 0);
  assert.equal(t.figures().shown, 1);
  // a command for a suggestion long gone changes nothing
  t.acceptedInFull(12345);
  assert.equal(t.figures().accepted, 1);
});

test("keys saved stay counted after many suggestions", () => {
  const t = new SuggestionTally();
  let at = 0;
  for (let i = 0; i < 30; i++) {
    const id = t.show(DOC, at, [" word"]);
    t.edit(DOC, at, 0, " word");
    t.acceptedInFull(id);
    at += 5;
  }
  assert.deepEqual(t.figures(), { shown: 30, accepted: 30, acceptedInFull: 30, dismissed: 0, typedAsShown: 0, keystrokesSaved: 120 });
});

test("the figures in words", () => {
  assert.equal(describeFigures(new SuggestionTally().figures()), "No suggestion shown yet in this window.");
  assert.equal(
    describeFigures({ shown: 5, accepted: 2, acceptedInFull: 1, dismissed: 2, typedAsShown: 1, keystrokesSaved: 9 }),
    "Since this window opened: 5 suggestions shown, 2 accepted (1 in full), 2 dismissed, 1 typed as shown; 9 keystrokes saved.",
  );
  const one = { shown: 1, accepted: 0, acceptedInFull: 0, dismissed: 1, typedAsShown: 0, keystrokesSaved: 1 };
  assert.equal(describeFigures(one), "Since this window opened: 1 suggestion shown, 0 accepted, 1 dismissed; 1 keystroke saved.");
  assert.deepEqual(figureLines(one), ["1 suggestion shown", "0 accepted", "1 dismissed", "1 keystroke saved"]);
  assert.equal(shortFigures({ ...one, shown: 7, accepted: 2, keystrokesSaved: 10 }), "7 shown, 2 accepted, 10 keystrokes saved");
});

test("Ctrl+Right takes the word too only after LM Lens's own suggestion's white space", () => {
  const last = { offset: 100, text: " door is" };
  assert.equal(takeWordToo(last, 100, "", " "), true, "the space of ' door'");
  assert.equal(takeWordToo(last, 100, "", " door"), false, "a whole word was inserted");
  assert.equal(takeWordToo(last, 105, " door", " "), true, "the space of ' is'");
  assert.equal(takeWordToo(last, 102, " d", "oor"), false);
  assert.equal(takeWordToo(last, 100, "", ""), false, "nothing inserted");
  assert.equal(takeWordToo(last, 101, "x", " "), false, "the document no longer holds the suggestion's start");
  assert.equal(takeWordToo(undefined, 100, "", " "), false, "no suggestion of ours");
  assert.equal(takeWordToo(last, 99, "", " "), false, "another place");
  assert.equal(takeWordToo(last, 108, " door is", ""), false, "all taken");
  assert.equal(takeWordToo({ offset: 0, text: " ,x" }, 0, "", " "), false, "punctuation next, not a word");
  assert.equal(takeWordToo({ offset: 0, text: "  42" }, 0, "", "  "), true, "digits are a word");
  assert.equal(takeWordToo({ offset: 0, text: " door" }, 0, "", "\t"), false, "white space the suggestion does not hold (another provider's)");
});
