// What package.json promises a user: tour-only commands stay out of the command palette, suggestions are
// on by default only where prose is written (and one setting away elsewhere), and in plain text the
// editor's word popup does not cover the ghost text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_SETTINGS, suggestsIn } from "../../src/core/settings";
import { ROOT } from "./helpers";

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    menus: { commandPalette: { command: string; when?: string }[] };
    configuration: { properties: Record<string, { default?: unknown }> };
    configurationDefaults: Record<string, Record<string, unknown>>;
  };
}
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Manifest;

test("tour-only commands are hidden from the command palette; the commands a user runs are not", () => {
  const palette = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
  const tour = pkg.contributes.commands.filter((c) => c.command.startsWith("lmLens.tour."));
  assert.ok(tour.length >= 5);
  for (const c of tour) assert.equal(palette.get(c.command), "false", `${c.command} ("${c.title}") is hidden`);
  for (const c of ["lmLens.whyThisWord", "lmLens.showAttention", "lmLens.toggleSuggestions", "lmLens.showModelInfo"]) assert.notEqual(palette.get(c), "false", c);
  // typing the command's title finds only the command itself
  const why = pkg.contributes.commands.filter((c) => /Why This Word\?/.test(c.title) && palette.get(c.command) !== "false");
  assert.deepEqual(why.map((c) => c.command), ["lmLens.whyThisWord"]);
});

test("suggestions are on by default only in prose languages, and one setting away elsewhere", () => {
  assert.deepEqual(pkg.contributes.configuration.properties["lmLens.languages"].default, DEFAULT_SETTINGS.languages);
  const d = DEFAULT_SETTINGS;
  for (const prose of ["plaintext", "markdown", "git-commit", "restructuredtext", "latex"]) assert.ok(suggestsIn(prose, d), prose);
  for (const code of ["typescript", "python", "json", "javascript", "rust", "go"]) assert.ok(!suggestsIn(code, d), code);
  assert.ok(suggestsIn("typescript", { ...d, languages: [...d.languages, "typescript"] }), "one language added");
  assert.ok(suggestsIn("rust", { ...d, languages: ["*"] }), "* is every language");
  assert.ok(!suggestsIn("markdown", { ...d, disabledLanguages: ["markdown"] }), "disabledLanguages wins");
});

test("in plain text the editor's word popup does not cover the ghost text by default", () => {
  const plain = pkg.contributes.configurationDefaults["[plaintext]"];
  assert.deepEqual(plain["editor.quickSuggestions"], { other: "off", comments: "off", strings: "off" });
  assert.equal(plain["editor.inlineSuggest.suppressSuggestions"], true);
  assert.equal(pkg.contributes.configurationDefaults["[markdown]"]["editor.inlineSuggest.suppressSuggestions"], true);
});
