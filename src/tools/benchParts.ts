// The measurements npm run bench makes twice, on an idle machine and under its busy load (bench.ts,
// benchBusy.ts): warm and cold suggestions in process, the transformers.js peer on the same contexts, and
// the model host's suggestion, attention and explain requests.
import { dirname, basename } from "node:path";
import { performance } from "node:perf_hooks";
import type { Engine } from "../modelHost/engine";
import type { ModelHostClient } from "../client/modelHostClient";
import { DEFAULT_SETTINGS } from "../core/settings";

/** the headline context: the ghost text's default window (lmLens.maxContextTokens), where the peers and the floor are measured too */
export const HEAD = DEFAULT_SETTINGS.suggest.maxContextTokens;
/** as the ghost text asks */
export const GHOST = { ...DEFAULT_SETTINGS.suggest, k: 1, figures: false };
/** the pause between two words in the model host's warm case: far shorter than a typist's (a word at 8 characters per second takes about 0.7 s) */
export const WORD_PAUSE_MS = 40;
/** the model host's request timeout in the bench: explain on a busy machine takes seconds */
export const BENCH_TIMEOUT_MS = 120_000;

export interface Stats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  n: number;
}

export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), n: s.length };
}

/** Put p50, p95 and p99 of xs under `key.p50` and so on. */
export function putStats(r: Record<string, number>, key: string, xs: number[], which: readonly ("p50" | "p95" | "p99")[] = ["p50", "p95", "p99"]): Stats {
  const st = stats(xs);
  for (const w of which) r[`${key}.${w}`] = st[w];
  return st;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Word-boundary prefixes of the text, each long enough to fill a context of ctx tokens. */
export function prefixes(engine: Engine, text: string, ctx: number, rounds: number): string[] {
  const ends = Array.from(text.matchAll(/\S+/g), (m) => m.index! + m[0].length);
  const out: string[] = [];
  for (const end of ends) {
    const prefix = text.slice(0, end);
    if (engine.tokenizer.encode(prefix).length < ctx + 1) continue;
    out.push(prefix);
    if (out.length >= rounds) break;
  }
  return out;
}

/**
 * Warm (in order, as typing goes) and cold suggestions. Between two words a typist pauses (a word takes
 * about 0.7 s at 8 characters per second), and the engine's background work (the next window's prefetch)
 * finishes in it. Cold: no key/value cache, and the tokenizer's memo of chunks forgotten (a document
 * opened just now).
 */
export async function warmAndCold(engine: Engine, ps: string[], opts: typeof DEFAULT_SETTINGS.suggest): Promise<{ warm: number[]; cold: number[]; runs: number[]; words: string[] }> {
  const warm: number[] = [];
  const cold: number[] = [];
  const runs: number[] = [];
  const words: string[] = [];
  for (const p of ps) {
    const s = await engine.suggest(p, opts);
    await engine.idle();
    warm.push(s.ms);
    runs.push(s.modelRuns);
    words.push(s.text);
  }
  for (const p of ps.slice(0, Math.min(ps.length, 60))) {
    engine.tokenizer.forgetChunks();
    cold.push((await engine.suggest(p, { ...opts, useCache: false })).ms);
  }
  return { warm, cold, runs, words };
}

export interface TransformersPeer {
  /** greedy generation of maxNewTokens after the text; returns ms */
  generate(text: string, maxNewTokens: number): Promise<number>;
  dispose(): Promise<void>;
}

/** @huggingface/transformers on the same model folder, local files only, one thread. */
export async function transformersPeer(modelDir: string): Promise<TransformersPeer> {
  const tf = (await import("@huggingface/transformers")) as typeof import("@huggingface/transformers");
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = dirname(modelDir);
  const generator = await tf.pipeline("text-generation", basename(modelDir), {
    dtype: "fp32",
    device: "cpu",
    session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  });
  return {
    async generate(text, maxNewTokens) {
      const t = performance.now();
      await generator(text, { max_new_tokens: maxNewTokens, do_sample: false, return_full_text: false });
      return performance.now() - t;
    },
    dispose: () => generator.dispose(),
  };
}

/**
 * transformers.js on the same contexts as our warm suggestions: as many new tokens as our word took, plus
 * one (the token that shows the word has ended), which is the least work any one-word suggestion needs;
 * the context cut to the window our engine reads (HEAD tokens).
 */
export async function peerTimes(modelDir: string, engine: Engine, head: { prefixes: string[]; words: string[] }, n = 60): Promise<number[]> {
  const peer = await transformersPeer(modelDir);
  try {
    const count = Math.min(n, head.prefixes.length);
    await peer.generate(head.prefixes[0], 2);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const wordTokens = Math.max(1, engine.tokenizer.encode(head.words[i] || " the").length);
      const context = engine.tokenizer.decode(engine.tokenizer.encode(head.prefixes[i]).slice(-HEAD));
      times.push(await peer.generate(context, wordTokens + 1));
    }
    return times;
  } finally {
    await peer.dispose();
  }
}

/** The first `tokens` tokens' worth of whole words of the text. */
export function sampleOf(engine: Engine, text: string, tokens: number): string {
  let sample = "";
  for (const w of text.split(/(?=\s)/)) {
    if (engine.tokenizer.encode(sample + w).length > tokens) break;
    sample += w;
  }
  return sample;
}

/**
 * Through the model host, as the extension sees it: warm suggestions (a typist's pause between words),
 * the attention panel's two requests at 64 and 256 tokens, and explain on a window of HEAD tokens
 * (a context of about four windows' characters, no memory). Keys under `prefix`.
 */
export async function hostHeadline(client: ModelHostClient, engine: Engine, text: string, ps: string[], prefix: string, explainRuns = 3): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const times: number[] = [];
  for (const p of ps) {
    const s = performance.now();
    await client.request("suggest", { text: p, offset: 0, options: GHOST });
    times.push(performance.now() - s);
    // a typist's pause between two words, in which the host's background prefetch finishes (as engine.idle())
    await sleep(WORD_PAUSE_MS);
  }
  putStats(r, `${prefix}host.ctx${HEAD}.warm`, times);
  // the attention panel's requests: the first heatmap's, then the rest (rollout, predictions, next words)
  for (const T of [64, 256]) {
    const sample = sampleOf(engine, text, T);
    const first: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < 12; i++) {
      const s = performance.now();
      const a = await client.request("attention", { text: sample, maxTokens: T });
      first.push(performance.now() - s);
      await client.request("attentionDetails", { detailsId: a.detailsId });
      total.push(performance.now() - s);
    }
    r[`${prefix}attention.t${T}.first.p50`] = stats(first).p50;
    r[`${prefix}attention.t${T}.total.p50`] = stats(total).p50;
  }
  const ex: number[] = [];
  const window = sampleOf(engine, text, 4 * HEAD);
  for (let i = 0; i < explainRuns; i++) {
    const s = performance.now();
    await client.request("explain", { text: window.slice(0, window.length - 40 * i), offset: 0, options: { ...DEFAULT_SETTINGS.suggest } });
    ex.push(performance.now() - s);
  }
  r[`${prefix}explain.ctx${HEAD}.p50`] = stats(ex).p50;
  return r;
}
