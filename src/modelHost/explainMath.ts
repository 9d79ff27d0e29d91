// What each part of the model added to a prediction, and what each layer would have said. Pure.
//
// A pre-LayerNorm transformer's residual stream at the last position is a sum: the embeddings, each
// attention head's output (its attention-weighted values times its slice of the output projection),
// each layer's attention output bias, and each MLP's output. The final LayerNorm subtracts the mean and
// divides by the spread; with that spread held at its value for this position (its "scale"), it is
// linear, so the chosen token's logit splits exactly into one term per part (direct logit attribution,
// as in Elhage et al. 2021), plus the final norm's bias term. The logit lens (nostalgebraist 2020)
// applies the final LayerNorm and the unembedding to the stream after each layer.
import type { BlockWeights, Gpt2Weights, Linear, Norm } from "./gpt2Weights";

export interface Component {
  /** "embeddings", "L1H2" (layer 1, head 2: counted from 1), "L1 attention bias", "L1 MLP", "final norm bias" */
  name: string;
  /** its share of the token's logit */
  logit: number;
}

export interface Attribution {
  components: Component[];
  /** the sum of the components: the token's logit as this arithmetic computes it */
  logit: number;
  /** the residual stream at the last position after each layer ([L] rows of D), for the logit lens */
  streams: Float32Array[];
  /** the largest difference between this arithmetic's final normed state and the model's own */
  check: number;
}

/** Inputs from one run of the model over the window: per layer its input stream and attention. */
export interface RunInternals {
  /** hidden_states.0 .. L-1: the stream entering each layer, [T, D]; hidden_states.L: after the final norm */
  hidden: Float32Array[];
  /** per layer [H, T, T] attention probabilities */
  attentions: Float32Array[];
  T: number;
  H: number;
}

function layerNorm(x: Float32Array, n: Norm, eps: number): Float32Array {
  const D = x.length;
  let mean = 0;
  for (let i = 0; i < D; i++) mean += x[i];
  mean /= D;
  let v = 0;
  for (let i = 0; i < D; i++) v += (x[i] - mean) ** 2;
  const inv = 1 / Math.sqrt(v / D + eps);
  const out = new Float32Array(D);
  for (let i = 0; i < D; i++) out[i] = (x[i] - mean) * inv * n.g[i] + n.b[i];
  return out;
}

/** W x + b for rows [from, to) of W (outputs from .. to - 1) */
function apply(l: Linear, x: Float32Array, from = 0, to = l.out): Float32Array {
  const out = new Float32Array(to - from);
  for (let o = from; o < to; o++) {
    let s = l.b[o];
    const row = o * l.in;
    for (let i = 0; i < l.in; i++) s += l.w[row + i] * x[i];
    out[o - from] = s;
  }
  return out;
}

function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

function mlp(b: BlockWeights, x: Float32Array, eps: number): Float32Array {
  const h = apply(b.fc, layerNorm(x, b.ln2, eps));
  for (let i = 0; i < h.length; i++) h[i] = gelu(h[i]);
  return apply(b.fcOut, h);
}

/**
 * Each head's output at position t of layer l: Σ_j A[h, t, j] · v_j (its slice), times its columns of
 * the output projection (no bias: the bias is its own part). [H] vectors of D.
 */
function headOutputs(b: BlockWeights, stream: Float32Array, att: Float32Array, t: number, T: number, H: number, D: number, eps: number): Float32Array[] {
  const hd = D / H;
  const z = new Float32Array(D);
  for (let j = 0; j <= t; j++) {
    let any = false;
    for (let h = 0; h < H; h++) if (att[(h * T + t) * T + j] !== 0) any = true;
    if (!any) continue;
    const v = apply(b.qkv, layerNorm(stream.subarray(j * D, (j + 1) * D), b.ln1, eps), 2 * D, 3 * D);
    for (let h = 0; h < H; h++) {
      const a = att[(h * T + t) * T + j];
      for (let i = h * hd; i < (h + 1) * hd; i++) z[i] += a * v[i];
    }
  }
  return Array.from({ length: H }, (_, h) => {
    const out = new Float32Array(D);
    for (let o = 0; o < D; o++) {
      let s = 0;
      const row = o * D;
      for (let i = h * hd; i < (h + 1) * hd; i++) s += b.proj.w[row + i] * z[i];
      out[o] = s;
    }
    return out;
  });
}

/** The unembedding row of a token (the tied embedding where there is no separate one). */
function unembedRow(w: Gpt2Weights, token: number): Float32Array {
  const m = w.unembed ?? w.wte;
  return m.subarray(token * w.D, (token + 1) * w.D);
}

/**
 * The token's logit at the last position split into parts: the embeddings, every head, every layer's
 * attention bias, every MLP, and the final norm's bias. The MLP of each layer but the last is what the
 * model's own streams say it added (the next layer's input less this one's and the attention's), so
 * that the parts sum to the model's stream; the last layer's is computed here.
 */
export function attribute(w: Gpt2Weights, run: RunInternals, token: number): Attribution {
  const { D, eps } = w;
  const L = w.blocks.length;
  const { T, H } = run;
  const t = T - 1;
  const at = (m: Float32Array) => m.slice(t * D, (t + 1) * D);
  const parts: { name: string; v: Float32Array }[] = [{ name: "embeddings", v: at(run.hidden[0]) }];
  const streams: Float32Array[] = [];
  let x = at(run.hidden[0]);
  for (let l = 0; l < L; l++) {
    const b = w.blocks[l];
    const heads = headOutputs(b, run.hidden[l], run.attentions[l], t, T, H, D, eps);
    heads.forEach((v, h) => parts.push({ name: `L${l + 1}H${h + 1}`, v }));
    parts.push({ name: `L${l + 1} attention bias`, v: b.proj.b.slice() });
    const mid = x.slice();
    for (const v of heads) for (let i = 0; i < D; i++) mid[i] += v[i];
    for (let i = 0; i < D; i++) mid[i] += b.proj.b[i];
    let m: Float32Array;
    if (l < L - 1) {
      const next = at(run.hidden[l + 1]);
      m = new Float32Array(D);
      for (let i = 0; i < D; i++) m[i] = next[i] - mid[i];
      x = next;
    } else {
      m = mlp(b, mid, eps);
      x = new Float32Array(D);
      for (let i = 0; i < D; i++) x[i] = mid[i] + m[i];
    }
    parts.push({ name: `L${l + 1} MLP`, v: m });
    streams.push(x);
  }
  // the final norm at this position: (x - mean) / scale * g + b, with the scale held fixed
  let mean = 0;
  for (let i = 0; i < D; i++) mean += x[i];
  mean /= D;
  let variance = 0;
  for (let i = 0; i < D; i++) variance += (x[i] - mean) ** 2;
  const scale = Math.sqrt(variance / D + eps);
  const u = unembedRow(w, token);
  const term = (v: Float32Array) => {
    let m = 0;
    for (let i = 0; i < D; i++) m += v[i];
    m /= D;
    let s = 0;
    for (let i = 0; i < D; i++) s += u[i] * ((v[i] - m) / scale) * w.lnF.g[i];
    return s;
  };
  const components = parts.map((p) => ({ name: p.name, logit: term(p.v) }));
  let bias = 0;
  for (let i = 0; i < D; i++) bias += u[i] * w.lnF.b[i];
  components.push({ name: "final norm bias", logit: bias });
  const normed = layerNorm(x, w.lnF, eps);
  const final = at(run.hidden[L]);
  let check = 0;
  for (let i = 0; i < D; i++) check = Math.max(check, Math.abs(normed[i] - final[i]));
  return { components, logit: components.reduce((a, c) => a + c.logit, 0), streams, check };
}

/** The logits the model would give if it stopped at a stream: the final LayerNorm, then the unembedding. [V] */
export function lensLogits(w: Gpt2Weights, stream: Float32Array): Float32Array {
  const x = layerNorm(stream, w.lnF, w.eps);
  const m = w.unembed ?? w.wte;
  const out = new Float32Array(w.V);
  for (let v = 0; v < w.V; v++) {
    let s = 0;
    const row = v * w.D;
    for (let i = 0; i < w.D; i++) s += m[row + i] * x[i];
    out[v] = s;
  }
  return out;
}
