// Suggestions on or off for one language (the status bar's menu): the user-level writes, checked against
// settings.ts's own suggestsIn, and the names the status bar says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { languageName, languageWrites, type UserLanguageLists } from "../../src/core/languageSwitch";
import { DEFAULT_SETTINGS, suggestsIn } from "../../src/core/settings";

const D = DEFAULT_SETTINGS.languages;

/** the effective lists once the writes are made at the user level (no workspace value) */
function after(user: UserLanguageLists, writes: ReturnType<typeof languageWrites>) {
  const merged = { ...user, ...writes };
  return { languages: [...(merged.languages ?? D)], disabledLanguages: [...(merged.disabledLanguages ?? [])] };
}

test("off adds the language to the user's disabledLanguages, which wins over lmLens.languages", () => {
  for (const user of [{}, { languages: ["*"] }, { disabledLanguages: ["json"] }] as UserLanguageLists[]) {
    const w = languageWrites("markdown", false, user, D);
    assert.ok(!suggestsIn("markdown", after(user, w)), JSON.stringify(user));
    assert.equal(w.languages, undefined, "lmLens.languages is left alone");
  }
  assert.deepEqual(languageWrites("markdown", false, { disabledLanguages: ["json"] }, D), { disabledLanguages: ["json", "markdown"] });
  assert.deepEqual(languageWrites("markdown", false, { disabledLanguages: ["markdown"] }, D), {}, "already off: nothing to write");
});

test("on takes the language out of disabledLanguages and adds it to lmLens.languages where needed", () => {
  // a prose language turned off and on again: the user's disabled list goes (its key removed when empty)
  assert.deepEqual(languageWrites("markdown", true, { disabledLanguages: ["markdown"] }, D), { disabledLanguages: undefined });
  assert.deepEqual(languageWrites("markdown", true, { disabledLanguages: ["json", "markdown"] }, D), { disabledLanguages: ["json"] });
  // a code language: added to the default list (the user had none) or to the user's own
  assert.deepEqual(languageWrites("python", true, {}, D), { languages: [...D, "python"] });
  assert.deepEqual(languageWrites("python", true, { languages: ["markdown"] }, D), { languages: ["markdown", "python"] });
  assert.deepEqual(languageWrites("python", true, { languages: ["*"] }, D), {}, "* holds it");
  for (const user of [{}, { languages: ["plaintext"] }, { disabledLanguages: ["python"] }, { languages: ["*"], disabledLanguages: ["python", "go"] }] as UserLanguageLists[]) {
    assert.ok(suggestsIn("python", after(user, languageWrites("python", true, user, D))), JSON.stringify(user));
  }
});

test("the status bar names a language as VS Code does", () => {
  assert.equal(languageName("python"), "Python");
  assert.equal(languageName("plaintext"), "Plain Text");
  assert.equal(languageName("cpp"), "C++");
  assert.equal(languageName("markdown"), "Markdown");
  assert.equal(languageName(""), "");
});
