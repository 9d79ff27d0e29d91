// Ctrl+Right on ghost text " door is": VS Code's accept-next-word stops at the end of leading white space,
// so it inserts " " and only a second press brings "door". This decides, for LM Lens's own suggestion,
// whether one key press should take the word too. PURE.

export interface ShownSuggestion {
  /** the document offset where the suggestion was made */
  offset: number;
  /** its text */
  text: string;
}

/**
 * After accept-next-word inserted `inserted` at `cursor`: whether the suggestion `last` stands there (the
 * document holds `typedSince`, its text from `last.offset` to `cursor`, as the suggestion's start) and
 * `inserted` was only its white space, with a word (a letter or digit) next. Then one more call takes it.
 */
export function takeWordToo(last: ShownSuggestion | undefined, cursor: number, typedSince: string, inserted: string): boolean {
  if (!last || cursor < last.offset) return false;
  const done = cursor - last.offset;
  if (done >= last.text.length || typedSince !== last.text.slice(0, done)) return false;
  const rest = last.text.slice(done);
  return /^\s+$/u.test(inserted) && rest.startsWith(inserted) && /^[\p{L}\p{N}]/u.test(rest.slice(inserted.length));
}
