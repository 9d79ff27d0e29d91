// Embedding neighbours, in the model host (and the CLI): the whole-word index of the vocabulary, its
// static vectors (rows of the token embedding matrix, read from the ONNX file) and, built lazily in
// steps on first contextual use, its contextual vectors at every layer (each word run in isolation
// after <|endoftext|>); and the pooled space, the lexicon's words with their hidden states averaged over
// the training text (pooled.ts, read on first use). Queries are parsed by src/core/vectorQuery.ts and
// searched by neighbours.ts.
import { performance } from "node:perf_hooks";
import { nearest, vectorTable, type VectorTable } from "./neighbours";
import { pca } from "./pca";
import { parseVectorQuery, queryWords, singleWord, type VectorQuery } from "../core/vectorQuery";
import { buildWordIndex, INDEX_MIN_SHARE, type WordIndex } from "../core/wordIndex";
import { readWordList } from "./wordList";
import { HostError, type NeighboursRequest } from "../shared/hostProtocol";
import type { EmbeddedTerm, IndexProgress, NeighbourList } from "../shared/vocabulary";
import { readTokenEmbedding, type TokenEmbedding } from "./embeddings";
import { ModelFolderError, type ModelFolder } from "./modelFolder";
import { readPooled, type PooledIndex } from "./pooled";
import type { KvCache, OnnxModel } from "./onnxModel";

/**
 * Words whose contextual vectors are computed: the first ones of the index in id order (for a BPE
 * vocabulary, the most frequent). One model run per word; this keeps the build to a few seconds.
 */
export const MAX_CONTEXT_WORDS = 4096;
/** longest step of the contextual build, so that a suggestion waits at most this long behind it */
const MAX_STEP_MS = 2000;

interface ContextIndex {
  /** per layer 0..nLayer: [total, nEmbd] */
  layers: Float32Array[];
  total: number;
  built: number;
  ms: number;
  /** the model's state after <|endoftext|>, shared by every word's run */
  start: KvCache | null;
  tables?: VectorTable[];
}

/**
 * A query word the model does not know (CJK, an emoji, a symbol in a model trained on English text): no
 * space answers it with neighbours, which would be the nearest words to noise.
 */
export class NotAWordError extends HostError {
  constructor(word: string) {
    super("notAWord", `“${word}” is not a word the model knows (its training text has no such word, and its vocabulary spells it byte by byte)`);
  }
}

const wholeUtf8 = new TextDecoder("utf-8", { fatal: true });

export class NeighbourSpace {
  private context: ContextIndex | null = null;
  /** read on first use; an Error (no files, or malformed ones) is kept and said again */
  private pooledIndex: PooledIndex | ModelFolderError | undefined;

  private constructor(
    readonly folder: ModelFolder,
    private readonly model: OnnxModel | null,
    readonly embedding: TokenEmbedding,
    readonly index: WordIndex,
    /** [index words, nEmbd]: the embedding rows of the index words */
    readonly staticTable: VectorTable,
  ) {}

  /** Read the embedding matrix and build the word index. `model` is needed for contextual queries only. */
  static create(folder: ModelFolder, model: OnnxModel | null): NeighbourSpace {
    const cfg = folder.config;
    const embedding = readTokenEmbedding(folder.onnxPath, cfg.vocabSize, cfg.nEmbd);
    // words.txt (written by the recipe) says which vocabulary entries the training text used as whole words
    const known = readWordList(folder.dir, INDEX_MIN_SHARE);
    const index = buildWordIndex(folder.tokenizer.tokenBytes.slice(0, cfg.vocabSize), known);
    const D = cfg.nEmbd;
    const data = new Float32Array(index.ids.length * D);
    index.ids.forEach((id, i) => data.set(embedding.matrix.subarray(id * D, (id + 1) * D), i * D));
    return new NeighbourSpace(folder, model, embedding, index, vectorTable(data, D));
  }

  get nLayer(): number {
    return this.folder.config.nLayer;
  }

  /** "model.wte.weight [8192, 256] (Gather on input_ids)" */
  get source(): string {
    const e = this.embedding;
    return `${e.name} [${e.vocabSize}, ${e.nEmbd}] (${e.how})`;
  }

  /** The pooled word index, read once; throws PooledUnavailableError or PooledFormatError (one line each). */
  pooled(): PooledIndex {
    if (this.pooledIndex === undefined) {
      try {
        this.pooledIndex = readPooled(this.folder.dir, { nEmbd: this.folder.config.nEmbd, nLayer: this.nLayer });
      } catch (e) {
        if (!(e instanceof ModelFolderError)) throw e;
        this.pooledIndex = e;
      }
    }
    if (this.pooledIndex instanceof Error) throw this.pooledIndex;
    return this.pooledIndex;
  }

  get contextTotal(): number {
    return Math.min(this.index.ids.length, MAX_CONTEXT_WORDS);
  }

  private needModel(): OnnxModel {
    if (!this.model) throw new ModelFolderError("contextual neighbours need the model itself, not only its files");
    if (!this.model.io.hasHidden) throw new ModelFolderError(`${this.folder.onnxPath}: the model has no hidden_states.* outputs, so it has no contextual vectors`, this.folder.onnxPath);
    return this.model;
  }

  private startIds(): number[] {
    const bos = this.folder.tokenizer.eosId ?? this.folder.config.bosTokenId;
    return bos === undefined ? [] : [bos];
  }

  progress(): IndexProgress {
    const c = this.context;
    return { built: c?.built ?? 0, total: c?.total ?? this.contextTotal, done: !!c?.tables, ms: c?.ms ?? 0 };
  }

  /**
   * Build the contextual index for about `budgetMs` more and say how far it is. Each word runs on its own
   * after <|endoftext|>, exactly as an isolated query word does, and gives its vector at every layer.
   */
  async buildIndex(budgetMs: number, isCancelled: () => boolean = () => false): Promise<IndexProgress> {
    const model = this.needModel();
    const D = this.folder.config.nEmbd;
    const L = this.nLayer;
    const c = (this.context ??= { layers: Array.from({ length: L + 1 }, () => new Float32Array(this.contextTotal * D)), total: this.contextTotal, built: 0, ms: 0, start: null });
    if (c.tables) return this.progress();
    const t0 = performance.now();
    const budget = Math.max(1, Math.min(MAX_STEP_MS, budgetMs));
    try {
      if (!c.start) {
        const start = this.startIds();
        c.start = start.length > 0 ? (await model.run(null, start)).cache : model.emptyCache();
      }
      while (c.built < c.total && performance.now() - t0 < budget && !isCancelled()) {
        const id = this.index.ids[c.built];
        const r = await model.run(c.start, [id], { hidden: true });
        // hidden[l]: [new positions, D]; the word is the last one
        r.hidden!.forEach((h, l) => c.layers[l].set(h.subarray(h.length - D), c.built * D));
        c.built++;
      }
      if (c.built === c.total) c.tables = c.layers.map((d) => vectorTable(d, D));
    } finally {
      c.ms += performance.now() - t0;
    }
    return this.progress();
  }

  /** Mean hidden state at every layer of the last `n` positions after running ids. [layer][D] */
  private async hiddenMeans(ids: number[], n: number): Promise<Float32Array[]> {
    const model = this.needModel();
    const D = this.folder.config.nEmbd;
    const c = this.context;
    const start = this.startIds();
    // the shared <|endoftext|> state when there is one: the same computation as the index's
    const r = c?.start && start.length > 0 && ids.length > start.length && ids[0] === start[0] ? await model.run(c.start, ids.slice(start.length), { hidden: true }) : await model.run(null, ids, { hidden: true });
    return r.hidden!.map((h) => {
      const T = h.length / D;
      const out = new Float32Array(D);
      for (let t = T - n; t < T; t++) for (let j = 0; j < D; j++) out[j] += h[t * D + j] / n;
      return out;
    });
  }

  /** The token ids of a word as the index holds words: with a leading space. */
  private wordIds(word: string): number[] {
    const ids = this.folder.tokenizer.encode(` ${word}`);
    if (ids.length === 0) throw new TypeError(`“${word}” has no tokens`);
    return ids;
  }

  private staticVector(ids: readonly number[]): Float32Array {
    const D = this.folder.config.nEmbd;
    const m = this.embedding.matrix;
    const out = new Float32Array(D);
    for (const id of ids) for (let j = 0; j < D; j++) out[j] += m[id * D + j] / ids.length;
    return out;
  }

  private async contextualVector(ids: readonly number[], layer: number, before: string | undefined): Promise<Float32Array> {
    const cfg = this.folder.config;
    const start = this.startIds();
    let prefix: number[] = [];
    if (before !== undefined && before.trim() !== "") {
      // the space before the word belongs to the word's token
      prefix = this.folder.tokenizer.encode(before.trimEnd());
      const room = Math.max(0, cfg.nPositions - start.length - ids.length);
      prefix = prefix.slice(Math.max(0, prefix.length - room));
    }
    const means = await this.hiddenMeans([...start, ...prefix, ...ids], ids.length);
    return means[layer];
  }

  /**
   * The pooled space: each word of the query is its row of pooled.bin (a word the index does not hold is
   * an UnknownWordError, not a guess); the query's words are left out in every case ("January", "january").
   */
  private searchPooled(req: NeighboursRequest, q: VectorQuery, t0: number): NeighbourList {
    const pooled = this.pooled();
    const table = pooled.table;
    const D = table.dim;
    const vector = new Float32Array(D);
    const terms: EmbeddedTerm[] = [];
    const excluded = new Set<number>();
    for (const term of q.terms) {
      const words = [];
      const mean = new Float32Array(D);
      for (const word of term.words) {
        const r = pooled.resolve(word);
        if (r === undefined) throw pooled.unknown(word);
        const found = pooled.meta.words[r];
        for (const v of pooled.variants(found)) excluded.add(v);
        words.push({ word: found, tokens: this.wordIds(found).map((id) => this.folder.tokenizer.tokenText(id)), count: pooled.meta.counts[r] });
        const o = r * D;
        for (let j = 0; j < D; j++) mean[j] += table.data[o + j] / term.words.length;
      }
      for (let j = 0; j < D; j++) vector[j] += term.sign * mean[j];
      terms.push({ sign: term.sign, words });
    }
    const hits = nearest(table, vector, req.k, req.metric, (i) => excluded.has(i));
    return {
      query: q.text,
      mode: "pooled",
      layer: pooled.meta.layer,
      metric: req.metric,
      k: req.k,
      terms,
      neighbours: hits.map((h) => ({ word: pooled.meta.words[h.index], score: h.score })),
      map: mapOf(vector, hits, table, req.metric),
      indexSize: table.count,
      nLayer: this.nLayer,
      source: pooled.describe(),
      ms: performance.now() - t0,
    };
  }

  /**
   * Whether the model knows a word: the training text used it (words.txt, the whole-word index, in any
   * case), or each of its tokens is whole characters. Byte-level BPE merges the bytes of every character
   * its training text used often into tokens; a word it can spell only byte by byte ("中文", "😀" in an
   * English model) is not one it read, and its "neighbours" would be the words nearest to noise.
   */
  knows(word: string): boolean {
    const lexicon = this.folder.lexicon;
    if (lexicon && (lexicon.has(word) || lexicon.has(word.toLowerCase()))) return true;
    if (this.index.rowOf.has(word) || this.index.rowOf.has(word.toLowerCase())) return true;
    const ids = this.folder.tokenizer.encode(` ${word}`);
    return (
      ids.length > 0 &&
      ids.every((id) => {
        try {
          wholeUtf8.decode(this.folder.tokenizer.tokenBytes[id]);
          return true;
        } catch {
          return false;
        }
      })
    );
  }

  /** The k nearest index words to a query, with how the query was embedded and a 2-D map. */
  async search(req: NeighboursRequest): Promise<NeighbourList> {
    const t0 = performance.now();
    const parsed = parseVectorQuery(req.query);
    if (!parsed.ok) throw new TypeError(parsed.error);
    const q = parsed.query;
    const unknown = queryWords(q).find((w) => !this.knows(w));
    if (unknown !== undefined) throw new NotAWordError(unknown);
    const L = this.nLayer;
    const contextual = req.mode === "contextual";
    if (contextual && !(Number.isInteger(req.layer) && req.layer >= 0 && req.layer <= L)) throw new RangeError(`layer must be from 0 to ${L} (got ${req.layer})`);
    if (!Number.isInteger(req.k) || req.k < 1) throw new RangeError(`k must be a positive integer (got ${req.k})`);
    if (req.metric !== "cosine" && req.metric !== "euclidean") throw new TypeError(`unknown metric ${JSON.stringify(req.metric)}`);
    if (req.mode === "pooled") return this.searchPooled(req, q, t0);
    if (req.mode !== "static" && !contextual) throw new TypeError(`unknown space ${JSON.stringify(req.mode)}`);
    const before = contextual && req.before !== undefined ? String(req.before) : undefined;
    if (before !== undefined && !singleWord(q)) throw new TypeError("a sentence context applies to a single word only");
    let table = this.staticTable;
    if (contextual) {
      const tables = this.context?.tables;
      if (!tables) throw new ModelFolderError("the contextual word index is not built yet");
      table = tables[req.layer];
    }
    const D = this.folder.config.nEmbd;
    const vector = new Float32Array(D);
    const terms: EmbeddedTerm[] = [];
    for (const term of q.terms) {
      const words = [];
      const mean = new Float32Array(D);
      for (const word of term.words) {
        const ids = this.wordIds(word);
        words.push({ word, tokens: ids.map((id) => this.folder.tokenizer.tokenText(id)) });
        const v = contextual ? await this.contextualVector(ids, req.layer, before) : this.staticVector(ids);
        for (let j = 0; j < D; j++) mean[j] += v[j] / term.words.length;
      }
      for (let j = 0; j < D; j++) vector[j] += term.sign * mean[j];
      terms.push({ sign: term.sign, words });
    }
    const excluded = new Set<number>();
    for (const w of queryWords(q)) {
      const row = this.index.rowOf.get(w);
      if (row !== undefined) excluded.add(row);
    }
    const hits = nearest(table, vector, req.k, req.metric, (i) => excluded.has(i));
    const p = mapOf(vector, hits, table, req.metric);
    return {
      query: q.text,
      mode: req.mode,
      layer: contextual ? req.layer : 0,
      metric: req.metric,
      k: req.k,
      terms,
      ...(before !== undefined ? { before } : {}),
      neighbours: hits.map((h) => ({ word: this.index.words[h.index], score: h.score })),
      map: p,
      indexSize: table.count,
      nLayer: L,
      source: contextual ? `hidden_states.${req.layer}, each word after <|endoftext|>` : this.source,
      ms: performance.now() - t0,
    };
  }
}

/** The query and its neighbours on their two principal components; for cosine, directions matter, so the vectors are scaled to unit length first. */
function mapOf(vector: Float32Array, hits: readonly { index: number }[], table: VectorTable, metric: NeighboursRequest["metric"]): NeighbourList["map"] {
  const D = table.dim;
  const unit = (v: Float32Array): Float32Array => {
    if (metric !== "cosine") return v;
    let s = 0;
    for (let j = 0; j < v.length; j++) s += v[j] * v[j];
    const n = Math.sqrt(s);
    return n > 0 ? v.map((x) => x / n) : v;
  };
  const rows = [unit(vector), ...hits.map((h) => unit(table.data.subarray(h.index * D, (h.index + 1) * D)))];
  const p = pca(rows, 2);
  return { x: rows.map((_, i) => p.coords[2 * i]), y: rows.map((_, i) => p.coords[2 * i + 1]), explained: [p.explained[0], p.explained[1]] };
}

const spaces = new WeakMap<object, NeighbourSpace | Error>();

/** The neighbour space of a loaded engine (or anything with a model folder and model), made once. */
export function neighbourSpace(owner: { folder: ModelFolder; model: OnnxModel }): NeighbourSpace {
  let s = spaces.get(owner);
  if (!s) {
    try {
      s = NeighbourSpace.create(owner.folder, owner.model);
    } catch (e) {
      // a file without the matrix stays without it: say so again without reading it again
      if (!(e instanceof ModelFolderError)) throw e;
      s = e;
    }
    spaces.set(owner, s);
  }
  if (s instanceof Error) throw s;
  return s;
}
