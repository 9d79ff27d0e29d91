// Ghost-text next-word suggestions. The provider only reads the document; text is inserted by VS Code
// when the user accepts (Tab, or "accept next word").
import * as vscode from "vscode";
import { suggestRequest } from "../core/suggestRequest";
import { suggestsIn, type Settings } from "../core/settings";
import { SuggestionMemo } from "../core/suggestionMemo";
import { EditClock, type SuggestionTiming } from "../core/editClock";
import { cursorInMarkdownCode } from "../core/markdownCode";
import type { ModelHostPort } from "../client/modelHostClient";
import { HostError } from "../shared/hostProtocol";

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: "file" },
  { scheme: "untitled" },
  { scheme: "vscode-notebook-cell" },
  { scheme: "vscode-remote" },
  { scheme: "vscode-vfs" },
];

/** languages written in Markdown, whose fences and front matter hold code, not prose */
const MARKDOWN_LANGUAGES = new Set(["markdown", "mdx"]);

export interface ProviderDeps {
  client: ModelHostPort;
  settings: () => Settings;
  isPaused: () => boolean;
  /** a suggestion's time from the keystroke that asked for it to the answer, and the model host's share (undefined: the memo answered) */
  onLatency: (timing: SuggestionTiming, modelMs: number | undefined) => void;
  log: (line: string) => void;
  /** the key of the document's memory in the model host, when it holds one (memorySync.ts) */
  memoryKey?: (document: vscode.TextDocument) => string | undefined;
  /** what becomes of each suggestion, for the user's own figures (suggestionWatch.ts) */
  watch?: {
    /** a model answer shown: the command its items carry, which VS Code runs when one is accepted whole */
    shown(doc: string, offset: number, texts: string[]): vscode.Command | undefined;
    /** the rest of the suggestion on screen, from the memo: the same suggestion's command */
    continued(doc: string): vscode.Command | undefined;
  };
}

/** The last suggestion shown, for "Why this word?" and the tests. */
export interface LastSuggestion {
  uri: string;
  offset: number;
  text: string;
}

export class NextWordProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  private readonly memo = new SuggestionMemo();
  /** when each document was last edited: a suggestion's time counts from the keystroke */
  private readonly edits = new EditClock();
  private readonly disposables: vscode.Disposable[];
  last: LastSuggestion | undefined;

  constructor(private readonly deps: ProviderDeps) {
    this.disposables = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.edits.edited(e.document.uri.toString(), e.document.version, performance.now());
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.edits.forget(d.uri.toString())),
    ];
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const t0 = performance.now();
    const s = this.deps.settings();
    if (!s.enable || this.deps.isPaused() || !suggestsIn(document.languageId, s)) return undefined;
    // the suggest widget is open: its selection decides what is inserted
    if (context.selectedCompletionInfo) return undefined;
    // text is selected: typing replaces it, so a next word after the cursor would be shown out of place
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document && e.selections.some((sel) => sel.active.isEqual(position)));
    if (editor && editor.selections.some((sel) => !sel.isEmpty)) return undefined;
    const offset = document.offsetAt(position);
    const read = (a: number, b: number) => document.getText(new vscode.Range(document.positionAt(a), document.positionAt(b)));
    // prose only: not in a Markdown document's code fences or front matter (a bounded read before the cursor)
    if (MARKDOWN_LANGUAGES.has(document.languageId) && cursorInMarkdownCode(read, offset)) return undefined;
    const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    // the same request "Why this word?" explains (suggestRequest.ts)
    const request = suggestRequest(read, offset, s.suggest, explicit);
    const text = request.text;
    const uri = document.uri.toString();
    const at = new vscode.Range(position, position);
    if (!explicit) {
      const rest = this.memo.lookup(uri, offset, text);
      if (rest !== undefined) {
        this.last = { uri, offset, text: rest };
        this.deps.onLatency(this.edits.timing(uri, document.version, t0, performance.now()), undefined);
        return [new vscode.InlineCompletionItem(rest, at, this.deps.watch?.continued(uri))];
      }
    }
    try {
      const doc = this.deps.memoryKey?.(document);
      const r = await this.deps.client.request("suggest", { ...request, ...(doc ? { doc } : {}) }, token);
      if (token.isCancellationRequested) return undefined;
      this.deps.onLatency(this.edits.timing(uri, document.version, t0, performance.now()), r.ms);
      if (!r.text) return [];
      this.memo.remember(uri, offset, text, r.text);
      this.last = { uri, offset, text: r.text };
      const texts = [r.text];
      if (explicit) {
        for (const a of r.alternatives) if (a.word && !texts.includes(a.word)) texts.push(a.word);
      }
      const command = this.deps.watch?.shown(uri, offset, texts);
      return texts.map((t) => new vscode.InlineCompletionItem(t, at, command));
    } catch (e) {
      if (e instanceof HostError && (e.code === "cancelled" || e.code === "superseded")) return undefined;
      if (e instanceof HostError && (e.code === "model" || e.code === "stopped")) return undefined; // shown by the status bar
      this.deps.log(`suggestion failed: ${(e as Error).message}`);
      return undefined;
    }
  }
}
