// npm run bench: how fast LM Lens is on this machine, next to the usual ways of running the same model.
//   node dist/bench.js [--model DIR] [--json] [--rounds N] [--replay-chars N] [--no-peers] [--no-busy] [--threads N] [--memory-only] [--threading]
// Measures, on test/fixtures/typing.txt (our own text), one word per suggestion, greedy:
//   loadMs, firstSuggestionMs        model folder read + session created; the first suggestion after it
//   suggest.ctxN.{warm,cold,typed}   at contexts of 16, 128, 256 (the default) and 384 tokens: typing word by word (the
//                                    key/value cache holds what came before), the same with the cache off
//                                    (our no-cache peer: full recompute), and the user typed the first
//                                    characters of the suggestion (the prefix memo answers); as shipped, with
//                                    8-bit weights for the word search's short runs (lmLens.quantizedWeights)
//   suggest.exact.ctx256             warm and cold with float32 weights for every run (the setting off)
//   peers.transformersjs             @huggingface/transformers text generation of the same word from the same
//                                    model folder (local files only), same contexts, one thread
//   floor                            FLOPs per token / onnxruntime's measured MatMul throughput on this CPU
//                                    (the faster of float32 MatMul and 8-bit MatMulNBits, one row)
//   host.ctx256.warm                 the warm case through the model host process, as the extension sees it
//   replay                           test/fixtures/typing.txt typed at 8 characters per second into the model
//                                    host as the extension does (prefix memo, requests superseded): model runs
//                                    and latency per keystroke, CPU time, the extension side's event-loop delay
//   attention.tN, neighbours.static  the attention panel's two requests; a neighbour query
//   explain.ctx256                   lm-lens explain's request on a window of 256 tokens (no memory)
//   hostPeakRssMb                    the model host's peak resident memory over the whole run
//   suggest.memory*, memory.*        the document memory (benchMemory.ts)
//   busy.*, ratio.*, busy.ratio.*    the headline figures again under a fixed load, one busy process per core,
//                                    and the ratios between them (benchBusy.ts; --no-busy leaves it out)
// --threading instead measures each choice of onnxruntime threads and spinning, idle and busy (benchThreads.ts)
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
// first: telemetry off before onnxruntime (ours and the transformers.js peer's) initialises
import "../modelHost/disableOrtTelemetry";
import * as ort from "onnxruntime-node";
import { matmulGraph } from "../modelHost/matmulGraph";
import { Engine } from "../modelHost/engine";
import { quantizeWeights } from "../modelHost/quantize";
import { ModelHostClient } from "../client/modelHostClient";
import { HostError } from "../shared/hostProtocol";
import { SuggestionMemo } from "../core/suggestionMemo";
import type { ModelConfig } from "../modelHost/modelFolder";
import { benchMemory } from "./benchMemory";
import { benchBusy } from "./benchBusy";
import { threadingTable } from "./benchThreads";
import { BENCH_TIMEOUT_MS, GHOST, HEAD, peerTimes, hostHeadline, prefixes, putStats, sleep, stats, warmAndCold } from "./benchParts";

const ROOT = join(__dirname, "..");
const CHARS_PER_SECOND = 8;

/** Multiply-adds of one token through the model at a context of ctx tokens, times two (FLOPs). */
export function flopsPerToken(c: Pick<ModelConfig, "nLayer" | "nEmbd" | "vocabSize">, ctx: number): number {
  const d = c.nEmbd;
  const perLayer = 12 * d * d + 2 * ctx * d; // q, k, v, output projection (4d²), MLP (8d²), scores and weighted values
  return 2 * (c.nLayer * perLayer + c.vocabSize * d); // + the logits (tied embedding)
}

/** Y = X · W with W a constant [k, n] of fixed pseudo-random values. */
function matmulModel(m: number, k: number, n: number): Uint8Array {
  const w = new Float32Array(k * n).map((_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5);
  return matmulGraph([m, k], [k, n], w);
}

/**
 * onnxruntime's MatMul throughput (GFLOP/s, best of several runs) for an m×k by k×n product, one thread;
 * with eightBit, the same graph with its weights rewritten as the 8-bit session rewrites them.
 */
async function matmulGflops(m: number, k: number, n: number, eightBit = false): Promise<number> {
  const graph = eightBit ? quantizeWeights(matmulModel(m, k, n)).bytes : matmulModel(m, k, n);
  if (!graph) throw new Error("the MatMul graph could not be quantized");
  const session = await ort.InferenceSession.create(graph, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all" });
  const x = new ort.Tensor("float32", new Float32Array(m * k).fill(0.01), [m, k]);
  const reps = Math.max(3, Math.round(2e8 / (2 * m * k * n)));
  let best = Infinity;
  for (let trial = 0; trial < 7; trial++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) await session.run({ A: x });
    best = Math.min(best, (performance.now() - t) / reps);
  }
  await session.release();
  return (2 * m * k * n) / (best * 1e6);
}

/** utime + stime of a process in ms, and its peak RSS in MB (Linux /proc). */
function procUsage(pid: number | undefined): { cpuMs: number; peakRssMb: number } {
  if (!pid) return { cpuMs: NaN, peakRssMb: NaN };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuMs: (ticks * 1000) / 100, peakRssMb: hwm ? Number(hwm[1]) / 1024 : NaN };
  } catch {
    return { cpuMs: NaN, peakRssMb: NaN };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: join(ROOT, "models", "lm-lens-5m") },
      json: { type: "boolean", default: false },
      rounds: { type: "string", default: "200" },
      "replay-chars": { type: "string", default: "320" },
      "no-peers": { type: "boolean", default: false },
      threads: { type: "string", default: "2" },
      "memory-only": { type: "boolean", default: false },
      "no-busy": { type: "boolean", default: false },
      threading: { type: "boolean", default: false },
    },
  });
  const modelDir = values.model!;
  const threads = Number(values.threads);
  const rounds = Number(values.rounds);
  const text = readFileSync(join(ROOT, "test", "fixtures", "typing.txt"), "utf8");
  const r: Record<string, number> = {};
  const say = (line: string) => {
    if (!values.json) process.stderr.write(`bench: ${line}\n`);
  };

  if (values.threading) {
    Object.assign(r, await threadingTable(modelDir, text, say));
    return report(r, values.json!);
  }
  if (values["memory-only"]) {
    Object.assign(r, await benchMemory(modelDir, threads, text, rounds, say));
    return report(r, values.json!);
  }

  // what else the machine was doing as the idle half started (a second heavy job makes "idle" figures busy ones)
  r["machine.loadAverage1.idleStart"] = loadavg()[0];
  // ---- in-process engine: load, first suggestion, three context lengths
  const t0 = performance.now();
  const engine = await Engine.load(modelDir, { threads });
  r.loadMs = performance.now() - t0;
  const q = engine.info().quantized;
  r.quantizedMatmuls = q && "matmuls" in q ? q.matmuls : 0;
  // the same model with float32 weights for every run, loaded after the first suggestion is timed
  let exact: Engine | undefined;
  const base = GHOST;
  const t1 = performance.now();
  await engine.suggest(text.slice(0, 200), base);
  r.firstSuggestionMs = performance.now() - t1;
  if (r.quantizedMatmuls > 0) exact = await Engine.load(modelDir, { threads, quantize: false });
  const cfg = engine.folder.config;
  const maxCtx = cfg.nPositions - 128;
  const head: { prefixes: string[]; words: string[] } = { prefixes: [], words: [] };
  for (const ctx of [...new Set([16, 128, HEAD, Math.min(512, maxCtx)])]) {
    const ps = prefixes(engine, text, ctx, rounds);
    if (ps.length === 0) continue;
    say(`contexts of ${ctx} tokens: ${ps.length} suggestions`);
    const opts = { ...base, maxContextTokens: ctx };
    const { warm, cold, runs, words } = await warmAndCold(engine, ps, opts);
    if (ctx === HEAD) {
      head.prefixes.push(...ps);
      head.words.push(...words);
      if (exact) {
        const x = await warmAndCold(exact, ps, opts);
        for (const [name, xs] of [["warm", x.warm], ["cold", x.cold]] as const) {
          const st = stats(xs);
          r[`suggest.exact.ctx${HEAD}.${name}.p50`] = st.p50;
          r[`suggest.exact.ctx${HEAD}.${name}.p95`] = st.p95;
        }
        r[`suggest.exact.ctx${HEAD}.warm.modelRunsMean`] = stats(x.runs).mean;
        r[`suggest.exact.ctx${HEAD}.sameWord`] = x.words.filter((w, i) => w === words[i]).length / words.length;
      }
    }
    const typed: number[] = [];
    // typed the suggested characters: the memo answers without the model
    const memo = new SuggestionMemo();
    for (const p of ps.slice(0, 60)) {
      const s = await engine.suggest(p, opts);
      memo.remember("doc", p.length, p, s.text);
      const typedText = p + s.text.slice(0, Math.max(1, Math.floor(s.text.length / 2)));
      const at = performance.now();
      const rest = memo.lookup("doc", typedText.length, typedText);
      typed.push(performance.now() - at);
      if (rest === undefined && s.text.length > 1) throw new Error("the prefix memo missed a typed suggestion");
    }
    for (const [name, xs] of [["warm", warm], ["cold", cold], ["typed", typed]] as const) {
      const st = stats(xs);
      r[`suggest.ctx${ctx}.${name}.p50`] = st.p50;
      r[`suggest.ctx${ctx}.${name}.p95`] = st.p95;
      r[`suggest.ctx${ctx}.${name}.p99`] = st.p99;
    }
    r[`suggest.ctx${ctx}.warm.modelRunsMean`] = stats(runs).mean;
    r[`suggest.ctx${ctx}.n`] = ps.length;
  }
  r["peers.nocache.p50"] = r[`suggest.ctx${HEAD}.cold.p50`];
  r["peers.nocache.ratio"] = r[`suggest.ctx${HEAD}.cold.p50`] / r[`suggest.ctx${HEAD}.warm.p50`];

  // ---- transformers.js on the same folder and contexts (benchParts.ts's peerTimes)
  if (!values["no-peers"]) {
    say("transformers.js peer");
    const st = putStats(r, "peers.transformersjs", await peerTimes(modelDir, engine, head), ["p50", "p95"]);
    r["peers.transformersjs.ratioWarm"] = st.p50 / r[`suggest.ctx${HEAD}.warm.p50`];
    if (exact) r["peers.transformersjs.ratioWarmExact"] = st.p50 / r[`suggest.exact.ctx${HEAD}.warm.p50`];
    r["peers.transformersjs.ratioCold"] = st.p50 / r[`suggest.ctx${HEAD}.cold.p50`];
  }

  // ---- the compute floor
  say("MatMul throughput");
  const gemv = await matmulGflops(1, cfg.nEmbd, cfg.vocabSize);
  const gemv8 = await matmulGflops(1, cfg.nEmbd, cfg.vocabSize, true);
  const gemm = await matmulGflops(256, cfg.nEmbd, 4 * cfg.nEmbd);
  const perToken = flopsPerToken(cfg, HEAD);
  r["floor.matmulGflopsBatch1"] = gemv;
  r["floor.matmulGflopsBatch1EightBit"] = gemv8;
  r["floor.matmulGflopsBatch256"] = gemm;
  r["floor.mflopsPerToken"] = perToken / 1e6;
  // the floor of one warm suggestion: its model runs (mostly one token each) at the faster one-row MatMul rate
  r.floorMs = (perToken * r[`suggest.ctx${HEAD}.warm.modelRunsMean`]) / (Math.max(gemv, gemv8) * 1e6);
  r["floor.ratio"] = r[`suggest.ctx${HEAD}.warm.p50`] / r.floorMs;
  if (exact) {
    r["floor.exactMs"] = (perToken * r[`suggest.exact.ctx${HEAD}.warm.modelRunsMean`]) / (gemv * 1e6);
    r["floor.exactRatio"] = r[`suggest.exact.ctx${HEAD}.warm.p50`] / r["floor.exactMs"];
  }
  await engine.dispose();
  await exact?.dispose();

  // ---- through the model host process, as the extension sees it
  const client = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: modelDir, threads, requestTimeoutMs: BENCH_TIMEOUT_MS });
  try {
    await client.ensureReady();
    Object.assign(r, await hostHeadline(client, engine, text, head.prefixes, ""));

    // typing replay: keystrokes at 8 per second; each asks for a suggestion as the inline provider does
    const chars = Math.min(Number(values["replay-chars"]), text.length - 400);
    say(`typing replay: ${chars} characters at ${CHARS_PER_SECOND}/s (${(chars / CHARS_PER_SECOND).toFixed(0)} s)`);
    const memo = new SuggestionMemo();
    const latencies: number[] = [];
    const hostLatencies: number[] = [];
    let runs = 0;
    let answered = 0;
    let fromMemo = 0;
    let superseded = 0;
    const hostBefore = procUsage(client.pid);
    const selfBefore = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const start = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < chars; i++) {
      await sleep(start + (i * 1000) / CHARS_PER_SECOND - performance.now());
      const offset = 400 + i;
      const before = text.slice(0, offset);
      const rest = memo.lookup("doc", offset, before);
      if (rest !== undefined) {
        fromMemo++;
        latencies.push(0);
        continue;
      }
      const asked = performance.now();
      pending.push(
        client.request("suggest", { text: before, offset: 0, options: base }).then(
          (s) => {
            latencies.push(performance.now() - asked);
            hostLatencies.push(performance.now() - asked);
            runs += s.modelRuns;
            answered++;
            memo.remember("doc", offset, before, s.text);
          },
          (e: unknown) => {
            if (e instanceof HostError && e.code === "superseded") superseded++;
            else throw e;
          },
        ),
      );
    }
    await Promise.all(pending);
    loop.disable();
    const wall = performance.now() - start;
    const self = process.cpuUsage(selfBefore);
    const hostAfter = procUsage(client.pid);
    const lat = stats(latencies);
    r["replay.keystrokes"] = chars;
    r["replay.fromMemo"] = fromMemo;
    r["replay.superseded"] = superseded;
    r["replay.modelRunsPerKeystroke"] = runs / chars;
    r["replay.latency.p50"] = lat.p50;
    r["replay.latency.p95"] = lat.p95;
    r["replay.latency.p99"] = lat.p99;
    const hl = stats(hostLatencies);
    r["replay.modelRequests"] = hl.n;
    r["replay.requestLatency.p50"] = hl.p50;
    r["replay.requestLatency.p95"] = hl.p95;
    r["replay.requestLatency.p99"] = hl.p99;
    r["replay.hostCpuMsPerKeystroke"] = (hostAfter.cpuMs - hostBefore.cpuMs) / chars;
    r["replay.hostCpuShare"] = (hostAfter.cpuMs - hostBefore.cpuMs) / wall;
    r["replay.extensionCpuMsPerKeystroke"] = (self.user + self.system) / 1000 / chars;
    r.eventLoopDelayP99 = loop.percentile(99) / 1e6;
    r["eventLoopDelayMax"] = loop.max / 1e6;
    void answered;

    const nq: number[] = [];
    for (const query of ["king", "apex", "function", "river", "red", "king - man + woman", "quickly", "table"]) {
      const s = performance.now();
      await client.request("neighbours", { query, mode: "static", layer: 0, metric: "cosine", k: 10 });
      nq.push(performance.now() - s);
    }
    r["neighbours.static.p50"] = stats(nq.slice(1)).p50;
    r.hostPeakRssMb = procUsage(client.pid).peakRssMb;
  } finally {
    client.dispose();
  }

  // ---- the document memory
  Object.assign(r, await benchMemory(modelDir, threads, text, rounds, say));

  r["machine.loadAverage1.idleEnd"] = loadavg()[0];
  // ---- the same again under a fixed load on every core (benchBusy.ts)
  if (!values["no-busy"]) Object.assign(r, await benchBusy({ modelDir, threads, text, head, idle: { ...r }, peers: !values["no-peers"], say }));

  report(r, values.json!);
}

function report(r: Record<string, number>, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(3))]))) + "\n");
    return;
  }
  const width = Math.max(...Object.keys(r).map((k) => k.length));
  const unit = (k: string, v: number) =>
    /\.n$|Mean$|ratio|Ratio|PerKeystroke$|keystrokes|fromMemo|superseded|Share$|Requests$|sameWord|quantizedMatmuls|entries|Tokens$|PerSecond$/.test(k) && !/MsPerKeystroke/.test(k)
      ? v.toFixed(2)
      : /Gflops/.test(k)
        ? `${v.toFixed(1)} GFLOP/s`
        : /mflops/.test(k)
          ? `${v.toFixed(2)} MFLOP`
          : /RssMb/.test(k)
            ? `${v.toFixed(0)} MB`
            : `${v.toFixed(2)} ms`;
  for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(width)}  ${unit(k, v)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
