// Messages between the extension host and the model host process. One envelope both ways:
// requests { id, method, params }, cancellations { id, cancel: true }, "started" notices { id, started: true }
// (the host begins a request: its timeout counts from here, not from when it was queued), and
// responses { id, ok, result | error }. Every request's params come from one valibot schema per
// method, bounds included: the types below are inferred from it, and the host validates each request
// against it, answering a malformed one at once.
import * as v from "valibot";
import { MAX_LAYERS_OR_HEADS, MAX_VIEW_TOKENS, type ShownMatrix } from "./attentionProtocol";
import { intIn, type AttentionCore, type ViewToken, type WordProb } from "./messages";
import { MAX_NEIGHBOUR_LAYERS, MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOURS_K, neighbourMetric, neighbourMode, type IndexProgress, type NeighbourList } from "./neighboursProtocol";
import { LIMITS } from "../core/settings";

/** longest text a request may carry (characters): the extension sends a window of the document; a whole 5 MB selection still fits */
export const MAX_REQUEST_TEXT_CHARS = 32 * 1024 * 1024;
/** alternatives a suggestion may ask for (the CLI's --top allows as many) */
export const MAX_ALTERNATIVES = 50;

const range = (r: { min: number; max: number }) => intIn(r.min, r.max);
const text = v.pipe(v.string(), v.maxLength(MAX_REQUEST_TEXT_CHARS));

const suggestOptions = v.object({
  maxContextTokens: range(LIMITS.maxContextTokens),
  words: range(LIMITS.words),
  /** alternatives computed for an explicit trigger (Invoke) */
  k: intIn(1, MAX_ALTERNATIVES),
  temperature: v.pipe(v.number(), v.minValue(LIMITS.temperature.min), v.maxValue(LIMITS.temperature.max)),
  topK: range(LIMITS.topK),
  seed: intIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  /** false: recompute from scratch every time (the benchmark's no-cache peer) */
  useCache: v.optional(v.boolean()),
  /** words of the document beyond the text sent that start like the typed word */
  knownWords: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(64))),
});

/** an open document's key for its memory (the extension gives its URI) */
const docKey = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));
/** most entries a document memory may hold (lmLens.memoryTokens) */
export const MAX_MEMORY_TOKENS = 16384;

const panelWords = v.object({
  at: intIn(0, MAX_REQUEST_TEXT_CHARS),
  /** the document whose memory the list reads (absent: the model alone) */
  doc: v.optional(docKey),
  /** where the text starts in its document (the suggestion's window is placed as for the ghost text) */
  offset: intIn(0, Number.MAX_SAFE_INTEGER),
  options: suggestOptions,
});

export const PARAMS = {
  load: v.object({ modelPath: v.pipe(v.string(), v.maxLength(4096)), threads: intIn(1, 64), quantize: v.boolean() }),
  suggest: v.object({
    text,
    /** where text starts in the document (the memo of earlier answers is keyed by it) */
    offset: intIn(0, Number.MAX_SAFE_INTEGER),
    options: suggestOptions,
    /** the document whose memory mixes into every token probability (absent: the model alone) */
    doc: v.optional(docKey),
  }),
  /** a document's text before the cursor, from offset on, for its memory (capacity 0 frees it) */
  memorySync: v.object({
    doc: docKey,
    offset: intIn(0, Number.MAX_SAFE_INTEGER),
    text,
    capacity: intIn(0, MAX_MEMORY_TOKENS),
    /** fill it before answering (an explicit action that reads the memory at once); otherwise in the background */
    fill: v.optional(v.boolean()),
  }),
  /** a closed document: its memory is freed */
  memoryClose: v.object({ doc: docKey }),
  /** what each document's memory holds (Show Model Info) */
  memoryInfo: v.object({}),
  /** the tokens and attention probabilities (what the first heatmap needs) */
  attention: v.object({
    text,
    maxTokens: intIn(1, MAX_VIEW_TOKENS),
    /** where the next-word list is asked for (default: after the whole text), with the suggestion settings */
    words: v.optional(panelWords),
    /** "end": keep the end of the text within the token budget, leaving out its start ("Why this word?") */
    fit: v.optional(v.picklist(["start", "end"])),
    /** the layer and head (null: the average of heads) whose matrix the first heatmap shows */
    show: v.optional(v.object({ layer: intIn(0, MAX_LAYERS_OR_HEADS), head: v.nullable(intIn(0, MAX_LAYERS_OR_HEADS)) })),
  }),
  /** rollout, per-position predictions and next words of the latest "attention" answer */
  attentionDetails: v.object({ detailsId: intIn(0, Number.MAX_SAFE_INTEGER) }),
  /** the k nearest whole words to a word, phrase or sum: pooled, static or at a layer */
  neighbours: v.object({
    /** a word, a phrase or a sum such as "she - he + man" (src/core/vectorQuery.ts) */
    query: v.pipe(v.string(), v.maxLength(MAX_NEIGHBOUR_QUERY_CHARS)),
    mode: neighbourMode,
    /** contextual: hidden_states.{layer}; 0 is the embedding output, nLayer the output of the final LayerNorm (pooled and static: ignored) */
    layer: intIn(0, MAX_NEIGHBOUR_LAYERS),
    metric: neighbourMetric,
    k: range(NEIGHBOURS_K),
    /** contextual, one word from the editor: the text of its sentence before it, which the model reads first */
    before: v.optional(text),
  }),
  /** build the contextual word index for about budgetMs more (steps, so that suggestions interleave) */
  neighbourIndex: v.object({ budgetMs: v.pipe(v.number(), v.minValue(1), v.maxValue(60000)) }),
} as const;

/** What the neighbours view asks the model host (the schema's type; neighboursProtocol.ts passes it on). */
export type NeighboursRequest = v.InferOutput<typeof PARAMS.neighbours>;

/** A suggestion's settings, as the model host receives them (the schema's type). */
export type SuggestParams = v.InferOutput<typeof suggestOptions>;

/** What comes after the text: the words to insert and the alternatives for the first one. */
export interface Suggestion {
  /** the full text to insert (all words) */
  text: string;
  /** alternatives for the first word, best first */
  alternatives: WordProb[];
  /** true when the typed partial word was complete and the suggestion starts a new word */
  startsNewWord: boolean;
}

export interface SuggestResult extends Suggestion {
  ms: number;
  modelRuns: number;
  contextTokens: number;
  /** tokens the model had to run for the context (0 when the cache already held it) */
  newContextTokens: number;
  /** entries of the document memory mixed into the probabilities (0: the model alone) */
  memoryEntries: number;
}

/** One document's memory: tokens read, states computed, bytes held, most entries kept. */
export interface MemoryInfo {
  doc: string;
  tokens: number;
  states: number;
  bytes: number;
  capacity: number;
}

export interface ModelInfo {
  name: string;
  dir: string;
  onnxPath: string;
  onnxBytes: number;
  vocabSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  nPositions: number;
  hasAttentions: boolean;
  hasHidden: boolean;
  hasPast: boolean;
  /** outputs added to the graph in memory for a bring-your-own export */
  addedOutputs: string[];
  attentionProblem?: string;
  hiddenProblem?: string;
  /** the 8-bit weights of the word search's short runs: what was rewritten, or why there are none; absent when switched off */
  quantized?: { matmuls: number; weights: number } | { problem: string };
  loadMs: number;
}

export interface AttentionToken extends ViewToken {
  id: number;
  /** how the token reads (special tokens by name) */
  text: string;
  /** its range in the analysed text, in UTF-16 code units (a token inside a character covers that character) */
  start: number;
  end: number;
}

export interface AttentionResult extends AttentionCore {
  tokens: AttentionToken[];
  truncated: boolean;
  /** tokens in the whole text before truncation (undefined: a text so long that only its start was read) */
  totalTokens?: number;
}

/** The part of an attention result that the first heatmap needs; detailsId asks for the rest. */
export type AttentionFirst = Omit<AttentionResult, "rollout" | "predictions" | "nextWords"> & {
  detailsId: number;
  /** characters left out at the text's start to fit its end into the budget (fit "end"); text is what follows them */
  cutChars?: number;
  /** the matrix the first heatmap shows, [query, key]: the asked layer and head where the model has them, else layer 1's average */
  shown?: ShownMatrix;
};

/** Where the attention panel's next-word list is asked for: after text.slice(0, at), with the user's suggestion settings. */
export type PanelWords = v.InferOutput<typeof panelWords>;
export type AttentionDetails = Pick<AttentionResult, "rollout" | "predictions" | "nextWords" | "memory">;

interface Results {
  load: ModelInfo;
  suggest: SuggestResult;
  attention: AttentionFirst;
  attentionDetails: AttentionDetails;
  neighbours: NeighbourList;
  neighbourIndex: IndexProgress;
  memorySync: MemoryInfo;
  memoryClose: null;
  memoryInfo: MemoryInfo[];
}

export type Method = keyof typeof PARAMS;
export type Methods = { [M in Method]: { params: v.InferOutput<(typeof PARAMS)[M]>; result: Results[M] } };

export type ErrorCode = "cancelled" | "superseded" | "model" | "input" | "internal" | "crashed" | "timeout" | "stopped";

export interface RequestMessage<M extends Method = Method> {
  id: number;
  method: M;
  params: Methods[M]["params"];
}

export interface CancelMessage {
  id: number;
  cancel: true;
}

export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: ErrorCode; message: string; file?: string } };

export interface StartedMessage {
  id: number;
  started: true;
}

const isObject = (m: unknown): m is Record<string, unknown> => typeof m === "object" && m !== null && !Array.isArray(m);
const isId = (id: unknown): id is number => typeof id === "number" && Number.isSafeInteger(id) && id >= 0;

/** The id of a message, when it has a usable one (a malformed request with an id is answered at once). */
export function messageId(m: unknown): number | undefined {
  return isObject(m) && isId(m.id) ? m.id : undefined;
}

export function isCancel(m: unknown): m is CancelMessage {
  return isObject(m) && isId(m.id) && m.cancel === true;
}

/**
 * A request checked against its method's schema: the request, or one line saying what is wrong
 * ("suggest: options.k: 1000000 is more than 50").
 */
export function parseRequest(m: unknown, extra: readonly string[] = []): { ok: true; request: RequestMessage } | { ok: false; message: string } {
  if (!isObject(m) || !isId(m.id)) return { ok: false, message: "a request needs a non-negative integer id" };
  if (typeof m.method !== "string") return { ok: false, message: "a request needs a method" };
  const method = m.method;
  if (extra.includes(method)) return { ok: true, request: m as unknown as RequestMessage };
  if (!Object.hasOwn(PARAMS, method)) return { ok: false, message: `unknown method ${JSON.stringify(method.slice(0, 40))}` };
  const r = v.safeParse(PARAMS[method as Method], m.params);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(".") ?? "params";
    const got = typeof issue.input === "string" ? `a string of ${issue.input.length} characters` : JSON.stringify(issue.input)?.slice(0, 40);
    if (issue.input === undefined) return { ok: false, message: `${method}: ${path} is missing` };
    return { ok: false, message: `${method}: ${path}: ${issue.expected ? `expected ${issue.expected}, got ${got}` : issue.message}` };
  }
  return { ok: true, request: { id: m.id, method: method as Method, params: r.output } as RequestMessage };
}

export function isStarted(m: unknown): m is StartedMessage {
  return isObject(m) && isId(m.id) && m.started === true;
}

export function isResponse(m: unknown): m is ResponseMessage {
  if (!isObject(m) || !isId(m.id) || typeof m.ok !== "boolean") return false;
  return m.ok || (isObject(m.error) && typeof m.error.code === "string" && typeof m.error.message === "string");
}

export class HostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
