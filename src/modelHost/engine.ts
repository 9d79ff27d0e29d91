// The model-side engine: one model folder, one ONNX session, and the key/value cache of the last context,
// so that a keystroke runs only the tokens that changed. Used by the model host process and by the CLI.
import { performance } from "node:perf_hooks";
import { wordsIn, wordsStartingWith } from "../core/wordIndex";
import type { Lexicon } from "../core/lexicon";
import type { Settings } from "../core/settings";
import { commonPrefix, lastRow, stickyWindow, textWindow, tokenWindow, windowStart, windowStartIn, windowStride } from "../core/contextWindow";
import { suggestWords } from "./nextWord";
import type { SuggestParams } from "../shared/hostProtocol";
import type { MemoryReadout, ModelInfo, SuggestResult, WordProb } from "../shared/vocabulary";
import { softmaxSums } from "./softmax";
import { completionText, searchUnits, type StepModel } from "./wordSearch";
import { advance, endingPhase, Phase, splitPending, TokenTable } from "./wordUnits";
import { AttentionRuns } from "./attentionRuns";
import { readModelFolder, type ModelFolder } from "./modelFolder";
import { OnnxModel, type KvCache, type SessionOptions } from "./onnxModel";
import { nextTouch, type DocumentMemory } from "./documentMemory";
import { DocumentMemories } from "./documentMemories";
import { scoreText, type Score, type ScoreOptions } from "./scoreText";
import { mixtureParts, type MemoryView, type MixMemo } from "./tokenMemory";

const utf8 = new TextDecoder("utf-8");

/** positions kept free after the context for the suggestion's own tokens */
const RESERVED_POSITIONS = 128;
/** how far ahead (characters) the prefetch looks for a move of the window's text */
const PREFETCH_CHARS = 48;
/** search states kept between requests (each holds a key/value cache: about 1 MB at 128 tokens for the shipped model) */
const STEP_MEMO_SIZE = 48;

function stepKey(ids: readonly number[], tokens: readonly number[]): string {
  return tokens.length ? `${ids.join(",")},${tokens.join(",")}` : ids.join(",");
}
/** a "word" longer than this many bytes is not completed (minified code, base64, a run of one key) */
const MAX_PENDING_BYTES = 48;

/** words in the attention panel's next-word list (and in lm-lens attention --json) */
export const PANEL_WORDS = 10;

export { SupersededError } from "./attentionRuns";

/** A state to run a context from: the cache of tokens it shares a prefix with. */
export interface Prefix {
  ids: readonly number[];
  cache: KvCache;
  /** the logits and final hidden state after all of ids, where known */
  logits?: Float32Array;
  h?: Float32Array;
}

/** How a suggestion is computed besides its settings (explain.ts's removals). */
export interface SuggestHow {
  /** run the context from this state's common prefix (not from the suggestion session's caches) */
  from?: Prefix;
  /** the memory's view to read instead of the one the memory gives at this point */
  memory?: (view: MemoryView) => MemoryView;
  /** the text's last word is finished: it is all context, and the search gives the next word (the attention panel, for a selection the document goes on after with a space or punctuation) */
  wordEnds?: boolean;
}

/** A model state: the cache after some tokens, the logits there and the final hidden state there (the memory's query). */
interface State {
  cache: KvCache;
  logits: Float32Array;
  h?: Float32Array;
  /** what the document memory last mixed into it (documentMemories.ts's mix) */
  mix?: MixMemo;
}



export class Engine {
  private ctx: (State & { ids: number[] }) | null = null;
  /** the state of the window the context will slide to next (see prefetch) */
  private spare: (State & { ids: number[] }) | null = null;
  private background: Promise<void> | null = null;
  /** step memo: token ids -> the state after them (least recently used first) */
  private readonly steps = new Map<string, State>();
  /** each open document's memory (see documentMemories.ts), by the key the extension gives it */
  readonly memories: DocumentMemories;
  /** the latest attentionFirst run, kept for its attentionDetails */
  private readonly attentionRuns = new AttentionRuns(this);
  readonly table: TokenTable;
  /** lower-cased whole words of the training text (words.txt), when the model folder has them */
  private readonly lexicon: Lexicon | undefined;

  private constructor(
    readonly folder: ModelFolder,
    readonly model: OnnxModel,
    readonly loadMs: number,
  ) {
    this.table = new TokenTable(folder.tokenizer.tokenBytes, folder.tokenizer.special);
    this.memories = new DocumentMemories(model, folder);
    this.lexicon = folder.lexicon;
  }

  static async load(dir: string, opts: SessionOptions = {}): Promise<Engine> {
    const t0 = performance.now();
    const folder = readModelFolder(dir);
    const model = await OnnxModel.create(folder, opts);
    return new Engine(folder, model, performance.now() - t0);
  }

  info(): ModelInfo {
    const c = this.folder.config;
    return {
      name: this.folder.name,
      dir: this.folder.dir,
      onnxPath: this.folder.onnxPath,
      onnxBytes: this.folder.onnxBytes,
      vocabSize: c.vocabSize,
      nLayer: c.nLayer,
      nHead: c.nHead,
      nEmbd: c.nEmbd,
      nPositions: c.nPositions,
      hasAttentions: this.model.io.hasAttentions,
      hasHidden: this.model.io.hasHidden,
      hasPast: this.model.io.hasPast,
      addedOutputs: [...this.model.io.addedOutputs],
      ...(this.model.io.attentionProblem ? { attentionProblem: this.model.io.attentionProblem } : {}),
      ...(this.model.io.hiddenProblem ? { hiddenProblem: this.model.io.hiddenProblem } : {}),
      ...(this.model.io.quantized ? { quantized: this.model.io.quantized } : {}),
      loadMs: this.loadMs,
    };
  }

  /**
   * Which words may be suggested: words of the lexicon, of the text given, of `extra` (the document around
   * it) and of the document's memory before `memory.end` (a name used earlier in the document). A typed
   * word completes only to such a word, and a new word of letters is only such a word (the memory may raise
   * a piece of one, "co" of "coffee"). Without a lexicon (a bring-your-own model) every word may.
   */
  private knownWord(text: string, pending: string, extra: readonly string[] = [], memory?: { doc: DocumentMemory<KvCache>; end: number }): { isKnownWord: (word: string) => boolean; isKnownPrefix: (prefix: string) => boolean } {
    const typed = pending.trim().toLowerCase();
    let inTextSet: Set<string> | undefined;
    // a typed word: the words that start like it; a new word: every word of the text
    const inText = () => (inTextSet ??= new Set([...(typed ? wordsStartingWith(text, typed) : wordsIn(text)), ...extra.map((x) => x.toLowerCase())]));
    return {
      isKnownWord: (word) => {
        const w = word.toLowerCase();
        return this.lexicon!.has(w) || inText().has(w) || (memory?.doc.hasWord(w, memory.end) ?? false);
      },
      isKnownPrefix: (prefix) => {
        if (this.lexicon?.hasPrefix(prefix)) return true;
        for (const w of inText()) if (w.startsWith(prefix)) return true;
        return false;
      },
    };
  }

  /** Is `tokens` the tokenizer's own split of `bytes` (see SearchOptions.canonical)? The tokenizer's memo serves: units recur. */
  readonly canonical = (bytes: Uint8Array, tokens: readonly number[]): boolean => {
    const ids = this.tokenizer.encode(utf8.decode(bytes));
    return ids.length === tokens.length && ids.every((id, i) => id === tokens[i]);
  };

  get tokenizer() {
    return this.folder.tokenizer;
  }

  /** The most tokens of context read before the cursor: room is left for the words decoded after it. */
  private windowLimit(maxTokens: number): number {
    return Math.max(1, Math.min(maxTokens, this.folder.config.nPositions - RESERVED_POSITIONS));
  }

  /** The window's text, tokenized: a document's start is marked as in training (<|endoftext|> separates documents). */
  private windowTokens(context: string, limit: number, offset: number, end?: number): number[] {
    const win = textWindow(context, limit, offset, end);
    const ids = this.tokenizer.encode(win.text);
    const bos = this.tokenizer.eosId ?? this.folder.config.bosTokenId;
    return win.atStart && bos !== undefined ? [bos, ...ids] : ids;
  }

  /**
   * Token ids of the context the model reads before the cursor, cut to the window. With `sticky`, a
   * window that keeps the start of the cached context (or of the prefetched one) is preferred
   * (stickyWindow), so that typing on runs only the new tokens.
   */
  contextIds(context: string, maxTokens: number, offset = 0, sticky = false): number[] {
    const limit = this.windowLimit(maxTokens);
    const all = this.windowTokens(context, limit, offset);
    return (sticky ? stickyWindow(all, limit, [this.ctx?.ids, this.spare?.ids]) : undefined) ?? tokenWindow(all, limit).ids;
  }

  /**
   * The search's model: one run per hypothesis step. With `remember`, each state is kept in the step memo,
   * so that the next keystroke's search (the same word, one more character typed) and the next context
   * (the word the user finished typing, which the search has usually just evaluated) need no run.
   */
  private stepModel(onRun: () => void, remember = false, memory: MemoryView | null = null): StepModel<KvCache> {
    return {
      extend: async (cache, tokens, extended) => {
        const key = remember ? stepKey(cache?.ids ?? [], tokens) : "";
        let state = remember ? this.steps.get(key) : undefined;
        if (state) {
          // most recently used last
          this.steps.delete(key);
          this.steps.set(key, state);
        } else {
          onRun();
          // a hypothesis after the typed bytes is usually only scored: its keys and values are not fetched
          const r = await this.model.run(cache, tokens, { lazy: !extended, fast: true, finalHidden: this.hasHidden });
          state = { cache: r.cache, logits: r.logits, h: lastRow(r.finalHidden, this.folder.config.nEmbd) };
          if (remember) this.rememberStep(key, state);
        }
        return this.mixed(state, memory);
      },
    };
  }

  get hasHidden(): boolean {
    return this.model.io.hasHidden;
  }

  /** A state's logits with the memory mixed in (the memory's own distribution; see tokenMemory.ts). */
  private async mixed(state: State, memory: MemoryView | null): Promise<{ cache: KvCache; logits: Float32Array }> {
    if (!memory || !state.h) return state;
    return { cache: state.cache, logits: await this.memories.mix(state, state.h, memory) };
  }

  private rememberStep(key: string, state: State): void {
    this.steps.set(key, state);
    while (this.steps.size > STEP_MEMO_SIZE) this.steps.delete(this.steps.keys().next().value!);
  }

  /** Model state after ids, reusing the cached state of the longest common prefix. */
  private async base(ids: number[], useCache: boolean, onRun: () => void, from?: Prefix): Promise<State & { newTokens: number }> {
    // the spare is the state of the window the context will slide to next (prefetched while idle)
    const spare = useCache ? this.spare : null;
    const ctx = useCache ? this.ctx : null;
    const prev = from ?? (spare && (!ctx || commonPrefix(spare.ids, ids) > commonPrefix(ctx.ids, ids)) ? spare : ctx);
    if (prev?.logits && commonPrefix(prev.ids, ids) === ids.length && ids.length === prev.ids.length) {
      return { cache: prev.cache, logits: prev.logits, h: prev.h, newTokens: 0 };
    }
    let cache = this.model.emptyCache();
    if (prev) {
      const keep = Math.min(commonPrefix(prev.ids, ids), ids.length - 1);
      cache = this.model.truncate(prev.cache, keep);
    }
    const rest = ids.slice(cache.ids.length);
    onRun();
    // the context's own probabilities always come from the float32 weights, however many tokens are new:
    // the ghost text typed on and any view that computes the same point afresh then give the same numbers
    // (the 8-bit weights serve the word search's steps beyond the context, the same way in both)
    const r = await this.model.run(cache, rest, { finalHidden: this.hasHidden });
    const h = lastRow(r.finalHidden, this.folder.config.nEmbd);
    if (useCache) this.ctx = { ids, cache: r.cache, logits: r.logits, h };
    return { cache: r.cache, logits: r.logits, h, newTokens: rest.length };
  }

  /**
   * Next words after the text before the cursor. `offset` is where `textBefore` starts in its document
   * (see windowStart): a caller may send only the end of a long document.
   */
  async suggest(textBefore: string, p: SuggestParams, isCancelled?: () => boolean, offset = 0, memoryOf?: string | DocumentMemory<KvCache>, how: SuggestHow = {}): Promise<SuggestResult> {
    const t0 = performance.now();
    let runs = 0;
    const onRun = () => runs++;
    // the model was trained on \n line ends; what is inserted after the cursor is unaffected
    const split = splitPending(textBefore.replace(/\r\n?/g, "\n"));
    // a finished last word (how.wordEnds) is context: nothing is pending, and the search starts the next word
    const { context, pending } = how.wordEnds && split.pending.trim() ? { context: split.context + split.pending, pending: "" } : split;
    const useCache = p.useCache !== false;
    const ids = this.contextIds(context, p.maxContextTokens, offset, useCache);
    if (ids.length === 0 || Buffer.byteLength(pending) > MAX_PENDING_BYTES) {
      return { text: "", alternatives: [], startsNewWord: true, ms: performance.now() - t0, modelRuns: 0, contextTokens: 0, newContextTokens: 0, memoryEntries: 0 };
    }
    const base = await this.base(ids, useCache, onRun, how.from);
    // the memory's entries whose next token lies in the context (never in the word being typed, nor after it)
    const doc = typeof memoryOf === "string" ? this.memories.get(memoryOf) : memoryOf;
    // (in the document's own offsets: textBefore may have \r\n line ends, the pending word has none)
    const view = doc?.view(offset + textBefore.length - pending.length) ?? null;
    const memory = view && how.memory ? how.memory(view) : view;
    if (doc) doc.touched = nextTouch();
    const start = await this.mixed(base, memory);
    const s = await suggestWords(this.stepModel(onRun, useCache, memory), this.table, start, pending, {
      k: p.k,
      words: p.words,
      temperature: p.temperature,
      topK: p.topK,
      seed: p.seed,
      isCancelled,
      ...(this.lexicon ? this.knownWord(textBefore, pending, p.knownWords, doc ? { doc, end: offset + textBefore.length - pending.length } : undefined) : {}),
      afterSpace: /\s$/.test(context),
      canonical: this.canonical,
      figures: p.figures,
      ghost: p.ghost,
      minConfidence: p.minConfidence,
    }, endingPhase(context));
    const ms = performance.now() - t0;
    if (useCache) this.prefetch(ids, this.windowLimit(p.maxContextTokens), context, offset);
    const windowStart = offset + windowStartIn(textBefore.slice(0, textBefore.length - pending.length), this.tokenizer.decode(ids.filter((id) => !this.table.special[id])));
    return { ...s, ms, modelRuns: runs, contextTokens: ids.length, newContextTokens: base.newTokens, memoryEntries: memory?.count ?? 0, share: mixtureParts(start.logits)?.share ?? 0, windowStart, typed: pending };
  }

  /**
   * In the background, after an answer: when the window is about to move, run the window it will move to,
   * so that the keystroke that moves it runs only its new tokens instead of the whole window again. The
   * token window drops a quarter of the budget from the front when it is full (tokenWindow). The text
   * window's start jumps by 512 characters as the cursor passes a boundary; the token window usually stays
   * where it was (stickyWindow), and only when the new text no longer holds it is its successor prefetched.
   */
  private prefetch(ids: readonly number[], limit: number, context: string, offset: number): void {
    if (this.background) return;
    const end = offset + context.length;
    let next: number[];
    const jumps = windowStart(end + PREFETCH_CHARS, limit) > windowStart(end, limit);
    const after = jumps ? this.windowTokens(context, limit, offset, end + PREFETCH_CHARS) : [];
    if (jumps && !stickyWindow(after, limit, [ids])) {
      // the text a few characters from now starts later and no longer holds this window: tokenize that window as contextIds will
      next = tokenWindow(after, limit).ids;
    } else if (ids.length >= limit - 8) {
      next = ids.slice(windowStride(limit));
    } else return;
    if (next.length === 0) return;
    // a spare that is a prefix of the next window is brought up to date with the tokens typed since
    const spare = this.spare && commonPrefix(this.spare.ids, next) === this.spare.ids.length ? this.spare : null;
    if (spare && spare.ids.length === next.length) return;
    this.background = (async () => {
      try {
        const wants = { finalHidden: this.hasHidden };
        const r = spare ? await this.model.run(spare.cache, next.slice(spare.ids.length), wants) : await this.model.run(null, next, wants);
        this.spare = { ids: next, cache: r.cache, logits: r.logits, h: lastRow(r.finalHidden, this.folder.config.nEmbd) };
      } catch {
        // a failed prefetch only means the slide is computed when it happens
      } finally {
        this.background = null;
      }
    })();
  }

  /** Resolves when background work (a prefetch) is done: the benchmark waits for it as a typist's pause would. */
  async idle(): Promise<void> {
    await this.background;
  }

  /**
   * The k most likely whole next words after a context that ends at a word boundary (the eval's
   * question): units of word characters with their leading whitespace, punctuation excluded.
   */
  async nextWords(context: string, k: number, maxContextTokens = 128): Promise<WordProb[]> {
    const ids = this.contextIds(context, maxContextTokens);
    if (ids.length === 0) return [];
    const base = await this.base(ids, true, () => undefined);
    return this.wordList(base, k, Math.max(3, k), endingPhase(context));
  }

  /** The k most likely whole next words (no punctuation) after a model state: the search the suggestions use. */
  private async wordList(state: State, k: number, beam: number, after: ReturnType<typeof endingPhase>): Promise<WordProb[]> {
    const hyps = await searchUnits(this.stepModel(() => undefined), this.table, state, new Uint8Array(0), { k, beam, maxTokens: 8, wordsOnly: true, after, canonical: this.canonical });
    return hyps.map((h) => ({ word: completionText(h.bytes, new Uint8Array(0)), p: Math.exp(h.logp) }));
  }

  /** How well the model, with its memory of `memoryTokens` entries (0: alone), predicts a text (see scoreText.ts). */
  async score(text: string, o: Omit<ScoreOptions, "params">): Promise<Score> {
    return scoreText(this.model, this.tokenizer, this.tokenizer.eosId ?? this.folder.config.bosTokenId, text, { ...o, params: this.memories.params, dots: (keys, count, h) => this.model.dots(keys, count, h) });
  }

  /** Attention over a text and what follows it (attentionRuns.ts): the CLI's whole answer, and the panel's two parts. */
  attention(...a: Parameters<AttentionRuns["whole"]>) {
    return this.attentionRuns.whole(...a);
  }
  attentionFirst(...a: Parameters<AttentionRuns["first"]>) {
    return this.attentionRuns.first(...a);
  }
  attentionDetails(...a: Parameters<AttentionRuns["details"]>) {
    return this.attentionRuns.details(...a);
  }

  /**
   * The panel's next-word list: the very search of the ghost text and of `lm-lens predict` (suggest, with
   * the user's window), for PANEL_WORDS words, greedy, one word. It leaves the suggestion session's caches
   * alone (useCache false), so the numbers are those of predict on the same text.
   */
  async panelWords(context: string, offset: number, options: Settings["suggest"], doc?: string, wordEnds = false): Promise<SuggestResult> {
    return this.suggest(context, { ...options, k: PANEL_WORDS, words: 1, temperature: 0, useCache: false }, undefined, offset, doc, wordEnds ? { wordEnds } : {});
  }

  /**
   * The state after the context of textBefore, computed as suggest computes it (with `how`), with the
   * memory's view it reads; null when the text has no context, or when `wholeTyped` and the search would
   * not read the typed word as finished there (it would complete it, and suggest no next word).
   */
  async contextState(textBefore: string, p: SuggestParams, offset: number, memoryOf: DocumentMemory<KvCache> | undefined, how: SuggestHow, wholeTyped: boolean): Promise<{ state: { cache: KvCache; logits: Float32Array }; memory: MemoryView | null } | null> {
    const split = splitPending(textBefore.replace(/\r\n?/g, "\n"));
    // a finished last word (how.wordEnds) is context: nothing is pending, and the search starts the next word
    const { context, pending } = how.wordEnds && split.pending.trim() ? { context: split.context + split.pending, pending: "" } : split;
    const ids = this.contextIds(context, p.maxContextTokens, offset);
    if (ids.length === 0) return null;
    const view = memoryOf?.view(offset + textBefore.length - pending.length) ?? null;
    const memory = view && how.memory ? how.memory(view) : view;
    const state = await this.mixed(await this.base(ids, false, () => undefined, how.from), memory);
    if (wholeTyped) {
      const known = this.lexicon ? this.knownWord(textBefore, pending, p.knownWords) : {};
      const s = await suggestWords(this.stepModel(() => undefined, false, memory), this.table, state, pending, { ...p, k: 1, words: 1, temperature: 0, ...known, canonical: this.canonical, figures: false }, endingPhase(context));
      if (!s.startsNewWord) return null;
    }
    return { state, memory };
  }

  /** The probability that a unit (its tokens) goes on after them: the mass of the tokens that continue it. */
  unitGoesOn(unit: readonly number[], logits: Float32Array): number {
    const phase = advance(Phase.Leading, 0, this.tokenizer.bytesOf(unit)).phase;
    return phase === Phase.Word || phase === Phase.Punct ? softmaxSums(logits, this.table.continues[phase]).masked : 0;
  }

  /**
   * Where the document memory's numbers for a prediction came from (the end of textBefore): for the first
   * word and the word it raised most, the places it weighed for that word's first token; the word's
   * figures (model, memory, mixed) are the prediction's own whole-word ones. Undefined without a memory.
   */
  async memoryReadout(textBefore: string, offset: number, options: Settings["suggest"], doc: string, prediction: SuggestResult): Promise<MemoryReadout | undefined> {
    const m = this.memories.get(doc);
    const words = prediction.alternatives;
    if (!m || words.length === 0) return undefined;
    // the state the words' first token follows: before the typed part, unless the typed word was whole
    const typed = prediction.startsNewWord ? 0 : (prediction.typed ?? "").length;
    const context = textBefore.slice(0, textBefore.length - typed);
    const end = offset + context.length;
    const view = m.view(end);
    const ids = this.contextIds(context.replace(/\r\n?/g, "\n"), options.maxContextTokens, offset);
    if (!view || ids.length === 0) return undefined;
    const base = await this.base(ids, false, () => undefined);
    if (!base.h) return undefined;
    return this.memories.readout(m, view, end, { logits: base.logits, h: base.h }, words, prediction.share ?? 0);
  }

  /**
   * Next words after a whole text, the memory filled over all of it first (lm-lens predict, the eval's
   * long documents): what the ghost text gives at the end of a document whose memory is full.
   */
  async suggestInText(text: string, p: SuggestParams, capacity: number): Promise<SuggestResult> {
    if (capacity <= 0 || !this.hasHidden) return this.suggest(text, p);
    return this.suggest(text, p, undefined, 0, await this.memories.over(text, capacity));
  }

  async dispose(): Promise<void> {
    await this.background;
    this.ctx = null;
    this.spare = null;
    this.steps.clear();
    this.memories.clear();
    this.attentionRuns.clear();
    await this.model.release();
  }
}
