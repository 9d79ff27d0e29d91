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
  return Math.min(notInPair(text, start), text.length);
}

/** An index moved past the second half of a surrogate pair, so that a cut there keeps whole characters. */
export function notInPair(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i + 1 : i;
}

/** Where to end so that text.slice(0, end) holds at most maxChars characters, never half a surrogate pair. */
export function headEnd(text: string, maxChars: number): number {
  if (text.length <= maxChars) return text.length;
  const c = text.charCodeAt(maxChars - 1);
  return c >= 0xd800 && c <= 0xdbff ? maxChars - 1 : maxChars;
}

/** The token that covers offset (the first whose end lies after it); the last token when none does; -1 for no tokens. */
export function tokenAtOffset(tokens: readonly { start: number; end: number }[], offset: number): number {
  if (tokens.length === 0) return -1;
  for (let i = 0; i < tokens.length; i++) if (tokens[i].end > offset) return i;
  return tokens.length - 1;
}
