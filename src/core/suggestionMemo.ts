// The prefix cache: when the user types the characters that were suggested, the rest of the suggestion
// stays on screen without running the model again.

export interface MemoEntry {
  /** document identity (URI string) */
  doc: string;
  /** absolute offset of the cursor when the suggestion was made */
  offset: number;
  /** a stretch of text just before that offset, to notice edits elsewhere before the cursor */
  before: string;
  /** the suggested text */
  text: string;
}

const GUARD = 64;

export class SuggestionMemo {
  private entry: MemoEntry | null = null;

  remember(doc: string, offset: number, textBefore: string, text: string): void {
    this.entry = text ? { doc, offset, before: textBefore.slice(-GUARD), text } : null;
  }

  clear(): void {
    this.entry = null;
  }

  /**
   * The rest of the remembered suggestion if the text before the cursor is the remembered text plus a
   * proper prefix of the suggestion; otherwise undefined. `textBefore` ends at `offset`.
   */
  lookup(doc: string, offset: number, textBefore: string): string | undefined {
    const e = this.entry;
    if (!e || e.doc !== doc || offset < e.offset) return undefined;
    const typedLen = offset - e.offset;
    if (typedLen >= e.text.length) return undefined;
    if (textBefore.length < typedLen + e.before.length) return undefined;
    const typed = textBefore.slice(textBefore.length - typedLen);
    const before = textBefore.slice(textBefore.length - typedLen - e.before.length, textBefore.length - typedLen);
    if (before !== e.before || typed !== e.text.slice(0, typedLen)) return undefined;
    return e.text.slice(typedLen);
  }
}
