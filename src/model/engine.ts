// The model-side engine: one model folder, one ONNX session, and the key/value cache of the last context,
// so that a keystroke runs only the tokens that changed. Used by the model host process and by the CLI.
import { performance } from "node:perf_hooks";
import { commonPrefix, textWindow, tokenWindow } from "../core/contextWindow";
import { suggestWords, type Suggestion, type WordChoice } from "../core/nextWord";
import { completionText, endingPhase, searchUnits, splitPending, TokenTable, type StepModel } from "../core/wordSearch";
import { readModelFolder, type ModelFolder } from "./modelFolder";
import { OnnxModel, type KvCache, type SessionOptions } from "./onnxModel";

/** positions kept free after the context for the suggestion's own tokens */
const RESERVED_POSITIONS = 128;
/** a "word" longer than this many bytes is not completed (minified code, base64, a run of one key) */
const MAX_PENDING_BYTES = 48;

export interface SuggestParams {
  maxContextTokens: number;
  words: number;
  k: number;
  temperature: number;
  topK: number;
  seed: number;
  /** false: recompute from scratch every time (the benchmark's no-cache peer) */
  useCache?: boolean;
}

export interface SuggestResult extends Suggestion {
  ms: number;
  modelRuns: number;
  contextTokens: number;
  /** tokens the model had to run for the context (0 when the cache already held it) */
  newContextTokens: number;
}

export interface ModelInfo {
  name: string;
  dir: string;
  onnxPath: string;
  onnxBytes: number;
  vocabSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  nPositions: number;
  hasAttentions: boolean;
  hasHidden: boolean;
  hasPast: boolean;
  loadMs: number;
}

export interface AttentionResult {
  /** the tokens as the tokenizer split the text, as text */
  tokens: string[];
  ids: number[];
  /** [layer][head][query][key], each row sums to 1 */
  attentions: number[][][][];
  truncated: boolean;
  /** total tokens in the text before truncation */
  totalTokens: number;
}

export class Engine {
  private ctx: { ids: number[]; cache: KvCache; logits: Float32Array } | null = null;
  readonly table: TokenTable;

  private constructor(
    readonly folder: ModelFolder,
    readonly model: OnnxModel,
    readonly loadMs: number,
  ) {
    this.table = new TokenTable(folder.tokenizer.tokenBytes, folder.tokenizer.special);
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
      loadMs: this.loadMs,
    };
  }

  get tokenizer() {
    return this.folder.tokenizer;
  }

  /** Token ids of the context the model reads before the cursor, cut to the window. */
  contextIds(context: string, maxTokens: number, offset = 0): number[] {
    // room is left for the words being decoded after the context
    const limit = Math.max(1, Math.min(maxTokens, this.folder.config.nPositions - RESERVED_POSITIONS));
    const win = textWindow(context, limit, offset);
    const ids = this.tokenizer.encode(win.text);
    const bos = this.tokenizer.eosId ?? this.folder.config.bosTokenId;
    // a document's start is marked as in training: <|endoftext|> separates documents
    const withStart = win.atStart && bos !== undefined ? [bos, ...ids] : ids;
    return tokenWindow(withStart, limit).ids;
  }

  private stepModel(onRun: () => void): StepModel<KvCache> {
    return {
      extend: async (cache, tokens) => {
        onRun();
        const r = await this.model.run(cache, tokens);
        return { cache: r.cache, logits: r.logits };
      },
    };
  }

  /** Model state after ids, reusing the cached state of the longest common prefix. */
  private async base(ids: number[], useCache: boolean, onRun: () => void): Promise<{ cache: KvCache; logits: Float32Array; newTokens: number }> {
    const prev = useCache ? this.ctx : null;
    if (prev && commonPrefix(prev.ids, ids) === ids.length && ids.length === prev.ids.length) {
      return { cache: prev.cache, logits: prev.logits, newTokens: 0 };
    }
    let cache = this.model.emptyCache();
    if (prev) {
      const keep = Math.min(commonPrefix(prev.ids, ids), ids.length - 1);
      cache = this.model.truncate(prev.cache, keep);
    }
    const rest = ids.slice(cache.ids.length);
    onRun();
    const r = await this.model.run(cache, rest);
    if (useCache) this.ctx = { ids, cache: r.cache, logits: r.logits };
    return { cache: r.cache, logits: r.logits, newTokens: rest.length };
  }

  /**
   * Next words after the text before the cursor. `offset` is where `textBefore` starts in its document
   * (see windowStart): a caller may send only the end of a long document.
   */
  async suggest(textBefore: string, p: SuggestParams, isCancelled?: () => boolean, offset = 0): Promise<SuggestResult> {
    const t0 = performance.now();
    let runs = 0;
    const onRun = () => runs++;
    // the model was trained on \n line ends; what is inserted after the cursor is unaffected
    const { context, pending } = splitPending(textBefore.replace(/\r\n?/g, "\n"));
    const ids = this.contextIds(context, p.maxContextTokens, offset);
    if (ids.length === 0 || Buffer.byteLength(pending) > MAX_PENDING_BYTES) {
      return { text: "", alternatives: [], startsNewWord: true, ms: performance.now() - t0, modelRuns: 0, contextTokens: 0, newContextTokens: 0 };
    }
    const base = await this.base(ids, p.useCache !== false, onRun);
    const s = await suggestWords(this.stepModel(onRun), this.table, base, pending, {
      k: p.k,
      words: p.words,
      temperature: p.temperature,
      topK: p.topK,
      seed: p.seed,
      isCancelled,
    }, endingPhase(context));
    return { ...s, ms: performance.now() - t0, modelRuns: runs, contextTokens: ids.length, newContextTokens: base.newTokens };
  }

  /**
   * The k most likely whole next words after a context that ends at a word boundary (the eval's
   * question): units of word characters with their leading whitespace, punctuation excluded.
   */
  async nextWords(context: string, k: number, maxContextTokens = 128): Promise<WordChoice[]> {
    const ids = this.contextIds(context, maxContextTokens);
    if (ids.length === 0) return [];
    const onRun = () => undefined;
    const base = await this.base(ids, true, onRun);
    const hyps = await searchUnits(this.stepModel(onRun), this.table, base, new Uint8Array(0), { k, beam: Math.max(3, k), maxTokens: 8, wordsOnly: true, after: endingPhase(context) });
    return hyps.map((h) => ({ word: completionText(h.bytes, new Uint8Array(0)), p: Math.exp(h.logp) }));
  }

  /**
   * Total negative log-likelihood (nats) of ids[1..] given what precedes each, read with sliding
   * windows of `window` tokens that advance by `stride` (every token after the first window has at
   * least window - stride tokens of context). `skip(id)` excludes targets from the sum.
   */
  async tokenNll(ids: readonly number[], window: number, stride: number, skip: (id: number) => boolean = () => false): Promise<{ nll: number; count: number }> {
    const V = this.folder.config.vocabSize;
    let nll = 0;
    let count = 0;
    let scoredUpTo = 1; // ids[0] has no prediction
    for (let start = 0; scoredUpTo < ids.length; start += stride) {
      const win = ids.slice(start, start + window);
      if (win.length < 2) break;
      const r = await this.model.run(null, win, { allLogits: true });
      for (let j = 1; j < win.length; j++) {
        const pos = start + j;
        if (pos < scoredUpTo) continue;
        const target = win[j];
        if (!skip(target)) {
          const row = r.logits.subarray((j - 1) * V, j * V);
          let max = -Infinity;
          for (let v = 0; v < V; v++) if (row[v] > max) max = row[v];
          let sum = 0;
          for (let v = 0; v < V; v++) sum += Math.exp(row[v] - max);
          nll += max + Math.log(sum) - row[target];
          count++;
        }
        scoredUpTo = pos + 1;
      }
      if (start + window >= ids.length) break;
    }
    return { nll, count };
  }

  /** Attention probabilities over exactly the tokens of the text (at most maxTokens, from the start). */
  async attention(text: string, maxTokens: number): Promise<AttentionResult> {
    const all = this.tokenizer.encode(text);
    const limit = Math.max(1, Math.min(maxTokens, this.folder.config.nPositions));
    const ids = all.slice(0, limit);
    if (ids.length === 0) return { tokens: [], ids: [], attentions: [], truncated: false, totalTokens: 0 };
    const r = await this.model.run(null, ids, { attentions: true });
    const T = ids.length;
    const H = this.folder.config.nHead;
    const attentions = (r.attentions ?? []).map((a) =>
      Array.from({ length: H }, (_, h) => Array.from({ length: T }, (_, q) => Array.from(a.subarray((h * T + q) * T, (h * T + q + 1) * T)))),
    );
    return { tokens: ids.map((id) => this.tokenizer.tokenText(id)), ids, attentions, truncated: all.length > ids.length, totalTokens: all.length };
  }

  async dispose(): Promise<void> {
    this.ctx = null;
    await this.model.release();
  }
}
