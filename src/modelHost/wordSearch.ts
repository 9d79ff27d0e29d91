// Whole-word search over subword tokens. Pure: the model is reached only through StepModel.
//
// It finds the most probable units (what LM Lens calls a word; wordUnits.ts says what one is) after a
// context. A hypothesis is a sequence of tokens whose bytes
//   - agree with the pending bytes (the whitespace and partial word typed before the cursor), and
//   - stay inside one unit;
// it is finished when the next token would start a new unit (a boundary). Its probability is the
// product of its tokens' probabilities times the probability of that boundary, so "st" does not win
// over "still" just because it is shorter.
import { softmaxSums } from "./softmax";
import { mixtureParts } from "./tokenMemory";
import { advance, Phase, type TokenTable } from "./wordUnits";

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
  /**
   * The same under the model alone and under the document memory alone (tokenMemory.ts's mixture
   * parts): where no memory was mixed in, logpModel is logp and logpMemory -Infinity.
   */
  logpModel: number;
  logpMemory: number;
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
  logpModel: number;
  logpMemory: number;
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
  frontier.push({ tokens: [], bytes: new Uint8Array(0), phase: Phase.Leading, open: 0, logp: 0, logpModel: 0, logpMemory: 0, depth: 0, parentCache: base.cache, cache: base.cache, logits: base.logits });
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
        const parts = mixtureParts(logits);
        // a step the memory did not change (none, or no share there): the model's probability is the mixture's
        let logpModel = node.logpModel + Math.log(pEnd);
        let logpMemory = -Infinity;
        if (parts) {
          const mask = table.continues[node.phase as Phase.Word | Phase.Punct];
          logpModel = node.logpModel + Math.log(Math.max(1e-12, 1 - softmaxSums(parts.raw, mask).masked));
          let goesOn = 0;
          for (const [t, q] of parts.q) if (mask[t]) goesOn += q;
          logpMemory = node.logpMemory + Math.log(Math.max(0, 1 - goesOn));
        }
        finished.push({ phase: node.phase, pEnd, tokens: node.tokens, bytes: node.bytes, logp, logpModel, logpMemory, cache: node.cache!, logits });
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
    // the same steps under the model alone and the memory alone (where a memory was mixed in)
    const parts = mixtureParts(logits);
    const logZModel = parts ? softmaxSums(parts.raw, null).logZ : logZ;
    for (const b of best) {
      const logpModel = node.logpModel + (parts ? parts.raw[b.token] - logZModel : b.logp - node.logp);
      const logpMemory = parts ? node.logpMemory + Math.log(parts.q.get(b.token) ?? 0) : -Infinity;
      frontier.push({ tokens: [...node.tokens, b.token], bytes: b.bytes, phase: b.phase, open: b.open, logp: b.logp, logpModel, logpMemory, depth: node.depth + 1, parentCache: node.cache! });
    }
    if (best.length >= beam) {
      // the children left out are no more likely than the last one taken
      const last = best[best.length - 1];
      frontier.push({ tokens: node.tokens, bytes: node.bytes, phase: node.phase, open: node.open, logp: last.logp, logpModel: node.logpModel, logpMemory: node.logpMemory, depth: node.depth, parentCache: node.parentCache, more: { of: node, logZ, below: { logp: last.logp, token: last.token } } });
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
