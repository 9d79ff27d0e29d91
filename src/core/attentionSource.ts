// Which text the attention panel analyses and which token it points at first. PURE.

/** characters of a text read per token of an attention budget: more than any token has, so a cut never shortens the view */
export const MAX_CHARS_PER_TOKEN = 64;

/** The characters of a text worth reading for a budget of maxTokens tokens (the one bound, everywhere). */
export function charsForTokens(maxTokens: number): number {
  return maxTokens * MAX_CHARS_PER_TOKEN;
}

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

/** The token that covers offset (the first whose end lies after it); the last token when none does; -1 for no tokens. */
export function tokenAtOffset(tokens: readonly { start: number; end: number }[], offset: number): number {
  if (tokens.length === 0) return -1;
  for (let i = 0; i < tokens.length; i++) if (tokens[i].end > offset) return i;
  return tokens.length - 1;
}
