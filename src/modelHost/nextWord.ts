// Next-word suggestions on top of the unit search: finish the word being typed, or, when it is
// already complete, go on to the next word; several words when asked; greedy unless sampling is on.
import type { Suggestion, WordProb } from "../shared/vocabulary";
import { completionText, searchUnits, type StepModel, type WordHyp } from "./wordSearch";
import { mixtureParts } from "./tokenMemory";
import { softmaxSums } from "./softmax";
import { pickByShare, samplingShares } from "../shared/sampling";
import { Phase, type TokenTable } from "./wordUnits";

export interface SuggestOptions {
  /** alternatives to return */
  k: number;
  /** words in the suggestion (1 = one word) */
  words: number;
  /** 0 = greedy; otherwise the first word is sampled from the top `topK` alternatives at this temperature */
  temperature: number;
  topK: number;
  seed: number;
  /** hypotheses kept per step of the subword search */
  beam?: number;
  isCancelled?: () => boolean;
  onModelRun?: () => void;
  /** see SearchOptions.canonical */
  canonical?: (bytes: Uint8Array, tokens: readonly number[]) => boolean;
  /**
   * Whether the lexicon or the document knows a word. A typed word counts as finished only if it is
   * known (a small model sometimes rates a fragment such as "jum" as a word), and it is completed only to
   * known words ("lighth" -> "ouse" when the text has "lighthouse", never "ed"). Absent: every word.
   */
  isKnownWord?: (word: string) => boolean;
  /**
   * Give a typed word's completions their probability given the typed part, over the best readings of it
   * (COMPLETIONS_NORMALIZED_OVER): the figures the lists show. False: only as many readings as ranking the
   * k asked for needs (the ghost text's own request: the same words, fewer model runs, no figure shown).
   */
  figures?: boolean;
  /** Whether some known word starts with these letters (lower-cased); with isKnownWord, it prunes the search. */
  isKnownPrefix?: (prefix: string) => boolean;
  /** the text before the cursor ends in white space (a space typed, a line's start): a new word comes with none */
  afterSpace?: boolean;
  /**
   * The ghost text's own request: after the first word, the rest of a phrase the document memory or the mixture is sure
   * of (PHRASE_MIN_P, PHRASE_MODEL_MIN_P), up to PHRASE_MAX_WORDS words; no new word whose probability is below
   * `minConfidence` (the confidence gate; 0 shows every suggestion); and no one-character text.
   */
  ghost?: boolean;
  minConfidence?: number;
}

/**
 * A phrase goes on while the memory gives the next word at least PHRASE_MIN_P (the document repeats itself
 * there) and the mixture at least PHRASE_MIN_MIXED: the memory's share of the mixture is often a quarter,
 * so a word the memory is sure of ("distributed build" -> " cache", memory 0.997) is 0.28 mixed, and still
 * the mixture's first by far. It also goes on while the mixture itself gives the next word at least
 * PHRASE_MODEL_MIN_P (" as well" -> " as", " for" -> " example"): chosen by the typist's simulation on the
 * held-out split (the card's "Phrases" table), where a phrase saves the key between its words and a wrong
 * word after the first costs none (Ctrl+Right takes the words that are right).
 */
export const PHRASE_MIN_P = 0.5;
export const PHRASE_MIN_MIXED = 0.15;
export const PHRASE_MODEL_MIN_P = 0.25;
/** most words in a ghost text made longer by a phrase from the memory */
export const PHRASE_MAX_WORDS = 6;

/**
 * Which new words may be suggested (the units of a new-word search; `prefix` bytes of each are typed): the
 * word with at most one space before it, none when white space is already there (after a double space,
 * "up", never "   up"), no line break, and a word of letters only when it is known (never a piece of one
 * that the memory raised, "co" of "coffee"). The ghost text is always words.
 */
export function newWordAccept(prefix: number, spaceBefore: boolean, known?: (word: string) => boolean): (bytes: Uint8Array) => boolean {
  return (bytes) => {
    const added = utf8.decode(bytes.subarray(prefix));
    const ws = /^\s*/u.exec(added)![0];
    if (ws !== "" && (spaceBefore || ws !== " ")) return false;
    const word = added.slice(ws.length);
    if (word === "" || /\s/u.test(word)) return false;
    return !known || !/^\p{L}+$/u.test(word) || known(word);
  };
}

/** A word of a further word or phrase stays on the line, after at most one space (the ghost text is words). */
function onOneLine(bytes: Uint8Array): boolean {
  return /^ ?[^\s]*$/u.test(utf8.decode(bytes));
}

/**
 * Might a phrase go on after this state: some token with at least PHRASE_MIN_P of the memory's probability,
 * or at least PHRASE_MODEL_MIN_P of the mixture's? A cheap look before a phrase's search (a word is no more
 * likely than its first token). `logits` are log-probabilities where a memory was mixed in, else raw logits.
 */
function phraseMayGoOn(logits: Float32Array): boolean {
  const parts = mixtureParts(logits);
  if (parts) for (const q of parts.q.values()) if (q >= PHRASE_MIN_P) return true;
  // the top token's probability, from the sums the search keeps per logits array (no second pass)
  const { max, logZ } = softmaxSums(logits, null);
  return Math.exp(max - logZ) >= PHRASE_MODEL_MIN_P;
}

/** Does a phrase take this next unit: the memory sure of it (with the mixture not far behind), or the mixture itself fairly sure? */
function phraseTakes(next: { logp: number; logpMemory: number }): boolean {
  const p = Math.exp(next.logp);
  return p >= PHRASE_MODEL_MIN_P || (p >= PHRASE_MIN_MIXED && Math.exp(next.logpMemory) >= PHRASE_MIN_P);
}

/** A small, seeded PRNG (mulberry32): sampling is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pick an index from log-probabilities at a temperature among the first topK: a draw from
 * samplingShares, the shares that "Why this word?" shows (temperature 0: the first, with no draw).
 */
export function sampleIndex(logps: readonly number[], temperature: number, topK: number, rand: () => number): number {
  if (logps.length === 0) return -1;
  if (temperature <= 0) return 0;
  return pickByShare(samplingShares(logps, temperature, topK), rand());
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8");

/**
 * A typed word's completions are given probabilities over the best COMPLETIONS_NORMALIZED_OVER + 1
 * readings of the typed part (the word as it stands among them where it is one), whatever the number asked
 * for: the ghost text (one alternative), the panel (ten) and predict --top 50 then give one word one
 * probability.
 */
export const COMPLETIONS_NORMALIZED_OVER = 10;

/**
 * The units as words with their probabilities: mixed, the model's alone and the memory's alone (each
 * over the same readings when `given` sums the typed part's: a completion's probability given the typed part).
 */
function toChoices<C>(hyps: WordHyp<C>[], pending: Uint8Array, given?: { mixed: number; model: number; memory: number }): WordProb[] {
  const over = (logp: number, mass: number | undefined) => (mass === undefined ? Math.exp(logp) : mass > 0 ? Math.exp(logp) / mass : 0);
  return hyps.map((h) => ({
    word: completionText(h.bytes, pending),
    p: over(h.logp, given?.mixed),
    modelP: over(h.logpModel, given?.model),
    memoryP: over(h.logpMemory, given?.memory),
    tokens: h.tokens,
  }));
}

const ASCII_LETTER = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/**
 * SearchOptions.viableChildren for a typed word of letters: after a unit whose word so far is P, a token of
 * ASCII letters T may follow only if some known word starts with P + T (lower-cased). The letters that may
 * follow P are found once per unit (26 look-ups), so most tokens are refused by their first byte. A unit
 * or token with other bytes (a letter outside ASCII, a character cut by a token) is not judged here:
 * `accept` still decides what is returned.
 */
export function knownContinuations(isKnownPrefix: (prefix: string) => boolean): (bytes: Uint8Array) => ((token: Uint8Array) => boolean) | undefined {
  const firsts = new Map<string, Set<number>>();
  return (bytes) => {
    let i = 0;
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
    let word = "";
    for (; i < bytes.length; i++) {
      if (!ASCII_LETTER(bytes[i])) return undefined;
      word += String.fromCharCode(bytes[i] | 0x20);
    }
    let first = firsts.get(word);
    if (!first) {
      first = new Set<number>();
      for (let c = 0x61; c <= 0x7a; c++) if (isKnownPrefix(word + String.fromCharCode(c))) first.add(c);
      firsts.set(word, first);
    }
    const allowed = first;
    return (token) => {
      // the word's leading white space may come with its first token (" to")
      let j = 0;
      if (word === "") while (j < token.length && (token[j] === 0x20 || token[j] === 0x09)) j++;
      if (j === token.length || token[j] >= 0x80) return true;
      if (!ASCII_LETTER(token[j]) || !allowed.has(token[j] | 0x20)) return false;
      let w = word;
      for (; j < token.length; j++) {
        if (token[j] >= 0x80) return true;
        if (!ASCII_LETTER(token[j])) return false;
        w += String.fromCharCode(token[j] | 0x20);
      }
      return isKnownPrefix(w);
    };
  };
}

/**
 * Suggest what comes after the text. `base` holds the model state after `context` (see splitPending),
 * and `pending` the text between the context and the cursor.
 */
export async function suggestWords<C>(
  model: StepModel<C>,
  table: TokenTable,
  base: { cache: C; logits: Float32Array },
  pending: string,
  opts: SuggestOptions,
  /** the class of the unit the context ends with, when nothing is pending */
  after?: Phase.Word | Phase.Punct,
): Promise<Suggestion> {
  const beam = Math.max(opts.beam ?? 3, opts.k, opts.temperature > 0 ? opts.topK : 1);
  const search = { k: Math.max(opts.k, opts.temperature > 0 ? opts.topK : 1), beam, maxTokens: 8, isCancelled: opts.isCancelled, onModelRun: opts.onModelRun, canonical: opts.canonical };
  let pendingBytes = encoder.encode(pending);
  // a new word starts here unless a word or punctuation is being typed
  let startsNewWord = pending.trim() === "";
  // completing a typed word: only words the lexicon or the document knows (and the word as it stands)
  const typedBytes = pendingBytes;
  const known = opts.isKnownWord;
  const lettersTyped = /^\s*\p{L}+$/u.test(pending);
  const accept = !startsNewWord
    ? (bytes: Uint8Array) => {
        if (bytes.length === typedBytes.length) return true;
        const word = utf8.decode(bytes).replace(/^[ \t]+/, "");
        // a completion never holds white space (a no-break space is a "word" byte to the tokenizer's classes)
        if (/\s/u.test(word)) return false;
        // a typed word of letters completes only to a known word of letters
        return !(known && lettersTyped) || (/^\p{L}+$/u.test(word) && known(word));
      }
    : undefined;
  // a typed word of letters goes on only along letters that begin a known word ("lighth" + "ou" for
  // "lighthouse"): the search's bounded runs are not spent on completions that would be refused
  const viableChildren = !startsNewWord && known && opts.isKnownPrefix && lettersTyped ? knownContinuations(opts.isKnownPrefix) : undefined;
  const completions = opts.figures === false ? search.k : Math.max(search.k, COMPLETIONS_NORMALIZED_OVER);
  const spaceBefore = pendingBytes.length > 0 ? /\s$/u.test(pending) : (opts.afterSpace ?? false);
  let hyps = await searchUnits(model, table, base, pendingBytes, { ...search, wordsOnly: startsNewWord, after: pendingBytes.length === 0 ? after : undefined, accept: accept ?? newWordAccept(pendingBytes.length, spaceBefore, known), viableChildren });
  // The typed word is already whole when the most likely reading ends it here, ending is more likely
  // than going on, and the lexicon knows it as a word: then the suggestion is the next word ("the hair
  // was still" -> " red", but "jum" -> "p"). A small model sometimes rates a fragment as a word.
  const typed = pending.trim();
  const whole = !/^\p{L}+$/u.test(typed) || (known?.(typed) ?? true);
  const best = hyps[0];
  if (!startsNewWord && best && completionText(best.bytes, pendingBytes) === "" && best.pEnd > 0.5 && whole) {
    hyps = await searchUnits(model, table, { cache: best.cache, logits: best.logits }, new Uint8Array(0), { ...search, wordsOnly: true, after: best.phase as Phase.Word | Phase.Punct, accept: newWordAccept(0, false, known) });
    pendingBytes = new Uint8Array(0);
    startsNewWord = true;
  } else if (!startsNewWord && (opts.figures !== false || hyps.some((h) => completionText(h.bytes, pendingBytes) === ""))) {
    // the word goes on: its readings, enough of them to give each completion its probability the same way
    // whatever k is (the slot "" takes is given to one more completion)
    hyps = await searchUnits(model, table, base, pendingBytes, { ...search, k: completions + 1, beam: Math.max(search.beam, completions + 1), accept, viableChildren });
  }
  let given: { mixed: number; model: number; memory: number } | undefined;
  let readingTokens: number[][] | undefined;
  if (!startsNewWord) {
    // completing the typed word: "" (the word as it stands) is not a suggestion, and probabilities
    // are given the typed part, over the readings found ("" included; COMPLETIONS_NORMALIZED_OVER)
    // (the best readings only, so that a longer list asked for does not change the figures)
    const readings = hyps.slice(0, COMPLETIONS_NORMALIZED_OVER + 1);
    const sum = (f: (h: WordHyp<C>) => number) => readings.reduce((a, h) => a + Math.exp(f(h)), 0);
    given = { mixed: sum((h) => h.logp), model: sum((h) => h.logpModel), memory: sum((h) => h.logpMemory) };
    readingTokens = readings.map((h) => h.tokens);
    hyps = hyps.filter((h) => completionText(h.bytes, pendingBytes) !== "");
  }
  if (hyps.length === 0) return { text: "", alternatives: [], startsNewWord };
  // the confidence gate: the ghost text shows no new word that is unlikely (the list still has it). A typed
  // word's completion is not gated: its probability given the typed part would need the readings that the
  // ghost text's request skips (a bound from the next token's mass hid many good completions: the typist
  // lost 4.7 points of keys saved on docs at a gate of 0.05)
  if (opts.ghost && opts.minConfidence && startsNewWord && Math.exp(hyps[0].logp) < opts.minConfidence) {
    return { text: "", alternatives: toChoices(hyps, pendingBytes, given).slice(0, opts.k), startsNewWord, ...(readingTokens ? { readings: readingTokens } : {}) };
  }
  const rand = mulberry32(opts.seed);
  const pick = sampleIndex(hyps.map((h) => h.logp), opts.temperature, opts.topK, rand);
  const alternatives = toChoices(hyps, pendingBytes, given).slice(0, opts.k);
  let chosen = hyps[pick];
  let text = completionText(chosen.bytes, pendingBytes);
  // further words; punctuation between them is kept but not counted
  let words = 1;
  for (let units = 1; words < opts.words && units < 2 * opts.words; units++) {
    const next = await searchUnits(model, table, { cache: chosen.cache, logits: chosen.logits }, new Uint8Array(0), { ...search, after: chosen.phase as Phase.Word | Phase.Punct, accept: onOneLine });
    if (next.length === 0) break;
    chosen = next[sampleIndex(next.map((h) => h.logp), opts.temperature, opts.topK, rand)];
    const piece = completionText(chosen.bytes, new Uint8Array(0));
    text += piece;
    if (/[\p{L}\p{N}]/u.test(piece)) words++;
  }
  // a phrase: its next words while the memory (the document repeats itself) or the mixture is sure of them
  // (punctuation joins it only with a word after it: "Okonkwo. He", never a lone "." at the end)
  if (opts.ghost && opts.words === 1) {
    let state = chosen;
    let punct = "";
    for (let units = 1; words < PHRASE_MAX_WORDS && units < 2 * PHRASE_MAX_WORDS && phraseMayGoOn(state.logits); units++) {
      const next = (await searchUnits(model, table, { cache: state.cache, logits: state.logits }, new Uint8Array(0), { ...search, k: 1, after: state.phase as Phase.Word | Phase.Punct, accept: onOneLine }))[0];
      if (!next || !phraseTakes(next)) break;
      const piece = completionText(next.bytes, new Uint8Array(0));
      state = next;
      if (!/[\p{L}\p{N}]/u.test(piece)) {
        punct += piece;
        continue;
      }
      if (known && /^\s?\p{L}+$/u.test(piece) && !known(piece.trim())) break;
      text += punct + piece;
      punct = "";
      words++;
    }
  }
  // a one-character ghost text ("s" of "words") saves no key: Tab costs what typing it does
  if (opts.ghost && [...text].length < 2) text = "";
  return { text, alternatives, startsNewWord, ...(readingTokens ? { readings: readingTokens } : {}) };
}
