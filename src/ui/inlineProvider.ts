// Ghost-text next-word suggestions. The provider only reads the document; text is inserted by VS Code
// when the user accepts (Tab, or "accept next word").
import * as vscode from "vscode";
import { windowStart } from "../core/contextWindow";
import type { Settings } from "../core/settings";
import { SuggestionMemo } from "../core/suggestionMemo";
import type { ModelHostClient } from "../model/hostClient";
import { HostError } from "../model/protocol";

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: "file" },
  { scheme: "untitled" },
  { scheme: "vscode-notebook-cell" },
  { scheme: "vscode-remote" },
  { scheme: "vscode-vfs" },
];

export interface ProviderDeps {
  client: ModelHostClient;
  settings: () => Settings;
  isPaused: () => boolean;
  onLatency: (ms: number) => void;
  log: (line: string) => void;
}

/** The last suggestion shown, for "Why this word?" and the tests. */
export interface LastSuggestion {
  uri: string;
  offset: number;
  text: string;
}

export class NextWordProvider implements vscode.InlineCompletionItemProvider {
  private readonly memo = new SuggestionMemo();
  last: LastSuggestion | undefined;

  constructor(private readonly deps: ProviderDeps) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const s = this.deps.settings();
    if (!s.enable || this.deps.isPaused() || s.disabledLanguages.includes(document.languageId)) return undefined;
    // the suggest widget is open: its selection decides what is inserted
    if (context.selectedCompletionInfo) return undefined;
    const offset = document.offsetAt(position);
    const start = windowStart(offset, s.suggest.maxContextTokens);
    const text = document.getText(new vscode.Range(document.positionAt(start), position));
    const uri = document.uri.toString();
    const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    const at = new vscode.Range(position, position);
    if (!explicit) {
      const rest = this.memo.lookup(uri, offset, text);
      if (rest !== undefined) {
        this.last = { uri, offset, text: rest };
        return [new vscode.InlineCompletionItem(rest, at)];
      }
    }
    try {
      const r = await this.deps.client.request(
        "suggest",
        { text, offset: start, options: { ...s.suggest, k: explicit ? s.suggest.k : 1 } },
        token,
      );
      if (token.isCancellationRequested) return undefined;
      this.deps.onLatency(r.ms);
      if (!r.text) return [];
      this.memo.remember(uri, offset, text, r.text);
      this.last = { uri, offset, text: r.text };
      const texts = [r.text];
      if (explicit) {
        for (const a of r.alternatives) if (a.word && !texts.includes(a.word)) texts.push(a.word);
      }
      return texts.map((t) => new vscode.InlineCompletionItem(t, at));
    } catch (e) {
      if (e instanceof HostError && (e.code === "cancelled" || e.code === "superseded")) return undefined;
      if (e instanceof HostError && (e.code === "model" || e.code === "stopped")) return undefined; // shown by the status bar
      this.deps.log(`suggestion failed: ${(e as Error).message}`);
      return undefined;
    }
  }
}
