// What "Show attention" and "Why this word?" ask the panel to analyse: the document as the attention
// controller reads it (offsets, no vscode) and the piece of it a command or a followed selection names.
// src/ui/attentionPanel.ts reads the editors into EditorSnapshots; attentionController.ts runs the requests.
import { charsForTokens } from "../core/attentionSource";
import type { LastWord } from "../shared/attentionProtocol";

export type AttentionKind = "selection" | "whyThisWord";

/** A document as the controller reads it (vscode.TextDocument, narrowed to offsets). */
export interface SourceDocument {
  /** the document's uri, as a string */
  readonly uri: string;
  /** its file name, for titles ("notes.txt") */
  readonly name: string;
  readonly version: number;
  getText(start: number, end: number): string;
  positionAt(offset: number): { line: number; character: number };
}

/** An editor at one moment: its document, its selection and the active line, as document offsets. */
export interface EditorSnapshot {
  document: SourceDocument;
  selection: { start: number; end: number; active: number };
  /** the active line without its line break (an empty selection analyses its line) */
  line: { start: number; end: number };
}

/** The ghost text on screen (the inline provider's last answer). */
export interface ShownSuggestion {
  uri: string;
  offset: number;
  text: string;
}

/** What to analyse: a piece of a document, and for "Why this word?" the ghost text after it. */
export interface AttentionRequest {
  kind: AttentionKind;
  document: SourceDocument;
  /** the document's version when asked: token ranges map to the editor only while it is unchanged */
  version: number;
  /** document offsets of the document's part of the text */
  start: number;
  end: number;
  /** ghost text appended after end ("" for none) */
  suggestion: string;
  /** text before `start` was left out (the end of a long text is shown) */
  cutAtStart: boolean;
  /** a selection that ends in a letter or digit: whether its last word is finished or being typed (lastWordAt) */
  lastWord?: { mode: LastWord; word: string };
}

/** a letter, mark or digit: what continues a word */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/**
 * How a selection ending at document offset `end` reads its last word, when the selected text ends in a
 * letter or digit: the word is being typed ("typing": the list completes it) only if the document's next
 * character continues it ("…by the sea|son"); a space, punctuation, a line break or the document's end
 * after it makes it finished (the list is the next word after it). Undefined when the text ends in
 * anything else (its next word starts a new word either way).
 */
export function lastWordAt(document: Pick<SourceDocument, "getText">, text: string, end: number): { mode: LastWord; word: string } | undefined {
  const word = /[\p{L}\p{M}\p{N}]+$/u.exec(text)?.[0];
  if (!word) return undefined;
  // two code units: a letter outside the basic plane is a surrogate pair
  const next = document.getText(end, end + 2);
  return { mode: next && WORD_CHAR.test(String.fromCodePoint(next.codePointAt(0)!)) ? "typing" : "finished", word };
}

/**
 * The first word of a suggestion, with the space before it: what "Why this word?" explains (the model's
 * next word there); the later words of a phrase from the document's memory follow from it.
 */
export function firstWordOf(text: string): string {
  return /^\s*(?:[\p{L}\p{M}\p{N}_'’]+|\S+)/u.exec(text)?.[0] ?? text;
}

/** What a command (or a selection change, when following) asks for in this editor; undefined when there is no text. */
export function requestFor(editor: EditorSnapshot, kind: AttentionKind, maxAttentionTokens: number, last: ShownSuggestion | undefined): AttentionRequest | undefined {
  const document = editor.document;
  const sel = editor.selection;
  const version = document.version;
  if (kind === "selection") {
    const { start, end } = sel.start === sel.end ? editor.line : sel;
    const text = document.getText(start, end);
    if (!text.trim()) return undefined;
    const lastWord = lastWordAt(document, text, end);
    return { kind, document, version, start, end, suggestion: "", cutAtStart: false, ...(lastWord ? { lastWord } : {}) };
  }
  const end = sel.active;
  // read only what can be shown: the model host keeps the end within the token budget
  const start = Math.max(0, end - charsForTokens(maxAttentionTokens));
  const suggestion = last && last.uri === document.uri && last.offset === end ? firstWordOf(last.text) : "";
  if (start === end && !suggestion) return undefined;
  if (!suggestion && !document.getText(start, end).trim()) return undefined;
  return { kind, document, version, start, end, suggestion, cutAtStart: start > 0 };
}
