// Which text and which tokens the model sees. The window is cut so that it stays the same while the
// user types: the character start moves in steps of CHAR_STEP, and the token start in steps of a quarter
// of the token budget. That keeps the model's key/value cache valid across keystrokes (only the new
// tokens run), at the price of a window between 3/4 and all of maxTokens tokens once the text is long.

/** characters of text before the cursor looked at, per token of budget (generous: most tokens are shorter) */
const CHARS_PER_TOKEN = 8;
const CHAR_STEP = 512;

export interface TextWindow {
  /** the slice of text the model reads */
  text: string;
  /** true when the slice starts at the start of the document */
  atStart: boolean;
}

/**
 * Where the window starts, as an absolute offset: about maxTokens * CHARS_PER_TOKEN characters before
 * `end`, rounded down to a multiple of CHAR_STEP so that it does not move with every keystroke.
 */
export function windowStart(end: number, maxTokens: number): number {
  const want = Math.max(1, maxTokens) * CHARS_PER_TOKEN;
  if (end <= want) return 0;
  return Math.floor((end - want) / CHAR_STEP) * CHAR_STEP;
}

/**
 * The end of a document's text that the model reads. `text` is the document's text before the cursor
 * from absolute offset `offset` on (0 = all of it; otherwise an offset from windowStart), so that a
 * caller can read only the slice it needs from a large document. `end` places the cursor further on
 * (the engine's prefetch asks where the window will start once the user has typed a little more).
 */
export function textWindow(text: string, maxTokens: number, offset = 0, end = offset + text.length): TextWindow {
  const rawStart = Math.max(offset, windowStart(end, maxTokens)) - offset;
  if (rawStart === 0 && offset === 0) return { text, atStart: true };
  let start = rawStart;
  // start after whitespace so that no word is cut in half; give up after a line's worth of search
  const limit = Math.min(text.length, start + 256);
  let i = start;
  while (i < limit && !/\s/.test(text[i])) i++;
  if (i < limit) start = i + 1;
  // never split a surrogate pair
  if (start < text.length && text.charCodeAt(start) >= 0xdc00 && text.charCodeAt(start) <= 0xdfff) start++;
  return { text: text.slice(start), atStart: false };
}

/** How many tokens the window drops from its front when it is full: a quarter of the budget. */
export function windowStride(maxTokens: number): number {
  return Math.max(1, Math.floor(Math.max(1, maxTokens) / 4));
}

/** Keep at most maxTokens tokens, dropping from the front in steps of a quarter of the budget. */
export function tokenWindow(ids: readonly number[], maxTokens: number): { ids: number[]; dropped: number } {
  const max = Math.max(1, maxTokens);
  if (ids.length <= max) return { ids: ids.slice(), dropped: 0 };
  const stride = windowStride(max);
  const dropped = Math.ceil((ids.length - max) / stride) * stride;
  return { ids: ids.slice(dropped), dropped };
}

/**
 * A window of `all` that keeps a previous window's start, so that the previous key/value cache stays
 * valid: the start d where one of the `previous` windows lines up with all[d..] for the most tokens.
 * The window must obey tokenWindow's bounds (more than three quarters of maxTokens, at most maxTokens)
 * and reuse at least half of itself; otherwise undefined (use tokenWindow). With it, the text window's
 * 512-character jumps no longer move the token window: the previous tokens are still inside the text.
 */
export function stickyWindow(all: readonly number[], maxTokens: number, previous: readonly (readonly number[] | undefined)[]): number[] | undefined {
  const max = Math.max(1, maxTokens);
  if (all.length <= max) return undefined; // tokenWindow keeps everything
  // tokenWindow keeps between max - stride + 1 and max tokens
  const shortest = max - windowStride(max) + 1;
  let best = -1;
  let bestLen = 0;
  for (const prev of previous) {
    if (!prev || prev.length === 0) continue;
    for (let d = all.length - max; d <= all.length - shortest; d++) {
      if (all[d] !== prev[0]) continue;
      const n = Math.min(prev.length, all.length - d);
      let k = 0;
      while (k < n && all[d + k] === prev[k]) k++;
      if (k > bestLen) {
        bestLen = k;
        best = d;
      }
    }
  }
  if (best < 0 || 2 * bestLen < all.length - best) return undefined;
  return all.slice(best);
}

/** Length of the common prefix of two id sequences. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Where the window's text (`decoded`, with \n line ends) begins in `raw` (which may have \r\n ones),
 * counted from raw's start: the window always ends where the context does.
 */
export function windowStartIn(raw: string, decoded: string): number {
  let i = raw.length;
  for (let n = decoded.length; n > 0 && i > 0; n--) i -= raw[i - 1] === "\n" && raw[i - 2] === "\r" ? 2 : 1;
  return Math.max(0, i);
}

/** The last row of [rows, width] (a run's final hidden states: the state after its last token). */
export function lastRow(rows: Float32Array | undefined, width: number): Float32Array | undefined {
  return rows && rows.length >= width ? rows.slice(rows.length - width) : undefined;
}

