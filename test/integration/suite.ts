// Extension-host tests: run inside a real VS Code by @vscode/test-electron (test/integration/runTest.mjs),
// where VS Code can be downloaded. The module exports run(), as VS Code's test runner expects.
import * as vscode from "vscode";
import assert from "node:assert/strict";
import type { LmLensApi } from "../../src/extension";

const tests: { name: string; fn: () => Promise<void> }[] = [];
function test(name: string, fn: () => Promise<void>): void {
  tests.push({ name, fn });
}

async function api(): Promise<LmLensApi> {
  const ext = vscode.extensions.getExtension<LmLensApi>("lm-lens.lm-lens");
  assert.ok(ext, "the extension is installed");
  return ext.isActive ? ext.exports : await ext.activate();
}

async function provide(text: string, trigger = vscode.InlineCompletionTriggerKind.Automatic) {
  const { provider } = await api();
  const doc = await vscode.workspace.openTextDocument({ language: "plaintext", content: text });
  const pos = doc.positionAt(text.length);
  const cts = new vscode.CancellationTokenSource();
  return provider.provideInlineCompletionItems(doc, pos, { triggerKind: trigger, selectedCompletionInfo: undefined }, cts.token);
}

test("activates and contributes its commands", async () => {
  await api();
  const commands = await vscode.commands.getCommands(true);
  for (const c of ["lmLens.toggleSuggestions", "lmLens.showModelInfo", "lmLens.restartModel"]) assert.ok(commands.includes(c), c);
});

test("the provider suggests a next word for 'the hair was still'", async () => {
  const items = await provide("the hair was still");
  assert.ok(items && items.length >= 1);
  const text = items[0].insertText as string;
  assert.match(text, /^ \p{L}+$/u);
});

test("an explicit trigger offers several alternatives", async () => {
  const items = await provide("The jury said that the", vscode.InlineCompletionTriggerKind.Invoke);
  assert.ok(items && items.length >= 2);
});

test("settings are respected: disabled languages and lmLens.enable", async () => {
  const cfg = vscode.workspace.getConfiguration("lmLens");
  await cfg.update("disabledLanguages", ["plaintext"], vscode.ConfigurationTarget.Global);
  try {
    assert.equal(await provide("the hair was still"), undefined);
  } finally {
    await cfg.update("disabledLanguages", undefined, vscode.ConfigurationTarget.Global);
  }
  await cfg.update("enable", false, vscode.ConfigurationTarget.Global);
  try {
    assert.equal(await provide("the hair was still"), undefined);
  } finally {
    await cfg.update("enable", undefined, vscode.ConfigurationTarget.Global);
  }
  assert.ok((await provide("the hair was still"))?.length);
});

test("the toggle command pauses and resumes suggestions", async () => {
  const a = await api();
  await vscode.commands.executeCommand("lmLens.toggleSuggestions");
  assert.equal(a.isPaused(), true);
  assert.equal(await provide("the hair was still"), undefined);
  await vscode.commands.executeCommand("lmLens.toggleSuggestions");
  assert.equal(a.isPaused(), false);
});

test("the provider never edits the document", async () => {
  const { provider } = await api();
  const doc = await vscode.workspace.openTextDocument({ language: "plaintext", content: "She opened the door and" });
  const before = doc.getText();
  const version = doc.version;
  await provider.provideInlineCompletionItems(doc, doc.positionAt(before.length), { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined }, new vscode.CancellationTokenSource().token);
  assert.equal(doc.getText(), before);
  assert.equal(doc.version, version);
});

function attentionTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith("lmLens.attention"));
}

test("Show Attention opens one panel on the selection, and Why This Word? reuses it", async () => {
  await api();
  const commands = await vscode.commands.getCommands(true);
  for (const c of ["lmLens.showAttention", "lmLens.whyThisWord"]) assert.ok(commands.includes(c), c);
  const doc = await vscode.workspace.openTextDocument({ language: "plaintext", content: "The jury said it did find that many of the laws are outmoded." });
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(doc.positionAt(0), doc.positionAt("The jury said".length));
  await vscode.commands.executeCommand("lmLens.showAttention");
  try {
    assert.equal(attentionTabs().length, 1);
    assert.equal(attentionTabs()[0].label, "Attention: “The jury said”");
    const again = await vscode.window.showTextDocument(doc);
    again.selection = new vscode.Selection(doc.positionAt(doc.getText().length), doc.positionAt(doc.getText().length));
    await vscode.commands.executeCommand("lmLens.whyThisWord");
    assert.equal(attentionTabs().length, 1, "the panel is reused");
    assert.match(attentionTabs()[0].label, /^Attention: “The jury said it did/);
    assert.equal(doc.getText(), "The jury said it did find that many of the laws are outmoded.", "the document is not edited");
  } finally {
    await vscode.window.tabGroups.close(attentionTabs());
  }
});

export async function run(): Promise<void> {
  let failed = 0;
  for (const t of tests) {
    try {
      await t.fn();
      console.log(`ok - ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${t.name}\n  ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`${tests.length - failed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed`);
}
