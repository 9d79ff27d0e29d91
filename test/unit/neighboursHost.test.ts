// Neighbours through the real model host (dist/modelHost.js), as the view asks for them: the speed of a
// static query (p50/p95 over 100, timed in the host) and of a pooled one, an unknown pooled word, the
// contextual index built in steps while suggestions still get through, and contextual queries at every layer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { HostError, type NeighboursRequest } from "../../src/shared/hostProtocol";
import { MODEL_DIR, ROOT, SUGGEST } from "./helpers";

const HOST = join(ROOT, "dist", "modelHost.js");
/** the brief's bound for a static, cosine, k = 10 query over the word index */
const STATIC_P95_MS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

test("the model host answers neighbour queries fast and builds the contextual index in steps", async (t) => {
  const c = new ModelHostClient({ hostScript: HOST, modelPath: MODEL_DIR, threads: 1, requestTimeoutMs: 30000 });
  try {
    const ask = (query: string, extra: Partial<NeighboursRequest> = {}) => c.request("neighbours", { query, mode: "static", layer: 0, metric: "cosine", k: 10, ...extra });
    const first = await ask("king");
    assert.equal(first.neighbours.length, 10);
    assert.match(first.source, /\[\d+, \d+\]/);
    assert.equal(first.map.x.length, 11, "the query and its neighbours on the map");
    // 100 static queries over different words, after the first (which reads the matrix)
    const words = ["the", "water", "house", "king", "time", "people", "little", "between", "children", "small"];
    const host: number[] = [];
    const roundTrip: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const r = await ask(words[i % words.length]);
      roundTrip.push(performance.now() - t0);
      host.push(r.ms);
    }
    host.sort((a, b) => a - b);
    roundTrip.sort((a, b) => a - b);
    const line = `static cosine k=10 over ${first.indexSize} words: in the host p50 ${percentile(host, 50).toFixed(2)} ms, p95 ${percentile(host, 95).toFixed(2)} ms; round trip p50 ${percentile(roundTrip, 50).toFixed(2)} ms, p95 ${percentile(roundTrip, 95).toFixed(2)} ms`;
    t.diagnostic(line);
    console.log(line);
    assert.ok(percentile(host, 95) < STATIC_P95_MS, line);

    // the pooled space, which the view asks for first: read once, then one pass over its rows per query
    const pooled = await ask("king", { mode: "pooled" });
    assert.equal(pooled.mode, "pooled");
    assert.equal(pooled.neighbours.length, 10);
    assert.match(pooled.source, /^pooled\.bin: hidden_states\.\d+ /);
    const pooledMs: number[] = [];
    for (let i = 0; i < 20; i++) pooledMs.push((await ask(words[i % words.length], { mode: "pooled" })).ms);
    pooledMs.sort((a, b) => a - b);
    const pooledLine = `pooled cosine k=10 over ${pooled.indexSize} words: in the host p50 ${percentile(pooledMs, 50).toFixed(2)} ms, p95 ${percentile(pooledMs, 95).toFixed(2)} ms`;
    t.diagnostic(pooledLine);
    assert.ok(percentile(pooledMs, 95) < 100, pooledLine);
    await assert.rejects(ask("qqqzzzx", { mode: "pooled" }), (e: HostError) => e.code === "input" && /^“qqqzzzx” is not in the pooled word index/.test(e.message));

    // contextual before the index: refused, not silently slow
    await assert.rejects(ask("king", { mode: "contextual", layer: 2 }), (e: HostError) => e.code === "model" && /not built yet/.test(e.message));

    // the index in steps of 250 ms, with a suggestion between two steps
    const t0 = performance.now();
    let p = await c.request("neighbourIndex", { budgetMs: 250 });
    assert.ok(!p.done && p.built > 0 && p.built < p.total, JSON.stringify(p));
    const s = await c.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    assert.ok(s.text.length > 0, "a suggestion is answered between two steps");
    let steps = 1;
    while (!p.done) {
      p = await c.request("neighbourIndex", { budgetMs: 250 });
      steps++;
    }
    const build = `contextual index: ${p.total} words in ${(p.ms / 1000).toFixed(2)} s of model-host time (${steps} steps, ${((performance.now() - t0) / 1000).toFixed(2)} s wall)`;
    t.diagnostic(build);
    console.log(build);
    assert.equal(p.built, p.total);

    for (let layer = 0; layer <= first.nLayer; layer++) {
      const r = await ask("king", { mode: "contextual", layer, before: "The old" });
      assert.equal(r.neighbours.length, 10);
      assert.equal(r.layer, layer);
      assert.equal(r.before, "The old");
      assert.ok(!r.neighbours.some((n) => n.word === "king"));
    }
    const iso = await ask("zenith", { mode: "contextual", layer: first.nLayer, metric: "euclidean", k: 3 });
    assert.equal(iso.neighbours.length, 3);
    assert.equal(iso.before, undefined);
    assert.ok(iso.neighbours[0].score <= iso.neighbours[2].score, "distances, nearest first");
    await assert.rejects(ask("king", { mode: "contextual", layer: first.nLayer + 1 }), (e: HostError) => e.code === "input");
    await assert.rejects(ask("king +"), (e: HostError) => e.code === "input" && /ends with “\+”/.test(e.message));
    await assert.rejects(ask("red car", { mode: "contextual", layer: 1, before: "a" }), (e: HostError) => e.code === "input" && /single word/.test(e.message));
  } finally {
    c.dispose();
  }
});
