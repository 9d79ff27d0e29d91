// Reading the token embedding matrix from an ONNX file's initializers (src/modelHost/embeddings.ts): the
// choice among tensors of the right shape, the data encodings, and on the shipped model, that the rows
// are the ones the model adds at its input (hidden_states.0 = token row + position row).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onnx } from "onnx-proto";
import { EmbeddingNotFoundError, readTokenEmbedding } from "../../src/modelHost/embeddings";
import { sharedEngine } from "./helpers";

const V = 6;
const D = 3;
const F = onnx.TensorProto.DataType.FLOAT;

function floats(seed: number, n = V * D): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => seed + i / 8);
}

function raw(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(0));
}

function tensor(name: string, values: Float32Array, dims = [V, D]): onnx.ITensorProto {
  return { name, dims, dataType: F, rawData: raw(values) };
}

function write(dir: string, graph: onnx.IGraphProto, file = "model.onnx"): string {
  const path = join(dir, file);
  writeFileSync(path, onnx.ModelProto.encode({ irVersion: 8, graph }).finish());
  return path;
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "lm-lens-emb-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the initializer a Gather reads with input_ids wins over another of the same shape", () => {
  withDir((dir) => {
    const path = write(dir, {
      initializer: [tensor("lm_head.weight", floats(100)), tensor("onnx::Gather_7", floats(1)), tensor("model.wpe.weight", floats(5, 4 * D), [4, D])],
      node: [{ opType: "Gather", input: ["onnx::Gather_7", "input_ids"], output: ["emb"] }],
    });
    const e = readTokenEmbedding(path, V, D);
    assert.equal(e.name, "onnx::Gather_7");
    assert.equal(e.how, "Gather on input_ids");
    assert.deepEqual(e.matrix, floats(1));
    assert.ok(e.ms >= 0);
  });
});

test("Identity and Cast nodes between the weight, the ids and the Gather are followed", () => {
  withDir((dir) => {
    const path = write(dir, {
      initializer: [tensor("a", floats(100)), tensor("b", floats(2))],
      node: [
        { opType: "Identity", input: ["b"], output: ["b_id"] },
        { opType: "Cast", input: ["input_ids"], output: ["ids32"] },
        { opType: "Gather", input: ["a", "position_ids"], output: ["x"] },
        { opType: "Gather", input: ["b_id", "ids32"], output: ["emb"] },
      ],
    });
    const e = readTokenEmbedding(path, V, D);
    assert.equal(e.name, "b");
    assert.deepEqual(e.matrix, floats(2));
  });
});

test("without such a Gather: a name that says embedding, else the only tensor of the shape", () => {
  withDir((dir) => {
    const named = write(dir, { initializer: [tensor("other", floats(9)), tensor("transformer.wte.weight", floats(3))] }, "a.onnx");
    assert.equal(readTokenEmbedding(named, V, D).name, "transformer.wte.weight");
    assert.equal(readTokenEmbedding(named, V, D).how, "by shape and name");
    const only = write(dir, { initializer: [tensor("w0", floats(4))] }, "b.onnx");
    assert.equal(readTokenEmbedding(only, V, D).how, "by shape");
    // a Constant node's tensor counts as well
    const constant = write(dir, { node: [{ opType: "Constant", output: ["c0"], attribute: [{ name: "value", type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor("", floats(6)) }] }] }, "c.onnx");
    assert.deepEqual(readTokenEmbedding(constant, V, D).matrix, floats(6));
  });
});

test("float16, typed float fields and external data are read; external data outside the folder is refused", () => {
  withDir((dir) => {
    // 1.5 = 0x3e00, -2 = 0xc000, 0.25 = 0x3400
    const halves = new Uint16Array(V * D).map((_, i) => [0x3e00, 0xc000, 0x3400][i % 3]);
    const f16 = write(dir, { initializer: [{ name: "h", dims: [V, D], dataType: onnx.TensorProto.DataType.FLOAT16, rawData: new Uint8Array(halves.buffer) }] }, "h.onnx");
    assert.deepEqual([...readTokenEmbedding(f16, V, D).matrix.slice(0, 3)], [1.5, -2, 0.25]);
    const typed = write(dir, { initializer: [{ name: "t", dims: [V, D], dataType: F, floatData: [...floats(7)] }] }, "t.onnx");
    assert.deepEqual(readTokenEmbedding(typed, V, D).matrix, floats(7));
    const bytes = raw(floats(8));
    writeFileSync(join(dir, "weights.bin"), Buffer.concat([Buffer.alloc(16), Buffer.from(bytes)]));
    const ext = (location: string) => ({
      name: "x",
      dims: [V, D],
      dataType: F,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [{ key: "location", value: location }, { key: "offset", value: "16" }, { key: "length", value: String(bytes.length) }],
    });
    assert.deepEqual(readTokenEmbedding(write(dir, { initializer: [ext("weights.bin")] }, "e.onnx"), V, D).matrix, floats(8));
    assert.throws(() => readTokenEmbedding(write(dir, { initializer: [ext("../outside.bin")] }, "o.onnx"), V, D), /outside the model folder/);
  });
});

test("no matrix of the shape, too little data, a non-float type, or not an ONNX file: a clear EmbeddingNotFoundError", () => {
  withDir((dir) => {
    const none = write(dir, { initializer: [tensor("w", floats(1, D * V), [D, V])] }, "n.onnx");
    assert.throws(() => readTokenEmbedding(none, V, D), (e: Error) => e instanceof EmbeddingNotFoundError && /no token embedding matrix: no initializer of shape \[6, 3\]/.test(e.message));
    const short = write(dir, { initializer: [{ name: "s", dims: [V, D], dataType: F, rawData: new Uint8Array(8) }] }, "s.onnx");
    assert.throws(() => readTokenEmbedding(short, V, D), /fewer than its shape needs/);
    const ints = write(dir, { initializer: [{ name: "i", dims: [V, D], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(V * D * 8) }] }, "i.onnx");
    assert.throws(() => readTokenEmbedding(ints, V, D), /data type INT64, not a float type/);
    const junk = join(dir, "junk.onnx");
    writeFileSync(junk, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    assert.throws(() => readTokenEmbedding(junk, V, D), EmbeddingNotFoundError);
    assert.throws(() => readTokenEmbedding(join(dir, "missing.onnx"), V, D), EmbeddingNotFoundError);
  });
});

test("on the shipped model, the rows are the model's own: hidden_states.0 differences at one position match", async () => {
  const engine = await sharedEngine();
  const cfg = engine.folder.config;
  const e = readTokenEmbedding(engine.folder.onnxPath, cfg.vocabSize, cfg.nEmbd);
  assert.equal(e.matrix.length, cfg.vocabSize * cfg.nEmbd);
  const Dm = cfg.nEmbd;
  const ids = [5, 300, 1234, cfg.vocabSize - 1];
  const h0 = await Promise.all(ids.map(async (id) => (await engine.model.run(null, [id], { hidden: true })).hidden![0]));
  // at position 0 both carry the same position row: h0(a) - h0(b) = wte[a] - wte[b]
  for (let i = 1; i < ids.length; i++) {
    for (let j = 0; j < Dm; j++) {
      const want = h0[i][j] - h0[0][j];
      const got = e.matrix[ids[i] * Dm + j] - e.matrix[ids[0] * Dm + j];
      assert.ok(Math.abs(want - got) < 1e-5, `token ${ids[i]} dim ${j}: ${got} vs ${want}`);
    }
  }
});
