// A model file whose weights hold NaN or infinity (a damaged download) loads and runs, and every
// probability it gives is NaN: the suggestions come back empty with no word of why. A flipped exponent
// bit is worse: the weight stays finite (0.02 becomes 6.8e36) and the answers are merely wrong. The
// float weights are checked once at load instead, and the first bad one is named.
import { onnx } from "onnx-proto";
import { floatValues } from "./quantize";

/**
 * Largest |weight| accepted. Trained transformer weights stay small (initialisation, weight decay and
 * LayerNorm keep them near 1; the shipped model's largest, printed by test/robust/loadBounds.test.ts, is
 * ln_f.weight at about 3.6), so this leaves a margin of more than 10^5. A flip of one of the top three
 * exponent bits of a weight below 2 multiplies it by 2^32, 2^64 or 2^128: far beyond it.
 */
export const MAX_ABS_WEIGHT = 1e6;

/** float32's largest finite value: exporters fill masks with its negative (torch.finfo(torch.float32).min) */
const FLOAT32_MAX = 3.4028234663852886e38;

export interface BadWeight {
  name: string;
  index: number;
  value: number;
  /** "non-finite": NaN or ±infinity; "huge": finite but beyond ±MAX_ABS_WEIGHT */
  kind: "non-finite" | "huge";
}

/**
 * A tensor that holds one huge value in many places is a constant an exporter folded in (a causal mask
 * filled with -1e4, -1e9 or float32's minimum), not a weight: a flipped bit makes one value, among
 * ordinary ones. A scalar or a tensor whose huge entries are all one value, in at least 1/16 of its
 * entries, is such a constant.
 */
function isFill(values: Float32Array, huge: number): boolean {
  if (values.length <= 1) return true;
  let same = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > MAX_ABS_WEIGHT && values[i] !== huge) return false;
    if (values[i] === huge) same++;
  }
  return same * 16 >= values.length;
}

/** The first float weight (initializer) of a decoded ONNX model that is NaN, infinite or huge; undefined when all are fine. */
export function firstBadWeight(model: onnx.IModelProto): BadWeight | undefined {
  for (const t of model.graph?.initializer ?? []) {
    const values = floatValues(t);
    if (!values) continue;
    // the tensor's first huge value decides whether it is a folded constant, once (a mask holds many)
    let fill: boolean | undefined;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      // NaN fails the comparison; infinities exceed float32's largest value
      if (!(a <= FLOAT32_MAX)) return { name: t.name ?? "", index: i, value: values[i], kind: "non-finite" };
      if (a > MAX_ABS_WEIGHT && !(fill ??= isFill(values, values[i]))) return { name: t.name ?? "", index: i, value: values[i], kind: "huge" };
    }
  }
  return undefined;
}
