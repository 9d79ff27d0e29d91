// A model file whose weights hold NaN or infinity (a damaged download, flipped bits) loads and runs, and
// every probability it gives is NaN: the suggestions come back empty with no word of why. Its float
// weights are checked once at load instead, and the first bad one is named.
import { onnx } from "onnx-proto";
import { floatValues } from "./quantize";

/** The first float weight (initializer) of an ONNX file that is NaN or infinite, or undefined when all are finite. */
export function firstNonFiniteWeight(bytes: Uint8Array): { name: string; index: number; value: number } | undefined {
  const model = onnx.ModelProto.decode(bytes);
  for (const t of model.graph?.initializer ?? []) {
    const values = floatValues(t);
    if (!values) continue;
    for (let i = 0; i < values.length; i++) {
      // NaN fails both comparisons; infinities fail the second
      if (!(Math.abs(values[i]) <= 3.4028234663852886e38)) return { name: t.name ?? "", index: i, value: values[i] };
    }
  }
  return undefined;
}
