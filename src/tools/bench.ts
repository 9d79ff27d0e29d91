// npm run bench: suggestion latency of the shipped model on this machine.
//   node dist/bench.js [--model DIR] [--json] [--rounds N]
// Measures, on test/fixtures/typing.txt (our own text):
//   load            model folder read + onnxruntime session created
//   first           the first suggestion after load (nothing cached)
//   suggest.ctxN.warm   one word, typing word by word: the key/value cache holds what came before
//   suggest.ctxN.cold   one word, the same contexts with the cache switched off
//   suggest.ctxN.typed  the user typed the first characters of the suggestion: served by the prefix memo
//   host.ctx128.warm    the warm case through the model host process, as the extension sees it
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Engine } from "../model/engine";
import { ModelHostClient } from "../model/hostClient";
import { DEFAULT_SETTINGS } from "../core/settings";
import { SuggestionMemo } from "../core/suggestionMemo";

const ROOT = join(__dirname, "..");

function stats(xs: number[]): { p50: number; p95: number; p99: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), n: s.length };
}

/** Word-boundary prefixes of the text, each long enough to fill a context of ctx tokens. */
function prefixes(engine: Engine, text: string, ctx: number, rounds: number): string[] {
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: join(ROOT, "models", "lm-lens-5m") },
      json: { type: "boolean", default: false },
      rounds: { type: "string", default: "200" },
    },
  });
  const rounds = Number(values.rounds);
  const text = readFileSync(join(ROOT, "test", "fixtures", "typing.txt"), "utf8");
  const results: Record<string, number> = {};
  const t0 = performance.now();
  const engine = await Engine.load(values.model!, { threads: 1 });
  results.loadMs = performance.now() - t0;
  const base = { ...DEFAULT_SETTINGS.suggest, k: 1 };
  const t1 = performance.now();
  await engine.suggest(text.slice(0, 200), base);
  results.firstSuggestionMs = performance.now() - t1;
  const maxCtx = engine.folder.config.nPositions - 128;
  for (const ctx of [16, 128, Math.min(512, maxCtx)]) {
    const ps = prefixes(engine, text, ctx, rounds);
    if (ps.length === 0) continue;
    const opts = { ...base, maxContextTokens: ctx };
    const warm: number[] = [];
    const cold: number[] = [];
    const typed: number[] = [];
    const runs: number[] = [];
    // warm: in order, as typing goes
    for (const p of ps) {
      const r = await engine.suggest(p, opts);
      warm.push(r.ms);
      runs.push(r.modelRuns);
    }
    for (const p of ps.slice(0, Math.min(ps.length, 60))) cold.push((await engine.suggest(p, { ...opts, useCache: false })).ms);
    // typed the suggested characters: the memo answers without the model
    const memo = new SuggestionMemo();
    for (const p of ps.slice(0, 60)) {
      const r = await engine.suggest(p, opts);
      memo.remember("doc", p.length, p, r.text);
      const typedText = p + r.text.slice(0, Math.max(1, Math.floor(r.text.length / 2)));
      const s = performance.now();
      const rest = memo.lookup("doc", typedText.length, typedText);
      typed.push(performance.now() - s);
      if (rest === undefined && r.text.length > 1) throw new Error("the prefix memo missed a typed suggestion");
    }
    for (const [name, xs] of [["warm", warm], ["cold", cold], ["typed", typed]] as const) {
      const st = stats(xs);
      results[`suggest.ctx${ctx}.${name}.p50`] = st.p50;
      results[`suggest.ctx${ctx}.${name}.p95`] = st.p95;
      results[`suggest.ctx${ctx}.${name}.p99`] = st.p99;
    }
    results[`suggest.ctx${ctx}.warm.modelRunsMean`] = runs.reduce((a, b) => a + b, 0) / runs.length;
    results[`suggest.ctx${ctx}.n`] = ps.length;
  }
  await engine.dispose();

  // through the model host process
  const client = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: values.model!, threads: 1 });
  try {
    await client.ensureReady();
    const ps = prefixes(await Engine.load(values.model!), text, 128, rounds);
    const times: number[] = [];
    for (const p of ps) {
      const s = performance.now();
      await client.request("suggest", { text: p, offset: 0, options: { ...base, maxContextTokens: 128 } });
      times.push(performance.now() - s);
    }
    const st = stats(times);
    results["host.ctx128.warm.p50"] = st.p50;
    results["host.ctx128.warm.p95"] = st.p95;
  } finally {
    client.dispose();
  }

  if (values.json) {
    process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Number(v.toFixed(3))]))) + "\n");
    return;
  }
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [k, v] of Object.entries(results)) process.stdout.write(`${k.padEnd(width)}  ${k.endsWith(".n") || k.endsWith("Mean") ? v.toFixed(1) : `${v.toFixed(2)} ms`}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
