// Ghost-text next-word suggestions. The provider only reads the document; text is inserted by VS Code
// when the user accepts (Tab, or "accept next word").
import * as vscode from "vscode";
import { windowStart } from "../core/contextWindow";
import { wordsStartingWith } from "../core/wordIndex";
import { suggestsIn, type Settings } from "../core/settings";
import { SuggestionMemo } from "../core/suggestionMemo";
import { EditClock, type SuggestionTiming } from "../core/editClock";
import type { ModelHostPort } from "../client/modelHostClient";
import { HostError } from "../shared/hostProtocol";

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: "file" },
  { scheme: "untitled" },
  { scheme: "vscode-notebook-cell" },
  { scheme: "vscode-remote" },
  { scheme: "vscode-vfs" },
];

export interface ProviderDeps {
  client: ModelHostPort;
  settings: () => Settings;
  isPaused: () => boolean;
  /** a suggestion's time from the keystroke that asked for it to the answer, and the model host's share (undefined: the memo answered) */
  onLatency: (timing: SuggestionTiming, modelMs: number | undefined) => void;
  log: (line: string) => void;
  /** the key of the document's memory in the model host, when it holds one (memorySync.ts) */
  memoryKey?: (document: vscode.TextDocument) => string | undefined;
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
    const start = windowStart(offset, s.suggest.maxContextTokens);
    const text = document.getText(new vscode.Range(document.positionAt(start), position));
    const uri = document.uri.toString();
    const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    const at = new vscode.Range(position, position);
    if (!explicit) {
      const rest = this.memo.lookup(uri, offset, text);
      if (rest !== undefined) {
        this.last = { uri, offset, text: rest };
        this.deps.onLatency(this.edits.timing(uri, document.version, t0, performance.now()), undefined);
        return [new vscode.InlineCompletionItem(rest, at)];
      }
    }
    try {
      const knownWords = documentWords(document, offset, start, text);
      const doc = this.deps.memoryKey?.(document);
      const r = await this.deps.client.request(
        "suggest",
        { text, offset: start, options: { ...s.suggest, k: explicit ? s.suggest.k : 1, figures: false, ...(knownWords.length ? { knownWords } : {}) }, ...(doc ? { doc } : {}) },
        token,
      );
      if (token.isCancellationRequested) return undefined;
      this.deps.onLatency(this.edits.timing(uri, document.version, t0, performance.now()), r.ms);
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

/** how far around the cursor the document's words are looked at for the completion of a typed word */
const KNOWN_WORDS_BEFORE = 64 * 1024;
const KNOWN_WORDS_AFTER = 16 * 1024;
const MAX_KNOWN_WORDS = 64;

/**
 * Words of the document near the cursor, outside the text sent, that start like the word being typed:
 * a partial word is completed only to a word the lexicon or the document knows ("lighth" -> "lighthouse"
 * when the story's first line has it). A bounded read, so a 5 MB document costs no more than a small one.
 */
function documentWords(document: vscode.TextDocument, offset: number, sentFrom: number, sent: string): string[] {
  const typed = /\p{L}+$/u.exec(sent)?.[0];
  if (!typed) return [];
  const prefix = typed.toLowerCase();
  const from = Math.max(0, sentFrom - KNOWN_WORDS_BEFORE);
  const before = sentFrom > from ? document.getText(new vscode.Range(document.positionAt(from), document.positionAt(sentFrom))) : "";
  const after = document.getText(new vscode.Range(document.positionAt(offset), document.positionAt(offset + KNOWN_WORDS_AFTER)));
  return [...new Set([...wordsStartingWith(before, prefix), ...wordsStartingWith(after, prefix)])].slice(0, MAX_KNOWN_WORDS);
}
