// The ghost text at the cursor asked for again, for commands that must explain the word the user sees:
// the tour and "Why this word?" fill the document's memory first (the explanation reads it filled), and
// a ghost text computed while the memory was still filling may be another word.
import * as vscode from "vscode";
import type { LastSuggestion } from "./inlineProvider";

/** how long to wait for the provider's answer to an explicit trigger (ms) */
const ANSWER_WAIT_MS = 3000;

/**
 * Wait until the provider has answered at the editor's cursor, triggering the inline suggestion when it
 * has not (`fresh`: a new answer is wanted even where one is shown). Gives up after ANSWER_WAIT_MS: the
 * caller then reads whatever the provider holds.
 */
export async function ghostTextAt(provider: { readonly last: LastSuggestion | undefined }, editor: vscode.TextEditor, fresh = false): Promise<void> {
  const uri = editor.document.uri.toString();
  const offset = editor.document.offsetAt(editor.selection.active);
  const shown = provider.last;
  const answered = () => provider.last !== undefined && provider.last.uri === uri && provider.last.offset === offset && (!fresh || provider.last !== shown);
  if (answered()) return;
  await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
  for (let waited = 0; !answered() && waited < ANSWER_WAIT_MS; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

/** Whether the provider's last ghost text stands at the editor's cursor. */
export function ghostTextShownAt(provider: { readonly last: LastSuggestion | undefined }, editor: vscode.TextEditor): boolean {
  const last = provider.last;
  return last !== undefined && last.uri === editor.document.uri.toString() && last.offset === editor.document.offsetAt(editor.selection.active);
}
