// Which text the attention panel analyses and which token it points at first. PURE.

/** characters tried per token of budget when only the end of a text can be shown (most tokens are shorter) */
export const CHARS_PER_TOKEN_GUESS = 4;
/** characters of a text read per token of an attention budget: more than any token has, so a cut never shortens the view */
export const MAX_CHARS_PER_TOKEN = 64;

/**
 * Where to start so that text.slice(start) holds at most maxChars characters: the cut moves forward to
 * just after whitespace (within 64 characters) so that no word is split, and never splits a surrogate pair.
 */
export function tailStart(text: string, maxChars: number): number {
  const budget = Math.max(1, Math.floor(maxChars));
  if (text.length <= budget) return 0;
  let start = text.length - budget;
  const limit = Math.min(text.length, start + 64);
  for (let i = start; i < limit; i++) {
    if (/\s/.test(text[i])) {
      start = i + 1;
      break;
    }
  }
  if (start < text.length) {
    const c = text.charCodeAt(start);
    if (c >= 0xdc00 && c <= 0xdfff) start++;
  }
  return Math.min(start, text.length);
}

/**
 * The next character budget after an analysis of `chars` characters kept only `shown` of `total` tokens
 * from the start: the same characters per token, with a tenth to spare.
 */
export function shrinkBudget(chars: number, shown: number, total: number): number {
  if (total <= 0 || shown >= total) return chars;
  return Math.max(1, Math.floor(((chars * shown) / total) * 0.9));
}

/** The token that covers offset (the first whose end lies after it); the last token when none does; -1 for no tokens. */
export function tokenAtOffset(tokens: readonly { start: number; end: number }[], offset: number): number {
  if (tokens.length === 0) return -1;
  for (let i = 0; i < tokens.length; i++) if (tokens[i].end > offset) return i;
  return tokens.length - 1;
}
