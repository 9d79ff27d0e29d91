// npm run tune:memory: choose the document memory's θ, λ and n0 (tokenMemory.ts) on the project's own
// held-out split, and only on the second half of each held-out file: the eval reports on the first
// tokens of each file, which the tuning never reads.
//   node dist/tuneMemory.js [--model DIR] [--corpus DIR] [--max-tokens N] [--json]
// For each file, the model's probability of each token and the memory's for every θ of the grid are
// collected once (scoreText's collect); every (θ, λ, n0) is then a sum over those numbers.
import { parseArgs } from "node:util";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../host/engine";
import { MEMORY_PARAMS } from "../host/tokenMemory";
import { DEFAULT_MEMORY_TOKENS } from "../core/settings";

const ROOT = join(__dirname, "..");
const THETAS = [0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1];
/** θ for unit-length keys and queries (a cosine in [-1, 1]) */
const UNIT_THETAS = [5, 10, 20, 30, 40, 60, 80, 120];
const LAMBDAS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5];
const N0S = [0, 32, 128, 512, 2048];

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
  const files: { source: string; bytes: number; pModel: number[]; pMemory: number[][]; entries: number[] }[] = [];
  try {
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".txt")).sort()) {
      const text = readFileSync(join(dir, f), "utf8");
      // the second half, from a line start
      const half = text.indexOf("\n", Math.floor(text.length / 2)) + 1;
      const collect = { thetas, pModel: [] as number[], pMemory: [] as number[][], entries: [] as number[] };
      const s = await engine.score(text.slice(half), { window: 256, stride: 128, maxTokens, memoryTokens: DEFAULT_MEMORY_TOKENS, collect });
      files.push({ source: f.replace(/\.txt$/, ""), bytes: s.bytes, ...collect });
      process.stderr.write(`tune: ${f}: ${s.tokens} tokens\n`);
    }
  } finally {
    await engine.dispose();
  }
  const bpb = (file: (typeof files)[number], ti: number, lambda: number, n0: number) => {
    let nll = 0;
    for (let i = 0; i < file.pModel.length; i++) {
      const n = file.entries[i];
      const share = n <= 0 ? 0 : (lambda * n) / (n + n0);
      nll -= Math.log(Math.max(1e-30, (1 - share) * file.pModel[i] + share * file.pMemory[i][ti]));
    }
    return nll / Math.LN2 / file.bytes;
  };
  const mean = (ti: number, lambda: number, n0: number) => files.reduce((a, f) => a + bpb(f, ti, lambda, n0), 0) / files.length;
  const none = files.reduce((a, f) => a + bpb(f, 0, 0, 0), 0) / files.length;
  let best = { theta: 0, lambda: 0, n0: 0, bpb: Infinity };
  const table: { theta: number; lambda: number; n0: number; bpb: number }[] = [];
  thetas.forEach((theta, ti) => {
    for (const lambda of LAMBDAS)
      for (const n0 of N0S) {
        const v = mean(ti, lambda, n0);
        table.push({ theta, lambda, n0, bpb: v });
        if (v < best.bpb) best = { theta, lambda, n0, bpb: v };
      }
  });
  const shipped = shippedToo && table.find((r) => r.theta === MEMORY_PARAMS.theta && r.lambda === MEMORY_PARAMS.lambda && r.n0 === MEMORY_PARAMS.n0);
  const bestTi = thetas.indexOf(best.theta);
  const perFile = files.map((f) => ({ source: f.source, tokens: f.pModel.length, none: bpb(f, 0, 0, 0), best: bpb(f, bestTi, best.lambda, best.n0) }));
  if (values.json) {
    process.stdout.write(JSON.stringify({ none, best, shipped, perFile, table }) + "\n");
    return;
  }
  process.stdout.write(`${values.unit ? "unit-length keys and queries (cosine); " : "raw dot products; "}mean bits per byte over ${files.length} held-out second halves (first ${maxTokens} tokens each):\n`);
  process.stdout.write(`  no memory ${none.toFixed(4)}\n  best θ ${best.theta}, λ ${best.lambda}, n0 ${best.n0}: ${best.bpb.toFixed(4)}\n`);
  if (shipped) process.stdout.write(`  shipped (θ ${MEMORY_PARAMS.theta}, λ ${MEMORY_PARAMS.lambda}, n0 ${MEMORY_PARAMS.n0}): ${shipped.bpb.toFixed(4)}\n`);
  for (const theta of thetas) {
    const rows = table.filter((r) => r.theta === theta).sort((a, b) => a.bpb - b.bpb);
    process.stdout.write(`  θ ${theta}: best λ ${rows[0].lambda}, n0 ${rows[0].n0}: ${rows[0].bpb.toFixed(4)}\n`);
  }
  for (const r of perFile) process.stdout.write(`  ${r.source.padEnd(16)} ${r.tokens} tokens  ${r.none.toFixed(4)} -> ${r.best.toFixed(4)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`tune: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = 1;
});
