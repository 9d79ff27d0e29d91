// The model-side engine: one model folder, one ONNX session, and the key/value cache of the last context,
// so that a keystroke runs only the tokens that changed. Used by the model host process and by the CLI.
import { performance } from "node:perf_hooks";
import { headMeans, rollout } from "./attentionMath";
import { wordsStartingWith } from "../core/wordIndex";
import type { Lexicon } from "../core/lexicon";
import { DEFAULT_SETTINGS, type Settings } from "../core/settings";
import { commonPrefix, stickyWindow, textWindow, tokenWindow, windowStart, windowStride } from "../core/contextWindow";
import { suggestWords } from "./nextWord";
import type { AttentionDetails, AttentionFirst, PanelWords, SuggestParams } from "../shared/hostProtocol";
import type { AttentionResult, MemoryReadout, ModelInfo, SuggestResult, WordProb } from "../shared/vocabulary";
import { topTokens } from "./softmax";
import { completionText, searchUnits, type StepModel } from "./wordSearch";
import { endingPhase, splitPending, TokenTable } from "./wordUnits";
import { charsForTokens, headEnd, notInPair, tailStart } from "../core/attentionSource";
import { readModelFolder, type ModelFolder } from "./modelFolder";
import { tokenRanges } from "./tokenizer";
import { OnnxModel, type KvCache, type SessionOptions } from "./onnxModel";
import type { DocumentMemory } from "./documentMemory";
import { DocumentMemories } from "./documentMemories";
import { scoreText, type Score, type ScoreOptions } from "./scoreText";
import type { MemoryView, MixMemo } from "./tokenMemory";

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

/** attentionDetails for a run that a newer attentionFirst replaced */
export class SupersededError extends Error {}

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
  private lastAttention: { detailsId: number; T: number; text: string; attentions: Float32Array; logits: Float32Array; words: { at: number; offset: number; options: Settings["suggest"]; doc?: string } } | null = null;
  private attentionRuns = 0;
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
   * Which completions of the typed word may be suggested: words of the lexicon, of the text given and of
   * `extra` (the document around it). Without a lexicon (a bring-your-own model) every word may.
   */
  private knownWord(text: string, pending: string, extra: readonly string[] = []): { isKnownWord: (word: string) => boolean; isKnownPrefix: (prefix: string) => boolean } {
    const typed = pending.trim().toLowerCase();
    let inTextSet: Set<string> | undefined;
    const inText = () => (inTextSet ??= new Set([...wordsStartingWith(text, typed), ...extra.map((x) => x.toLowerCase())]));
    return {
      isKnownWord: (word) => {
        const w = word.toLowerCase();
        return this.lexicon!.has(w) || inText().has(w);
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

  private get hasHidden(): boolean {
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
  private async base(ids: number[], useCache: boolean, onRun: () => void): Promise<State & { newTokens: number }> {
    // the spare is the state of the window the context will slide to next (prefetched while idle)
    const spare = useCache ? this.spare : null;
    const ctx = useCache ? this.ctx : null;
    const prev = spare && (!ctx || commonPrefix(spare.ids, ids) > commonPrefix(ctx.ids, ids)) ? spare : ctx;
    if (prev && commonPrefix(prev.ids, ids) === ids.length && ids.length === prev.ids.length) {
      return { cache: prev.cache, logits: prev.logits, h: prev.h, newTokens: 0 };
    }
    // the search of an earlier keystroke ran exactly this context (the word just typed was one of its hypotheses)
    const known = useCache ? this.steps.get(stepKey(ids, [])) : undefined;
    if (known) {
      this.ctx = { ids, ...known };
      return { ...known, newTokens: 0 };
    }
    let cache = this.model.emptyCache();
    if (prev) {
      const keep = Math.min(commonPrefix(prev.ids, ids), ids.length - 1);
      cache = this.model.truncate(prev.cache, keep);
    }
    const rest = ids.slice(cache.ids.length);
    onRun();
    const r = await this.model.run(cache, rest, { fast: true, finalHidden: this.hasHidden });
    const h = lastRow(r.finalHidden, this.folder.config.nEmbd);
    if (useCache) this.ctx = { ids, cache: r.cache, logits: r.logits, h };
    return { cache: r.cache, logits: r.logits, h, newTokens: rest.length };
  }

  /**
   * Next words after the text before the cursor. `offset` is where `textBefore` starts in its document
   * (see windowStart): a caller may send only the end of a long document.
   */
  async suggest(textBefore: string, p: SuggestParams, isCancelled?: () => boolean, offset = 0, memoryOf?: string | DocumentMemory<KvCache>): Promise<SuggestResult> {
    const t0 = performance.now();
    let runs = 0;
    const onRun = () => runs++;
    // the model was trained on \n line ends; what is inserted after the cursor is unaffected
    const { context, pending } = splitPending(textBefore.replace(/\r\n?/g, "\n"));
    const useCache = p.useCache !== false;
    const ids = this.contextIds(context, p.maxContextTokens, offset, useCache);
    if (ids.length === 0 || Buffer.byteLength(pending) > MAX_PENDING_BYTES) {
      return { text: "", alternatives: [], startsNewWord: true, ms: performance.now() - t0, modelRuns: 0, contextTokens: 0, newContextTokens: 0, memoryEntries: 0 };
    }
    const base = await this.base(ids, useCache, onRun);
    // the memory's entries whose next token lies in the context (never in the word being typed, nor after it)
    const doc = typeof memoryOf === "string" ? this.memories.get(memoryOf) : memoryOf;
    // (in the document's own offsets: textBefore may have \r\n line ends, the pending word has none)
    const memory = doc?.view(offset + textBefore.length - pending.length) ?? null;
    if (doc) doc.touched = Date.now();
    const s = await suggestWords(this.stepModel(onRun, useCache, memory), this.table, await this.mixed(base, memory), pending, {
      k: p.k,
      words: p.words,
      temperature: p.temperature,
      topK: p.topK,
      seed: p.seed,
      isCancelled,
      ...(this.lexicon ? this.knownWord(textBefore, pending, p.knownWords) : {}),
      canonical: this.canonical,
    }, endingPhase(context));
    const ms = performance.now() - t0;
    if (useCache) this.prefetch(ids, this.windowLimit(p.maxContextTokens), context, offset);
    return { ...s, ms, modelRuns: runs, contextTokens: ids.length, newContextTokens: base.newTokens, memoryEntries: memory?.count ?? 0 };
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
        const wants = { fast: true, finalHidden: this.hasHidden };
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

  /** Attention probabilities over exactly the tokens of the text (its first maxTokens), with predictions. */
  async attention(textIn: string, maxTokens: number, words?: PanelWords, memoryTokens = 0): Promise<AttentionResult> {
    // the CLI: the next words read a memory of the whole text, as predict's do (an open document's is the host's)
    const key = "\u0000attention";
    if (memoryTokens > 0 && this.hasHidden && !words?.doc) {
      this.memories.put(key, await this.memories.over(textIn, memoryTokens));
      words = { at: words?.at ?? textIn.length, offset: words?.offset ?? 0, options: words?.options ?? DEFAULT_SETTINGS.suggest, doc: key };
    }
    try {
      const first = await this.attentionFirst(textIn, maxTokens, words);
      const { detailsId: _, ...core } = first;
      return { ...core, ...(await this.attentionDetails(first.detailsId)) };
    } finally {
      this.memories.close(key);
    }
  }

  /**
   * What a heatmap needs, as soon as the model has run: the tokens, the attention probabilities and their
   * head means. The rest (rollout, per-position predictions, the next-word search) follows from
   * attentionDetails(detailsId), so that the panel can draw first and fill in the next words after.
   * `words` says where the next-word list is asked for (default: after the whole analysed text).
   */
  async attentionFirst(textWhole: string, maxTokens: number, wordsWhole?: PanelWords, fit: "start" | "end" = "start", show?: { layer: number; head: number | null }): Promise<AttentionFirst> {
    const cfg = this.folder.config;
    const limit = Math.max(1, Math.min(maxTokens, cfg.nPositions - 16));
    // a huge text (a 5 MB selection) is not tokenized whole: only as much as the token budget can use
    const cap = charsForTokens(limit);
    // "end" ("Why this word?"): the end of the text is what matters; what is left out is its start
    const cutChars = fit === "end" ? this.fitEnd(textWhole, limit, cap) : 0;
    const textIn = cutChars > 0 ? textWhole.slice(cutChars) : textWhole;
    const words = wordsWhole && cutChars > 0 ? { ...wordsWhole, at: Math.max(0, wordsWhole.at - cutChars), offset: wordsWhole.offset + cutChars } : wordsWhole;
    const readTo = headEnd(textIn, cap);
    const all = this.tokenizer.encode(readTo < textIn.length ? textIn.slice(0, readTo) : textIn);
    const ids = all.slice(0, limit);
    const cut = readTo < textIn.length;
    const detailsId = ++this.attentionRuns;
    const L = cfg.nLayer;
    const H = cfg.nHead;
    if (ids.length === 0) {
      this.lastAttention = { detailsId, T: 0, text: "", attentions: new Float32Array(0), logits: new Float32Array(0), words: { at: 0, offset: 0, options: DEFAULT_SETTINGS.suggest } };
      return { text: "", tokens: [], nLayer: L, nHead: H, attentions: new Float32Array(0), headMeans: new Float32Array(0), truncated: false, totalTokens: 0, model: this.folder.name, detailsId, cutChars };
    }
    const tokens = tokenRanges(this.tokenizer, ids);
    const text = textIn.slice(0, tokens[tokens.length - 1].end);
    const r = await this.model.run(null, ids, { attentions: true, allLogits: true });
    const T = ids.length;
    const attentions = new Float32Array(L * H * T * T);
    (r.attentions ?? []).forEach((a, l) => attentions.set(a, l * H * T * T));
    // the list is about the analysed text: a point past its end (the text was cut) is its end
    const at = Math.min(words?.at ?? text.length, text.length);
    this.lastAttention = { detailsId, T, text, attentions, logits: r.logits, words: { at, offset: words?.offset ?? 0, options: words?.options ?? DEFAULT_SETTINGS.suggest, doc: words?.doc } };
    const shape = { nLayer: L, nHead: H, T };
    const means = headMeans(attentions, shape);
    // the one matrix the first heatmap needs (a layer or head this model lacks: layer 1's average)
    const layer = show && show.layer < L ? show.layer : 0;
    const head = show && show.head !== null && show.head < H ? show.head : null;
    const from = head === null ? layer * T * T : (layer * H + head) * T * T;
    const shown = { layer, head, matrix: (head === null ? means : attentions).slice(from, from + T * T) };
    return { shown, text, tokens, nLayer: L, nHead: H, attentions, headMeans: means, truncated: cut || all.length > ids.length, ...(cut ? {} : { totalTokens: all.length }), model: this.folder.name, detailsId, nextWordsAt: at, cutChars };
  }

  /**
   * Where the last `limit` tokens of a text begin (characters from its start), at a word boundary: the
   * text is read from at most `cap` characters before its end, and what still has too many tokens is
   * cut again after the first tokens too many, at the next whitespace. One request, however long the text.
   */
  private fitEnd(text: string, limit: number, cap: number): number {
    let start = tailStart(text, cap);
    for (let attempt = 0; attempt < 8 && start < text.length; attempt++) {
      const ids = this.tokenizer.encode(text.slice(start));
      if (ids.length <= limit) return start;
      const ranges = tokenRanges(this.tokenizer, ids);
      let from = start + ranges[ids.length - limit].start;
      // a cut inside a word moves past it (within 64 characters), so that no word is shown in part
      if (from > 0 && !/\s/.test(text[from]) && !/\s/.test(text[from - 1])) {
        const ws = text.slice(from, from + 64).search(/\s/);
        if (ws >= 0) from += ws;
      }
      start = Math.max(notInPair(text, from), start + 1);
    }
    return start;
  }

  /** Rollout, predictions and next words of the latest attentionFirst (an older id is superseded). */
  async attentionDetails(detailsId: number): Promise<AttentionDetails> {
    const a = this.lastAttention;
    if (!a || a.detailsId !== detailsId) throw new SupersededError("a newer attention request replaced this one");
    const { T, text, attentions, logits } = a;
    if (T === 0) return { rollout: new Float32Array(0), predictions: [], nextWords: [] };
    const cfg = this.folder.config;
    const V = cfg.vocabSize;
    const predictions = Array.from({ length: T }, (_, q) => topTokens(logits.subarray(q * V, (q + 1) * V), 10).map(({ id, p }) => ({ token: this.tokenizer.tokenText(id), p })));
    // the panel shows what the model computes with the document's whole memory, not with part of it
    if (a.words.doc) await this.memories.fill(a.words.doc);
    const nextWords = await this.panelWords(text.slice(0, a.words.at), a.words.offset, a.words.options, a.words.doc);
    const memory = a.words.doc ? await this.memoryReadout(text.slice(0, a.words.at), a.words.offset, a.words.options, a.words.doc, nextWords) : undefined;
    // derived here, in the model host, so the extension host never spends time on T^3 products
    return { rollout: rollout(attentions, { nLayer: cfg.nLayer, nHead: cfg.nHead, T }), predictions, nextWords, ...(memory ? { memory } : {}) };
  }

  /**
   * The panel's next-word list: the very search of the ghost text and of `lm-lens predict` (suggest, with
   * the user's window), for PANEL_WORDS words, greedy, one word. It leaves the suggestion session's caches
   * alone (useCache false), so the numbers are those of predict on the same text.
   */
  private async panelWords(context: string, offset: number, options: Settings["suggest"], doc?: string): Promise<WordProb[]> {
    const r = await this.suggest(context, { ...options, k: PANEL_WORDS, words: 1, temperature: 0, useCache: false }, undefined, offset, doc);
    return r.alternatives;
  }

  /**
   * What the document memory said at the point of the next words (the end of textBefore): for the first
   * word and the word it raised most, its first token's probability from the model, from the memory and
   * mixed, with the places it weighed; and its heaviest places overall. Undefined without a memory there,
   * or while a word is being typed (its tokens are not the next word's).
   */
  async memoryReadout(textBefore: string, offset: number, options: Settings["suggest"], doc: string, words: readonly WordProb[]): Promise<MemoryReadout | undefined> {
    const m = this.memories.get(doc);
    // the words start a new word after the text (a typed word that is whole already counts as context);
    // completions of a typed word are not the next word's first token
    if (!m || words.length === 0 || !words.every((w) => /^\s/u.test(w.word))) return undefined;
    const end = offset + textBefore.length;
    const view = m.view(end);
    const ids = this.contextIds(textBefore.replace(/\r\n?/g, "\n"), options.maxContextTokens, offset);
    if (!view || ids.length === 0) return undefined;
    const base = await this.base(ids, false, () => undefined);
    if (!base.h) return undefined;
    return this.memories.readout(m, view, end, { logits: base.logits, h: base.h }, words);
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
    this.lastAttention = null;
    await this.model.release();
  }
}

/** The last row of [rows, width] (a run's final hidden states: the state after its last token). */
function lastRow(rows: Float32Array | undefined, width: number): Float32Array | undefined {
  return rows && rows.length >= width ? rows.slice(rows.length - width) : undefined;
}

