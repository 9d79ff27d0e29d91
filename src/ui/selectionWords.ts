// Which words of the editor the neighbours view shows: the words of the selection (or, with an empty
// selection, of the cursor's line, the word under the cursor first in focus), each with the text of its
// sentence before it, which the model reads for the word's contextual vector. PURE.
import { MAX_NEIGHBOUR_CHIPS } from "../shared/neighboursProtocol";

/** characters of a word's sentence that the model reads before it */
export const MAX_CONTEXT_CHARS = 400;

export interface EditorWord {
  text: string;
  /** document offsets */
  start: number;
  end: number;
  /** the sentence before the word, as the model reads it (may be empty) */
  before: string;
}

export interface EditorWords {
  words: EditorWord[];
  /** the word in focus at first */
  focus: number;
  /** words in the selection, when more than are shown */
  total: number;
}

/** letters, with inner apostrophes (don't, o'clock) */
const WORD = /\p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)*/gu;

/**
 * Where the sentence that holds `at` starts in `text`: after the last sentence end (. ! ? and closing
 * quotes or brackets, then whitespace, then a capital, digit or opening quote) or blank line before it, and no more than `max` characters back
 * (then after the first whitespace, so that no word is cut).
 */
export function sentenceStart(text: string, at: number, max = MAX_CONTEXT_CHARS): number {
  const from = Math.max(0, at - max);
  const window = text.slice(from, at);
  // the character at `at` is looked at too: a sentence ends before a capital, a digit or an opening quote
  const ahead = text.slice(from, at + 1);
  let start = 0;
  for (const m of ahead.matchAll(/[.!?][)"'\]”’»]*\s+(?=[\p{Lu}\p{N}"'“‘([]|$)|\n[ \t]*\n\s*/gu)) {
    if (m.index + m[0].length <= window.length) start = m.index + m[0].length;
  }
  if (start === 0 && from > 0) {
    const ws = window.search(/\s/);
    start = ws < 0 ? window.length : ws + 1;
  }
  return from + start;
}

/**
 * The words to show for a selection. `text` is a piece of the document starting at document offset
 * `base` that holds the selection, its lines and some text before it (for the sentences); `selStart` and
 * `selEnd` are document offsets. Undefined when there is no word to show.
 */
export function selectionWords(text: string, base: number, selStart: number, selEnd: number, max = MAX_NEIGHBOUR_CHIPS): EditorWords | undefined {
  const s = Math.max(0, Math.min(text.length, selStart - base));
  const e = Math.max(s, Math.min(text.length, selEnd - base));
  const empty = s === e;
  // the region whose words are shown: the selection (words cut by its edges count whole), or the cursor's line
  const lineStart = text.lastIndexOf("\n", s - 1) + 1;
  let lineEnd = text.indexOf("\n", e);
  if (lineEnd < 0) lineEnd = text.length;
  const found: { text: string; start: number; end: number }[] = [];
  for (const m of text.slice(lineStart, lineEnd).matchAll(WORD)) {
    const ws = lineStart + m.index;
    const we = ws + m[0].length;
    if (empty || (we > s && ws < e)) found.push({ text: m[0], start: ws, end: we });
  }
  if (found.length === 0) return undefined;
  let focus = 0;
  let first = 0;
  if (empty) {
    // the word under the cursor (touching it counts), else the nearest one before it, else the first
    const under = found.findIndex((w) => w.start <= s && s <= w.end);
    const before = found.reduce((best, w, i) => (w.end <= s ? i : best), -1);
    focus = under >= 0 ? under : Math.max(0, before);
    // a window of `max` words around it
    first = Math.max(0, Math.min(focus - Math.floor(max / 2), found.length - max));
  }
  const shown = found.slice(first, first + max);
  return {
    words: shown.map((w) => ({ text: w.text, start: base + w.start, end: base + w.end, before: text.slice(sentenceStart(text, w.start), w.start).replace(/\s+/g, " ").trim() })),
    focus: focus - first,
    total: empty ? shown.length : found.length,
  };
}
