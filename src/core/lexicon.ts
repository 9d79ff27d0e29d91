// The whole words a model's training text used (words.txt), for the question the word search asks on
// every keystroke: is this a word, and does any word start so? Prefixes are found by a binary search over
// the sorted words, not kept one by one: 200 words of 16,000 letters would be 3.2 million prefixes. PURE.

export class Lexicon {
  private readonly words: Set<string>;
  /** the words, sorted by UTF-16 code units (the order of startsWith) */
  private readonly sorted: string[];

  /** `words` as they are in words.txt; they are compared lower-cased */
  constructor(words: Iterable<string>) {
    this.words = new Set(Array.from(words, (w) => w.toLowerCase()));
    this.sorted = [...this.words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get size(): number {
    return this.words.size;
  }

  /** Is `word` (lower-case) a word of the list? */
  has(word: string): boolean {
    return this.words.has(word);
  }

  /** Does a word of the list start with `prefix` (lower-case, not empty; the word itself counts)? */
  hasPrefix(prefix: string): boolean {
    if (!prefix) return false;
    let lo = 0;
    let hi = this.sorted.length;
    // the first word not below the prefix: every word with the prefix sorts from there
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.sorted.length && this.sorted[lo].startsWith(prefix);
  }
}
