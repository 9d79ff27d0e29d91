// One-node MatMul graphs, built with onnx-proto: the document memory's dot products (onnxModel.ts's
// dots) and the benchmark's MatMul floor. Pure: bytes in, bytes out.
import { onnx } from "onnx-proto";

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** a dimension: a fixed size, or a name for one given at run time */
type Dim = number | string;

const dims = (shape: readonly Dim[]) => ({ dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) });

/**
 * Y = A · B. A and B are graph inputs of the given shapes, or B is a constant (an initializer) when its
 * values are given.
 */
export function matmulGraph(a: readonly Dim[], b: readonly Dim[], bValues?: Float32Array): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 14 }],
    producerName: "lm-lens",
    graph: {
      name: "matmul",
      node: [{ opType: "MatMul", input: ["A", "B"], output: ["Y"], name: "mm" }],
      initializer: bValues ? [{ name: "B", dims: b.map(Number), dataType: FLOAT, rawData: new Uint8Array(bValues.buffer, bValues.byteOffset, bValues.byteLength) }] : [],
      input: [{ name: "A", type: { tensorType: { elemType: FLOAT, shape: dims(a) } } }, ...(bValues ? [] : [{ name: "B", type: { tensorType: { elemType: FLOAT, shape: dims(b) } } }])],
      output: [{ name: "Y", type: { tensorType: { elemType: FLOAT } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
