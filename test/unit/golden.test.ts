// onnxruntime-node reproduces the PyTorch reference recorded in golden.json by the recipe's export.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exactEngine, MODEL_DIR, sharedEngine } from "./helpers";

interface GoldenCase {
  text: string;
  input_ids: number[];
  greedy_ids: number[];
  logits_last_first16: number[];
  top5_ids: number[];
  attention_last_row: number[][][];
}
const golden = JSON.parse(readFileSync(join(MODEL_DIR, "golden.json"), "utf8")) as { prompts: GoldenCase[]; tolerance: number };

test("golden.json has the prompts the model card promises", () => {
  assert.ok(golden.prompts.length >= 3);
  assert.ok(golden.prompts.some((p) => p.text === "the hair was still"));
});

for (const c of golden.prompts) {
  test(`reproduces PyTorch for ${JSON.stringify(c.text)}`, async () => {
    // float32 weights throughout (the 8-bit session's one-token runs are checked in quantize.test.ts)
    const engine = await exactEngine();
    assert.deepEqual(engine.tokenizer.encode(c.text), c.input_ids, "the JS tokenizer splits the text as the recipe did");
    assert.equal(engine.tokenizer.decode(c.input_ids), c.text, "decoding gives the text back");
    const r = await engine.model.run(null, c.input_ids, { attentions: true });
    c.logits_last_first16.forEach((v, i) => assert.ok(Math.abs(r.logits[i] - v) < golden.tolerance, `logit ${i}: ${r.logits[i]} vs ${v}`));
    const top = Array.from(r.logits.keys()).sort((a, b) => r.logits[b] - r.logits[a]).slice(0, 5);
    assert.deepEqual(top, c.top5_ids);
    const T = c.input_ids.length;
    const H = engine.folder.config.nHead;
    r.attentions!.forEach((a, l) => {
      for (let h = 0; h < H; h++) {
        const row = a.subarray((h * T + T - 1) * T, (h * T + T) * T);
        row.forEach((v, k) => assert.ok(Math.abs(v - c.attention_last_row[l][h][k]) < golden.tolerance, `attention layer ${l} head ${h} key ${k}`));
      }
    });
    // greedy decoding through the key/value cache, one token at a time, as the extension decodes
    let step = await engine.model.run(null, c.input_ids);
    const out: number[] = [];
    for (let i = 0; i < c.greedy_ids.length; i++) {
      let best = 0;
      for (let t = 1; t < step.logits.length; t++) if (step.logits[t] > step.logits[best]) best = t;
      out.push(best);
      step = await engine.model.run(step.cache, [best]);
    }
    assert.deepEqual(out, c.greedy_ids);
  });
}

test("attention rows are probabilities: within [0, 1], summing to 1, zero above the diagonal", async () => {
  const engine = await sharedEngine();
  const text = "The jury said it did find that many of the laws are outmoded.";
  const r = await engine.attention(text, 256);
  const T = r.tokens.length;
  assert.equal(r.tokens.map((t) => text.slice(t.start, t.end)).join(""), text, "token ranges cover the text");
  assert.equal(r.attentions.length, r.nLayer * r.nHead * T * T);
  for (let l = 0; l < r.nLayer; l++)
    for (let h = 0; h < r.nHead; h++)
      for (let q = 0; q < T; q++) {
        const row = r.attentions.subarray(((l * r.nHead + h) * T + q) * T, ((l * r.nHead + h) * T + q + 1) * T);
        const sum = row.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-4, `row ${q} sums to ${sum}`);
        row.forEach((v, k) => {
          assert.ok(v >= 0 && v <= 1);
          if (k > q) assert.equal(v, 0, `query ${q} sees the future key ${k}`);
        });
      }
  assert.equal(r.predictions.length, T);
  assert.equal(r.nextWords.length, 10);
  const short = await engine.attention(text, 5);
  assert.equal(short.tokens.length, 5);
  assert.equal(short.truncated, true);
  assert.equal(short.totalTokens, T);
});

test("a run split in two with the cache gives the same logits as one run", async () => {
  const engine = await sharedEngine();
  const ids = engine.tokenizer.encode("She opened the door and looked at the garden for a long time.");
  const full = await engine.model.run(null, ids);
  const first = await engine.model.run(null, ids.slice(0, 6));
  const second = await engine.model.run(first.cache, ids.slice(6));
  let max = 0;
  for (let i = 0; i < full.logits.length; i++) max = Math.max(max, Math.abs(full.logits[i] - second.logits[i]));
  assert.ok(max < 1e-3, `max difference ${max}`);
  // and a truncated cache continues as if the dropped tokens had never been run
  const cut = engine.model.truncate(full.cache, 6);
  const again = await engine.model.run(cut, ids.slice(6));
  let max2 = 0;
  for (let i = 0; i < full.logits.length; i++) max2 = Math.max(max2, Math.abs(full.logits[i] - again.logits[i]));
  assert.ok(max2 < 1e-3, `max difference after truncate ${max2}`);
});

test("a lazy cache (keys and values not fetched) continues exactly like a full one", async () => {
  const engine = await sharedEngine();
  const m = engine.model;
  const ids = engine.tokenizer.encode("She opened the door and looked at the garden for a long time.");
  const full = await m.run(null, ids);
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((mx, v, i) => Math.max(mx, Math.abs(v - b[i])), 0);
  const base = await m.run(null, ids.slice(0, 6));
  // one lazy step: the same logits, and no tensors kept
  const lazy = await m.run(base.cache, ids.slice(6, 7), { lazy: true });
  const eager = await m.run(base.cache, ids.slice(6, 7));
  assert.equal(lazy.cache.tensors, null);
  assert.ok(eager.cache.tensors);
  assert.deepEqual(lazy.cache.ids, ids.slice(0, 7));
  assert.ok(maxDiff(lazy.logits, eager.logits) < 1e-5);
  // running on the lazy cache repeats its token and keeps the result (a run on a lazy cache is never lazy)
  const next = await m.run(lazy.cache, ids.slice(7), { lazy: true });
  assert.ok(next.cache.tensors, "a run on a lazy cache fetches its keys and values");
  assert.equal(next.cache.base, undefined);
  assert.ok(maxDiff(next.logits, full.logits) < 1e-3, `max difference ${maxDiff(next.logits, full.logits)}`);
  // truncating a lazy cache: inside its base gives the base's tensors, beyond it stays lazy on the same base
  assert.deepEqual(m.truncate(lazy.cache, 4).ids, ids.slice(0, 4));
  assert.ok(m.truncate(lazy.cache, 4).tensors);
  const again = await m.run(m.truncate(next.cache, 7), ids.slice(7));
  assert.ok(maxDiff(again.logits, full.logits) < 1e-3);
  await assert.rejects(m.run(lazy.cache, [ids[7]], { allLogits: true }), /lazy cache/);
});
