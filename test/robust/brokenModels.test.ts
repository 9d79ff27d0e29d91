// Broken model folders: each gives one clear error that names the file and what is wrong with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/modelHost/engine";
import { ModelFolderError } from "../../src/modelHost/modelFolder";
import { onnx } from "onnx-proto";
import { MODEL_DIR } from "../unit/helpers";

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "lmlens-broken-"));
  cpSync(MODEL_DIR, dir, { recursive: true });
  return dir;
}

async function loadError(dir: string): Promise<ModelFolderError> {
  try {
    const e = await Engine.load(dir);
    await e.dispose();
  } catch (e) {
    assert.ok(e instanceof ModelFolderError, `a ModelFolderError, not ${(e as Error).constructor.name}: ${(e as Error).message}`);
    return e;
  }
  throw new Error("the broken model loaded");
}

const cases: [string, (dir: string) => void, RegExp, string][] = [
  ["a missing folder", (dir) => rmSync(dir, { recursive: true, force: true }), /model folder not found/, ""],
  ["an empty model.onnx", (dir) => writeFileSync(join(dir, "onnx", "model.onnx"), ""), /the file is empty/, "onnx/model.onnx"],
  ["a truncated model.onnx", (dir) => truncateSync(join(dir, "onnx", "model.onnx"), Math.floor(statSync(join(dir, "onnx", "model.onnx")).size / 3)), /onnxruntime cannot load this file/, "onnx/model.onnx"],
  ["a tokenizer.json that does not parse", (dir) => writeFileSync(join(dir, "tokenizer.json"), '{"model": '), /not valid JSON/, "tokenizer.json"],
  ["a tokenizer that is not byte-level BPE", (dir) => {
    const j = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));
    j.pre_tokenizer = { type: "Whitespace" };
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(j));
  }, /only byte-level BPE/, "tokenizer.json"],
  ["a vocabulary that does not match the model", (dir) => {
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    c.vocab_size = 1000;
    writeFileSync(join(dir, "config.json"), JSON.stringify(c));
  }, /belong to different models/, "tokenizer.json"],
  ["a config.json without n_head", (dir) => {
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    delete c.n_head;
    writeFileSync(join(dir, "config.json"), JSON.stringify(c));
  }, /missing or invalid "n_head"/, "config.json"],
  ["a config.json whose layer count does not match the graph", (dir) => {
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    c.n_layer = c.n_layer + 2;
    writeFileSync(join(dir, "config.json"), JSON.stringify(c));
  }, /past_key_values/, "onnx/model.onnx"],
  ["a graph without a logits output", (dir) => {
    const path = join(dir, "onnx", "model.onnx");
    const m = onnx.ModelProto.decode(readFileSync(path));
    for (const node of m.graph!.node!) node.output = node.output!.map((o) => (o === "logits" ? "scores" : o));
    for (const o of m.graph!.output!) if (o.name === "logits") o.name = "scores";
    writeFileSync(path, onnx.ModelProto.encode(m).finish());
  }, /not a GPT-2-style decoder: no "logits" output/, "onnx/model.onnx"],
  ["a graph with an input it does not know", (dir) => {
    const path = join(dir, "onnx", "model.onnx");
    const m = onnx.ModelProto.decode(readFileSync(path));
    m.graph!.input!.push({ name: "token_type_ids", type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: "batch" }, { dimParam: "seq" }] } } } });
    writeFileSync(path, onnx.ModelProto.encode(m).finish());
  }, /unexpected input "token_type_ids"/, "onnx/model.onnx"],
  ["a file that is not .onnx named as the model", (dir) => {
    rmSync(join(dir, "onnx", "model.onnx"));
    writeFileSync(join(dir, "onnx", "model.onnx.so"), "not a model");
  }, /no ONNX model \(looked for onnx\/model.onnx/, ""],
];

for (const [name, breakIt, message, file] of cases) {
  test(`${name}: one clear error naming the file`, async () => {
    const dir = copy();
    try {
      breakIt(dir);
      const e = await loadError(dir);
      assert.match(e.message, message);
      if (file) {
        assert.ok(e.message.includes(join(dir, file)), `the message names ${file}: ${e.message}`);
        assert.equal(e.file, join(dir, file));
      }
      assert.ok(!e.message.includes("\n"), "one line");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
