// What LM Lens calls a word (a "unit"), in bytes, and the per-token facts a search over units needs. Pure.
//
// A unit is optional horizontal whitespace followed by a run of one class of characters: word characters
// (letters, digits, "_" and every non-ASCII character) or punctuation. That is GPT-2's pre-tokenization
// seen from the editor: " red", ",", " don", "'t", "_id". wordSearch.ts searches over units; the text
// before the cursor is split here into the model's context and the unit being typed.

/** Character classes of a byte. */
const enum B {
  Space = 0, // space, tab
  Newline = 1, // \n, \r, other controls
  Word = 2, // letters, digits, "_", UTF-8 lead bytes
  Punct = 3,
  Cont = 4, // UTF-8 continuation byte
}

function byteClass(b: number): B {
  if (b === 0x20 || b === 0x09) return B.Space;
  if (b < 0x20 || b === 0x7f) return B.Newline;
  if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f) return B.Word;
  if (b < 0x80) return B.Punct;
  if (b < 0xc0) return B.Cont;
  return B.Word;
}

/** Where a hypothesis is inside its unit. */
export const enum Phase {
  Leading = 0, // only whitespace so far
  Word = 2,
  Punct = 3,
  Invalid = 9,
}

/** Advance the phase over bytes; Invalid if the bytes leave the unit. Also tracks open UTF-8 characters. */
export function advance(phase: Phase, open: number, bytes: Uint8Array): { phase: Phase; open: number } {
  for (let i = 0; i < bytes.length; i++) {
    const c = byteClass(bytes[i]);
    if (c === B.Cont) {
      // a continuation byte only ever finishes a character that a lead byte opened
      if (open === 0) return { phase: Phase.Invalid, open };
      open--;
      continue;
    }
    if (open > 0) return { phase: Phase.Invalid, open }; // a character cut short
    const b = bytes[i];
    if (b >= 0xc0) open = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    if (c === B.Newline) return { phase: Phase.Invalid, open };
    if (c === B.Space) {
      if (phase !== Phase.Leading) return { phase: Phase.Invalid, open };
      continue;
    }
    const body = c === B.Word ? Phase.Word : Phase.Punct;
    if (phase === Phase.Leading) phase = body;
    else if (phase !== body) return { phase: Phase.Invalid, open };
  }
  return { phase, open };
}

/** Per-token facts precomputed once per vocabulary. */
export class TokenTable {
  /** 1 where a token continues a unit of that phase (Word / Punct): no leading space, same class */
  readonly continues: { [Phase.Word]: Uint8Array; [Phase.Punct]: Uint8Array };
  constructor(
    readonly bytes: readonly Uint8Array[],
    readonly special: Uint8Array,
  ) {
    const n = bytes.length;
    const word = new Uint8Array(n);
    const punct = new Uint8Array(n);
    for (let t = 0; t < n; t++) {
      const tb = bytes[t];
      if (special[t] || tb.length === 0) continue;
      const c = byteClass(tb[0]);
      if (c === B.Cont) {
        word[t] = 1; // the rest of a character: only meaningful inside a word, checked by advance()
        continue;
      }
      const w = advance(Phase.Word, 0, tb);
      if (c !== B.Space && w.phase === Phase.Word) word[t] = 1;
      const p = advance(Phase.Punct, 0, tb);
      if (c !== B.Space && p.phase === Phase.Punct) punct[t] = 1;
    }
    this.continues = { [Phase.Word]: word, [Phase.Punct]: punct };
    for (let t = 0; t < n; t++) if (!special[t] && bytes[t].length > 0) this.byBytes.set(latin1(bytes[t]), t);
    this.sorted = Int32Array.from(this.byBytes.values()).sort((a, b) => compareBytes(bytes[a], bytes[b]));
  }

  /** bytes (as a latin1 string) -> token */
  private readonly byBytes = new Map<string, number>();
  /** tokens with bytes, in byte order */
  private readonly sorted: Int32Array;
  private readonly agreeMemo = new Map<string, Int32Array>();

  /**
   * The tokens whose bytes agree with `rest` (the pending bytes not yet covered): a prefix of it, or
   * starting with all of it; in id order. A search for a typed word visits only these instead of the
   * whole vocabulary.
   */
  agreeing(rest: Uint8Array): Int32Array {
    const key = latin1(rest);
    const known = this.agreeMemo.get(key);
    if (known) return known;
    const out: number[] = [];
    for (let len = 1; len < rest.length; len++) {
      const t = this.byBytes.get(key.slice(0, len));
      if (t !== undefined) out.push(t);
    }
    // tokens that start with all of rest form one run of the byte order
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareBytes(this.bytes[this.sorted[mid]], rest) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length && startsWith(this.bytes[this.sorted[i]], rest); i++) out.push(this.sorted[i]);
    const ids = Int32Array.from(out).sort();
    if (this.agreeMemo.size >= 256) this.agreeMemo.clear();
    this.agreeMemo.set(key, ids);
    return ids;
  }
  get size(): number {
    return this.bytes.length;
  }
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  if (a.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (a[i] !== prefix[i]) return false;
  return true;
}

/** The class of the unit a text ends with, if it ends inside one (not after whitespace). */
export function endingPhase(text: string): Phase.Word | Phase.Punct | undefined {
  if (text.length === 0) return undefined;
  const cp = text.codePointAt(text.length - 1) ?? 0;
  const c = cp >= 0x80 ? B.Word : byteClass(cp);
  return c === B.Word || c === B.Cont ? Phase.Word : c === B.Punct ? Phase.Punct : undefined;
}

/** Split the text before the cursor into the model's context and the pending bytes of the current unit. */
export function splitPending(text: string): { context: string; pending: string } {
  const end = text.length;
  // the unit being typed: a run of one class at the very end
  const cls = (ch: string): B => {
    const cp = ch.codePointAt(0) ?? 0;
    return cp >= 0x80 ? B.Word : byteClass(cp);
  };
  let i = end;
  if (i > 0) {
    const last = text[i - 1];
    const c = cls(last);
    if (c === B.Word || c === B.Punct || c === B.Cont) {
      while (i > 0 && cls(text[i - 1]) === c) i--;
    }
  }
  while (i > 0 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  // a run of spaces that starts a line stays in the context (indentation is not a word's prefix)
  if (i < end && text.slice(i, end).trim() === "" && (i === 0 || text[i - 1] === "\n")) i = end;
  return { context: text.slice(0, i), pending: text.slice(i, end) };
}
