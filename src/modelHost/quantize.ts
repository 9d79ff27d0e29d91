// 8-bit weights for the suggestion runs. A one-token run reads every weight once and does two
// multiply-adds with it, so it is bound by memory traffic, not arithmetic: this machine streams the
// float32 weights at about 25 GB/s. Each MatMul whose right-hand side is a constant float matrix is
// rewritten, in memory, as onnxruntime's MatMulNBits (com.microsoft) over 8-bit weights in blocks of 32
// along the input dimension, one float scale per block (symmetric: w ≈ (q - 128) · scale). The
// multiply itself runs on 8-bit integers (accuracy_level 4, the activations quantized per block too).
//
// The model file is not changed. The exact float32 session stays in use for everything that shows the
// model's internals or measures it (attention, hidden states, cross-entropy), and for runs of many new
// tokens, where the integer kernels are slower than float32 ones on a CPU without VNNI.
import { onnx } from "onnx-proto";
import { decodeForRewrite } from "./graphSurgery";

export const QUANT_BITS = 8;
export const QUANT_BLOCK = 32;
const TINY = 1e-30;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const UINT8 = onnx.TensorProto.DataType.UINT8;

export interface QuantizeResult {
  /** the rewritten model; undefined when there was nothing to rewrite (see problem) */
  bytes?: Uint8Array;
  /** MatMuls rewritten */
  matmuls: number;
  /** weights (matrix entries) now held in 8 bits */
  weights: number;
  problem?: string;
}

/** The float values of an initializer, or undefined when it is not a float tensor held in the file. */
export function floatValues(t: onnx.ITensorProto): Float32Array | undefined {
  if (t.dataType !== FLOAT || t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return undefined;
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    // copy: rawData may sit at an offset of the file's buffer that is not 4-byte aligned
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return t.floatData && t.floatData.length > 0 ? Float32Array.from(t.floatData) : undefined;
}

export interface QuantizedMatrix {
  /** [n, blocks, QUANT_BLOCK]: q = round(w / scale) + 128 */
  q: Uint8Array;
  /** [n, blocks] */
  scales: Float32Array;
  blocks: number;
}

/**
 * Quantize a matrix given as w[n][k] (one row per output). Rows are padded with zeros to whole blocks.
 * The error of each entry is at most half its block's scale, and the scale is the block's largest
 * magnitude / 127 (0 for a block whose magnitudes are all below 1e-30).
 */
export function quantizeRows(w: Float32Array, n: number, k: number): QuantizedMatrix {
  if (w.length !== n * k) throw new RangeError(`${w.length} values for a ${n}×${k} matrix`);
  const blocks = Math.ceil(k / QUANT_BLOCK);
  const width = blocks * QUANT_BLOCK;
  let padded = w;
  if (width !== k) {
    padded = new Float32Array(n * width);
    for (let r = 0; r < n; r++) padded.set(w.subarray(r * k, (r + 1) * k), r * width);
  }
  // [n, blocks, QUANT_BLOCK] is, flat, one block after another
  const q = new Uint8Array(n * width);
  const scales = new Float32Array(n * blocks);
  for (let b = 0; b < n * blocks; b++) {
    const from = b * QUANT_BLOCK;
    const to = from + QUANT_BLOCK;
    let max = 0;
    for (let i = from; i < to; i++) {
      const a = Math.abs(padded[i]);
      if (a > max) max = a;
    }
    // a block of zeros (or of magnitudes below 1e-30, whose scale would underflow) gets scale 0: every q is 128, read back as 0
    const scale = max < TINY ? 0 : Math.fround(max / 127);
    scales[b] = scale;
    if (scale === 0) {
      q.fill(128, from, to);
      continue;
    }
    const inv = 1 / scale;
    for (let i = from; i < to; i++) {
      // round(w / scale) + 128; |w| ≤ max keeps it within 1..255 (clamped against the last float ulp)
      const v = (padded[i] * inv + 128.5) | 0;
      q[i] = v > 255 ? 255 : v < 1 ? 1 : v;
    }
  }
  return { q, scales, blocks };
}

/** A constant weight matrix as rows w[n][k], from MatMul's B input: an initializer [k, n], or Transpose of one [n, k]. */
function constantRows(name: string, inits: Map<string, onnx.ITensorProto>, producer: Map<string, onnx.INodeProto>): { w: Float32Array; n: number; k: number; via?: onnx.INodeProto } | undefined {
  const direct = inits.get(name);
  const dims = (t: onnx.ITensorProto) => (t.dims ?? []).map(Number);
  if (direct) {
    const d = dims(direct);
    const v = d.length === 2 ? floatValues(direct) : undefined;
    if (!v) return undefined;
    const [k, n] = d;
    const w = new Float32Array(n * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) w[j * k + i] = v[i * n + j];
    return { w, n, k };
  }
  const t = producer.get(name);
  if (t?.opType !== "Transpose" || !t.input?.[0]) return undefined;
  const perm = (t.attribute ?? []).find((a) => a.name === "perm")?.ints?.map(Number);
  if (perm && !(perm.length === 2 && perm[0] === 1 && perm[1] === 0)) return undefined;
  const src = inits.get(t.input[0]);
  const d = src ? dims(src) : [];
  const v = src && d.length === 2 ? floatValues(src) : undefined;
  if (!v) return undefined;
  return { w: v, n: d[0], k: d[1], via: t };
}

/**
 * Rewrite the top-level graph's MatMuls over constant float matrices as 8-bit MatMulNBits. Matrices
 * with fewer than QUANT_BLOCK inputs are left alone. Initializers and Transposes that nothing reads any
 * more are dropped (a tied embedding keeps its float copy for the Gather).
 */
export function quantizeWeights(bytes: Uint8Array): QuantizeResult {
  const decoded = decodeForRewrite(bytes);
  if ("problem" in decoded) return { matmuls: 0, weights: 0, problem: decoded.problem };
  const { model, graph } = decoded;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const producer = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const o of node.output ?? []) if (o) producer.set(o, node);
  const added: onnx.ITensorProto[] = [];
  let matmuls = 0;
  let weights = 0;
  const nodes = (graph.node ?? []).map((node) => {
    if (node.opType !== "MatMul" || (node.domain ?? "") !== "" || !node.input?.[1]) return node;
    const m = constantRows(node.input[1], inits, producer);
    if (!m || m.k < QUANT_BLOCK) return node;
    const { q, scales, blocks } = quantizeRows(m.w, m.n, m.k);
    const base = `lm_lens_q8/${matmuls}`;
    added.push(
      onnx.TensorProto.create({ name: `${base}/weights`, dataType: UINT8, dims: [m.n, blocks, QUANT_BLOCK], rawData: q }),
      onnx.TensorProto.create({ name: `${base}/scales`, dataType: FLOAT, dims: [m.n, blocks], rawData: new Uint8Array(scales.buffer) }),
    );
    matmuls++;
    weights += m.n * m.k;
    const int = (name: string, i: number) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });
    return onnx.NodeProto.create({
      opType: "MatMulNBits",
      domain: "com.microsoft",
      // an export may leave nodes unnamed (""), and names must be unique
      name: node.name ? `${node.name}/q8` : `${base}/node`,
      input: [node.input[0], `${base}/weights`, `${base}/scales`],
      output: node.output,
      attribute: [int("K", m.k), int("N", m.n), int("bits", QUANT_BITS), int("block_size", QUANT_BLOCK), int("accuracy_level", 4)],
    });
  });
  if (matmuls === 0) {
    const branchy = (graph.node ?? []).some((n) => n.opType === "If" || n.opType === "Loop");
    return { matmuls, weights, problem: branchy ? "its MatMuls are inside an If node's branches (a merged decoder); only a top-level graph is rewritten" : "no MatMul over a constant float matrix was found in the top-level graph" };
  }
  // drop what nothing reads any more (the float weights of the rewritten MatMuls and their Transposes);
  // the branches of If and Loop nodes may read the outer graph's tensors too
  const inputsOf = (list: onnx.INodeProto[]): string[] =>
    list.flatMap((n) => [...(n.input ?? []), ...(n.attribute ?? []).flatMap((a) => [a.g, ...(a.graphs ?? [])].flatMap((g) => (g ? inputsOf(g.node ?? []) : [])))]);
  const read = (list: onnx.INodeProto[]) => new Set([...inputsOf(list), ...(graph.output ?? []).map((o) => o.name ?? "")]);
  let kept = nodes;
  for (;;) {
    const r = read(kept);
    const next = kept.filter((n) => n.opType !== "Transpose" || (n.output ?? []).some((o) => r.has(o)));
    if (next.length === kept.length) break;
    kept = next;
  }
  const r = read(kept);
  graph.node = kept;
  const dropped = new Set((graph.initializer ?? []).map((t) => t.name ?? "").filter((n) => !r.has(n)));
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name ?? "")), ...added];
  // an older export lists its initializers as graph inputs too: a dropped one must not become a required input
  graph.input = (graph.input ?? []).filter((i) => !dropped.has(i.name ?? ""));
  if (!(model.opsetImport ?? []).some((o) => o.domain === "com.microsoft")) model.opsetImport = [...(model.opsetImport ?? []), { domain: "com.microsoft", version: 1 }];
  return { bytes: onnx.ModelProto.encode(model).finish(), matmuls, weights };
}
