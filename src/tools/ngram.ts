// Word-level n-gram baselines for the evaluation script: an interpolated Kneser–Ney trigram and a
// "most frequent words" unigram. Pure TypeScript, so the eval and the tests can run it anywhere.
//
// Units are what splitUnits produces. Rare training units (count < minCount) become <unk>, which is an
// ordinary vocabulary entry; an out-of-vocabulary unit is scored open-vocabulary as
// P(<unk> | history) × P_spell(unit), so models with different vocabularies stay comparable.

const UNIT_RE = /\p{L}+(?:'\p{L}+)?|\p{N}+|[^\s\p{L}\p{N}]/gu;
const WORD_RE = /[\p{L}\p{N}]/u;

/** Letters with an optional apostrophe part, digit runs, and single punctuation/symbol characters. */
export function splitUnits(text: string): string[] {
  return text.match(UNIT_RE) ?? [];
}

/** True when the unit contains a letter or a digit. */
export function isWordUnit(u: string): boolean {
  return WORD_RE.test(u);
}

/**
 * GPT-2's pre-tokens (" word", ",", "\n    ", ...): the units the eval trains the baselines on, so that
 * they, like the model, pay for every character of a text, whitespace and line breaks included.
 */
const GPT2_UNITS = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
export function splitPreTokens(text: string): string[] {
  return text.match(GPT2_UNITS) ?? [];
}

/** a pre-token that is a word (letters or digits after an optional space) */
export function isWordPreToken(u: string): boolean {
  return /^ ?[\p{L}\p{N}]/u.test(u);
}

export const BOS = "<s>";
export const UNK = "<unk>";
const BOS_ID = 0;
const UNK_ID = 1;

/**
 * Character unigram model of the units that training mapped to <unk>.
 * Symbols: every character seen, one shared "unseen character" slot, and an end-of-word symbol; add-one
 * smoothing over those |C| + 2 symbols. P_spell(w) = Π_c p(c) × p(end), which sums to 1 over all strings
 * (treating the unseen slot as one symbol), and every extra character lowers it.
 */
class SpellingModel {
  private readonly chars = new Map<string, number>();
  private charTotal = 0;
  private words = 0;

  add(word: string, count: number): void {
    for (const ch of word) {
      this.chars.set(ch, (this.chars.get(ch) ?? 0) + count);
      this.charTotal += count;
    }
    this.words += count;
  }

  logProb(word: string): number {
    const logZ = Math.log(this.charTotal + this.words + this.chars.size + 2);
    let lp = Math.log(this.words + 1) - logZ;
    for (const ch of word) lp += Math.log((this.chars.get(ch) ?? 0) + 1) - logZ;
    return lp;
  }
}

interface Encoded {
  /** id -> unit; 0 is <s>, 1 is <unk>. */
  units: string[];
  /** unit -> id for every predictable unit (everything but <s>). */
  idOf: Map<string, number>;
  /** Training count per id after the <unk> mapping. */
  counts: Float64Array;
  /** Final ids of all documents, each document followed by -1. */
  stream: Int32Array;
  spelling: SpellingModel;
}

/** One pass over the documents (they may be a one-shot generator), then the <unk> mapping. */
function encode(documents: Iterable<string[]>, minCount: number): Encoded {
  const rawId = new Map<string, number>();
  const rawUnits: string[] = [];
  const rawCounts: number[] = [];
  let buf = new Int32Array(1 << 16);
  let n = 0;
  const push = (x: number): void => {
    if (n === buf.length) {
      const grown = new Int32Array(buf.length * 2);
      grown.set(buf);
      buf = grown;
    }
    buf[n++] = x;
  };
  for (const doc of documents) {
    for (const unit of doc) {
      let id = rawId.get(unit);
      if (id === undefined) {
        id = rawUnits.length;
        rawId.set(unit, id);
        rawUnits.push(unit);
        rawCounts.push(0);
      }
      rawCounts[id]++;
      push(id);
    }
    push(-1);
  }

  const units = [BOS, UNK];
  const idOf = new Map<string, number>([[UNK, UNK_ID]]);
  const spelling = new SpellingModel();
  const remap = new Int32Array(rawUnits.length);
  for (let r = 0; r < rawUnits.length; r++) {
    const unit = rawUnits[r];
    // A literal "<s>" or "<unk>" in the data cannot be told apart from the markers: it counts as <unk>.
    const special = unit === BOS || unit === UNK;
    if (!special && rawCounts[r] >= minCount) {
      remap[r] = units.length;
      idOf.set(unit, units.length);
      units.push(unit);
    } else {
      remap[r] = UNK_ID;
      if (!special) spelling.add(unit, rawCounts[r]);
    }
  }
  const counts = new Float64Array(units.length);
  for (let i = 0; i < n; i++) {
    const r = buf[i];
    if (r < 0) continue;
    const id = remap[r];
    buf[i] = id;
    counts[id]++;
  }
  return { units, idOf, counts, stream: buf.subarray(0, n), spelling };
}

/** First index in [lo, hi) with a[i] >= x (a sorted ascending). */
function lowerBound(a: Float64Array | Int32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One interpolated Kneser–Ney level: (max(c − D, 0) + D · T · P_lower) / S, where c is the (continuation)
 * count of the word after this history, S the sum of those counts over all words, T the number of distinct
 * words seen after it. The discounted mass D·T/S goes to the lower order, so the level sums to 1.
 * logProb and topWords both go through here so that their numbers agree to the last bit.
 */
function interpolate(c: number, D: number, T: number, lower: number, S: number): number {
  return (Math.max(c - D, 0) + D * T * lower) / S;
}

/** Sorts keys and collapses equal runs: the distinct keys and how often each occurred. */
function runLengths(keys: Float64Array): { keys: Float64Array; counts: Int32Array } {
  keys.sort();
  let distinct = 0;
  for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) distinct++;
  const outKeys = new Float64Array(distinct);
  const outCounts = new Int32Array(distinct);
  let j = -1;
  for (let i = 0; i < keys.length; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) outKeys[++j] = keys[i];
    outCounts[j]++;
  }
  return { keys: outKeys, counts: outCounts };
}

interface KneserNeyTables {
  encoded: Encoded;
  D: number;
  /** Distinct trigram keys (u·V + v)·V + w, ascending, so each history (u, v) is one contiguous range. */
  keys3: Float64Array;
  w3: Int32Array;
  c3: Int32Array;
  /** cum3[i] = c3[0] + … + c3[i − 1]: c(u v ·) of a range without summing it. */
  cum3: Float64Array;
  /** Bigram continuation counts N1+(· v w) in CSR form by v: words w2[off2[v] .. off2[v+1]). */
  off2: Int32Array;
  w2: Int32Array;
  n2: Int32Array;
  /** s2[v] = Σ_w N1+(· v w). */
  s2: Float64Array;
  /** Lowest-order probability of each id (0 for <s>). */
  p1: Float64Array;
}

/**
 * Interpolated Kneser–Ney trigram over units, single discount D (Chen & Goodman):
 *   P3(w | u v) = (max(c(u v w) − D, 0) + D · N1+(u v ·) · P2(w | v)) / c(u v ·)
 *   P2(w | v)   = (max(N1+(· v w) − D, 0) + D · N1+(v ·) · P1(w)) / Σ_w' N1+(· v w')
 *   P1(w)       = (max(N1+(· w) − D, 0) + D · N1+(·) · 1/|V|) / Σ_w' N1+(· w')
 * with N1+(· v w) the number of distinct u before "v w", N1+(· w) the number of distinct v before w
 * (continuation counts: how many contexts a word completes, not how often), and |V| the predictable
 * vocabulary (<unk> included, <s> not). An unseen history skips its level: P3 = P2, P2 = P1.
 * Each document starts with "<s> <s>".
 */
export class KneserNeyTrigram {
  private readonly units: string[];
  private readonly idOf: Map<string, number>;
  private readonly V: number;
  private readonly D: number;
  private readonly keys3: Float64Array;
  private readonly w3: Int32Array;
  private readonly c3: Int32Array;
  private readonly cum3: Float64Array;
  private readonly off2: Int32Array;
  private readonly w2: Int32Array;
  private readonly n2: Int32Array;
  private readonly s2: Float64Array;
  private readonly p1: Float64Array;
  private readonly spelling: SpellingModel;
  /** Predictable ids other than <unk>, by P1 descending (ties by id): the order of every unseen continuation. */
  private readonly byP1: Int32Array;
  // topWords scratch: mark[w] === stamp means w was seen after the history at that level in this call.
  private readonly mark2: Int32Array;
  private readonly val2: Int32Array;
  private readonly mark3: Int32Array;
  private readonly val3: Int32Array;
  private stamp = 0;

  private constructor(t: KneserNeyTables) {
    this.units = t.encoded.units;
    this.idOf = t.encoded.idOf;
    this.spelling = t.encoded.spelling;
    this.V = this.units.length;
    this.D = t.D;
    this.keys3 = t.keys3;
    this.w3 = t.w3;
    this.c3 = t.c3;
    this.cum3 = t.cum3;
    this.off2 = t.off2;
    this.w2 = t.w2;
    this.n2 = t.n2;
    this.s2 = t.s2;
    this.p1 = t.p1;
    const ids: number[] = [];
    for (let id = UNK_ID + 1; id < this.V; id++) ids.push(id);
    ids.sort((a, b) => this.p1[b] - this.p1[a] || a - b);
    this.byP1 = Int32Array.from(ids);
    this.mark2 = new Int32Array(this.V);
    this.val2 = new Int32Array(this.V);
    this.mark3 = new Int32Array(this.V);
    this.val3 = new Int32Array(this.V);
  }

  static train(documents: Iterable<string[]>, opts: { discount?: number; minCount?: number } = {}): KneserNeyTrigram {
    const D = opts.discount ?? 0.75;
    // D > 1 would clip counts of 1 below zero and break normalisation; D = 0 leaves unseen words at zero.
    if (!(D > 0 && D <= 1)) throw new RangeError(`discount must be in (0, 1], got ${D}`);
    const encoded = encode(documents, opts.minCount ?? 2);
    const V = encoded.units.length;
    if (V ** 3 >= 2 ** 53) throw new RangeError(`vocabulary of ${V} units is too large for exact trigram keys`);

    // Trigram counts: one key per token, sorted and run-length encoded (far leaner than a Map).
    const stream = encoded.stream;
    let tokens = 0;
    for (let i = 0; i < stream.length; i++) if (stream[i] >= 0) tokens++;
    const tokenKeys = new Float64Array(tokens);
    let k = 0;
    let a = BOS_ID;
    let b = BOS_ID;
    for (let i = 0; i < stream.length; i++) {
      const x = stream[i];
      if (x < 0) {
        a = b = BOS_ID;
        continue;
      }
      tokenKeys[k++] = (a * V + b) * V + x;
      a = b;
      b = x;
    }
    const tri = runLengths(tokenKeys);
    const keys3 = tri.keys;
    const c3 = tri.counts;
    const U3 = keys3.length;
    const w3 = new Int32Array(U3);
    const cum3 = new Float64Array(U3 + 1);
    for (let i = 0; i < U3; i++) {
      w3[i] = keys3[i] % V; // fmod is exact on integers below 2^53; division might round
      cum3[i + 1] = cum3[i] + c3[i];
    }

    // N1+(· v w): each distinct trigram contributes one left context u to its suffix (v, w).
    const VV = V * V;
    const suffixKeys = new Float64Array(U3);
    for (let i = 0; i < U3; i++) suffixKeys[i] = keys3[i] % VV;
    const bi = runLengths(suffixKeys);
    const U2 = bi.keys.length;
    const off2 = new Int32Array(V + 1);
    const w2 = new Int32Array(U2);
    const n2 = bi.counts;
    const s2 = new Float64Array(V);
    const cont1 = new Float64Array(V); // N1+(· w): one per distinct bigram (v, w)
    for (let i = 0; i < U2; i++) {
      const w = bi.keys[i] % V;
      const v = (bi.keys[i] - w) / V;
      w2[i] = w;
      off2[v + 1]++;
      s2[v] += n2[i];
      cont1[w]++;
    }
    for (let v = 0; v < V; v++) off2[v + 1] += off2[v];

    const vocab = V - 1; // <s> is never predicted
    const uniform = 1 / vocab;
    let T1 = 0;
    for (let w = 0; w < V; w++) if (cont1[w] > 0) T1++;
    const p1 = new Float64Array(V);
    for (let w = UNK_ID; w < V; w++) p1[w] = U2 > 0 ? interpolate(cont1[w], D, T1, uniform, U2) : uniform;

    return new KneserNeyTrigram({ encoded, D, keys3, w3, c3, cum3, off2, w2, n2, s2, p1 });
  }

  /** Predictable units (<unk> included, <s> not), by id. */
  vocabulary(): string[] {
    return this.units.slice(UNK_ID);
  }

  /** Number of predictable units, <unk> included. */
  get vocabularySize(): number {
    return this.V - 1;
  }

  private historyId(x: string): number {
    return x === BOS ? BOS_ID : (this.idOf.get(x) ?? UNK_ID);
  }

  private historyRange(u: number, v: number): { lo: number; hi: number } {
    const h = (u * this.V + v) * this.V;
    const lo = lowerBound(this.keys3, 0, this.keys3.length, h);
    const hi = lowerBound(this.keys3, lo, this.keys3.length, h + this.V);
    return { lo, hi };
  }

  private prob(u: number, v: number, w: number): number {
    const D = this.D;
    let p = this.p1[w];
    const a = this.off2[v];
    const b = this.off2[v + 1];
    if (b > a) {
      const i = lowerBound(this.w2, a, b, w);
      const c2 = i < b && this.w2[i] === w ? this.n2[i] : 0;
      p = interpolate(c2, D, b - a, p, this.s2[v]);
    }
    const { lo, hi } = this.historyRange(u, v);
    if (hi > lo) {
      const i = lowerBound(this.w3, lo, hi, w);
      const c3 = i < hi && this.w3[i] === w ? this.c3[i] : 0;
      p = interpolate(c3, D, hi - lo, p, this.cum3[hi] - this.cum3[lo]);
    }
    return p;
  }

  /** ln P(w | u v); units outside the vocabulary count as <unk>. */
  logProb(u: string, v: string, w: string): number {
    return Math.log(this.prob(this.historyId(u), this.historyId(v), this.idOf.get(w) ?? UNK_ID));
  }

  /** ln P(w | u v) with out-of-vocabulary w spelled out: ln P(<unk> | u v) + ln P_spell(w). */
  logProbOpen(u: string, v: string, w: string): number {
    const id = this.idOf.get(w);
    const ui = this.historyId(u);
    const vi = this.historyId(v);
    if (id !== undefined) return Math.log(this.prob(ui, vi, id));
    return Math.log(this.prob(ui, vi, UNK_ID)) + this.spelling.logProb(w);
  }

  /**
   * The k most probable units after u v (never <unk> or <s>), skipping those `exclude` rejects.
   * A word seen after neither v nor u v gets c · P1(w) with the same c for all such words, so among them
   * the order is byP1's: only the first k acceptable ones in that order, plus the words seen after the
   * history, can make the list.
   */
  topWords(u: string, v: string, k: number, exclude?: (unit: string) => boolean): { word: string; logp: number }[] {
    if (k <= 0) return [];
    const D = this.D;
    const ui = this.historyId(u);
    const vi = this.historyId(v);
    const stamp = ++this.stamp;
    const a = this.off2[vi];
    const b = this.off2[vi + 1];
    const s2 = this.s2[vi];
    const { lo, hi } = this.historyRange(ui, vi);
    const s3 = this.cum3[hi] - this.cum3[lo];
    const seen: number[] = [];
    for (let i = a; i < b; i++) {
      const w = this.w2[i];
      this.mark2[w] = stamp;
      this.val2[w] = this.n2[i];
      seen.push(w);
    }
    for (let i = lo; i < hi; i++) {
      const w = this.w3[i];
      this.mark3[w] = stamp;
      this.val3[w] = this.c3[i];
      if (this.mark2[w] !== stamp) seen.push(w); // every trigram suffix is a bigram, so this stays empty
    }
    // Same arithmetic as prob(), fed the counts from the marks instead of a binary search.
    const score = (w: number): number => {
      let p = this.p1[w];
      if (b > a) p = interpolate(this.mark2[w] === stamp ? this.val2[w] : 0, D, b - a, p, s2);
      if (hi > lo) p = interpolate(this.mark3[w] === stamp ? this.val3[w] : 0, D, hi - lo, p, s3);
      return p;
    };

    const picked: { id: number; p: number }[] = [];
    for (let i = 0; i < this.byP1.length && picked.length < k; i++) {
      const w = this.byP1[i];
      if (this.mark2[w] === stamp || this.mark3[w] === stamp) continue;
      if (exclude && exclude(this.units[w])) continue;
      picked.push({ id: w, p: score(w) });
    }
    const floor = picked.length < k ? -Infinity : picked[picked.length - 1].p;
    for (const w of seen) {
      if (w === UNK_ID) continue;
      const p = score(w);
      if (p < floor) continue;
      if (exclude && exclude(this.units[w])) continue;
      picked.push({ id: w, p });
    }
    picked.sort((x, y) => y.p - x.p || x.id - y.id);
    return picked.slice(0, k).map(({ id, p }) => ({ word: this.units[id], logp: Math.log(p) }));
  }
}

/**
 * "Most frequent words": P(w) = (c(w) + 1) / (N + |V|), add-one over the vocabulary (<unk> included),
 * with the same <unk> + spelling scheme for out-of-vocabulary units as the trigram.
 */
export class UnigramBaseline {
  private readonly units: string[];
  private readonly idOf: Map<string, number>;
  private readonly logp: Float64Array;
  private readonly byCount: Int32Array;
  private readonly spelling: SpellingModel;

  private constructor(encoded: Encoded) {
    this.units = encoded.units;
    this.idOf = encoded.idOf;
    this.spelling = encoded.spelling;
    const counts = encoded.counts;
    let total = 0;
    for (let id = UNK_ID; id < counts.length; id++) total += counts[id];
    const denom = total + (this.units.length - 1);
    this.logp = new Float64Array(this.units.length);
    this.logp[BOS_ID] = -Infinity;
    for (let id = UNK_ID; id < counts.length; id++) this.logp[id] = Math.log((counts[id] + 1) / denom);
    const ids: number[] = [];
    for (let id = UNK_ID + 1; id < this.units.length; id++) ids.push(id);
    ids.sort((x, y) => counts[y] - counts[x] || x - y);
    this.byCount = Int32Array.from(ids);
  }

  static train(documents: Iterable<string[]>, opts: { minCount?: number } = {}): UnigramBaseline {
    return new UnigramBaseline(encode(documents, opts.minCount ?? 2));
  }

  /** Predictable units (<unk> included), by id. */
  vocabulary(): string[] {
    return this.units.slice(UNK_ID);
  }

  get vocabularySize(): number {
    return this.units.length - 1;
  }

  /** ln P(w); out-of-vocabulary w: ln P(<unk>) + ln P_spell(w). */
  logProbOpen(w: string): number {
    const id = this.idOf.get(w);
    if (id !== undefined) return this.logp[id];
    return this.logp[UNK_ID] + this.spelling.logProb(w);
  }

  /** The k most frequent units (never <unk>), skipping those `exclude` rejects. */
  topWords(k: number, exclude?: (unit: string) => boolean): { word: string; logp: number }[] {
    const out: { word: string; logp: number }[] = [];
    for (let i = 0; i < this.byCount.length && out.length < k; i++) {
      const word = this.units[this.byCount[i]];
      if (exclude && exclude(word)) continue;
      out.push({ word, logp: this.logp[this.byCount[i]] });
    }
    return out;
  }
}
