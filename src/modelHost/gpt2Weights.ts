// The weights of a GPT-2 family model as arrays, read from its ONNX file's initializers, for what the
// explanation computes outside onnxruntime (explainMath.ts): each head's and each MLP's own output, and
// the final LayerNorm and unembedding applied to any vector. Names as our export writes them
// (models/recipe/export.py: "model.h.0.attn.c_attn.weight", torch's nn.Linear layout [out, in]) or as a
// Hugging Face GPT-2 export writes them ("transformer.h.0.attn.c_attn.weight", Conv1D layout [in, out]).
import { onnx } from "onnx-proto";
import { decodeForRewrite } from "./graphSurgery";
import { floatValues } from "./quantize";

/** A linear map y = W x + b with W held [out, in] (row o: the weights of output o). */
export interface Linear {
  w: Float32Array;
  b: Float32Array;
  out: number;
  in: number;
}

export interface Norm {
  g: Float32Array;
  b: Float32Array;
}

export interface BlockWeights {
  ln1: Norm;
  /** queries, keys and values: [3 * D, D] */
  qkv: Linear;
  /** the heads' output projection: [D, D] */
  proj: Linear;
  ln2: Norm;
  fc: Linear;
  fcOut: Linear;
}

export interface Gpt2Weights {
  /** [V, D]: the token embedding, tied to the unembedding */
  wte: Float32Array;
  /** the unembedding when it is not tied ([V, D]); absent: wte */
  unembed?: Float32Array;
  blocks: BlockWeights[];
  lnF: Norm;
  D: number;
  V: number;
  eps: number;
}

/** Read the weights, or say in one line why they cannot be (another family, external data, missing tensors). */
export function readGpt2Weights(bytes: Uint8Array, cfg: { nLayer: number; nEmbd: number; vocabSize: number; layerNormEpsilon?: number }): Gpt2Weights | { problem: string } {
  const decoded = decodeForRewrite(bytes);
  if ("problem" in decoded) return decoded;
  const byName = new Map<string, onnx.ITensorProto>();
  for (const t of decoded.graph.initializer ?? []) if (t.name) byName.set(t.name, t);
  const prefix = byName.has("model.wte.weight") ? "model." : byName.has("transformer.wte.weight") ? "transformer." : undefined;
  if (!prefix) return { problem: "its weights are not named as a GPT-2 export names them (model.wte.weight or transformer.wte.weight)" };
  // our export: nn.Linear [out, in]; Hugging Face: Conv1D [in, out]
  const conv1d = prefix === "transformer.";
  const D = cfg.nEmbd;
  let missing = "";
  const get = (name: string, size: number): Float32Array => {
    const t = byName.get(prefix + name);
    const v = t ? floatValues(t) : undefined;
    if (!v || v.length !== size) {
      missing ||= `${prefix}${name}${v ? ` has ${v.length} values, not ${size}` : " is missing or not float32"}`;
      return new Float32Array(size);
    }
    return v;
  };
  const linear = (name: string, out: number, inn: number): Linear => {
    const w = get(`${name}.weight`, out * inn);
    return { w: conv1d ? transpose(w, inn, out) : w, b: get(`${name}.bias`, out), out, in: inn };
  };
  const norm = (name: string): Norm => ({ g: get(`${name}.weight`, D), b: get(`${name}.bias`, D) });
  const wte = get("wte.weight", cfg.vocabSize * D);
  const blocks = Array.from({ length: cfg.nLayer }, (_, l) => {
    const inner = byName.get(`${prefix}h.${l}.mlp.${conv1d ? "c_fc" : "0"}.bias`)?.dims?.[0];
    const I = Number(inner ?? 4 * D);
    return {
      ln1: norm(`h.${l}.ln_1`),
      qkv: linear(`h.${l}.attn.c_attn`, 3 * D, D),
      proj: linear(`h.${l}.attn.c_proj`, D, D),
      ln2: norm(`h.${l}.ln_2`),
      fc: linear(`h.${l}.mlp.${conv1d ? "c_fc" : "0"}`, I, D),
      fcOut: linear(`h.${l}.mlp.${conv1d ? "c_proj" : "2"}`, D, I),
    };
  });
  const lnF = norm("ln_f");
  if (missing) return { problem: `it lacks a weight the explanation needs: ${missing}` };
  return { wte, blocks, lnF, D, V: cfg.vocabSize, eps: cfg.layerNormEpsilon ?? 1e-5 };
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}
