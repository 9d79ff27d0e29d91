// npm run bench -- --threading: the table behind the model host's onnxruntime settings. For each choice
// of intra-op threads (the 8-bit session that runs the word search's one-token steps, the float32 session
// that runs contexts, the memory's fill and attention) and of spinning, idle and under the bench's busy
// load (benchBusy.ts): a warm suggestion, the memory's fill and the attention panel's run, in process.
import { performance } from "node:perf_hooks";
import { Engine } from "../modelHost/engine";
import { BusyLoad } from "./benchBusy";
import { GHOST, HEAD, prefixes, sampleOf, sleep, stats } from "./benchParts";
import { longDocument } from "./benchMemory";

interface Choice {
  threads: number;
  longThreads: number;
  spin: boolean;
}

const CHOICES: Choice[] = [
  { threads: 1, longThreads: 1, spin: false },
  { threads: 1, longThreads: 2, spin: false },
  { threads: 1, longThreads: 2, spin: true },
  { threads: 2, longThreads: 2, spin: false },
  { threads: 2, longThreads: 2, spin: true },
];

async function measure(modelDir: string, c: Choice, text: string): Promise<Record<string, number>> {
  const engine = await Engine.load(modelDir, c);
  try {
    const opts = GHOST; // at the default window, HEAD tokens
    const ps = prefixes(engine, text, HEAD, 80);
    await engine.suggest(ps[0], opts);
    const warm: number[] = [];
    for (const p of ps) {
      const s = await engine.suggest(p, opts);
      await engine.idle();
      warm.push(s.ms);
    }
    // the fill as the model host runs it: one small step at a time
    const doc = longDocument(text, 2048, engine);
    engine.memories.sync("threads", 0, doc, 4096);
    const t = performance.now();
    let tokens = 0;
    const steps: number[] = [];
    while (engine.memories.pending) {
      const s = performance.now();
      tokens += await engine.memories.fillStep();
      steps.push(performance.now() - s);
    }
    const fillSeconds = (performance.now() - t) / 1000;
    const sample = sampleOf(engine, text, 256);
    const att: number[] = [];
    for (let i = 0; i < 6; i++) {
      const s = performance.now();
      await engine.attentionFirst(sample, 256);
      att.push(performance.now() - s);
    }
    const w = stats(warm);
    return { warmP50: w.p50, warmP95: w.p95, fillTokensPerSecond: tokens / fillSeconds, fillStepP50: stats(steps).p50, fillStepP95: stats(steps).p95, attention256: stats(att.slice(1)).p50 };
  } finally {
    await engine.dispose();
  }
}

/** rounds per load: the choices are measured in turn, round after round, so that the machine's drift touches each alike; each figure is the median of its rounds */
const ROUNDS = 3;

export async function threadingTable(modelDir: string, text: string, say: (l: string) => void): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  for (const busy of [false, true]) {
    const load = new BusyLoad();
    if (busy) {
      load.start();
      await sleep(500);
    }
    const seen = new Map<string, number[]>();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of CHOICES) {
          const name = `threading.${busy ? "busy" : "idle"}.t${c.threads}l${c.longThreads}${c.spin ? "spin" : ""}`;
          say(`${name}, round ${round + 1} of ${ROUNDS}`);
          for (const [k, v] of Object.entries(await measure(modelDir, c, text))) seen.set(`${name}.${k}`, [...(seen.get(`${name}.${k}`) ?? []), v]);
        }
      }
    } finally {
      load.stop();
    }
    for (const [k, vs] of seen) r[k] = stats(vs).p50;
  }
  return r;
}
