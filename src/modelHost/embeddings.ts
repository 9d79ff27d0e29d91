// The token embedding matrix [vocab_size, n_embd], read from the ONNX file's initializers with onnx-proto
// (the ONNX protobuf schema for protobufjs), not through onnxruntime, which does not expose weights.
// Node only: the model host and the CLI call it, never the extension host's thread.
// The matrix is found by shape; among several of that shape, the one that a Gather reads with input_ids
// (through Identity or Cast nodes, if any) wins, then a name that says so (wte, embed_tokens, ...).
import { readFileSync, openSync, readSync, closeSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { onnx } from "onnx-proto";
import { ModelFolderError } from "./modelFolder";

export interface TokenEmbedding {
  /** [vocabSize, nEmbd] row-major */
  matrix: Float32Array;
  vocabSize: number;
  nEmbd: number;
  /** the initializer's name in the graph */
  name: string;
  /** why this one: "Gather on input_ids" or "by shape" */
  how: string;
  ms: number;
}

/** The ONNX file has no initializer of the expected shape (or cannot be read as ONNX). */
export class EmbeddingNotFoundError extends ModelFolderError {}

const NAME_HINT = /(^|[./_])(wte|tok_embeddings|embed_tokens|word_embeddings|token_embedding|tok_emb|embeddings?)([./_]|$)/i;
const PASS_THROUGH = new Set(["Identity", "Cast"]);

interface Candidate {
  name: string;
  tensor: onnx.ITensorProto;
}

function dimsOf(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map((d) => Number(d));
}

/** IEEE 754 half precision -> number */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** The bytes of a tensor stored outside the .onnx file (external data), from a file inside the model's folder. */
function externalBytes(t: onnx.ITensorProto, onnxPath: string): Uint8Array {
  const entry = (k: string) => t.externalData?.find((e) => e.key === k)?.value ?? undefined;
  const location = entry("location");
  if (!location) throw new EmbeddingNotFoundError(`${onnxPath}: the initializer "${t.name}" has external data without a location`, onnxPath);
  const dir = dirname(resolve(onnxPath));
  const file = resolve(dir, location);
  // a location is a relative path next to the model; refuse one that points elsewhere
  if (!file.startsWith(dir + sep)) throw new EmbeddingNotFoundError(`${onnxPath}: the external data "${location}" lies outside the model folder`, onnxPath);
  const offset = Number(entry("offset") ?? 0);
  const length = entry("length") !== undefined ? Number(entry("length")) : statSync(file).size - offset;
  const out = new Uint8Array(length);
  const fd = openSync(file, "r");
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, out, read, length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    if (read !== length) throw new EmbeddingNotFoundError(`${file}: expected ${length} bytes at offset ${offset}, read ${read}`, file);
  } finally {
    closeSync(fd);
  }
  return out;
}

/** A float tensor's values as float32 (raw little-endian data or the typed fields; float16/bfloat16/double converted). */
export function tensorToFloat32(t: onnx.ITensorProto, count: number, onnxPath: string): Float32Array {
  const type = t.dataType ?? 0;
  const T = onnx.TensorProto.DataType;
  const external = t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
  const raw = external ? externalBytes(t, onnxPath) : t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const out = new Float32Array(count);
  const need = (bytesPer: number) => {
    if (raw && raw.length < count * bytesPer) throw new EmbeddingNotFoundError(`${onnxPath}: the initializer "${t.name}" holds ${raw.length} bytes, fewer than its shape needs`, onnxPath);
  };
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (type === T.FLOAT) {
      need(4);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    } else if (type === T.FLOAT16) {
      need(2);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    } else if (type === T.BFLOAT16) {
      need(2);
      const f = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        f.setUint32(0, view.getUint16(2 * i, true) << 16);
        out[i] = f.getFloat32(0);
      }
    } else if (type === T.DOUBLE) {
      need(8);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
    } else {
      throw new EmbeddingNotFoundError(`${onnxPath}: the initializer "${t.name}" has data type ${T[type] ?? type}, not a float type`, onnxPath);
    }
    return out;
  }
  // typed fields: float in floatData; float16/bfloat16 as their bits in int32Data; double in doubleData
  const src: ArrayLike<number> | undefined = type === T.FLOAT ? t.floatData ?? undefined : type === T.DOUBLE ? t.doubleData ?? undefined : type === T.FLOAT16 || type === T.BFLOAT16 ? t.int32Data ?? undefined : undefined;
  if (!src || src.length < count) throw new EmbeddingNotFoundError(`${onnxPath}: the initializer "${t.name}" holds no data for its shape`, onnxPath);
  for (let i = 0; i < count; i++) {
    const v = src[i];
    out[i] = type === T.FLOAT16 ? halfToFloat(v) : type === T.BFLOAT16 ? new Float32Array(new Uint32Array([v << 16]).buffer)[0] : v;
  }
  return out;
}

/** The name an input resolves to when Identity/Cast nodes are followed back to their source. */
function sourceOf(name: string, producers: Map<string, onnx.INodeProto>): string {
  for (let hops = 0; hops < 8; hops++) {
    const node = producers.get(name);
    if (!node || !PASS_THROUGH.has(node.opType ?? "") || !node.input?.[0]) return name;
    name = node.input[0];
  }
  return name;
}

/** Pick the embedding among initializers (and Constant nodes) of shape [vocabSize, nEmbd]. */
export function findTokenEmbedding(model: onnx.IModelProto, vocabSize: number, nEmbd: number): { candidate: Candidate; how: string } | undefined {
  const graph = model.graph;
  if (!graph) return undefined;
  const tensors = new Map<string, onnx.ITensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) tensors.set(t.name, t);
  for (const n of graph.node ?? []) {
    if (n.opType === "Constant" && n.output?.[0]) {
      const value = n.attribute?.find((a) => a.name === "value")?.t;
      if (value) tensors.set(n.output[0], { ...value, name: n.output[0] });
    }
  }
  const candidates: Candidate[] = [];
  for (const [name, tensor] of tensors) {
    const dims = dimsOf(tensor);
    if (dims.length === 2 && dims[0] === vocabSize && dims[1] === nEmbd) candidates.push({ name, tensor });
  }
  if (candidates.length === 0) return undefined;
  const producers = new Map<string, onnx.INodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) producers.set(o, n);
  const inputIds = new Set(["input_ids"]);
  // the ids may pass through Identity/Cast (an int32 cast) before the Gather
  for (const n of graph.node ?? []) if (PASS_THROUGH.has(n.opType ?? "") && n.input?.[0] && inputIds.has(sourceOf(n.input[0], producers))) for (const o of n.output ?? []) inputIds.add(o);
  for (const n of graph.node ?? []) {
    if (n.opType !== "Gather" || !n.input || n.input.length < 2) continue;
    if (!inputIds.has(sourceOf(n.input[1], producers))) continue;
    const src = sourceOf(n.input[0], producers);
    const hit = candidates.find((c) => c.name === src);
    if (hit) return { candidate: hit, how: "Gather on input_ids" };
  }
  const named = candidates.find((c) => NAME_HINT.test(c.name));
  if (named) return { candidate: named, how: "by shape and name" };
  return { candidate: candidates[0], how: "by shape" };
}

/** Read the token embedding matrix of a model's ONNX file. */
export function readTokenEmbedding(onnxPath: string, vocabSize: number, nEmbd: number): TokenEmbedding {
  const t0 = performance.now();
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(readFileSync(onnxPath));
  } catch (e) {
    throw new EmbeddingNotFoundError(`${onnxPath}: cannot read the ONNX file's weights (${(e as Error).message.split("\n")[0]})`, onnxPath);
  }
  const found = findTokenEmbedding(model, vocabSize, nEmbd);
  if (!found) {
    throw new EmbeddingNotFoundError(`${onnxPath}: no token embedding matrix: no initializer of shape [${vocabSize}, ${nEmbd}] (vocab_size, n_embd of config.json)`, onnxPath);
  }
  const matrix = tensorToFloat32(found.candidate.tensor, vocabSize * nEmbd, onnxPath);
  return { matrix, vocabSize, nEmbd, name: found.candidate.name, how: found.how, ms: performance.now() - t0 };
}
