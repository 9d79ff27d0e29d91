// Whole-word search over subword tokens. Pure: the model is reached only through StepModel.
//
// A "unit" (what LM Lens calls a word) is optional horizontal whitespace followed by a run of one class
// of characters: word characters (letters, digits, "_" and every non-ASCII character) or punctuation.
// That is GPT-2's pre-tokenization seen from the editor: " red", ",", " don", "'t", "_id".
// A hypothesis is a sequence of tokens whose bytes
//   - agree with the pending bytes (the whitespace and partial word typed before the cursor), and
//   - stay inside one unit;
// it is finished when the next token would start a new unit (a boundary). Its probability is the
// product of its tokens' probabilities times the probability of that boundary, so "st" does not win
// over "still" just because it is shorter.

export interface StepModel<C> {
  /**
   * Logits [vocab] at the last position after feeding `tokens` on top of `cache` (null = nothing yet).
   * `extended`: the search expects to extend the result (a piece of the typed word, or all of it), so
   * its cache is worth keeping whole; otherwise it is usually only scored.
   */
  extend(cache: C | null, tokens: readonly number[], extended?: boolean): Promise<{ cache: C; logits: Float32Array }>;
}

export class CancelledError extends Error {
  constructor() {
    super("cancelled");
  }
}

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
function advance(phase: Phase, open: number, bytes: Uint8Array): { phase: Phase; open: number } {
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

export interface WordHyp<C> {
  /** Word or Punct */
  phase: Phase;
  /** probability that the unit ends after its tokens (the next token starts a new unit) */
  pEnd: number;
  /** tokens of this unit */
  tokens: number[];
  /** all bytes of the unit, pending bytes included */
  bytes: Uint8Array;
  /** log-probability of the tokens and of the boundary after them */
  logp: number;
  /** the cache after the unit's tokens, and the logits there (what comes after the unit) */
  cache: C;
  logits: Float32Array;
}

/** A node of the search: a unit so far. Its model state is computed only when the node is visited. */
interface Node<C> {
  tokens: number[];
  bytes: Uint8Array;
  phase: Phase;
  open: number;
  logp: number;
  depth: number;
  /** the parent's state, which this node's last token extends */
  parentCache: C;
  cache?: C;
  logits?: Float32Array;
  /**
   * Not a hypothesis but the rest of a visited node's children: those after `below` in (probability,
   * token) order. Its logp bounds them all, so it is expanded only once one of them could still make the
   * k best: the beam then costs nothing in exactness, only in order of work.
   */
  more?: { of: Node<C>; logZ: number; below: { logp: number; token: number } };
}

export interface SearchOptions {
  /** how many finished units to return */
  k: number;
  /** continuations considered per visited hypothesis */
  beam: number;
  /** most tokens in one unit beyond the pending bytes */
  maxTokens: number;
  /** only units of word characters (no punctuation units): what "next word" means for predict and eval */
  wordsOnly?: boolean;
  /** the class of the unit just before (when nothing is pending): a new unit must not continue it */
  after?: Phase.Word | Phase.Punct;
  isCancelled?: () => boolean;
  /** most model runs in one search (a bound on time for pathological inputs) */
  maxRuns?: number;
  /**
   * Whether `tokens` are how the tokenizer itself splits `bytes` (whole characters). The model only ever
   * saw such canonical splits in training, so a hypothesis that is not one (" pain" + "t" + "ed" for
   * " painted", whose split is " pain" + "ted") is left out: its probability is an artefact, and visiting it costs a
   * model run. Every token-boundary prefix of a canonical split is itself canonical, so nothing reachable
   * is lost by checking at each step.
   */
  canonical?: (bytes: Uint8Array, tokens: readonly number[]) => boolean;
  /** counts model calls, for the benchmark and the status bar */
  onModelRun?: () => void;
  /**
   * Which finished units may be returned (all bytes, pending ones included); the others are passed over
   * and do not count toward k, so the search goes on to the next best that is accepted.
   */
  accept?: (bytes: Uint8Array) => boolean;
  /**
   * For a visited unit (all its bytes, pending ones included), which next tokens can still lead to a unit
   * that `accept` takes (undefined: any). A child that cannot is not visited, so the bounded model runs
   * go to the words that may be returned. Asked once per visited unit; the answer is asked per token.
   */
  viableChildren?: (bytes: Uint8Array) => ((token: Uint8Array) => boolean) | undefined;
}

/** below this many nats under the best logit a token's probability (< 1e-16 of the best) is left out of sums */
const NEGLIGIBLE = 37;

/** e^(-k/8) for k = 0 .. 8 * NEGLIGIBLE + 1 */
const EXP_STEPS = 8;
const EXP_TABLE = Float64Array.from({ length: EXP_STEPS * NEGLIGIBLE + 2 }, (_, k) => Math.exp(-k / EXP_STEPS));

/**
 * e^x for x in [-NEGLIGIBLE, 0], within 1e-8 of Math.exp relatively and three times as fast: a table at
 * steps of 1/8 and a degree-5 Taylor polynomial for the rest (|f| < 1/8). The softmax sums take one per
 * vocabulary entry per visited hypothesis, the largest share of a suggestion's JavaScript time.
 */
export function expNeg(x: number): number {
  const y = -x * EXP_STEPS;
  const k = y | 0;
  const f = (k - y) / EXP_STEPS;
  return EXP_TABLE[k] * (1 + f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24 + f * (1 / 120))))));
}

/** The largest logit and log of the softmax denominator (terms NEGLIGIBLE nats below the largest are left out). */
export function logSoftmax(logits: Float32Array): { max: number; logZ: number } {
  return softmaxSums(logits, null);
}

/**
 * logSoftmax, and in the same pass over the exponentials the probability mass of the tokens marked in
 * `mask` (the search's "the unit goes on" mass): one exp per token instead of two.
 */
function softmaxSums(logits: Float32Array, mask: Uint8Array | null): { max: number; logZ: number; masked: number } {
  // a search revisits logits (the root of each search, states from the step memo): each is summed once per mask
  const known = summed.get(logits);
  if (known) {
    if (mask === null) return { max: known.max, logZ: known.logZ, masked: 0 };
    const m = known.masked.get(mask);
    if (m !== undefined) return { max: known.max, logZ: known.logZ, masked: m };
  }
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  let inMask = 0;
  const floor = max - NEGLIGIBLE;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v > floor) {
      const e = expNeg(v - max);
      sum += e;
      if (mask !== null && mask[i]) inMask += e;
    }
  }
  const logZ = max + Math.log(sum);
  const masked = inMask / sum;
  const entry = known ?? { max, logZ, masked: new Map<Uint8Array, number>() };
  if (!known) summed.set(logits, entry);
  if (mask !== null) entry.masked.set(mask, masked);
  return { max, logZ, masked };
}

/** logits -> their softmax sums (logits arrays are never changed once a model run has returned them) */
const summed = new WeakMap<Float32Array, { max: number; logZ: number; masked: Map<Uint8Array, number> }>();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Do bytes (already agreeing up to a.length) still agree with the pending bytes? */
function agrees(prev: Uint8Array, next: Uint8Array, pending: Uint8Array): boolean {
  const start = prev.length;
  const stop = Math.min(start + next.length, pending.length);
  for (let i = start; i < stop; i++) if (next[i - start] !== pending[i]) return false;
  return true;
}

/** Max-heap on logp. */
class Frontier<T extends { logp: number }> {
  private readonly items: T[] = [];
  get size(): number {
    return this.items.length;
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p].logp >= a[i].logp) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].logp > a[m].logp) m = l;
        if (r < a.length && a[r].logp > a[m].logp) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The k most probable units after `base`, each extending `pending` (bytes typed but not yet given
 * to the model), best first. Best-first search: the most probable partial unit is visited next (one
 * model run), and the search stops once no partial unit can beat the k-th finished one, since adding
 * tokens or a boundary only lowers a probability. For the usual one-word suggestion that is one or
 * two model runs.
 */
export async function searchUnits<C>(
  model: StepModel<C>,
  table: TokenTable,
  base: { cache: C; logits: Float32Array },
  pending: Uint8Array,
  opts: SearchOptions,
): Promise<WordHyp<C>[]> {
  const finished: WordHyp<C>[] = [];
  const maxDepth = opts.maxTokens + Math.ceil(pending.length / 2);
  const maxRuns = opts.maxRuns ?? 16 + 4 * opts.k;
  const kth = () => (finished.length >= opts.k ? finished[opts.k - 1].logp : -Infinity);
  const frontier = new Frontier<Node<C>>();
  frontier.push({ tokens: [], bytes: new Uint8Array(0), phase: Phase.Leading, open: 0, logp: 0, depth: 0, parentCache: base.cache, cache: base.cache, logits: base.logits });
  let runs = 0;
  for (let node = frontier.pop(); node && node.logp > kth(); node = frontier.pop()) {
    if (opts.isCancelled?.()) throw new CancelledError();
    if (node.more) {
      expand(node.more.of, node.more.logZ, node.more.below);
      continue;
    }
    if (!node.logits) {
      // a split of part of the typed word that no canonical split of the rest can follow is a dead end
      if (opts.canonical && node.bytes.length < pending.length && node.open === 0 && !continuesCanonically(table, node, pending, opts.canonical)) continue;
      if (runs >= maxRuns) break;
      const step = await model.extend(node.parentCache, [node.tokens[node.tokens.length - 1]], node.bytes.length <= pending.length);
      runs++;
      opts.onModelRun?.();
      node.cache = step.cache;
      node.logits = step.logits;
    }
    const logits = node.logits;
    const covered = node.bytes.length >= pending.length;
    const canEnd = covered && node.phase !== Phase.Leading && node.open === 0 && !(opts.wordsOnly && node.phase !== Phase.Word);
    const { logZ, masked: pCont } = softmaxSums(logits, canEnd ? table.continues[node.phase as Phase.Word | Phase.Punct] : null);
    if (canEnd) {
      const pEnd = Math.max(1e-12, 1 - pCont);
      const logp = node.logp + Math.log(pEnd);
      if (logp > kth() && (!opts.accept || opts.accept(node.bytes))) {
        finished.push({ phase: node.phase, pEnd, tokens: node.tokens, bytes: node.bytes, logp, cache: node.cache!, logits });
        finished.sort((a, b) => b.logp - a.logp);
        if (finished.length > opts.k) finished.length = opts.k;
      }
    }
    if (node.depth >= maxDepth) continue;
    expand(node, logZ);
  }
  return finished;

  /** Push the best `beam` children of a visited node (after `below`, for its "more" entry), and an entry for the rest. */
  function expand(node: Node<C>, logZ: number, below?: { logp: number; token: number }): void {
    const logits = node.logits!;
    const covered = node.bytes.length >= pending.length;
    const best: { token: number; logp: number; phase: Phase; open: number; bytes: Uint8Array }[] = [];
    const cont = node.phase === Phase.Leading ? null : table.continues[node.phase as Phase.Word | Phase.Punct];
    const notAfter = opts.after !== undefined && node.bytes.length === 0 && pending.length === 0 ? table.continues[opts.after] : null;
    const limit = kth();
    const allow = opts.viableChildren?.(node.bytes);
    // in raw logits: lp > limit  <=>  logits[t] > floorRaw; once the beam is full, it must also beat the beam's last
    const floorRaw = limit - node.logp + logZ;
    let worst = floorRaw;
    const belowRaw = below ? below.logp - node.logp + logZ : Infinity;
    // while the typed bytes are not all covered, only tokens that agree with the rest of them can follow;
    // the beam is wider there, since short pieces (" t", " th") outrank the word's own token (" thought")
    const candidates = covered ? null : table.agreeing(pending.subarray(node.bytes.length));
    const beam = covered ? opts.beam : Math.max(opts.beam, TYPED_BEAM);
    const count = candidates ? candidates.length : table.size;
    const order = (x: { logp: number; token: number }, y: { logp: number; token: number }) => y.logp - x.logp || x.token - y.token;
    for (let i = 0; i < count; i++) {
      const t = candidates ? candidates[i] : i;
      const raw = logits[t];
      if (!(raw > worst)) continue;
      // the children an earlier expansion of this node took: those up to `below`
      if (below && (raw > belowRaw || (raw === belowRaw && t <= below.token))) continue;
      if (table.special[t]) continue;
      if (cont && !cont[t]) continue;
      // before the costlier checks: a word no one knows is not extended
      if (allow && node.bytes.length + table.bytes[t].length > pending.length && !allow(table.bytes[t])) continue;
      if (notAfter && notAfter[t]) continue;
      const lp = node.logp + raw - logZ;
      const tb = table.bytes[t];
      if (tb.length === 0) continue;
      if (!covered && !agrees(node.bytes, tb, pending)) continue;
      const next = advance(node.phase, node.open, tb);
      if (next.phase === Phase.Invalid || (opts.wordsOnly && next.phase === Phase.Punct)) continue;
      const bytes = concat(node.bytes, tb);
      if (opts.canonical && next.open === 0 && !opts.canonical(bytes, [...node.tokens, t])) continue;
      best.push({ token: t, logp: lp, phase: next.phase, open: next.open, bytes });
      best.sort(order);
      if (best.length > beam) best.pop();
      if (best.length >= beam) worst = Math.max(floorRaw, best[best.length - 1].logp - node.logp + logZ);
    }
    for (const b of best) {
      frontier.push({ tokens: [...node.tokens, b.token], bytes: b.bytes, phase: b.phase, open: b.open, logp: b.logp, depth: node.depth + 1, parentCache: node.cache! });
    }
    if (best.length >= beam) {
      // the children left out are no more likely than the last one taken
      const last = best[best.length - 1];
      frontier.push({ tokens: node.tokens, bytes: node.bytes, phase: node.phase, open: node.open, logp: last.logp, depth: node.depth, parentCache: node.parentCache, more: { of: node, logZ, below: { logp: last.logp, token: last.token } } });
    }
  }
}

/** continuations considered per hypothesis while the typed bytes are not all covered */
const TYPED_BEAM = 8;

/** Can some token that agrees with the rest of the typed bytes follow this node's tokens canonically? */
function continuesCanonically(table: TokenTable, node: { tokens: number[]; bytes: Uint8Array }, pending: Uint8Array, canonical: (bytes: Uint8Array, tokens: readonly number[]) => boolean): boolean {
  for (const t of table.agreeing(pending.subarray(node.bytes.length))) {
    const bytes = concat(node.bytes, table.bytes[t]);
    // a token that ends inside a character cannot be judged yet
    if (advance(Phase.Leading, 0, bytes).open > 0 || canonical(bytes, [...node.tokens, t])) return true;
  }
  return false;
}

const utf8 = new TextDecoder("utf-8");

/** The text a unit adds after the pending bytes (what would be inserted at the cursor). */
export function completionText(unitBytes: Uint8Array, pendingBytes: Uint8Array): string {
  return utf8.decode(unitBytes.subarray(pendingBytes.length));
}

/** The k most likely tokens of a logits row, with their probabilities, best first. */
export function topTokens(logits: Float32Array, k: number): { id: number; p: number }[] {
  const { logZ } = logSoftmax(logits);
  // k best by insertion into a small sorted array (k is 10: no allocation per candidate)
  const ids = new Int32Array(k).fill(-1);
  const vals = new Float32Array(k).fill(-Infinity);
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v <= vals[k - 1]) continue;
    let j = k - 1;
    while (j > 0 && vals[j - 1] < v) {
      vals[j] = vals[j - 1];
      ids[j] = ids[j - 1];
      j--;
    }
    vals[j] = v;
    ids[j] = i;
  }
  const out: { id: number; p: number }[] = [];
  for (let j = 0; j < k; j++) if (ids[j] >= 0) out.push({ id: ids[j], p: Math.exp(vals[j] - logZ) });
  return out;
}
