// The typist's yardstick (issue 27): a simulated typist writes a text key by key while a suggester shows
// ghost text before each key, and takes it when it is right. PURE: the suggester is a function.
//
// Before each key the typist looks at the ghost text g at the cursor (what the editor would show there):
//   - Tab (one key) when g is exactly the text's next characters and ends where a word of the text ends
//     (g is the rest of the word, or the rest of several words);
//   - otherwise Ctrl+Right, one key per word, for the longest run of g's leading words that is the text's
//     next characters and ends where a word of the text ends (LM Lens's Ctrl+Right takes a word with its
//     leading space: " door" is one word);
//   - an action is taken only when it inserts more characters than it costs keys (a one-letter rest is
//     typed, not tabbed); otherwise the typist types the next character (one key).
// A suggestion is counted once when it appears (`fresh`); the rest of it that stays on screen while the
// typist types its letters, or after a word of it was taken, is the same suggestion. It is accepted when
// any part of it is taken.

export interface Ghost {
  /** the ghost text at the cursor ("" when nothing is shown) */
  text: string;
  /** a new suggestion, not the rest of one already shown */
  fresh: boolean;
  /**
   * An on-screen keyboard's list instead of ghost text: a tap (one key) inserts one of them, the rest of
   * the word being typed (or the next word), compared without regard to case.
   */
  list?: string[];
}

/** One key press of the typist, as the suggester hears of it. */
export type Action = { kind: "type"; text: string } | { kind: "tab" | "word"; text: string };

export interface Suggester {
  /** the ghost text after `typed` (the whole text typed so far; the cursor is at its end) */
  ghost(typed: string): Promise<Ghost>;
  /** the typist pressed a key and `typed` is now the text (a memory sync, say) */
  after?(typed: string, action: Action): Promise<void>;
}

export interface TypistTally {
  /** characters of the text: the keys it takes with no suggester */
  chars: number;
  /** keys pressed */
  keys: number;
  /** letters and spaces of the text, and those of them inserted by accepting (the predict check's measure) */
  letterSpaceChars: number;
  letterSpaceInserted: number;
  /** accept actions that inserted letters or spaces (each one key) */
  letterSpaceActions: number;
  words: number;
  shown: number;
  /** suggestions of which some part was taken */
  accepted: number;
  /** suggestions taken whole (to their end) */
  acceptedWhole: number;
  tabs: number;
  wordKeys: number;
}

export function emptyTally(): TypistTally {
  return { chars: 0, keys: 0, letterSpaceChars: 0, letterSpaceInserted: 0, letterSpaceActions: 0, words: 0, shown: 0, accepted: 0, acceptedWhole: 0, tabs: 0, wordKeys: 0 };
}

export function addTally(a: TypistTally, b: TypistTally): TypistTally {
  const out = emptyTally();
  for (const k of Object.keys(out) as (keyof TypistTally)[]) out[k] = a[k] + b[k];
  return out;
}

/** share of the text's keys saved */
export const savings = (t: TypistTally): number => (t.chars ? 1 - t.keys / t.chars : 0);
/** share of letter-and-space keys saved (letters and spaces inserted by accepting, less a key per such accept) */
export const letterSpaceSavings = (t: TypistTally): number => (t.letterSpaceChars ? (t.letterSpaceInserted - t.letterSpaceActions) / t.letterSpaceChars : 0);
/** share of shown suggestions of which some part was taken */
export const acceptedShare = (t: TypistTally): number => (t.shown ? t.accepted / t.shown : 0);

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const LETTER_OR_SPACE = /[\p{L} ]/u;

/**
 * The pieces Ctrl+Right takes one at a time: a word of letters, digits and underscores, or a run of other
 * non-space characters, each with the white space before it.
 */
export function wordPieces(ghost: string): string[] {
  return ghost.match(/\s*(?:[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]+)|\s+$/gu) ?? [];
}

/** Does taking `take` at `at` in `text` end where the text's word ends (not inside a word)? */
function endsAtWordEnd(text: string, at: number, take: string): boolean {
  const last = take.at(-1);
  const next = text[at + take.length];
  return !(last && next && WORD_CHAR.test(last) && WORD_CHAR.test(next));
}

/** What the typist does with ghost text g at `at` in `text`: the characters it takes, in keys (0: type). */
export function decide(text: string, at: number, g: string): { take: string; keys: number; whole: boolean } {
  const none = { take: "", keys: 0, whole: false };
  if (!g) return none;
  if (text.startsWith(g, at) && endsAtWordEnd(text, at, g) && g.length > 1) return { take: g, keys: 1, whole: true };
  const pieces = wordPieces(g);
  let best = none;
  let take = "";
  for (let m = 0; m < pieces.length; m++) {
    take += pieces[m];
    if (!text.startsWith(take, at)) break;
    if (endsAtWordEnd(text, at, take) && take.length > m + 1) best = { take, keys: m + 1, whole: take === g };
  }
  return best;
}

/** A keyboard's list: the word whose tap inserts the text's next characters to a word's end (one key). */
function tap(text: string, at: number, list: readonly string[]): { take: string; keys: number; whole: boolean } {
  for (const w of list) {
    const take = text.slice(at, at + w.length);
    if (w.length > 1 && take.toLowerCase() === w.toLowerCase() && endsAtWordEnd(text, at, take)) return { take, keys: 1, whole: true };
  }
  return { take: "", keys: 0, whole: false };
}

/** Type `text` after `before` (already there) with a suggester; the tally of what it cost. */
export async function typeText(text: string, suggester: Suggester, before = ""): Promise<TypistTally> {
  const t = emptyTally();
  t.chars = text.length;
  t.words = text.match(/\S+/g)?.length ?? 0;
  for (const ch of text) if (LETTER_OR_SPACE.test(ch)) t.letterSpaceChars++;
  let at = 0;
  let acceptedThis = false;
  while (at < text.length) {
    const typed = before + text.slice(0, at);
    const g = await suggester.ghost(typed);
    if ((g.list ? g.list.length > 0 : g.text) && g.fresh) {
      t.shown++;
      acceptedThis = false;
    }
    const d = g.list ? tap(text, at, g.list) : decide(text, at, g.text);
    let action: Action;
    if (d.keys > 0) {
      t.keys += d.keys;
      if (d.whole) t.tabs++;
      else t.wordKeys += d.keys;
      if (!acceptedThis) t.accepted++;
      acceptedThis = true;
      if (g.list || d.take === g.text) t.acceptedWhole++;
      const ls = [...d.take].filter((c) => LETTER_OR_SPACE.test(c)).length;
      if (ls > 0) {
        t.letterSpaceInserted += ls;
        t.letterSpaceActions += d.keys;
      }
      action = { kind: d.whole ? "tab" : "word", text: d.take };
      at += d.take.length;
    } else {
      // one character (a surrogate pair is one key)
      const cp = text.codePointAt(at)!;
      const ch = String.fromCodePoint(cp);
      t.keys++;
      action = { kind: "type", text: ch };
      at += ch.length;
    }
    await suggester.after?.(before + text.slice(0, at), action);
  }
  return t;
}
