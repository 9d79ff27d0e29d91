// npm run tune:memory: choose the document memory's θ, λ and n0 (tokenMemory.ts) on the project's own
// held-out split, and only on the second half of each held-out file: the eval reports on the first
// tokens of each file, which the tuning never reads.
//   node dist/tuneMemory.js [--model DIR] [--corpus DIR] [--max-tokens N] [--json]
// For each file, the model's probability of each token, the memory's for every θ of the grid and the
// best match's dot product are collected once (scoreText's collect); every (θ, λ, n0, gate) is then a sum
// over those numbers, with the shipped code's memoryShare.
import { parseArgs } from "node:util";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../modelHost/engine";
import { MEMORY_PARAMS, memoryShare, type MemoryParams } from "../modelHost/tokenMemory";
import { DEFAULT_MEMORY_TOKENS } from "../core/settings";
import { tuningStart } from "./evalMemory";

const ROOT = join(__dirname, "..");
const THETAS = [0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1];
/** θ for unit-length keys and queries (a cosine in [-1, 1]) */
const UNIT_THETAS = [10, 15, 20, 25, 30, 40];
const LAMBDAS = [0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const N0S = [1, 32, 128, 512];
/** the share's gate (MemoryParams.gate): none, or σ(slope · (best match - at)) */
const GATES: (MemoryParams["gate"] | undefined)[] = [undefined, ...[5, 10, 20].flatMap((slope) => [0.8, 0.9, 0.95, 1].map((at) => ({ slope, at })))];

interface Row {
  theta: number;
  lambda: number;
  n0: number;
  gate?: MemoryParams["gate"];
  bpb: number;
}

const describe = (r: Omit<Row, "bpb">) => `θ ${r.theta}, λ ${r.lambda}, n0 ${r.n0}, ${r.gate ? `gate σ(${r.gate.slope} · (best - ${r.gate.at}))` : "no gate"}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: join(ROOT, "models", "lm-lens-5m") },
      corpus: { type: "string", default: join(ROOT, "models", "recipe", ".cache", "work", "corpus") },
      "max-tokens": { type: "string", default: "8000" },
      json: { type: "boolean", default: false },
      unit: { type: "boolean", default: false },
    },
  });
  const dir = join(values.corpus!, "heldout");
  if (!existsSync(dir)) throw new Error(`${dir}: no held-out split (bash models/recipe/train.sh builds it)`);
  const maxTokens = Number(values["max-tokens"]);
  const engine = await Engine.load(values.model!);
  // --unit: keys and queries of unit length (MemoryParams.unit), with θ of that scale
  const thetas = values.unit ? UNIT_THETAS : THETAS;
  engine.memories.params = { ...engine.memories.params, unit: values.unit };
  const shippedToo = MEMORY_PARAMS.unit === values.unit;
  const files: { source: string; bytes: number; pModel: number[]; pMemory: number[][]; entries: number[]; maxDot: number[] }[] = [];
  try {
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".txt")).sort()) {
      const text = readFileSync(join(dir, f), "utf8");
      // the second half, from a line start (the eval reads only the first)
      const half = tuningStart(text);
      const collect = { thetas, pModel: [] as number[], pMemory: [] as number[][], entries: [] as number[], maxDot: [] as number[] };
      const s = await engine.score(text.slice(half), { window: 256, stride: 128, maxTokens, memoryTokens: DEFAULT_MEMORY_TOKENS, collect });
      files.push({ source: f.replace(/\.txt$/, ""), bytes: s.bytes, ...collect });
      process.stderr.write(`tune: ${f}: ${s.tokens} tokens\n`);
    }
  } finally {
    await engine.dispose();
  }
  // the shipped code's own share (tokenMemory.ts), for every setting of the grid
  const bpb = (file: (typeof files)[number], ti: number, params: MemoryParams) => {
    let nll = 0;
    for (let i = 0; i < file.pModel.length; i++) {
      const share = memoryShare(file.entries[i], params, file.maxDot[i]);
      nll -= Math.log(Math.max(1e-30, (1 - share) * file.pModel[i] + share * file.pMemory[i][ti]));
    }
    return nll / Math.LN2 / file.bytes;
  };
  const mean = (ti: number, params: MemoryParams) => files.reduce((a, f) => a + bpb(f, ti, params), 0) / files.length;
  const none = mean(0, { theta: thetas[0], lambda: 0, n0: 1 });
  const table: Row[] = [];
  thetas.forEach((theta, ti) => {
    for (const lambda of LAMBDAS)
      for (const n0 of N0S)
        for (const gate of GATES) {
          // a share of 1 would leave the model out altogether
          if (lambda >= 1 && !gate) continue;
          table.push({ theta, lambda, n0, gate, bpb: mean(ti, { theta, lambda, n0, gate }) });
        }
  });
  const best = table.reduce((a, b) => (b.bpb < a.bpb ? b : a));
  const bestUngated = table.filter((r) => !r.gate).reduce((a, b) => (b.bpb < a.bpb ? b : a));
  const same = (r: Row) => r.theta === MEMORY_PARAMS.theta && r.lambda === MEMORY_PARAMS.lambda && r.n0 === MEMORY_PARAMS.n0 && r.gate?.slope === MEMORY_PARAMS.gate?.slope && r.gate?.at === MEMORY_PARAMS.gate?.at;
  const shipped = shippedToo ? table.find(same) : undefined;
  const bestTi = thetas.indexOf(best.theta);
  const perFile = files.map((f) => ({ source: f.source, tokens: f.pModel.length, none: bpb(f, 0, { theta: thetas[0], lambda: 0, n0: 1 }), best: bpb(f, bestTi, best) }));
  if (values.json) {
    process.stdout.write(JSON.stringify({ none, best, bestUngated, shipped, perFile, table }) + "\n");
    return;
  }
  process.stdout.write(`${values.unit ? "unit-length keys and queries (cosine); " : "raw dot products; "}mean bits per byte over ${files.length} held-out second halves (first ${maxTokens} tokens each):\n`);
  process.stdout.write(`  no memory ${none.toFixed(4)}\n  best: ${describe(best)}: ${best.bpb.toFixed(4)}\n  best without a gate: ${describe(bestUngated)}: ${bestUngated.bpb.toFixed(4)}\n`);
  if (shipped) process.stdout.write(`  shipped (${describe(shipped)}): ${shipped.bpb.toFixed(4)}\n`);
  for (const theta of thetas) {
    const rows = table.filter((r) => r.theta === theta).sort((a, b) => a.bpb - b.bpb);
    process.stdout.write(`  θ ${theta}: best ${describe(rows[0])}: ${rows[0].bpb.toFixed(4)}\n`);
  }
  for (const r of perFile) process.stdout.write(`  ${r.source.padEnd(16)} ${r.tokens} tokens  ${r.none.toFixed(4)} -> ${r.best.toFixed(4)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`tune: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = 1;
});
