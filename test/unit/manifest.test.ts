// What package.json promises a user: tour-only commands stay out of the command palette, suggestions are
// on by default only where prose is written (and one setting away elsewhere), in plain text the editor's
// word popup does not cover the ghost text, and the .vsix ships what the extension loads and nothing else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

// What the .vsix ships: package.json's "files", as vsce reads it (the same listing `vsce ls` prints, from
// the repository; npm run package then keeps only the target platform's onnxruntime binaries).
const shipped = (async () => {
  const { listFiles } = await import("@vscode/vsce");
  return new Set((await listFiles({ cwd: ROOT })).map((f) => f.replace(/\\/g, "/")));
})();

/** every "..." literal in the TypeScript under dir that starts with prefix */
function literalsIn(dir: string, prefix: string): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })) {
    if (!f.endsWith(".ts")) continue;
    for (const m of readFileSync(join(ROOT, dir, f), "utf8").matchAll(/"([^"\n]+)"/g)) if (m[1].startsWith(prefix)) out.add(m[1]);
  }
  return out;
}

/** every string in package.json's contributes that names a file in media/ */
function contributedMedia(v: unknown, out = new Set<string>()): Set<string> {
  if (typeof v === "string" && v.startsWith("media/")) out.add(v);
  else if (v && typeof v === "object") for (const x of Object.values(v)) contributedMedia(x, out);
  return out;
}

const RUN_TIME = {
  /** read by the model host from the shipped model folder (modelFolder.ts, engine.ts and neighbourSpace.ts: words.txt; pooled.ts) */
  model: ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "words.txt", "pooled.json", "pooled.bin"],
  /** esbuild's externals other than vscode, and onnxruntime-node's one run-time dependency (adm-zip and global-agent serve its install script) */
  modules: ["onnxruntime-node", "onnxruntime-common"],
};

test("the .vsix ships everything the extension loads at run time", async () => {
  const files = await shipped;
  const raw = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { main: string; bin: Record<string, string>; contributes: unknown; files: string[] };
  const need = new Set<string>([raw.main.replace(/^\.\//, ""), ...Object.values(raw.bin).map((b) => b.replace(/^\.\//, ""))]);
  // the model host, the model folder, the tour's sample and everything else the extension opens by a path literal
  const extensionSrc = readFileSync(join(ROOT, "src", "extension.ts"), "utf8");
  for (const m of extensionSrc.matchAll(/asAbsolutePath\("([^"]+)"\)/g)) need.add(m[1]);
  const modelDir = /SHIPPED_MODEL = "([^"]+)"/.exec(extensionSrc)![1];
  for (const f of RUN_TIME.model) need.add(`${modelDir}/${f}`);
  for (const p of literalsIn("src", "media/")) need.add(p);
  // the webviews: each panel's bundle and stylesheets (src/ui/webviewHtml.ts), and the toolkit
  for (const f of readdirSync(join(ROOT, "src", "ui")).filter((x) => x.endsWith(".ts"))) {
    const s = readFileSync(join(ROOT, "src", "ui", f), "utf8");
    for (const m of s.matchAll(/webviewHtml\([^{]*\{([^}]*)\}/g)) {
      for (const js of m[1].matchAll(/script: "([^"]+)"/g)) need.add(`dist/webview/${js[1]}`);
      for (const css of /styles: \[([^\]]*)\]/.exec(m[1])?.[1].matchAll(/"([^"]+)"/g) ?? []) need.add(`media/${css[1]}`);
      if (/toolkit: true/.test(m[1])) need.add("dist/webview/toolkit.min.js");
    }
  }
  // icons and the walkthrough's pages
  for (const p of contributedMedia(raw.contributes)) need.add(p);
  // the README's pictures, which VS Code's extension page shows from the installed folder
  for (const m of readFileSync(join(ROOT, "README.md"), "utf8").matchAll(/\]\((media\/[^)\s]+)\)/g)) need.add(m[1]);
  if (existsSync(join(ROOT, "LICENSE"))) need.add("LICENSE");
  assert.ok(need.has("dist/modelHost.js") && need.has("dist/webview/attention.js") && need.has("dist/webview/neighbours.js") && need.has("media/tour/sample.txt"), "the derivation above finds the entry points");
  const missing = [...need].filter((f) => !files.has(f));
  assert.deepEqual(missing, [], "package.json's files leaves these out (dist/ missing: run npm run build)");
  for (const m of RUN_TIME.modules) assert.ok(files.has(`node_modules/${m}/package.json`), m);

  // and nothing else: besides those, only package.json, the README, the model card, the Hugging Face layout's generation_config.json and the two modules
  const extra = [...files].filter((f) => !need.has(f) && !["package.json", "README.md", `${modelDir}/README.md`, `${modelDir}/generation_config.json`].includes(f) && !RUN_TIME.modules.some((m) => f.startsWith(`node_modules/${m}/`)));
  assert.deepEqual(extra, [], "shipped, but nothing loads them");
  // (inside the two modules, npm run package leaves out source maps, type declarations, scripts and other platforms' binaries)
  const bad = [...files].filter((f) =>
    f.startsWith("node_modules/")
      ? !RUN_TIME.modules.some((m) => f.startsWith(`node_modules/${m}/`))
      : /^(src|test|webview|models\/recipe|\.ci|\.vscode|\.cache)\//.test(f) || /\.(map|ts|py|pt|vsix)$/.test(f) || /^dist\/(test|eval|bench|tuneMemory)/.test(f),
  );
  assert.deepEqual(bad, []);
});

test("the shipped model files are a working model folder: suggestions, and the pooled neighbours by default", async () => {
  const files = await shipped;
  const modelDir = "models/lm-lens-5m";
  const dir = mkdtempSync(join(tmpdir(), "lm-lens-shipped-"));
  try {
    for (const f of [...files].filter((x) => x.startsWith(`${modelDir}/`))) {
      const to = join(dir, f.slice(modelDir.length + 1));
      mkdirSync(dirname(to), { recursive: true });
      symlinkSync(join(ROOT, f), to);
    }
    const cli = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), ...args, "--model", dir], { encoding: "utf8", timeout: 60000 });
    const p = cli(["predict", "--top", "3", "the hair was still"]);
    assert.equal(p.status, 0, p.stderr);
    const n = cli(["neighbours", "--json", "king"]);
    assert.equal(n.status, 0, n.stderr);
    assert.equal((JSON.parse(n.stdout) as { space: string }).space, "pooled");
    assert.equal(n.stderr, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Ctrl+Right on ghost text runs lmLens.acceptNextWord only where VS Code's own accept-next-word would run", () => {
  const raw = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { contributes: { keybindings: { command: string; key: string; mac?: string; when?: string }[] } };
  const kb = raw.contributes.keybindings.filter((k) => k.command === "lmLens.acceptNextWord");
  assert.equal(kb.length, 1);
  // VS Code 1.100's editor.action.inlineSuggest.acceptNextWord: CtrlCmd+RightArrow, when writable && inlineSuggestionVisible && !accessibilityModeEnabled
  assert.equal(kb[0].key, "ctrl+right");
  assert.equal(kb[0].mac, "cmd+right");
  const when = new Set((kb[0].when ?? "").split("&&").map((c) => c.trim()));
  for (const c of ["inlineSuggestionVisible", "!editorReadonly", "!accessibilityModeEnabled", "editorTextFocus"]) assert.ok(when.has(c), `${c} in ${kb[0].when}`);
  // the status bar's menu is a command of its own; the accept key's and the count's are not for the palette
  const palette = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
  assert.ok(pkg.contributes.commands.some((c) => c.command === "lmLens.statusMenu"));
  assert.notEqual(palette.get("lmLens.statusMenu"), "false");
  for (const c of ["lmLens.acceptNextWord", "lmLens.suggestionAccepted"]) assert.equal(palette.get(c), "false", c);
});
