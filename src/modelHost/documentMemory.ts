// One document's memory in the model host: the tokens of the text before the cursor and the model's final
// hidden state at each of them, filled in the background in small steps (fillStep), so that a keystroke's
// suggestion never waits behind more than one step.
//
// How the states are produced: positions come in blocks of FILL_WINDOW - FILL_CONTEXT; a block's states
// are read after the FILL_CONTEXT tokens in front of it (run once, their keys and values kept), FILL_STEP
// tokens at a time. So every state after the first block saw at least FILL_CONTEXT tokens before it, as a
// suggestion's own state does (its window holds at least that much); a state is a function of the tokens
// alone, the same whether it was filled at once or again after an edit; and a state never depends on text
// after it: entry i is (h_i, x_{i+1}), and a query after position t reads only entries whose next token
// ends at or before t.
import type { MemoryView } from "./tokenMemory";
import { charsForTokens, tailStart } from "../core/attentionSource";

/** tokens of context in front of each window's states */
export const FILL_CONTEXT = 128;
/** tokens per window (FILL_CONTEXT of context, the rest states) */
export const FILL_WINDOW = 256;
/** tokens run per fill step once a window's context is in place */
export const FILL_STEP = 32;

export interface Encoded {
  ids: number[];
  /** end of each token in the text, in UTF-16 code units */
  ends: number[];
}

/** What the memory needs of the model: the final hidden states of new tokens run after a cache. */
export interface HiddenRunner<C> {
  /** [tokens.length, dim] final hidden states of `tokens` run after `cache` (null: from the start), and the cache after them */
  hidden(cache: C | null, tokens: readonly number[]): Promise<{ cache: C; states: Float32Array }>;
  /** `cache` cut to its first `n` tokens (an edit dropped the states after them); without it the window is run again */
  truncate?(cache: C, n: number): C;
}

/**
 * Where to cut a text so that what lies before the cut tokenizes the same alone as in the whole text: just
 * before a single space that follows a non-space and precedes a non-space (GPT-2's pre-tokenizer always
 * starts a token there: " word"). At or before `at`; 0 when there is none within `within` characters.
 */
export function safeCut(text: string, at: number, within = 4096): number {
  for (let j = Math.min(at, text.length - 1); j > 0 && at - j <= within; j--) {
    if (text[j] === " " && !/\s/.test(text[j - 1]) && j + 1 < text.length && !/\s/.test(text[j + 1])) return j;
  }
  return 0;
}

/**
 * Every state a memory computes gets the next stamp, across all memories. States are always filled as a
 * prefix (an edit drops the states after it, and they are filled again later), so along a memory the
 * stamps increase, and a stamp names one state with the same entries before it (the front aside, which
 * may be trimmed): what a query state matched once against an entry can be reused while the stamp stays
 * (see tokenMemory.ts's reuseDots).
 */
let nextStamp = 1;

/** The order memories were last synced or used in (DocumentMemory.touched): a counter, so that two in one millisecond still have an order. */
let touchClock = 0;
export const nextTouch = (): number => ++touchClock;

export class DocumentMemory<C> {
  /** where `text` starts in the document */
  private start = 0;
  private text = "";
  /** `text` lower-cased (hasWord), made when first asked after a sync */
  private lower: string | undefined;
  /** where the first token starts (the others start where the one before ends) */
  private firstStart = 0;
  /** token ids of the text, and where each ends (document offsets) */
  private ids: number[] = [];
  private ends: number[] = [];
  /** [filled, dim] final hidden states of ids[0 .. filled) */
  private keys: Float32Array;
  /** [filled] the stamp of each state (see nextStamp) */
  private stamps: Float64Array;
  private filled = 0;
  /**
   * the window being filled: the cache holds ids[start .. filled), or, after an edit dropped states at the
   * end (`keep`), ids[start .. start + keep) once cut (fillStep): typing on re-reads the last word, not the window
   */
  private window: { start: number; cache: C; length: number; keep?: number } | null = null;
  /** when the memory was last synced or used (nextTouch), for choosing which document to fill first and which to free */
  touched = 0;

  constructor(
    private readonly encode: (text: string) => Encoded,
    readonly dim: number,
    /** most entries kept (lmLens.memoryTokens) */
    readonly capacity: number,
    /** the token that marks a document's start, put in front of a text that starts at offset 0 */
    private readonly bos: number | undefined,
  ) {
    this.keys = new Float32Array(0);
    this.stamps = new Float64Array(0);
  }

  /** tokens read and states computed */
  get tokens(): number {
    return this.ids.length;
  }
  get states(): number {
    return this.filled;
  }
  /** bytes held for the states and tokens */
  get bytes(): number {
    return this.keys.byteLength + this.ids.length * 16;
  }
  get pending(): number {
    return Math.max(0, this.ids.length - this.filled);
  }

  /**
   * The document's text from `offset` on (what lies before the cursor). What the memory holds of the old
   * text up to the first change stays (an edit drops only what lies after the edit point); the rest is
   * tokenized again and filled later. A text that starts before the old one is read anew.
   */
  sync(offsetIn: number, textIn: string): void {
    // only the end of a long text is ever held (trimFront): the rest is not tokenized at all (a 16 MiB text took 44 s)
    const cut = tailStart(textIn, charsForTokens(this.capacity + FILL_CONTEXT));
    const offset = offsetIn + cut;
    const text = cut > 0 ? textIn.slice(cut) : textIn;
    const oldEnd = this.start + this.text.length;
    let keepTo = -1; // document offset up to which the old tokens (and their states) stay
    if (this.ids.length > 0 && offset >= this.start && offset <= oldEnd) {
      const from = offset - this.start;
      const n = Math.min(this.text.length - from, text.length);
      let i = 0;
      while (i < n && this.text.charCodeAt(from + i) === text.charCodeAt(i)) i++;
      if (i === n && offset + text.length === oldEnd) {
        this.touched = nextTouch();
        return; // the same text
      }
      // tokens up to a safe cut before the first difference tokenize the same; the rest is read again
      // (text appended at the end may also join the last word: "hel" + "lo")
      keepTo = this.start + safeCut(this.text, from + i);
    }
    // the tokens kept: those that start at or after offset and end by keepTo
    const startsAt = (t: number) => (t === 0 ? this.firstStart : this.ends[t - 1]);
    let first = 0;
    while (first < this.ids.length && startsAt(first) < offset) first++;
    let last = first;
    while (keepTo >= 0 && last < this.ids.length && this.ends[last] <= keepTo) last++;
    if (last === first || (last > 0 && this.ends[last - 1] !== keepTo)) {
      // nothing to keep, or no token boundary at the cut: read anew
      this.ids = [];
      this.ends = [];
      this.filled = 0;
      this.window = null;
      this.firstStart = offset;
      keepTo = offset;
    } else {
      this.firstStart = startsAt(first);
      this.ids = this.ids.slice(first, last);
      this.ends = this.ends.slice(first, last);
      const states = Math.max(0, Math.min(this.filled, last) - first);
      if (first > 0 && states > 0) this.shiftStates(first, first + states);
      if (first > 0 || !this.window || states < this.window.start) this.window = null;
      else {
        // the cache holds ids[start .. start + length): the states dropped may end inside it
        const keep = Math.min(this.window.length, states - this.window.start);
        if (keep !== this.window.length) this.window = { ...this.window, keep };
      }
      this.filled = states;
    }
    const enc = this.encode(text.slice(keepTo - offset));
    if (this.ids.length === 0 && offset === 0 && this.bos !== undefined) {
      this.ids.push(this.bos);
      this.ends.push(0);
    }
    for (let i = 0; i < enc.ids.length; i++) {
      this.ids.push(enc.ids[i]);
      this.ends.push(keepTo + enc.ends[i]);
    }
    this.start = offset;
    this.text = text;
    this.lower = undefined;
    this.touched = nextTouch();
    this.trimFront();
  }

  /**
   * Whether the document's text before `end` (a document offset) has `word` as a whole word, in any case:
   * a word the ghost text may offer because the document knows it (a name used before), never a piece of
   * one ("co" of "coffee"). Bounded by what the memory holds.
   */
  hasWord(word: string, end: number): boolean {
    if (!word) return false;
    // lower-cased once per sync, not once per word the search asks about (a keystroke asks several); where
    // lower-casing changes the length (a rare letter), the text before `end` is lower-cased on its own
    this.lower ??= this.text.toLowerCase();
    const stop = Math.max(0, end - this.start);
    const text = this.lower.length === this.text.length ? this.lower : this.text.slice(0, stop).toLowerCase();
    const w = word.toLowerCase();
    for (let i = text.indexOf(w); i >= 0 && i + w.length <= stop; i = text.indexOf(w, i + 1)) {
      if (!isWordChar(text, i - 1) && !(i + w.length < stop && isWordChar(text, i + w.length))) return true;
    }
    return false;
  }

  /** Drop the oldest tokens beyond capacity + FILL_CONTEXT (a query reads the states of the last `capacity`). */
  private trimFront(): void {
    const drop = this.ids.length - (this.capacity + FILL_CONTEXT);
    if (drop <= 0) return;
    const states = Math.max(0, this.filled - drop);
    if (states > 0) this.shiftStates(drop, this.filled);
    this.filled = states;
    this.firstStart = this.ends[drop - 1];
    this.ids.splice(0, drop);
    this.ends.splice(0, drop);
    this.window = null;
  }

  /** Move states [from, to) to the front. */
  private shiftStates(from: number, to: number): void {
    this.keys.copyWithin(0, from * this.dim, to * this.dim);
    this.stamps.copyWithin(0, from, to);
  }

  /**
   * One step of filling: `step` tokens of a window's context (FILL_CONTEXT tokens in all) or `step` states
   * (at most the rest of their block). Returns the tokens run; 0 when everything is filled.
   */
  async fillStep(model: HiddenRunner<C>, step = FILL_STEP): Promise<number> {
    if (this.filled >= this.ids.length) return 0;
    // states come in blocks of FILL_WINDOW - FILL_CONTEXT positions, each read after the FILL_CONTEXT
    // tokens before its block: so a state is a function of the tokens alone, not of when it was filled
    const block = FILL_WINDOW - FILL_CONTEXT;
    const blockStart = this.filled - (this.filled % block);
    const n = Math.min(step, blockStart + block - this.filled, this.ids.length - this.filled);
    if (this.window?.keep !== undefined) {
      const { start, cache, keep } = this.window;
      this.window = model.truncate && keep > 0 ? { start, cache: model.truncate(cache, keep), length: keep } : null;
    }
    const start = Math.max(0, blockStart - FILL_CONTEXT);
    if (this.window && this.window.start !== start) this.window = null;
    if (start === this.filled) {
      this.window = null; // nothing before: the first states are run without a cache
    } else if (!this.window || this.window.length < this.filled - start) {
      // the context in front of the block, at most `step` tokens a step: a request waits behind one small run
      const w = this.window;
      const filled = this.filled;
      const from = start + (w?.length ?? 0);
      const ctx = this.ids.slice(from, Math.min(filled, from + step));
      const r = await model.hidden(w?.cache ?? null, ctx);
      // a sync while the model ran dropped states: the context may no longer be the text's
      if (this.filled === filled && this.window === w) this.window = { start, cache: r.cache, length: from + ctx.length - start };
      return ctx.length;
    }
    const from = this.filled;
    const r = await model.hidden(this.window?.cache ?? null, this.ids.slice(from, from + n));
    // a sync while the model ran changed the tokens: this step's states may belong to other text
    if (this.filled !== from || this.ids.length < from + n) return n;
    this.ensure(from + n);
    this.keys.set(r.states.subarray(0, n * this.dim), from * this.dim);
    for (let i = from; i < from + n; i++) this.stamps[i] = nextStamp++;
    this.filled = from + n;
    const windowStart = this.window?.start ?? 0;
    this.window = { start: windowStart, cache: r.cache, length: from + n - windowStart };
    return n;
  }

  private ensure(entries: number): void {
    if (this.keys.length >= entries * this.dim) return;
    // trimFront keeps at most capacity + FILL_CONTEXT tokens
    const size = Math.max(entries, Math.min((2 * this.keys.length) / this.dim, this.capacity + FILL_CONTEXT));
    const grown = new Float32Array(size * this.dim);
    grown.set(this.keys.subarray(0, this.filled * this.dim));
    this.keys = grown;
    const stamps = new Float64Array(size);
    stamps.set(this.stamps.subarray(0, this.filled));
    this.stamps = stamps;
  }

  /**
   * Fill everything now (the CLI, the eval, a panel that reads the whole memory): a block's states in one
   * run, since nothing waits between steps (the states are the same: each is read after the same tokens).
   */
  async fillAll(model: HiddenRunner<C>): Promise<void> {
    while ((await this.fillStep(model, FILL_WINDOW - FILL_CONTEXT)) > 0);
  }

  /** The entries a query after document offset `end` may read: [first, first + count) (see view). */
  private usable(end: number): { first: number; count: number } {
    // entry i = (state i, token i + 1): usable when i < filled and token i + 1 ends by `end`
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] <= end) lo = mid + 1;
      else hi = mid;
    }
    const last = Math.min(this.filled, lo - 1);
    const first = Math.max(0, last - this.capacity);
    return { first, count: Math.max(0, last - first) };
  }

  /**
   * The entries a query after document offset `end` may read: states of positions whose next token ends
   * by `end`, the last `capacity` of them. Null when there are none.
   */
  view(end: number): MemoryView | null {
    const { first, count } = this.usable(end);
    if (count === 0) return null;
    return {
      keys: this.keys.subarray(first * this.dim, (first + count) * this.dim),
      next: Int32Array.from(this.ids.slice(first + 1, first + count + 1)),
      stamps: this.stamps.subarray(first, first + count),
      count,
      dim: this.dim,
    };
  }

  /** The document range of the token that entry `index` of view(end) predicted. */
  placeOf(end: number, index: number): { start: number; end: number } | undefined {
    const { first, count } = this.usable(end);
    if (index < 0 || index >= count) return undefined;
    const token = first + index + 1;
    return { start: this.ends[token - 1], end: this.ends[token] };
  }
}

/** Is the character at i (in range) a letter, a digit or an underscore? */
function isWordChar(text: string, i: number): boolean {
  return i >= 0 && i < text.length && /[\p{L}\p{N}_]/u.test(text[i]);
}
