// What becomes of each suggestion, as far as the extension can see it, for the user's own figures
// (src/core/suggestionTally.ts): the document changes and cursor moves after it, the command VS Code runs
// when a suggestion is accepted whole, and our accept-next-word key, which takes a word with its space.
import * as vscode from "vscode";
import { SuggestionTally, type TallyFigures } from "../core/suggestionTally";
import { takeWordToo } from "../core/takeWordToo";
import type { LastSuggestion } from "./inlineProvider";

export const WATCH_COMMANDS = {
  /** run by VS Code after a suggestion is accepted whole (the item's command) */
  accepted: "lmLens.suggestionAccepted",
  /** Ctrl+Right on ghost text */
  acceptNextWord: "lmLens.acceptNextWord",
} as const;

const BUILTIN_ACCEPT_NEXT_WORD = "editor.action.inlineSuggest.acceptNextWord";

export interface WatchDeps {
  /** the last suggestion LM Lens showed (the provider's) */
  lastSuggestion: () => LastSuggestion | undefined;
  /** the figures changed */
  onFigures: (f: TallyFigures) => void;
}

export class SuggestionWatch implements vscode.Disposable {
  private readonly tally = new SuggestionTally();
  private readonly disposables: vscode.Disposable[];
  /** the figures last reported, so that a cursor move that changes nothing reports nothing */
  private reported = "";

  constructor(private readonly deps: WatchDeps) {
    this.disposables = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        const changes = e.contentChanges;
        if (changes.length === 0) return;
        const c = changes[0];
        this.tally.edit(e.document.uri.toString(), c.rangeOffset, c.rangeLength, c.text, changes.length > 1);
        this.changed();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        const sel = e.selections;
        const offset = sel.length === 1 && sel[0].isEmpty ? e.textEditor.document.offsetAt(sel[0].active) : undefined;
        this.tally.moved(e.textEditor.document.uri.toString(), offset);
        this.changed();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.tally.left();
        this.changed();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.tally.left(d.uri.toString());
        this.changed();
      }),
      vscode.commands.registerCommand(WATCH_COMMANDS.accepted, (id: unknown) => {
        if (typeof id !== "number") return;
        this.tally.acceptedInFull(id);
        this.changed();
      }),
      vscode.commands.registerCommand(WATCH_COMMANDS.acceptNextWord, () => this.acceptNextWord()),
    ];
  }

  /** A model answer shown in `doc` at `offset`: the command its items carry (VS Code runs it on a whole accept). */
  shown(doc: string, offset: number, texts: string[]): vscode.Command | undefined {
    const id = this.tally.show(doc, offset, texts);
    this.changed();
    return id ? { command: WATCH_COMMANDS.accepted, title: "", arguments: [id] } : undefined;
  }

  /** The rest of the suggestion on screen, shown again from the memo: the same suggestion's command. */
  continued(doc: string): vscode.Command | undefined {
    const a = this.tally.active;
    return a && a.doc === doc ? { command: WATCH_COMMANDS.accepted, title: "", arguments: [a.id] } : undefined;
  }

  figures(): TallyFigures {
    return this.tally.figures();
  }

  /**
   * VS Code's accept-next-word, and once more when it inserted only the white space before a word of LM
   * Lens's own suggestion, so that one key takes " door", not " ". For other ghost text: the built-in, once.
   */
  private async acceptNextWord(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const last = this.deps.lastSuggestion();
    if (!editor || editor.selections.length !== 1 || !last || last.uri !== editor.document.uri.toString()) {
      await vscode.commands.executeCommand(BUILTIN_ACCEPT_NEXT_WORD);
      return;
    }
    const doc = editor.document;
    const read = (a: number, b: number) => doc.getText(new vscode.Range(doc.positionAt(a), doc.positionAt(b)));
    const cursor = doc.offsetAt(editor.selection.active);
    // what the document holds of the suggestion before the cursor (bounded by the suggestion's length)
    const typedSince = cursor >= last.offset && cursor - last.offset < last.text.length ? read(last.offset, cursor) : undefined;
    const version = doc.version;
    this.tally.acceptStart();
    try {
      await vscode.commands.executeCommand(BUILTIN_ACCEPT_NEXT_WORD);
      const after = doc.offsetAt(editor.selection.active);
      // one edit, at the cursor, that moved it on
      if (typedSince === undefined || doc.version !== version + 1 || after <= cursor || after - cursor > last.text.length) return;
      if (takeWordToo(last, cursor, typedSince, read(cursor, after))) await vscode.commands.executeCommand(BUILTIN_ACCEPT_NEXT_WORD);
    } finally {
      this.tally.acceptEnd();
      this.changed();
    }
  }

  private changed(): void {
    const f = this.tally.figures();
    const key = JSON.stringify(f);
    if (key === this.reported) return;
    this.reported = key;
    this.deps.onFigures(f);
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
