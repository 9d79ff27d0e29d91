// The words the neighbours view searches among: vocabulary entries that are a whole word with its
// leading space (" king"), read from the tokenizer's byte table, so that no neighbour is a piece of a
// word ("ith") or punctuation. PURE.

export interface WordIndex {
  /** [count]: the token id of each word */
  ids: Int32Array;
  /** the words without their leading space */
  words: string[];
  /** word -> its row */
  rowOf: Map<string, number>;
}

/** 0x20 followed by at least two ASCII letters and nothing else. */
export function isWholeWordToken(bytes: Uint8Array): boolean {
  if (bytes.length < 3 || bytes[0] !== 0x20) return false;
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i] | 0x20; // A-Z -> a-z
    if (b < 0x61 || b > 0x7a) return false;
  }
  return true;
}

/**
 * Whole-word tokens in id order (for a BPE vocabulary, roughly from the most to the least frequent).
 * `known`, when given, keeps only words that the training text used as whole words (words.txt beside
 * the model): " benef" is a space and letters too, but only ever starts a longer word.
 */
export function buildWordIndex(tokenBytes: readonly Uint8Array[], known?: ReadonlySet<string>): WordIndex {
  const ids: number[] = [];
  const words: string[] = [];
  const rowOf = new Map<string, number>();
  tokenBytes.forEach((bytes, id) => {
    if (!isWholeWordToken(bytes)) return;
    const word = String.fromCharCode(...bytes.subarray(1));
    if (known && !known.has(word)) return;
    // a byte-level BPE vocabulary holds each byte string once, but a hand-made one might not
    if (rowOf.has(word)) return;
    rowOf.set(word, ids.length);
    ids.push(id);
    words.push(word);
  });
  return { ids: Int32Array.from(ids), words, rowOf };
}

/**
 * The words of a words.txt ("word<TAB>count<TAB>share" per line; share = how often the word stands alone
 * among all words that start with it). `minShare` keeps only words that are mostly whole words: " con"
 * is a word now and then but mostly the start of "contain", "continue", ...
 */
export function parseWordList(text: string, minShare = 0): Set<string> {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const [word, , share] = line.split("\t");
    if (!word?.trim()) continue;
    if (minShare > 0 && share !== undefined && Number(share) < minShare) continue;
    out.add(word.trim());
  }
  return out;
}

/** words.txt share below which a vocabulary entry is taken for the start of longer words */
export const INDEX_MIN_SHARE = 0.1;

/** The words of a text (letters only, lower-cased) that start with `prefix` and are longer than it. */
export function wordsStartingWith(text: string, prefix: string): string[] {
  if (!prefix) return [];
  const out: string[] = [];
  const lower = text.toLowerCase();
  for (let i = lower.indexOf(prefix); i >= 0; i = lower.indexOf(prefix, i + 1)) {
    // a word starts here (not in the middle of one)
    if (i > 0 && /\p{L}/u.test(lower[i - 1])) continue;
    const m = /^\p{L}+/u.exec(lower.slice(i, i + 64));
    if (m && m[0].length > prefix.length) out.push(m[0]);
  }
  return out;
}

/** The words of letters in a text, lower-cased (what a new word may be, besides the lexicon's). */
export function wordsIn(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(/\p{L}+/gu), (m) => m[0]);
}
