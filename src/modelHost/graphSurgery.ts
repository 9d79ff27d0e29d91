// Bring-your-own models: a Hugging Face / Optimum GPT-2 export has only logits and present.* outputs. The
// attention probabilities and the residual stream still exist inside the graph as tensors; this module
// finds them and adds them as graph outputs named as our own export names them (attentions.{i},
// hidden_states.{i}), in memory, with onnx-proto (the ONNX protobuf schema for protobufjs). The session
// is then created from the modified model. Nothing is written to disk.
//
// Recognised patterns (pre-LayerNorm GPT-2 family, as torch.onnx exports it):
//   - attention: per layer one Softmax whose output reaches a MatMul (probabilities @ values), possibly
//     through Cast or Identity nodes; in graph order, so the i-th is layer i;
//   - hidden states: the embedding sum Add(Gather(wte), Gather(wpe)); then the residual chain, where each
//     residual tensor is read by exactly one Add (the block's shortcut), two per layer; the last hidden
//     state is the final LayerNorm's output, the data input of the node that makes the logits;
//   - a merged decoder (decoder_model_merged.onnx) runs either branch of an If node on use_cache_branch:
//     both branches get the same outputs, which the If node and then the graph pass on.
// Where attention is fused into one operator (Attention, MultiHeadAttention, ...), the probabilities
// never exist as a tensor: the reason is returned, and nothing wrong is shown.
import { onnx } from "onnx-proto";

const PASS_THROUGH = new Set(["Identity", "Cast"]);
const FUSED_ATTENTION = new Set(["Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention", "PackedMultiHeadAttention", "DecoderMaskedSelfAttention", "DecoderMaskedMultiHeadAttention"]);
const FUSED_NORM = new Set(["SkipLayerNormalization", "SkipSimplifiedLayerNormalization", "EmbedLayerNormalization"]);
const ELEM_FLOAT = 1;

export interface SurgeryResult {
  /** the modified model (undefined when nothing could be added) */
  bytes?: Uint8Array;
  attentions: boolean;
  hidden: boolean;
  /** why the attention probabilities could not be found (when attentions is false) */
  attentionProblem?: string;
  /** why the hidden states could not be found (when hidden is false) */
  hiddenProblem?: string;
}

interface Found {
  attentions: string[] | string;
  hidden: string[] | string;
}

class GraphIndex {
  readonly producer = new Map<string, onnx.INodeProto>();
  readonly consumers = new Map<string, onnx.INodeProto[]>();
  constructor(readonly graph: onnx.IGraphProto) {
    for (const node of graph.node ?? []) {
      for (const o of node.output ?? []) if (o) this.producer.set(o, node);
      for (const i of node.input ?? []) {
        if (!i) continue;
        const list = this.consumers.get(i);
        if (list) list.push(node);
        else this.consumers.set(i, [node]);
      }
    }
  }

  /** the nodes that read a tensor, looking through Cast and Identity */
  readers(name: string, depth = 0): onnx.INodeProto[] {
    const out: onnx.INodeProto[] = [];
    for (const n of this.consumers.get(name) ?? []) {
      if (PASS_THROUGH.has(n.opType ?? "") && depth < 4) out.push(...this.readers(n.output?.[0] ?? "", depth + 1));
      else out.push(n);
    }
    return out;
  }

  /** the node that makes a tensor, looking through Cast and Identity */
  maker(name: string): onnx.INodeProto | undefined {
    let node = this.producer.get(name);
    for (let i = 0; node && PASS_THROUGH.has(node.opType ?? "") && i < 4; i++) node = this.producer.get(node.input?.[0] ?? "");
    return node;
  }
}

function findAttentions(g: GraphIndex, nLayer: number): string[] | string {
  const nodes = g.graph.node ?? [];
  const fused = nodes.find((n) => FUSED_ATTENTION.has(n.opType ?? ""));
  if (fused) return `attention is fused into one ${fused.opType} operator, so its probabilities never exist as a tensor`;
  const softmax = nodes.filter((n) => n.opType === "Softmax" && g.readers(n.output?.[0] ?? "").some((r) => r.opType === "MatMul"));
  if (softmax.length !== nLayer) return `found ${softmax.length} Softmax nodes whose output is multiplied with the values, but config.json says n_layer ${nLayer}`;
  return softmax.map((n) => n.output![0]);
}

function findHidden(g: GraphIndex, nLayer: number, logitsName: string): string[] | string {
  const nodes = g.graph.node ?? [];
  const fused = nodes.find((n) => FUSED_NORM.has(n.opType ?? ""));
  if (fused) return `the residual stream is fused into ${fused.opType} operators`;
  // the token + position embedding sum: an Add of two Gathers that read weights (not made in this graph)
  const isEmbeddingGather = (name: string) => {
    const n = g.maker(name);
    return n?.opType === "Gather" && !g.producer.has(n.input?.[0] ?? "");
  };
  const embed = nodes.filter((n) => n.opType === "Add" && (n.input ?? []).length === 2 && n.input!.every(isEmbeddingGather));
  if (embed.length !== 1) return `found ${embed.length} sums of token and position embeddings, expected 1`;
  const chain = [embed[0].output![0]];
  let r = chain[0];
  for (let step = 0; step < 2 * nLayer; step++) {
    const adds = (g.consumers.get(r) ?? []).filter((n) => n.opType === "Add");
    if (adds.length !== 1) return `the residual stream after ${step} shortcut additions is read by ${adds.length} Add nodes, expected 1`;
    r = adds[0].output![0];
    chain.push(r);
  }
  const head = g.maker(logitsName);
  if (!head || (head.opType !== "MatMul" && head.opType !== "Gemm")) return `the logits are not made by a MatMul (${head?.opType ?? "no node"})`;
  const final = head.input?.[0];
  if (!final || !g.producer.has(final)) return "the logits' input is not made in the graph";
  // hidden_states.0 = embeddings, .i = output of block i (every second residual), .nLayer = after the final LayerNorm
  return [...chain.filter((_, i) => i % 2 === 0).slice(0, nLayer), final];
}

function find(graph: onnx.IGraphProto, nLayer: number, logitsName: string): Found {
  const g = new GraphIndex(graph);
  return { attentions: findAttentions(g, nLayer), hidden: findHidden(g, nLayer, logitsName) };
}

function floatOutput(name: string): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: ELEM_FLOAT } } };
}

function identity(graph: onnx.IGraphProto, from: string, to: string): void {
  graph.node = [...(graph.node ?? []), { opType: "Identity", name: `lm_lens_expose/${to}`, input: [from], output: [to], domain: "" }];
}

/** Names of outputs to add: attentions.{i} and hidden_states.{i}, each with the inner tensor it copies. */
function wanted(found: Found, want: { attentions: boolean; hidden: boolean }): [string, string][] {
  const out: [string, string][] = [];
  if (want.attentions && Array.isArray(found.attentions)) found.attentions.forEach((t, i) => out.push([t, `attentions.${i}`]));
  if (want.hidden && Array.isArray(found.hidden)) found.hidden.forEach((t, i) => out.push([t, `hidden_states.${i}`]));
  return out;
}

/**
 * An ONNX model decoded to be changed in memory and handed to onnxruntime as bytes (here and in
 * quantize.ts), or why it cannot be: not ONNX, no graph, or weights in external data files (which a
 * model created from memory cannot reach).
 */
export function decodeForRewrite(bytes: Uint8Array): { model: onnx.ModelProto; graph: onnx.IGraphProto } | { problem: string } {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return { problem: `the file cannot be read as an ONNX model (${(e as Error).message})` };
  }
  const graph = model.graph;
  if (!graph) return { problem: "the model has no graph" };
  if ((graph.initializer ?? []).some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) {
    return { problem: "its weights are in external data files, and a model changed in memory is created from memory" };
  }
  return { model, graph };
}

/**
 * Add attentions.{i} and hidden_states.{i} outputs to a GPT-2-family ONNX model that lacks them.
 * `want` says which of the two the model lacks; the result says which could be added and why not.
 */
export function exposeInternals(bytes: Uint8Array, opts: { nLayer: number; attentions: boolean; hidden: boolean }): SurgeryResult {
  const decoded = decodeForRewrite(bytes);
  if ("problem" in decoded) return { attentions: false, hidden: false, attentionProblem: decoded.problem, hiddenProblem: decoded.problem };
  const { model, graph } = decoded;
  const top = find(graph, opts.nLayer, "logits");
  let pairs = wanted(top, opts);
  let found = top;
  if (pairs.length < Number(opts.attentions) + Number(opts.hidden) && !(graph.node ?? []).some((n) => n.opType === "Softmax")) {
    // a merged decoder: the work happens inside an If node's two branches
    const branchy = (graph.node ?? []).filter((n) => n.opType === "If");
    if (branchy.length === 1) {
      const node = branchy[0];
      const branches = (node.attribute ?? []).filter((a) => (a.name === "then_branch" || a.name === "else_branch") && a.g);
      const logitsIndex = (node.output ?? []).indexOf("logits");
      if (branches.length === 2 && logitsIndex >= 0) {
        const inner = branches.map((a) => find(a.g!, opts.nLayer, a.g!.output?.[logitsIndex]?.name ?? ""));
        const lists = inner.map((f) => wanted(f, opts));
        if (lists[0].length > 0 && lists[0].length === lists[1].length && lists[0].every(([, n], i) => lists[1][i][1] === n)) {
          branches.forEach((a, b) => {
            for (const [from, to] of lists[b]) {
              identity(a.g!, from, `${to}.branch`);
              a.g!.output = [...(a.g!.output ?? []), floatOutput(`${to}.branch`)];
            }
          });
          node.output = [...(node.output ?? []), ...lists[0].map(([, to]) => to)];
          graph.output = [...(graph.output ?? []), ...lists[0].map(([, to]) => floatOutput(to))];
          const names = new Set(lists[0].map(([, to]) => to));
          return {
            bytes: onnx.ModelProto.encode(model).finish(),
            attentions: opts.attentions && names.has("attentions.0"),
            hidden: opts.hidden && names.has("hidden_states.0"),
            ...problems(inner[0], opts),
          };
        }
        found = inner[0];
      }
    }
    pairs = [];
  }
  if (pairs.length === 0) return { attentions: false, hidden: false, ...problems(found, opts) };
  for (const [from, to] of pairs) identity(graph, from, to);
  graph.output = [...(graph.output ?? []), ...pairs.map(([, to]) => floatOutput(to))];
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    attentions: opts.attentions && Array.isArray(found.attentions),
    hidden: opts.hidden && Array.isArray(found.hidden),
    ...problems(found, opts),
  };
}

function problems(found: Found, want: { attentions: boolean; hidden: boolean }): Pick<SurgeryResult, "attentionProblem" | "hiddenProblem"> {
  return {
    ...(want.attentions && typeof found.attentions === "string" ? { attentionProblem: found.attentions } : {}),
    ...(want.hidden && typeof found.hidden === "string" ? { hiddenProblem: found.hidden } : {}),
  };
}
