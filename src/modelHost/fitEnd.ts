// Where to cut a long text so that its end fits a token budget ("Why this word?" keeps the end). Reads
// only the end of a huge text, and never cuts inside a word or a pair of brackets where it can help it.
import { notInPair, tailStart } from "../core/attentionSource";
import { tokenRanges, type TextTokenizer } from "./tokenizer";

/**
 * Where the last `limit` tokens of a text begin (characters from its start), at a word boundary: the
 * text is read from at most `cap` characters before its end, and what still has too many tokens is
 * cut again after the first tokens too many, at the next whitespace. One request, however long the text.
 */
export function fitEnd(tokenizer: TextTokenizer, text: string, limit: number, cap: number): number {
  let start = tailStart(text, cap);
  for (let attempt = 0; attempt < 8 && start < text.length; attempt++) {
    const ids = tokenizer.encode(text.slice(start));
    if (ids.length <= limit) return start;
    const ranges = tokenRanges(tokenizer, ids);
    let from = start + ranges[ids.length - limit].start;
    // a cut inside a word moves past it (within 64 characters), so that no word is shown in part
    if (from > 0 && !/\s/.test(text[from]) && !/\s/.test(text[from - 1])) {
      const ws = text.slice(from, from + 64).search(/\s/);
      if (ws >= 0) from += ws;
    }
    start = Math.max(notInPair(text, from), start + 1);
  }
  return start;
}
