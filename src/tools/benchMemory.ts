// The document memory's part of npm run bench (bench.ts calls it):
//   suggest.memory4096.warm      a warm suggestion far into a long document (typing word by word, the
//                                key/value cache holding the window) with a full memory of 4,096 positions,
//                                beside the same with no memory (suggest.memory0.warm), in the same run
//   memory.fillTokensPerSecond   a 20,000-token document's memory (its last 16,384 + 128 tokens, the largest a
//                                document may have) filled by the model host in the background
//   memory.fill.eventLoopDelay*  the extension side's event-loop delay meanwhile, and
//   memory.fill.suggest*         suggestions asked for while it fills (how long each waited), and
//   memory.full.suggest.p50      the same requests again once the memory is full (the wait the fill adds is the difference)
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Engine } from "../modelHost/engine";
import { ModelHostClient } from "../client/modelHostClient";
import { MAX_MEMORY_TOKENS } from "../shared/vocabulary";
import { BENCH_TIMEOUT_MS, GHOST, sleep, stats } from "./benchParts";

const MEMORY = 4096;

const p50 = (xs: number[]) => stats(xs).p50;
const p95 = (xs: number[]) => stats(xs).p95;

/** A long document: the fixture's text repeated with numbered sections, so that it is long and not one loop. */
export function longDocument(text: string, tokens: number, engine: Engine): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = 1; n < tokens; i++) {
    const part = `\n\nSection ${i}.\n\n${text}`;
    parts.push(part);
    n += engine.tokenizer.encode(part).length;
  }
  return parts.join("");
}

export async function benchMemory(modelDir: string, threads: number, text: string, rounds: number, say: (l: string) => void): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const base = GHOST;
  // two engines, so that neither reads the other's cached states: the same prefixes typed into each
  const plain = await Engine.load(modelDir, { threads });
  const withMemory = await Engine.load(modelDir, { threads });
  try {
    const doc = longDocument(text, MEMORY + 2000, plain);
    const ends = Array.from(doc.matchAll(/\S+/g), (m) => m.index! + m[0].length).filter((e) => e > doc.length - 2 * rounds * 8);
    const prefixes = ends.slice(-Math.min(rounds, 60)).map((e) => doc.slice(0, e));
    say(`memory: ${prefixes.length} warm suggestions at the end of a ${plain.tokenizer.encode(doc).length}-token document, with no memory and with ${MEMORY} positions`);
    const times = { none: [] as number[], full: [] as number[] };
    const runs = { none: [] as number[], full: [] as number[] };
    let entries = 0;
    for (const p of prefixes) {
      const a = await plain.suggest(p, base);
      times.none.push(a.ms);
      runs.none.push(a.modelRuns);
      await plain.idle();
      // the memory follows the text as the editor's MemorySync does (only the new words are filled)
      withMemory.memories.sync("bench", 0, p, MEMORY);
      while (withMemory.memories.pending) await withMemory.memories.fillStep();
      const b = await withMemory.suggest(p, base, undefined, 0, "bench");
      times.full.push(b.ms);
      runs.full.push(b.modelRuns);
      entries = b.memoryEntries;
      await withMemory.idle();
    }
    // the first few fill the cache: warm means after them
    const warm = (xs: number[]) => xs.slice(Math.min(5, xs.length - 1));
    r["suggest.memory0.warm.p50"] = p50(warm(times.none));
    r["suggest.memory4096.warm.p50"] = p50(warm(times.full));
    r["suggest.memory4096.warm.p95"] = p95(warm(times.full));
    r["suggest.memory4096.entries"] = entries;
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
    r["suggest.memory0.warm.modelRunsMean"] = mean(warm(runs.none));
    r["suggest.memory4096.warm.modelRunsMean"] = mean(warm(runs.full));
    r["suggest.memory4096.ratio"] = r["suggest.memory4096.warm.p50"] / r["suggest.memory0.warm.p50"];
  } finally {
    await plain.dispose();
    await withMemory.dispose();
  }

  Object.assign(r, await benchFill(modelDir, threads, text, ""));
  return r;
}

/**
 * The fill, through the model host process, as the extension sees it: a 20,000-token document's memory
 * (the largest a document may have) filled in the background while a suggestion is asked for every 100 ms
 * as a typist's keystrokes would (how long each took, waiting for the fill included). Keys under `prefix`.
 */
export async function benchFill(modelDir: string, threads: number, text: string, prefix: string): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const base = GHOST;
  const client = new ModelHostClient({ hostScript: join(__dirname, "modelHost.js"), modelPath: modelDir, threads, requestTimeoutMs: BENCH_TIMEOUT_MS });
  try {
    await client.ensureReady();
    const probe = await Engine.load(modelDir, { threads: 1, quantize: false });
    const doc = longDocument(text, 20_000, probe);
    const tokens = probe.tokenizer.encode(doc).length;
    await probe.dispose();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const t0 = performance.now();
    // the largest memory a document may have: the document's last MAX_MEMORY_TOKENS + 128 tokens are read
    await client.request("memorySync", { doc: "bench-fill", offset: 0, text: doc, capacity: MAX_MEMORY_TOKENS });
    const waits: number[] = [];
    let states = 0;
    // a suggestion every 100 ms while it fills, as a typist's keystrokes would ask
    for (;;) {
      const s = performance.now();
      await client.request("suggest", { text: doc.slice(0, doc.length - 1000 + waits.length * 3), offset: 0, options: base, doc: "bench-fill" });
      waits.push(performance.now() - s);
      const info = (await client.request("memoryInfo", {})).find((d) => d.doc === "bench-fill");
      states = info?.states ?? 0;
      if (!info || info.states >= info.tokens) break;
      await sleep(100);
    }
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    // the same requests again with the memory full and nothing filling: what the fill itself adds
    const after: number[] = [];
    for (let i = 0; i < Math.min(waits.length, 40); i++) {
      const s = performance.now();
      await client.request("suggest", { text: doc.slice(0, doc.length - 1000 + i * 3), offset: 0, options: base, doc: "bench-fill" });
      after.push(performance.now() - s);
      await sleep(20);
    }
    r[`${prefix}memory.full.suggest.p50`] = p50(after);
    r[`${prefix}memory.fillTokens`] = states;
    r[`${prefix}memory.documentTokens`] = tokens;
    r[`${prefix}memory.fillTokensPerSecond`] = states / seconds;
    r[`${prefix}memory.fill.eventLoopDelayP99`] = loop.percentile(99) / 1e6;
    r[`${prefix}memory.fill.eventLoopDelayMax`] = loop.max / 1e6;
    r[`${prefix}memory.fill.suggest.p50`] = p50(waits);
    r[`${prefix}memory.fill.suggest.p95`] = p95(waits);
    r[`${prefix}memory.fill.suggestRequests`] = waits.length;
  } finally {
    client.dispose();
  }
  return r;
}
