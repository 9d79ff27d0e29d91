// The one file that imports onnxruntime-node. It wraps an InferenceSession of a GPT-2-style decoder:
// input and output names are read from the session, shapes from config.json, and every run asks only
// for the outputs its caller needs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism } from "node:os";
// first: telemetry off before the native library initialises
import "./disableOrtTelemetry";
import * as ort from "onnxruntime-node";
import { exposeInternals } from "./graphSurgery";
import { quantizeWeights } from "./quantize";
import { matmulGraph } from "./matmulGraph";
import type { ModelConfig, ModelFolder } from "./modelFolder";
import { ModelFolderError } from "./modelFolder";
import { checkModelFile } from "./graphCheck";

/** onnxruntime's tensor, for the modules that lay out runs of their own (batchSteps.ts); only this module imports onnxruntime */
export type Tensor = ort.Tensor;
export const floatTensor = (data: Float32Array, dims: number[]): Tensor => new ort.Tensor("float32", data, dims);
export const int64Tensor = (data: BigInt64Array, dims: number[]): Tensor => new ort.Tensor("int64", data, dims);

export interface KvCache {
  /** the tokens the cache holds, in order */
  ids: readonly number[];
  /** [key, value] per layer, each [1, heads, ids.length, headDim]; null for a model without past inputs, or when lazy */
  tensors: ort.Tensor[] | null;
  /**
   * A lazy cache (see RunWants.lazy): its tensors were never fetched. They are base's plus the tokens
   * after base.ids, which the next run on this cache runs again in front of its own tokens.
   */
  base?: KvCache;
}

export interface RunWants {
  /**
   * Do not fetch the key/value tensors of this run: the returned cache is lazy. Copying them out of
   * onnxruntime costs about a quarter of a one-token run, and most of the word search's runs only need
   * the logits (the hypothesis is scored and never extended). Ignored on a lazy cache, so that a run
   * never repeats more than one earlier run's tokens.
   */
  lazy?: boolean;
  attentions?: boolean;
  hidden?: boolean;
  /**
   * The final hidden state (after the last LayerNorm) of every position run, for the document memory's
   * keys and queries; served by the 8-bit session too, so that the word search keeps its fast runs.
   */
  finalHidden?: boolean;
  /** logits of every new position, not only the last */
  allLogits?: boolean;
  /** no logits (the result's are empty): the unembedding is skipped (the memory's fill keeps only states) */
  noLogits?: boolean;
  /**
   * The caller accepts the 8-bit weights (SessionOptions.quantize): the word search's runs ask for them.
   * They serve only runs of at most FAST_MAX_TOKENS new tokens without attentions, hidden states or
   * allLogits; everything else, and every caller that does not ask, gets the float32 weights.
   */
  fast?: boolean;
}

export interface RunResult {
  /** [positions, vocab]: the last position only unless allLogits */
  logits: Float32Array;
  cache: KvCache;
  /** per layer, [heads, new, total] */
  attentions?: Float32Array[];
  /** per layer + 1, [new, n_embd] */
  hidden?: Float32Array[];
  /** [positions run, n_embd] (on a lazy cache, its earlier tokens run again come first) */
  finalHidden?: Float32Array;
}

export interface ModelIo {
  hasPast: boolean;
  hasPositionIds: boolean;
  hasAttentionMask: boolean;
  hasUseCacheBranch: boolean;
  hasAttentions: boolean;
  hasHidden: boolean;
  /** attentions / hidden states were added to the graph in memory (a bring-your-own export without them) */
  addedOutputs: ("attentions" | "hidden_states")[];
  /** why there are no attentions (the export lacks them and they could not be found in the graph) */
  attentionProblem?: string;
  hiddenProblem?: string;
  inputNames: readonly string[];
  outputNames: readonly string[];
  /** the 8-bit session for short runs (SessionOptions.quantize): what was rewritten, or why there is none */
  quantized?: { matmuls: number; weights: number } | { problem: string };
}

export interface SessionOptions {
  /** threads of the session that runs one token at a time (the 8-bit one when quantize is on); default two (at most the cores; see README's threading table) */
  threads?: number;
  /**
   * Threads of the float32 session when the 8-bit session takes the short runs, so that it reads only
   * whole contexts, attention and hidden states: 128 tokens take 14 instead of 21 ms on two threads, for
   * about 10 % more CPU. Default: two, or one on a one-core machine. Threads never spin while waiting.
   */
  longThreads?: number;
  /** let waiting intra-op threads spin (default false: a spinning thread takes a core from the editor; npm run bench -- --threading measures both) */
  spin?: boolean;
  /** false: do not add attention / hidden-state outputs to a model that lacks them (default: add them) */
  expose?: boolean;
  /**
   * Also build a session with 8-bit weights (quantize.ts), for runs that ask for it (RunWants.fast) of at
   * most FAST_MAX_TOKENS new tokens that want only logits and keys/values: the word search's runs. About
   * twice as fast there. Default true; false runs everything on the float32 weights.
   */
  quantize?: boolean;
  /** the 8-bit session is kept only if a one-token run on it is at least this many times as fast (default 1.1) */
  quantizeMinSpeedup?: number;
}

/**
 * Longest run the 8-bit session takes. Its integer kernels win on one to four rows (one-token runs: 0.7
 * against 1.4 ms); from about six rows on float32 is faster (128 rows: 21 against 30 ms), so a context
 * read at once goes to the float32 session, and a few tokens typed onto it to the 8-bit one.
 */
export const FAST_MAX_TOKENS = 4;

/**
 * Longest a one-token test run at load may take: a decoder runs one token in milliseconds, and load makes
 * up to about twenty runs, so the first slow one (a crafted graph) refuses the file. A run cannot be
 * interrupted (onnxruntime-node runs it synchronously): load is bounded by graphCheck.ts plus one run.
 */
export const LOAD_RUN_MS = 5000;

export class OnnxModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private fast: ort.InferenceSession | undefined,
    readonly config: ModelConfig,
    readonly io: ModelIo,
    readonly path: string,
  ) {}

  static async create(folder: ModelFolder, opts: SessionOptions = {}): Promise<OnnxModel> {
    const path = folder.onnxPath;
    if (!path.toLowerCase().endsWith(".onnx")) throw new ModelFolderError(`${path}: only .onnx files are loaded`, path);
    const withThreads = (n: number): ort.InferenceSession.SessionOptions => ({
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      intraOpNumThreads: n,
      interOpNumThreads: 1,
      executionMode: "sequential",
      enableCpuMemArena: true,
      enableMemPattern: true,
      logSeverityLevel: 3,
      // a waiting onnxruntime thread that spins takes a core from the editor
      ...(n > 1 ? { extra: { session: { intra_op: { allow_spinning: opts.spin ? "1" : "0" } } } } : {}),
    });
    const quantize = opts.quantize !== false;
    // two threads, spinning off: as fast as one when idle, and a busy machine's scheduler gives two threads twice the share (README, threading)
    const shortOptions = withThreads(Math.min(opts.threads ?? 2, availableParallelism()));
    const sessionOptions = quantize ? withThreads(opts.longThreads ?? Math.min(2, availableParallelism())) : shortOptions;
    // the file's bytes, read at most once, for the checks and the rewrites made in memory
    let fileBytes: Uint8Array | undefined;
    const bytes = () => (fileBytes ??= readFileSync(path));
    // onnxruntime's create and run cannot be interrupted: what would make them run without bound is refused first
    checkModelFile(path, bytes);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, sessionOptions);
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      throw new ModelFolderError(`${path}: onnxruntime cannot load this file (${msg})`, path);
    }
    const cfg = folder.config;
    // a bring-your-own export without attention or hidden-state outputs: add them in memory (graphSurgery.ts)
    const lacks = (names: string[]) => !names.every((n) => session.outputNames.includes(n));
    const lacksAttentions = lacks(Array.from({ length: cfg.nLayer }, (_, i) => `attentions.${i}`));
    const lacksHidden = lacks(Array.from({ length: cfg.nLayer + 1 }, (_, i) => `hidden_states.${i}`));
    const added: ModelIo["addedOutputs"] = [];
    let attentionProblem: string | undefined;
    let hiddenProblem: string | undefined;
    if ((lacksAttentions || lacksHidden) && opts.expose !== false) {
      const surgery = exposeInternals(bytes(), { nLayer: cfg.nLayer, attentions: lacksAttentions, hidden: lacksHidden });
      attentionProblem = surgery.attentionProblem;
      hiddenProblem = surgery.hiddenProblem;
      if (surgery.bytes) {
        try {
          const exposed = await ort.InferenceSession.create(surgery.bytes, sessionOptions);
          await session.release().catch(() => undefined);
          session = exposed;
          if (surgery.attentions) added.push("attentions");
          if (surgery.hidden) added.push("hidden_states");
        } catch (e) {
          const why = `onnxruntime refused the model with the outputs added (${(e as Error).message.split("\n")[0]})`;
          attentionProblem ??= why;
          hiddenProblem ??= why;
        }
      }
    }
    const inputs = session.inputNames;
    const outputs = session.outputNames;
    const problems: string[] = [];
    if (!inputs.includes("input_ids")) problems.push('no "input_ids" input');
    if (!outputs.includes("logits")) problems.push('no "logits" output');
    const pastNames = inputs.filter((n) => n.startsWith("past_key_values."));
    const hasPast = pastNames.length > 0;
    if (hasPast) {
      for (let i = 0; i < cfg.nLayer; i++) {
        for (const kv of ["key", "value"]) {
          if (!inputs.includes(`past_key_values.${i}.${kv}`)) problems.push(`no "past_key_values.${i}.${kv}" input (config.json says n_layer ${cfg.nLayer})`);
          if (!outputs.includes(`present.${i}.${kv}`)) problems.push(`no "present.${i}.${kv}" output`);
        }
      }
      if (pastNames.length !== 2 * cfg.nLayer) problems.push(`${pastNames.length} past_key_values inputs, but config.json says n_layer ${cfg.nLayer}`);
    }
    const known = new Set(["input_ids", "attention_mask", "position_ids", "use_cache_branch", ...pastNames]);
    for (const n of inputs) if (!known.has(n)) problems.push(`unexpected input "${n}"`);
    if (problems.length > 0) {
      await session.release().catch(() => undefined);
      throw new ModelFolderError(`${path}: not a GPT-2-style decoder: ${problems.join("; ")}`, path);
    }
    const io: ModelIo = {
      hasPast,
      hasPositionIds: inputs.includes("position_ids"),
      hasAttentionMask: inputs.includes("attention_mask"),
      hasUseCacheBranch: inputs.includes("use_cache_branch"),
      hasAttentions: Array.from({ length: cfg.nLayer }, (_, i) => `attentions.${i}`).every((n) => outputs.includes(n)),
      hasHidden: Array.from({ length: cfg.nLayer + 1 }, (_, i) => `hidden_states.${i}`).every((n) => outputs.includes(n)),
      addedOutputs: added,
      ...(attentionProblem && !added.includes("attentions") ? { attentionProblem } : {}),
      ...(hiddenProblem && !added.includes("hidden_states") ? { hiddenProblem } : {}),
      inputNames: inputs,
      outputNames: outputs,
    };
    let fast: ort.InferenceSession | undefined;
    if (quantize && hasPast) {
      // whatever goes wrong here costs only the 8-bit session: the float32 one serves every run
      try {
        const q = quantizeWeights(bytes());
        if (q.bytes) {
          fast = await ort.InferenceSession.create(q.bytes, shortOptions);
          const same = fast.inputNames.every((n) => inputs.includes(n)) && ["logits", ...pastNames.map((n) => n.replace("past_key_values.", "present."))].every((n) => fast!.outputNames.includes(n));
          if (!same) throw new Error("its inputs or outputs differ from the float32 session's");
          io.quantized = { matmuls: q.matmuls, weights: q.weights };
        } else io.quantized = { problem: q.problem ?? "nothing to quantize" };
      } catch (e) {
        await fast?.release().catch(() => undefined);
        fast = undefined;
        io.quantized = { problem: `onnxruntime refused the 8-bit model (${(e as Error).message.split("\n")[0]})` };
      }
    } else if (quantize) io.quantized = { problem: "the model has no key/value cache inputs, so every run reads the whole text" };
    const model = new OnnxModel(session, fast, cfg, io, path);
    try {
      await model.checkAgainstConfig(join(folder.dir, "config.json"));
    } catch (e) {
      await model.release().catch(() => undefined);
      throw e;
    }
    if (fast) {
      try {
        await model.keepFastIfFaster(opts.quantizeMinSpeedup ?? 1.1);
      } catch (e) {
        if (e instanceof ModelFolderError) {
          await model.release().catch(() => undefined);
          throw e;
        }
        await model.dropFast(`the 8-bit session failed a test run (${(e as Error).message.split("\n")[0]})`);
      }
    }
    return model;
  }

  /**
   * The 8-bit kernels are fast where onnxruntime has integer kernels for this CPU (here, x86-64 with
   * AVX2); elsewhere it may fall back to a far slower path (one of its 8-bit paths took 13 ms a run
   * here). One-token runs on both sessions (the best of five each, after a first run that also warms
   * them up) decide: the 8-bit session is kept only if it is at least minSpeedup times as fast.
   */
  private async keepFastIfFaster(minSpeedup: number): Promise<void> {
    // alternating, so that the machine's drift over the measurement touches both alike
    const best = { fast: Infinity, exact: Infinity };
    for (let i = 0; i < 6; i++) {
      for (const fast of [false, true]) {
        const t = performance.now();
        await this.timed(() => this.run(null, [0], { fast, lazy: true }));
        const ms = performance.now() - t;
        if (i > 0) best[fast ? "fast" : "exact"] = Math.min(best[fast ? "fast" : "exact"], ms);
      }
    }
    if (best.fast * minSpeedup <= best.exact) return;
    await this.dropFast(`on this CPU a one-token run on the 8-bit weights took ${best.fast.toFixed(2)} ms, on float32 ${best.exact.toFixed(2)} ms`);
  }

  /** A load-time test run, refused (naming the file) when it took longer than LOAD_RUN_MS. */
  private async timed<T>(run: () => Promise<T>): Promise<T> {
    const t = performance.now();
    const out = await run();
    const ms = performance.now() - t;
    if (ms > LOAD_RUN_MS) throw new ModelFolderError(`${this.path}: a one-token test run at load took ${(ms / 1000).toFixed(1)} s (at most ${LOAD_RUN_MS / 1000} s; a decoder takes milliseconds)`, this.path);
    return out;
  }

  /** Run everything on the float32 session from now on (which keeps its threads), and say why. */
  private async dropFast(problem: string): Promise<void> {
    await this.fast?.release().catch(() => undefined);
    this.fast = undefined;
    this.io.quantized = { problem };
  }

  get headDim(): number {
    return this.config.nEmbd / this.config.nHead;
  }

  emptyCache(): KvCache {
    return { ids: [], tensors: null };
  }

  /** The first n positions of a cache (a copy of the tensors: onnxruntime inputs must be contiguous). */
  truncate(cache: KvCache, n: number): KvCache {
    if (n >= cache.ids.length) return cache;
    if (cache.base) return n <= cache.base.ids.length ? this.truncate(cache.base, n) : { ids: cache.ids.slice(0, n), tensors: null, base: cache.base };
    if (n === 0 || !cache.tensors) return { ids: cache.ids.slice(0, n), tensors: n === 0 ? null : cache.tensors };
    const H = this.config.nHead;
    const D = this.headDim;
    const P = cache.ids.length;
    const tensors = cache.tensors.map((t) => {
      const src = t.data as Float32Array;
      const out = new Float32Array(H * n * D);
      for (let h = 0; h < H; h++) out.set(src.subarray(h * P * D, h * P * D + n * D), h * n * D);
      return new ort.Tensor("float32", out, [1, H, n, D]);
    });
    return { ids: cache.ids.slice(0, n), tensors };
  }

  /** The inputs of a run of `ids` after `cache`, the first at position `first` (P for a normal run). */
  private feeds(cache: KvCache, ids: readonly number[], first: number): Record<string, ort.Tensor> {
    const cfg = this.config;
    const P = cache.ids.length;
    const T = ids.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids, (i) => BigInt(i)), [1, T]),
    };
    if (this.io.hasAttentionMask) feeds.attention_mask = new ort.Tensor("int64", new BigInt64Array(P + T).fill(1n), [1, P + T]);
    if (this.io.hasPositionIds) feeds.position_ids = new ort.Tensor("int64", BigInt64Array.from({ length: T }, (_, i) => BigInt(first + i)), [1, T]);
    if (this.io.hasUseCacheBranch) feeds.use_cache_branch = new ort.Tensor("bool", new Uint8Array([P > 0 ? 1 : 0]), [1]);
    if (this.io.hasPast) {
      const H = cfg.nHead;
      const D = this.headDim;
      for (let i = 0; i < cfg.nLayer; i++) {
        feeds[`past_key_values.${i}.key`] = cache.tensors?.[2 * i] ?? new ort.Tensor("float32", new Float32Array(0), [1, H, 0, D]);
        feeds[`past_key_values.${i}.value`] = cache.tensors?.[2 * i + 1] ?? new ort.Tensor("float32", new Float32Array(0), [1, H, 0, D]);
      }
    }
    return feeds;
  }

  /**
   * One-token test runs at load, so that a config.json that does not fit the graph is named at load
   * (one line naming the file and the field) instead of failing at every run with onnxruntime's text:
   * the logits' width must be vocab_size, the key/value cache [1, n_head, 1, n_embd / n_head], the
   * attentions [1, n_head, 1, 1], the hidden states [1, 1, n_embd], and the last position n_positions - 1
   * must run. Runs log nothing (a failing Gather writes a coloured line to stderr otherwise).
   */
  private async checkAgainstConfig(configPath: string): Promise<void> {
    const cfg = this.config;
    const quiet: ort.InferenceSession.RunOptions = { logSeverityLevel: 4 };
    const fetches = ["logits"];
    if (this.io.hasPast) fetches.push("present.0.key");
    if (this.io.hasAttentions) fetches.push("attentions.0");
    if (this.io.hasHidden) fetches.push(`hidden_states.${cfg.nLayer}`);
    const at = async (position: number) => this.timed(() => this.session.run(this.feeds(this.emptyCache(), [0], position), fetches, quiet));
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await at(0);
    } catch (e) {
      if (e instanceof ModelFolderError) throw e;
      throw new ModelFolderError(`${configPath}: n_head ${cfg.nHead}, n_embd ${cfg.nEmbd} or n_layer ${cfg.nLayer} do not fit ${this.path} (a test run fails: ${(e as Error).message.split("\n")[0]})`, configPath);
    }
    const dims = (name: string) => out[name].dims.join(", ");
    const logits = out.logits.dims;
    if (logits[logits.length - 1] !== cfg.vocabSize) throw new ModelFolderError(`${configPath}: vocab_size is ${cfg.vocabSize}, but ${this.path} gives ${logits[logits.length - 1]} logits per position`, configPath);
    if (!(out.logits.data as Float32Array).every(Number.isFinite)) throw new ModelFolderError(`${this.path}: a test run gives logits that are not finite numbers (NaN or infinite weights: the file is damaged)`, this.path);
    const D = this.headDim;
    if (out["present.0.key"] && dims("present.0.key") !== `1, ${cfg.nHead}, 1, ${D}`) {
      throw new ModelFolderError(`${configPath}: n_head ${cfg.nHead} and n_embd ${cfg.nEmbd} say keys of [1, ${cfg.nHead}, 1, ${D}], but ${this.path} gives [${dims("present.0.key")}]`, configPath);
    }
    if (out["attentions.0"] && dims("attentions.0") !== `1, ${cfg.nHead}, 1, 1`) {
      throw new ModelFolderError(`${configPath}: n_head is ${cfg.nHead}, but ${this.path} gives attentions of [${dims("attentions.0")}]`, configPath);
    }
    const hidden = out[`hidden_states.${cfg.nLayer}`];
    if (hidden && hidden.dims[hidden.dims.length - 1] !== cfg.nEmbd) throw new ModelFolderError(`${configPath}: n_embd is ${cfg.nEmbd}, but ${this.path} gives hidden states of width ${hidden.dims[hidden.dims.length - 1]}`, configPath);
    if (!this.io.hasPositionIds) return;
    const runs = async (position: number) => at(position).then(() => true, (e: unknown) => (e instanceof ModelFolderError ? Promise.reject(e) : false));
    if (await runs(cfg.nPositions - 1)) return;
    // the graph's position table is shorter: find its length (each test is one token)
    let lo = 0;
    let hi = cfg.nPositions - 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await runs(mid)) lo = mid;
      else hi = mid;
    }
    throw new ModelFolderError(`${configPath}: n_positions is ${cfg.nPositions}, but ${this.path} runs only up to position ${lo} (n_positions ${lo + 1})`, configPath);
  }

  /** Run new tokens after a cache. Without past inputs the whole sequence is run again. */
  async run(cacheIn: KvCache | null, newIds: readonly number[], wants: RunWants = {}): Promise<RunResult> {
    if (newIds.length === 0) throw new Error("run() needs at least one new token");
    const cfg = this.config;
    let cache = cacheIn ?? this.emptyCache();
    let ids = newIds;
    const lazy = wants.lazy === true && this.io.hasPast && !cache.base;
    if (cache.base) {
      // the tokens whose keys and values were not kept run again, in front of the new ones
      if (wants.allLogits || wants.attentions || wants.hidden) throw new Error("run() on a lazy cache returns only the last position");
      ids = [...cache.ids.slice(cache.base.ids.length), ...newIds];
      cache = cache.base;
    }
    if (!this.io.hasPast && cache.ids.length > 0) {
      ids = [...cache.ids, ...newIds];
      cache = this.emptyCache();
    }
    const P = cache.ids.length;
    const T = ids.length;
    if (P + T > cfg.nPositions) throw new RangeError(`${P + T} tokens exceed the model's ${cfg.nPositions} positions`);
    for (const id of ids) if (!(id >= 0 && id < cfg.vocabSize)) throw new RangeError(`token id ${id} is outside the vocabulary (${cfg.vocabSize})`);
    const feeds = this.feeds(cache, ids, P);
    const fetches = wants.noLogits ? [] : ["logits"];
    if (this.io.hasPast && !lazy) for (let i = 0; i < cfg.nLayer; i++) fetches.push(`present.${i}.key`, `present.${i}.value`);
    if (wants.attentions) {
      if (!this.io.hasAttentions) throw new ModelFolderError(`${this.path}: this model's attention probabilities cannot be shown: ${this.io.attentionProblem ?? "it has no attentions.* outputs"}`, this.path);
      for (let i = 0; i < cfg.nLayer; i++) fetches.push(`attentions.${i}`);
    }
    if (wants.hidden) {
      if (!this.io.hasHidden) throw new ModelFolderError(`${this.path}: this model's hidden states cannot be read: ${this.io.hiddenProblem ?? "it has no hidden_states.* outputs"}`, this.path);
      for (let i = 0; i <= cfg.nLayer; i++) fetches.push(`hidden_states.${i}`);
    }
    const finalName = `hidden_states.${cfg.nLayer}`;
    if (wants.finalHidden && !wants.hidden) {
      if (!this.io.hasHidden) throw new ModelFolderError(`${this.path}: this model's hidden states cannot be read: ${this.io.hiddenProblem ?? "it has no hidden_states.* outputs"}`, this.path);
      fetches.push(finalName);
    }
    const fast =
      this.fast !== undefined && wants.fast === true && T <= FAST_MAX_TOKENS && !wants.attentions && !wants.hidden && !wants.allLogits && (!wants.finalHidden || this.fast.outputNames.includes(finalName));
    const out = await (fast ? this.fast! : this.session).run(feeds, fetches);
    const V = cfg.vocabSize;
    const all = wants.noLogits ? new Float32Array(0) : (out.logits.data as Float32Array);
    const logits = wants.allLogits || wants.noLogits ? all : all.slice((T - 1) * V, T * V);
    const next: KvCache = lazy
      ? { ids: [...cache.ids, ...ids], tensors: null, base: cache }
      : {
          ids: [...cache.ids, ...ids],
          tensors: this.io.hasPast ? Array.from({ length: 2 * cfg.nLayer }, (_, j) => out[`present.${j >> 1}.${j & 1 ? "value" : "key"}`]) : null,
        };
    const result: RunResult = { logits, cache: next };
    if (wants.attentions) result.attentions = Array.from({ length: cfg.nLayer }, (_, i) => out[`attentions.${i}`].data as Float32Array);
    if (wants.hidden) result.hidden = Array.from({ length: cfg.nLayer + 1 }, (_, i) => out[`hidden_states.${i}`].data as Float32Array);
    if (wants.finalHidden) result.finalHidden = out[finalName].data as Float32Array;
    return result;
  }

  /**
   * Run prepared inputs on the 8-bit session (where there is one and `fast`) or the float32 one: for
   * batchSteps.ts, which runs one token after each of many caches at once.
   */
  async runFeeds(fast: boolean, feeds: Record<string, Tensor>, fetches: string[]): Promise<Record<string, Tensor>> {
    return (fast && this.fast ? this.fast : this.session).run(feeds, fetches);
  }

  /** the memory's dot-product session, made on first use */
  private dotSession: Promise<ort.InferenceSession> | undefined;

  /** keys [count, dim] · h [dim] -> [count]: the memory's match of a state against every entry (MatMul: several times a JS loop's speed) */
  async dots(keys: Float32Array, count: number, h: Float32Array): Promise<Float32Array> {
    const D = this.config.nEmbd;
    this.dotSession ??= ort.InferenceSession.create(matmulGraph(["n", D], [D, 1]), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all" });
    const session = await this.dotSession;
    const out = await session.run({ A: new ort.Tensor("float32", keys.subarray(0, count * D), [count, D]), B: new ort.Tensor("float32", h, [D, 1]) });
    return out.Y.data as Float32Array;
  }

  /** the dot products of many queries, made on first use */
  private dotsManySession: Promise<ort.InferenceSession> | undefined;

  /** keys [count, dim] · queries^T, queries [rows, dim] -> [count, rows] (row-major): one run for many states. */
  async dotsMany(keys: Float32Array, count: number, queries: Float32Array, rows: number): Promise<Float32Array> {
    const D = this.config.nEmbd;
    this.dotsManySession ??= ort.InferenceSession.create(matmulGraph(["n", D], [D, "b"]), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all" });
    const session = await this.dotsManySession;
    const qt = new Float32Array(D * rows);
    for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) qt[d * rows + r] = queries[r * D + d];
    const out = await session.run({ A: new ort.Tensor("float32", keys.subarray(0, count * D), [count, D]), B: new ort.Tensor("float32", qt, [D, rows]) });
    return out.Y.data as Float32Array;
  }

  async release(): Promise<void> {
    await (await this.dotsManySession?.catch(() => undefined))?.release();
    await (await this.dotSession?.catch(() => undefined))?.release();
    try {
      await this.session.release();
    } finally {
      await this.fast?.release();
    }
  }
}
