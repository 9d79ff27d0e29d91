// 8-bit weights for the word search (quantize.ts, OnnxModel's fast session): the rounding is bounded,
// the rewritten graph keeps the model's interface, one-token runs stay close to the float32 ones
// (the same greedy token as PyTorch at every step, or a near-tie within rounding), and everything that shows the model's internals stays float32.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { onnx } from "onnx-proto";
import { Engine } from "../../src/modelHost/engine";
import { neighbourSpace } from "../../src/modelHost/neighbourSpace";
import { FAST_MAX_TOKENS } from "../../src/modelHost/onnxModel";
import { QUANT_BLOCK, quantizeRows, quantizeWeights } from "../../src/modelHost/quantize";
import { logSoftmax, topTokens } from "../../src/modelHost/softmax";
import { assertSameOrNearTie, exactEngine, MODEL_DIR, ROUNDING_P, SUGGEST, sharedEngine } from "./helpers";


const golden = JSON.parse(readFileSync(join(MODEL_DIR, "golden.json"), "utf8")) as { prompts: { text: string; input_ids: number[]; greedy_ids: number[]; top5_ids: number[] }[] };

test("quantizeRows: each weight is within half its block's scale, and the scale is the block's largest magnitude / 127", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 100 }),
      fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 500, maxLength: 500 }),
      (n, k, pool) => {
        const w = Float32Array.from({ length: n * k }, (_, i) => pool[i % pool.length]);
        const { q, scales, blocks } = quantizeRows(w, n, k);
        assert.equal(blocks, Math.ceil(k / QUANT_BLOCK));
        assert.equal(q.length, n * blocks * QUANT_BLOCK);
        for (let r = 0; r < n; r++) {
          for (let b = 0; b < blocks; b++) {
            const s = scales[r * blocks + b];
            let max = 0;
            for (let c = b * QUANT_BLOCK; c < Math.min(k, (b + 1) * QUANT_BLOCK); c++) max = Math.max(max, Math.abs(w[r * k + c]));
            const tiny = max < 1e-30;
            assert.ok(tiny ? s === 0 : Math.abs(s - max / 127) <= 1e-6 * max, `scale ${s} for max ${max}`);
            for (let j = 0; j < QUANT_BLOCK; j++) {
              const c = b * QUANT_BLOCK + j;
              const v = q[(r * blocks + b) * QUANT_BLOCK + j];
              assert.ok(v >= 1 && v <= 255, `q ${v}`);
              const back = (v - 128) * s;
              // padding past k dequantizes to exactly 0
              const want = c < k ? w[r * k + c] : 0;
              assert.ok(Math.abs(back - want) <= (tiny ? max : s / 2 + 1e-6 * max), `row ${r} col ${c}: ${want} -> ${back} (scale ${s})`);
            }
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});

test("quantizeRows: a block of zeros has scale 0 and dequantizes to 0; a wrong size is refused", () => {
  const { q, scales } = quantizeRows(new Float32Array(64), 1, 64);
  assert.deepEqual(Array.from(scales), [0, 0]);
  assert.ok(q.every((v) => v === 128));
  assert.throws(() => quantizeRows(new Float32Array(10), 3, 4), RangeError);
});

test("quantizeWeights rewrites the shipped model's 17 weight matrices and keeps its inputs, outputs and float embedding", () => {
  const bytes = readFileSync(join(MODEL_DIR, "onnx", "model.onnx"));
  const r = quantizeWeights(bytes);
  assert.equal(r.problem, undefined);
  // 4 layers × (qkv, attention out, two MLP matrices) + the tied output embedding
  assert.equal(r.matmuls, 17);
  assert.equal(r.weights, 4 * (256 * 768 + 256 * 256 + 2 * 256 * 1024) + 8192 * 256);
  assert.ok(r.bytes!.length < bytes.length * 0.75, `${r.bytes!.length} bytes`);
  const before = onnx.ModelProto.decode(bytes).graph!;
  const after = onnx.ModelProto.decode(r.bytes!).graph!;
  assert.deepEqual(after.input!.map((i) => i.name), before.input!.map((i) => i.name));
  assert.deepEqual(after.output!.map((o) => o.name), before.output!.map((o) => o.name));
  const ops = after.node!.map((n) => n.opType);
  assert.equal(ops.filter((o) => o === "MatMulNBits").length, 17);
  // the attention products (scores, probabilities × values) multiply activations: they stay float MatMuls
  assert.equal(ops.filter((o) => o === "MatMul").length, 8);
  const inits = new Set(after.initializer!.map((t) => t.name));
  assert.ok(inits.has("model.wte.weight"), "the Gather still reads the float embedding");
  assert.ok(!inits.has("model.h.0.mlp.0.weight"), "a rewritten matrix's float copy is dropped");
});

test("quantizeWeights: a weight initializer [k, n] read directly by MatMul (as Optimum exports it) is stored as rows [n, k]", () => {
  const k = 40;
  const n = 3;
  const w = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i) * (1 + (i % 7)));
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 14 }],
    graph: {
      name: "g",
      node: [{ opType: "MatMul", input: ["x", "W"], output: ["y"], name: "mm" }],
      initializer: [{ name: "W", dims: [k, n], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(w.buffer) }],
      input: [{ name: "x" }, { name: "W" }],
      output: [{ name: "y" }],
    },
  }).finish();
  const r = quantizeWeights(model);
  assert.equal(r.matmuls, 1);
  const g = onnx.ModelProto.decode(r.bytes!).graph!;
  assert.deepEqual(g.input!.map((i) => i.name), ["x"], "the dropped initializer is no longer listed as an input");
  const node = g.node![0];
  assert.equal(node.opType, "MatMulNBits");
  assert.equal(node.domain, "com.microsoft");
  const attr = Object.fromEntries(node.attribute!.map((a) => [a.name, Number(a.i)]));
  assert.deepEqual(attr, { K: k, N: n, bits: 8, block_size: QUANT_BLOCK, accuracy_level: 4 });
  const byName = new Map(g.initializer!.map((t) => [t.name, t]));
  const q = byName.get(node.input![1])!;
  const s = byName.get(node.input![2])!;
  assert.deepEqual(q.dims!.map(Number), [n, 2, QUANT_BLOCK]);
  const qv = q.rawData!;
  const sv = new Float32Array(Uint8Array.from(s.rawData!).buffer);
  for (let col = 0; col < n; col++) {
    for (let row = 0; row < k; row++) {
      const b = Math.floor(row / QUANT_BLOCK);
      const scale = sv[col * 2 + b];
      const back = (qv[(col * 2 + b) * QUANT_BLOCK + (row % QUANT_BLOCK)] - 128) * scale;
      assert.ok(Math.abs(back - w[row * n + col]) <= scale / 2 + 1e-6, `W[${row}][${col}]`);
    }
  }
});

test("quantizeWeights: unnamed nodes get unique names, and a weight an If branch still reads is kept", () => {
  const w = (name: string) => ({ name, dims: [32, 4], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(new Float32Array(128).map((_, i) => i / 100 - 0.6).buffer) });
  const branch = (out: string) => onnx.GraphProto.create({ name: out, node: [{ opType: "MatMul", input: ["x", "W2"], output: [out] }], output: [{ name: out }] });
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 14 }],
    graph: {
      name: "g",
      node: [
        { opType: "MatMul", input: ["x", "W1"], output: ["y1"] },
        { opType: "MatMul", input: ["x", "W2"], output: ["y2"] },
        {
          opType: "If",
          input: ["c"],
          output: ["y3"],
          attribute: [
            { name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("t") },
            { name: "else_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("e") },
          ],
        },
      ],
      initializer: [w("W1"), w("W2")],
      input: [{ name: "x" }, { name: "c" }],
      output: [{ name: "y1" }, { name: "y2" }, { name: "y3" }],
    },
  }).finish();
  const r = quantizeWeights(model);
  assert.equal(r.matmuls, 2);
  const g = onnx.ModelProto.decode(r.bytes!).graph!;
  const names = g.node!.filter((n) => n.opType === "MatMulNBits").map((n) => n.name);
  assert.equal(new Set(names).size, 2, JSON.stringify(names));
  assert.ok(names.every((n) => n && n.length > 0));
  const inits = g.initializer!.map((t) => t.name);
  assert.ok(!inits.includes("W1"), "W1 is read by nothing any more");
  assert.ok(inits.includes("W2"), "the If branches still read W2");
});

test("quantizeWeights explains what it cannot do", () => {
  assert.match(quantizeWeights(new Uint8Array([1, 2, 3, 4, 5])).problem ?? "", /cannot be read as an ONNX model/);
  const noWeights = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 14 }],
    graph: { name: "g", node: [{ opType: "MatMul", input: ["a", "b"], output: ["y"] }], input: [{ name: "a" }, { name: "b" }], output: [{ name: "y" }] },
  }).finish();
  assert.match(quantizeWeights(noWeights).problem ?? "", /no MatMul over a constant float matrix/);
});

test("the 8-bit session serves short runs: probabilities within rounding of float32, and the same greedy token or a near-tie at every step of every golden prompt", async () => {
  const q = await sharedEngine();
  const x = await exactEngine();
  assert.deepEqual(q.info().quantized, { matmuls: 17, weights: 5242880 });
  assert.equal(x.info().quantized, undefined);
  let worst = 0;
  let ties = 0;
  let steps = 0;
  for (const c of golden.prompts) {
    // the prompt is read by the float32 session (not asked for the 8-bit weights)
    const qBase = await q.model.run(null, c.input_ids);
    const xBase = await x.model.run(null, c.input_ids);
    assert.deepEqual(qBase.logits, xBase.logits, "exact runs are the float32 session's");
    let qs = qBase;
    let xs = xBase;
    // both read PyTorch's greedy text, so one near-tie does not send the rest of the prompt elsewhere
    for (let i = 0; i < c.greedy_ids.length; i++) {
      const [tq, tx] = [topTokens(qs.logits, 10), topTokens(xs.logits, 10)];
      assert.equal(tx[0].id, c.greedy_ids[i], `float32 is PyTorch's greedy choice: ${JSON.stringify(c.text)} step ${i}`);
      if (i > 0) {
        assert.notDeepEqual(qs.logits, xs.logits, "a one-token run goes to the 8-bit session");
        const [zq, zx] = [logSoftmax(qs.logits).logZ, logSoftmax(xs.logits).logZ];
        for (let t = 0; t < xs.logits.length; t++) worst = Math.max(worst, Math.abs(Math.exp(qs.logits[t] - zq) - Math.exp(xs.logits[t] - zx)));
        const words = (top: { id: number; p: number }[]) => top.map((x) => ({ word: String(x.id), p: x.p }));
        if (assertSameOrNearTie(words(tq), words(tx), `${JSON.stringify(c.text)} step ${i}`)) ties++;
        steps++;
      }
      qs = await q.model.run(qs.cache, [c.greedy_ids[i]], { fast: true });
      xs = await x.model.run(xs.cache, [c.greedy_ids[i]]);
    }
  }
  console.log(`8-bit against float32 over ${steps} greedy steps: largest probability difference ${worst.toFixed(5)}, near-ties ${ties}`);
  assert.ok(worst < ROUNDING_P, `probabilities differ by up to ${worst}`);
  assert.ok(ties <= steps / 10, `${ties} near-ties in ${steps} steps is no rounding`);
});

test("only runs that ask for the 8-bit weights get them, up to FAST_MAX_TOKENS tokens, and never with internals", async () => {
  const q = await sharedEngine();
  const x = await exactEngine();
  const ids = golden.prompts[0].input_ids;
  const base = await x.model.run(null, ids);
  const short = [11, 12];
  const a = await q.model.run(base.cache, short, { attentions: true, hidden: true, fast: true });
  const b = await x.model.run(base.cache, short, { attentions: true, hidden: true });
  assert.deepEqual(a.logits, b.logits);
  assert.deepEqual(a.attentions, b.attentions);
  assert.deepEqual(a.hidden, b.hidden);
  // not asked: float32 (the neighbours' runs, for example)
  assert.deepEqual((await q.model.run(base.cache, short)).logits, (await x.model.run(base.cache, short)).logits);
  const longest = Array.from({ length: FAST_MAX_TOKENS }, (_, i) => 20 + i);
  assert.notDeepEqual((await q.model.run(base.cache, longest, { fast: true })).logits, (await x.model.run(base.cache, longest)).logits, "FAST_MAX_TOKENS tokens go to the 8-bit session");
  const long = [...longest, 30];
  assert.deepEqual((await q.model.run(base.cache, long, { fast: true })).logits, (await x.model.run(base.cache, long)).logits, "one more goes to the float32 session");
  const attention = await q.attention("The hair was still wet.", 64);
  assert.deepEqual(attention.attentions, (await x.attention("The hair was still wet.", 64)).attentions);
  // the neighbours read hidden states after one-token runs: float32 too
  const qs = neighbourSpace(q);
  const xs = neighbourSpace(x);
  while (!(await qs.buildIndex(1000)).done);
  while (!(await xs.buildIndex(1000)).done);
  for (const query of ["red", "father"]) {
    const nq = await qs.search({ query, mode: "contextual", layer: 2, metric: "cosine", k: 5 });
    const nx = await xs.search({ query, mode: "contextual", layer: 2, metric: "cosine", k: 5 });
    assert.deepEqual(nq.neighbours, nx.neighbours, query);
  }
});

test("suggestions on 8-bit weights: the same word as on float32 weights, or a near-tie, with every word's probability within rounding", async () => {
  const q = await sharedEngine();
  const x = await exactEngine();
  for (const text of ["the hair was still", "She opened the do", "The jury said it did find that many of the", "function add(a: number, b: number): number {\n  return a +"]) {
    const a = await q.suggest(text, { ...SUGGEST, useCache: false });
    const b = await x.suggest(text, { ...SUGGEST, useCache: false });
    assert.ok(a.text.length > 0 && b.text.length > 0, JSON.stringify(text));
    if (assertSameOrNearTie(a.alternatives, b.alternatives, JSON.stringify(text))) console.log(`near-tie after ${JSON.stringify(text)}: ${JSON.stringify(a.text)} against ${JSON.stringify(b.text)}`);
    else assert.equal(a.text, b.text, JSON.stringify(text));
  }
});

test("the 8-bit session is kept only where it is faster: asked for a 100-fold speed-up, the engine says why it runs on float32", async () => {
  const e = await Engine.load(MODEL_DIR, { threads: 1, quantizeMinSpeedup: 100 });
  try {
    const q = e.info().quantized as { problem: string };
    assert.match(q.problem, /^on this CPU a one-token run on the 8-bit weights took \d+\.\d+ ms, on float32 \d+\.\d+ ms$/);
    const x = await exactEngine();
    const ids = golden.prompts[0].input_ids;
    const a = await e.model.run((await e.model.run(null, ids)).cache, [11]);
    const b = await x.model.run((await x.model.run(null, ids)).cache, [11]);
    assert.deepEqual(a.logits, b.logits, "one-token runs are float32 ones");
  } finally {
    await e.dispose();
  }
});
