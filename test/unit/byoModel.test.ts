// Bring your own model: the recipe's plain export (logits and present.* only, the I/O of a Hugging Face /
// Optimum GPT-2 export) loaded through the bring-your-own path must give the same attention, hidden
// states, suggestions and neighbours as the full export. The plain exports are made from the shipped
// checkpoint by the recipe (`export.py --plain`, and `--plain --no-cache`), so nothing is downloaded and
// nothing is mocked. Where Debian's python3-torch and python3-onnx are missing (a fresh machine after
// `npm ci`), each export is put together from the committed fixture instead: export.py's graph without its
// weights, whose weights are the shipped model.onnx's (pythonReference.ts); where they are there, the
// exports are made now and must equal what the fixture gives.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onnx } from "onnx-proto";
import { Engine } from "../../src/modelHost/engine";
import { exposeInternals } from "../../src/modelHost/graphSurgery";
import { ModelFolderError } from "../../src/modelHost/modelFolder";
import { neighbourSpace } from "../../src/modelHost/neighbourSpace";
import { assertSameOrNearTie, assertSameRankingOrNearTies, MODEL_DIR, ROOT, SUGGEST } from "./helpers";
import { exportDifferences, exportFromFixture, exportFromPython, PYTHON_NAME, REGENERATE, useLivePython, type ExportName } from "./pythonReference";

const TEXTS = [
  "The hair was still wet when she opened the door, and the garden smelled of rain.",
  "the hair was still",
  "function add(a: number, b: number): number {\n  return a + b;\n}",
];

let work = "";
let plainDir = "";
let noCacheDir = "";
let way: { live: boolean; why?: string };
let full: Engine;
let plain: Engine;

before(async () => {
  work = mkdtempSync(join(tmpdir(), "lm-lens-byo-"));
  // the folder's name goes into config.json's _name_or_path: the same names as the fixture's
  plainDir = join(work, "plain");
  noCacheDir = join(work, "nocache");
  way = useLivePython(["torch", "onnx"]);
  console.log(
    way.live
      ? `byoModel: plain exports made now by export.py with ${PYTHON_NAME} (torch, onnx), and the committed fixture checked against them`
      : `byoModel: no Python reference (${way.why}): plain exports put together from the committed fixture test/fixtures/python-reference/{plain,nocache} (export.py's graphs) and the shipped weights`,
  );
  for (const [name, dir] of [["plain", plainDir], ["nocache", noCacheDir]] as [ExportName, string][]) (way.live ? exportFromPython : exportFromFixture)(name, dir);
  full = await Engine.load(MODEL_DIR, { threads: 1, quantizeMinSpeedup: 0 });
  plain = await Engine.load(plainDir, { threads: 1, quantizeMinSpeedup: 0 });
});

after(async () => {
  await full?.dispose();
  await plain?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Golden {
  prompts: { text: string; input_ids: number[]; logits_last_first16: number[]; top5_ids: number[] }[];
  tolerance: number;
}

test("the plain exports: export.py's now (the fixture gives the same folders), or the fixture's; both reproduce the PyTorch reference", async () => {
  if (way.live) {
    for (const name of ["plain", "nocache"] as ExportName[]) {
      const fromFixture = join(work, "fixture", name);
      exportFromFixture(name, fromFixture);
      assert.deepEqual(exportDifferences(join(work, name), fromFixture), [], `test/fixtures/python-reference/${name} no longer gives what export.py writes; regenerate it with ${REGENERATE}`);
    }
  }
  // golden.json: PyTorch's logits for fixed prompts, recorded by the recipe's full export
  const golden = JSON.parse(readFileSync(join(MODEL_DIR, "golden.json"), "utf8")) as Golden;
  const nocache = await Engine.load(noCacheDir, { threads: 1, quantize: false });
  const exact = await Engine.load(plainDir, { threads: 1, quantize: false });
  try {
    for (const e of [exact, nocache]) {
      for (const c of golden.prompts) {
        const r = await e.model.run(null, c.input_ids);
        c.logits_last_first16.forEach((v, i) => assert.ok(Math.abs(r.logits[i] - v) < golden.tolerance, `${e.folder.name}: ${JSON.stringify(c.text)} logit ${i}: ${r.logits[i]} vs ${v}`));
        const top = Array.from(r.logits.keys()).sort((a, b) => r.logits[b] - r.logits[a]).slice(0, 5);
        assert.deepEqual(top, c.top5_ids, `${e.folder.name}: ${JSON.stringify(c.text)}`);
      }
    }
  } finally {
    await nocache.dispose();
    await exact.dispose();
  }
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test("the plain export has only the Optimum GPT-2 outputs; loading it adds attentions and hidden states in memory", () => {
  const outputs = plain.model.io.outputNames;
  assert.ok(outputs.includes("logits") && outputs.includes("present.0.key"));
  assert.deepEqual(plain.model.io.addedOutputs, ["attentions", "hidden_states"]);
  assert.equal(plain.model.io.hasAttentions, true);
  assert.equal(plain.model.io.hasHidden, true);
  assert.deepEqual(full.model.io.addedOutputs, [], "the full export needs no surgery");
  assert.deepEqual(plain.info().quantized, { matmuls: 17, weights: 5242880 }, "its weight matrices get 8-bit copies too");
  // the file on disk is unchanged: still no attention outputs in it
  const onDisk = onnx.ModelProto.decode(readFileSync(join(plainDir, "onnx", "model.onnx")));
  assert.ok(!(onDisk.graph?.output ?? []).some((o) => o.name?.startsWith("attentions.")));
});

test("through the bring-your-own path: the same attention matrices (max abs difference under 1e-4) and top-5 next words", async () => {
  for (const text of TEXTS) {
    const a = await full.attention(text, 256);
    const b = await plain.attention(text, 256);
    assert.deepEqual(b.tokens, a.tokens);
    const d = maxDiff(a.attentions, b.attentions);
    assert.ok(d < 1e-4, `attention differs by ${d} on ${JSON.stringify(text)}`);
    assert.ok(maxDiff(a.rollout, b.rollout) < 1e-4);
    // the same weights, rounded to 8 bits the same way, in a graph onnxruntime may fuse otherwise: near-ties may swap
    assertSameRankingOrNearTies(a.nextWords, b.nextWords, 5, text);
  }
});

test("through the bring-your-own path: the same hidden states at every layer, and the same suggestions", async () => {
  for (const text of TEXTS) {
    const ids = full.tokenizer.encode(text);
    const a = await full.model.run(null, ids, { hidden: true });
    const b = await plain.model.run(null, ids, { hidden: true });
    assert.equal(b.hidden!.length, full.folder.config.nLayer + 1);
    a.hidden!.forEach((h, l) => {
      const d = maxDiff(h, b.hidden![l]);
      assert.ok(d < 1e-4, `hidden_states.${l} differs by ${d}`);
    });
    const sa = await full.suggest(text, SUGGEST);
    const sb = await plain.suggest(text, SUGGEST);
    if (!assertSameOrNearTie(sa.alternatives, sb.alternatives, text)) assert.equal(sb.text, sa.text, text);
    assertSameRankingOrNearTies(sa.alternatives, sb.alternatives, sa.alternatives.length, text);
  }
});

test("through the bring-your-own path: the same static and contextual neighbours (same word list); without a word list, still neighbours", async () => {
  for (const e of [full, plain]) while (!(await neighbourSpace(e).buildIndex(5000, () => false)).done);
  for (const mode of ["static", "contextual"] as const) {
    const req = { query: "king", mode, layer: 2, metric: "cosine" as const, k: 8 };
    const a = await neighbourSpace(full).search(req);
    const b = await neighbourSpace(plain).search(req);
    assert.ok(a.neighbours.length > 0);
    assert.deepEqual(b.neighbours.map((h) => h.word), a.neighbours.map((h) => h.word), mode);
  }
  // a downloaded folder has no words.txt: the words come from the tokenizer's vocabulary instead
  const bare = join(work, "no-words");
  cpSync(plainDir, bare, { recursive: true });
  rmSync(join(bare, "words.txt"));
  const e = await Engine.load(bare, { threads: 1 });
  try {
    const list = await neighbourSpace(e).search({ query: "king", mode: "static", layer: 0, metric: "cosine", k: 8 });
    assert.equal(list.neighbours.length, 8);
  } finally {
    await e.dispose();
  }
});

test("the CLI's --model takes the plain folder and prints the same attention as the full export", () => {
  const cli = (dir: string) => spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "attention", "--json", "--model", dir, TEXTS[1]], { encoding: "utf8", timeout: 60000 });
  const a = cli(MODEL_DIR);
  const b = cli(plainDir);
  assert.equal(b.status, 0, b.stderr);
  const ja = JSON.parse(a.stdout) as { tokens: string[]; attentions: number[][][][] };
  const jb = JSON.parse(b.stdout) as { tokens: string[]; attentions: number[][][][] };
  assert.deepEqual(jb.tokens, ja.tokens);
  assert.ok(maxDiff(jb.attentions.flat(3), ja.attentions.flat(3)) < 1e-4);
});

/** Our plain model as a merged decoder: an If on use_cache_branch whose two branches are the decoder. */
function mergedDecoder(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  const branch = (prefix: string): onnx.IGraphProto => {
    const made = new Set((g.node ?? []).flatMap((n) => n.output ?? []));
    const rename = (n: string) => (made.has(n) ? `${prefix}/${n}` : n);
    return {
      name: `${prefix}_branch`,
      node: (g.node ?? []).map((n) => ({ ...n, name: `${prefix}/${n.name ?? ""}`, input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) })),
      output: (g.output ?? []).map((o) => ({ ...o, name: rename(o.name ?? "") })),
    };
  };
  const ifNode: onnx.INodeProto = {
    opType: "If",
    name: "optimum_merged",
    input: ["use_cache_branch"],
    output: (g.output ?? []).map((o) => o.name ?? ""),
    attribute: [
      { name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("with_past") },
      { name: "else_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch("no_past") },
    ],
  };
  const useCache: onnx.IValueInfoProto = { name: "use_cache_branch", type: { tensorType: { elemType: onnx.TensorProto.DataType.BOOL, shape: { dim: [{ dimValue: 1 }] } } } };
  m.graph = onnx.GraphProto.create({ name: g.name, input: [...(g.input ?? []), useCache], output: g.output, initializer: g.initializer, node: [ifNode] });
  return onnx.ModelProto.encode(m).finish();
}

test("a merged decoder (decoder_model_merged.onnx with use_cache_branch) works too, attention included", async () => {
  const dir = join(work, "merged");
  cpSync(plainDir, dir, { recursive: true });
  rmSync(join(dir, "onnx", "model.onnx"));
  writeFileSync(join(dir, "onnx", "decoder_model_merged.onnx"), mergedDecoder(readFileSync(join(plainDir, "onnx", "model.onnx"))));
  const merged = await Engine.load(dir, { threads: 1 });
  try {
    assert.equal(merged.model.io.hasUseCacheBranch, true);
    assert.match((merged.info().quantized as { problem: string }).problem, /inside an If node's branches/);
    assert.deepEqual(merged.model.io.addedOutputs, ["attentions", "hidden_states"]);
    const a = await full.attention(TEXTS[0], 256);
    const b = await merged.attention(TEXTS[0], 256);
    assert.ok(maxDiff(a.attentions, b.attentions) < 1e-4);
    // the KV cache path (use_cache_branch true after the first run) suggests the same words
    const sa = await full.suggest(TEXTS[1], SUGGEST);
    const sb = await merged.suggest(TEXTS[1], SUGGEST);
    assert.equal(sb.text, sa.text);
    assert.ok(sa.text.length > 0);
  } finally {
    await merged.dispose();
  }
});

test("an export without past_key_values and without position_ids (--plain --no-cache) works too: same attention and suggestions", async () => {
  const e = await Engine.load(noCacheDir, { threads: 1 });
  try {
    assert.deepEqual([...e.model.io.inputNames].sort(), ["attention_mask", "input_ids"]);
    assert.equal(e.model.io.hasPast, false);
    assert.equal(e.model.io.hasPositionIds, false);
    assert.match((e.info().quantized as { problem: string }).problem, /no key\/value cache inputs/);
    assert.deepEqual(e.model.io.addedOutputs, ["attentions", "hidden_states"]);
    const a = await full.attention(TEXTS[0], 256);
    const b = await e.attention(TEXTS[0], 256);
    assert.ok(maxDiff(a.attentions, b.attentions) < 1e-4);
    assert.deepEqual(b.nextWords.slice(0, 5).map((w) => w.word), a.nextWords.slice(0, 5).map((w) => w.word));
    // every step recomputes the whole sequence, and still suggests the same words
    for (const text of TEXTS) {
      const sa = await full.suggest(text, SUGGEST);
      const sb = await e.suggest(text, SUGGEST);
      assert.equal(sb.text, sa.text, text);
    }
  } finally {
    await e.dispose();
  }
});

test("fused attention: the reason is given instead of numbers; the panel's request fails with it", async () => {
  const bytes = readFileSync(join(plainDir, "onnx", "model.onnx"));
  const m = onnx.ModelProto.decode(bytes);
  // what an optimised export looks like: a fused operator where the Softmax was
  m.graph!.node!.push({ opType: "MultiHeadAttention", domain: "com.microsoft", name: "fused", input: [], output: ["fused_out"] });
  const r = exposeInternals(onnx.ModelProto.encode(m).finish(), { nLayer: full.folder.config.nLayer, attentions: true, hidden: false });
  assert.equal(r.attentions, false);
  assert.match(r.attentionProblem ?? "", /fused into one MultiHeadAttention operator/);
  // a model loaded without surgery says why there is nothing to show, naming the file
  const bare = await Engine.load(plainDir, { threads: 1, expose: false });
  try {
    assert.equal(bare.model.io.hasAttentions, false);
    await assert.rejects(bare.attention("the hair was still", 64), (e: Error) => e instanceof ModelFolderError && /model\.onnx: this model's attention probabilities cannot be shown/.test(e.message));
    // suggestions still work
    assert.ok((await bare.suggest("the hair was still", SUGGEST)).text.length > 0);
  } finally {
    await bare.dispose();
  }
});

test("not ONNX at all, or weights in external data: a reason, no exception", () => {
  const junk = exposeInternals(new TextEncoder().encode("not a model"), { nLayer: 4, attentions: true, hidden: true });
  assert.equal(junk.attentions, false);
  assert.ok(junk.attentionProblem && junk.hiddenProblem);
  const m = onnx.ModelProto.decode(readFileSync(join(plainDir, "onnx", "model.onnx")));
  m.graph!.initializer![0].dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  const ext = exposeInternals(onnx.ModelProto.encode(m).finish(), { nLayer: 4, attentions: true, hidden: true });
  assert.match(ext.attentionProblem ?? "", /external data/);
  assert.ok(existsSync(plainDir));
});
