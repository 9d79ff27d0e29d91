// What the ghost text asks the model host at a cursor: the window of text before it, where that window
// starts in the document, and the document's words near the cursor that start like the word being typed.
// One function, so that "Why this word?" explains the very request the ghost text sent. PURE: the caller
// hands in a reader of the document's text by offsets.
import { windowStart } from "./contextWindow";
import { wordsStartingWith } from "./wordIndex";
import type { Settings } from "./settings";

/** how far around the cursor the document's words are looked at for the completion of a typed word */
const KNOWN_WORDS_BEFORE = 64 * 1024;
const KNOWN_WORDS_AFTER = 16 * 1024;
const MAX_KNOWN_WORDS = 64;

/** A document's text between two offsets (vscode.TextDocument, narrowed). */
export type ReadText = (start: number, end: number) => string;

export interface SuggestRequestParams {
  /** the text before the cursor, from `offset` on */
  text: string;
  /** where text starts in the document */
  offset: number;
  /** the settings, and (hostProtocol.ts's suggest options) whether completions need their figures and the document's words */
  options: Settings["suggest"] & { figures?: boolean; ghost?: boolean; knownWords?: string[] };
}

/**
 * The ghost text's request at document offset `cursor`. `explicit` (an Invoke: the user asked) computes
 * `k` alternatives; a request as the user types asks for one.
 */
export function suggestRequest(read: ReadText, cursor: number, suggest: Settings["suggest"], explicit: boolean): SuggestRequestParams {
  const start = windowStart(cursor, suggest.maxContextTokens);
  const text = read(start, cursor);
  const knownWords = documentWords(read, cursor, start, text);
  // figures: false: the ghost text shows no probability, so its search reads only the readings its ranking needs;
  // ghost: the confidence gate and a phrase from the document memory (nextWord.ts); the gate holds back what
  // the user did not ask for: an explicit request (Alt+\, the tour) shows the suggestion however unlikely
  const minConfidence = explicit ? 0 : suggest.minConfidence;
  return { text, offset: start, options: { ...suggest, k: explicit ? suggest.k : 1, figures: false, ghost: true, minConfidence, ...(knownWords.length ? { knownWords } : {}) } };
}

/**
 * Words of the document near the cursor, outside the text sent, that start like the word being typed:
 * a partial word is completed only to a word the lexicon or the document knows ("lighth" -> "lighthouse"
 * when the story's first line has it). A bounded read, so a 5 MB document costs no more than a small one.
 */
export function documentWords(read: ReadText, cursor: number, sentFrom: number, sent: string): string[] {
  const typed = /\p{L}+$/u.exec(sent)?.[0];
  if (!typed) return [];
  const prefix = typed.toLowerCase();
  const from = Math.max(0, sentFrom - KNOWN_WORDS_BEFORE);
  const before = sentFrom > from ? read(from, sentFrom) : "";
  const after = read(cursor, cursor + KNOWN_WORDS_AFTER);
  return [...new Set([...wordsStartingWith(before, prefix), ...wordsStartingWith(after, prefix)])].slice(0, MAX_KNOWN_WORDS);
}
