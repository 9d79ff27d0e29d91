// What an ONNX file is checked for before onnxruntime reads it. onnxruntime builds a session and runs it
// on the caller's thread (onnxruntime-node's create and run are synchronous underneath their promises),
// so a graph that makes either take minutes cannot be interrupted by a timer: it is refused before, by
// what the file says. A GPT-2-style decoder is a few hundred to a few thousand nodes of fixed work per
// token; what no decoder export holds is refused with one line naming the file and the node:
// - nodes that repeat a subgraph as often as the graph decides (Loop, Scan, SequenceMap);
// - subgraphs nested deeper than a merged decoder's If (whose branches are the decoder);
// - more nodes or initializers than any decoder LM Lens can run has;
// - a constant shape that makes a tensor of more than MAX_ELEMENTS (Expand, ConstantOfShape, Tile,
//   Range), which onnxruntime would fill when it folds constants at load;
// - declared dimensions beyond 2^31.
// The weights themselves are checked by weightCheck.ts.
import { onnx } from "onnx-proto";
import { ModelFolderError } from "./modelFolder";
import { firstBadWeight, MAX_ABS_WEIGHT } from "./weightCheck";

/** ops that run a subgraph a number of times the graph computes: the one way a small file runs without end */
const REPEATING_OPS = new Set(["Loop", "Scan", "SequenceMap"]);
/** the main graph is level 1, a merged decoder's If branches level 2; a little room beyond */
const MAX_DEPTH = 3;
/** GPT-2 XL as a merged decoder has about 10^4 nodes */
export const MAX_NODES = 200_000;
export const MAX_INITIALIZERS = 100_000;
/** 2^28 float32 entries are 1 GiB: more than any tensor of a one-token run of a model LM Lens can hold */
export const MAX_ELEMENTS = 2 ** 28;
const MAX_DIM = 2 ** 31;

/** ops whose input `index` is a shape (or repeat counts) that sets the size of their output */
const SHAPE_INPUTS: Record<string, number> = { Expand: 1, ConstantOfShape: 0, Tile: 1 };

type Graph = onnx.IGraphProto;
type Node = onnx.INodeProto;

/** an int64 field as protobufjs gives it: a number, or a Long for values beyond 2^53 */
const num = (v: number | { toString(): string } | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === "number" ? v : Number(v.toString()));

/** The integer values of a constant tensor (an initializer or a Constant node's value), if small enough to be a shape. */
function intValues(t: onnx.ITensorProto): number[] | undefined {
  const D = onnx.TensorProto.DataType;
  if (t.dataType !== D.INT64 && t.dataType !== D.INT32) return undefined;
  if (t.int64Data?.length) return t.int64Data.map(num);
  if (t.int32Data?.length) return t.int32Data.slice();
  const raw = t.rawData;
  if (!raw?.length || raw.length > 64) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const wide = t.dataType === D.INT64;
  return Array.from({ length: raw.length / (wide ? 8 : 4) }, (_, i) => (wide ? Number(view.getBigInt64(8 * i, true)) : view.getInt32(4 * i, true)));
}

function scalarOf(t: onnx.ITensorProto | undefined): number | undefined {
  if (!t) return undefined;
  const ints = intValues(t);
  if (ints?.length === 1) return ints[0];
  if (t.dataType === onnx.TensorProto.DataType.FLOAT) {
    if (t.floatData?.length === 1) return t.floatData[0];
    if (t.rawData?.length === 4) return new DataView(t.rawData.buffer, t.rawData.byteOffset, 4).getFloat32(0, true);
  }
  return undefined;
}

/** One line for a refused node: which node, of what type. */
const nodeName = (n: Node) => `${n.opType ?? "?"} node${n.name ? ` "${n.name.slice(0, 80)}"` : ""}`;

/** Why the graph cannot be loaded within bounds, or undefined; `functions`: the model's local functions, by domain and name. */
export function graphProblem(model: onnx.IModelProto): string | undefined {
  const functions = new Map((model.functions ?? []).map((f) => [`${f.domain ?? ""}:${f.name ?? ""}`, f]));
  let nodes = 0;
  const constants = new Map<string, onnx.ITensorProto>();
  const visit = (list: readonly Node[], depth: number, where: string): string | undefined => {
    if (depth > MAX_DEPTH) return `${where} nests subgraphs ${depth} deep (a decoder has at most a merged decoder's If)`;
    for (const n of list) {
      if (++nodes > MAX_NODES) return `more than ${MAX_NODES} nodes`;
      const op = n.opType ?? "";
      if (REPEATING_OPS.has(op)) return `a ${nodeName(n)}${where ? ` in ${where}` : ""}: it repeats a subgraph as often as the graph says, which no decoder export does`;
      if (op === "Constant") {
        const value = (n.attribute ?? []).find((a) => a.name === "value")?.t;
        if (value && n.output?.[0]) constants.set(n.output[0], value);
      }
      const shapeAt = SHAPE_INPUTS[op];
      const shape = shapeAt === undefined ? undefined : constants.get(n.input?.[shapeAt] ?? "");
      const dims = shape && intValues(shape);
      if (dims && dims.reduce((p, d) => p * Math.max(1, d), 1) > MAX_ELEMENTS) return `a ${nodeName(n)} makes a tensor of [${dims.join(", ")}], more than ${MAX_ELEMENTS} entries`;
      if (op === "Range") {
        const [start, limit, delta] = [0, 1, 2].map((i) => scalarOf(constants.get(n.input?.[i] ?? "")));
        if (start !== undefined && limit !== undefined && delta !== undefined && delta !== 0 && (limit - start) / delta > MAX_ELEMENTS) {
          return `a ${nodeName(n)} makes ${(limit - start) / delta} entries, more than ${MAX_ELEMENTS}`;
        }
      }
      for (const a of n.attribute ?? []) {
        for (const g of [a.g, ...(a.graphs ?? [])]) {
          if (!g) continue;
          const inner = visit(g.node ?? [], depth + 1, `${nodeName(n)}'s ${a.name ?? "subgraph"}`);
          if (inner) return inner;
        }
      }
      const local = functions.get(`${n.domain ?? ""}:${op}`);
      if (local) {
        const inner = visit(local.node ?? [], depth + 1, `function ${op}`);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const g: Graph = model.graph ?? {};
  if ((g.initializer?.length ?? 0) > MAX_INITIALIZERS) return `${g.initializer!.length} initializers (at most ${MAX_INITIALIZERS})`;
  for (const t of g.initializer ?? []) if (t.name) constants.set(t.name, t);
  for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) {
    for (const d of v.type?.tensorType?.shape?.dim ?? []) {
      const n = num(d.dimValue);
      if (n < 0 || n > MAX_DIM) return `"${(v.name ?? "").slice(0, 80)}" is declared with a dimension of ${n}`;
    }
  }
  return visit(g.node ?? [], 1, "");
}

/**
 * Refuse, before onnxruntime reads it, a model file whose graph could not be loaded and test-run within
 * bounds, or whose weights are damaged. A file that cannot be read or decoded is left to onnxruntime,
 * whose error names it.
 */
export function checkModelFile(path: string, bytes: () => Uint8Array): void {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes());
  } catch {
    return;
  }
  const problem = graphProblem(model);
  if (problem) throw new ModelFolderError(`${path}: refused before loading: ${problem}`, path);
  const bad = firstBadWeight(model);
  if (!bad) return;
  const why = bad.kind === "huge" ? `beyond ±${MAX_ABS_WEIGHT} (a flipped bit? the file is damaged)` : "(NaN or infinite weights: the file is damaged)";
  throw new ModelFolderError(`${path}: the weight ${bad.name}[${bad.index}] is ${bad.value} ${why}`, path);
}
