// Messages between the extension host and the model host process, carried by messaging.ts's Channel:
// requests { messageId, body: { method, params } }, replies { messageId, inReplyTo, body: { ok, result | error } },
// and the channel's notices: "started" { messageId, started } (the host begins a request: its timeout counts
// from here, not from when it was queued) and "cancel" { messageId, cancel }. Every request's params come
// from one valibot schema per method, bounds included: the types below are inferred from it, and the host
// validates each request against it, answering a malformed one at once. What the model computes (the
// results) is vocabulary.ts's.
import * as v from "valibot";
import type { Envelope } from "./messaging";
import { intIn } from "./schema";
import { describeValue, errorLine, quoted } from "./errorLine";
import { MAX_ALTERNATIVES, MAX_LAYERS_OR_HEADS, MAX_MEMORY_TOKENS, MAX_NEIGHBOUR_LAYERS, MAX_NEIGHBOUR_QUERY_CHARS, MAX_VIEW_TOKENS, NEIGHBOUR_METRICS, NEIGHBOUR_MODES, NEIGHBOURS_K } from "./vocabulary";
import type { AttentionResult, Explanation, IndexProgress, MemoryInfo, ModelInfo, NeighbourList, ShownMatrix, SuggestResult } from "./vocabulary";
import { LIMITS } from "../core/settings";

/** longest text a request may carry (characters): the extension sends a window of the document; a whole 5 MB selection still fits */
export const MAX_REQUEST_TEXT_CHARS = 32 * 1024 * 1024;

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
  /** the ghost text's confidence gate (nextWord.ts's SuggestOptions.minConfidence; read only with ghost) */
  minConfidence: v.pipe(v.number(), v.minValue(LIMITS.minConfidence.min), v.maxValue(LIMITS.minConfidence.max)),
  /** the ghost text's own request: the gate, and a phrase the document memory is sure of (suggestRequest.ts) */
  ghost: v.optional(v.boolean()),
  /** false: recompute from scratch every time (the benchmark's no-cache peer) */
  useCache: v.optional(v.boolean()),
  /**
   * false: a typed word's completions need not carry their probability given the typed part (the ghost
   * text shows no figure; the search then reads only the readings it needs to rank them). Default true.
   */
  figures: v.optional(v.boolean()),
  /** words of the document beyond the text sent that start like the typed word */
  knownWords: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(64))),
});

/** an open document's key for its memory (the extension gives its URI) */
const docKey = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));

const panelWords = v.object({
  at: intIn(0, MAX_REQUEST_TEXT_CHARS),
  /** the document whose memory the list reads (absent: the model alone) */
  doc: v.optional(docKey),
  /** where the text starts in its document (the suggestion's window is placed as for the ghost text) */
  offset: intIn(0, Number.MAX_SAFE_INTEGER),
  options: suggestOptions,
  /**
   * the text's last word is finished (the document goes on with a space or punctuation after it): the list
   * is the next word after it, never its completions; absent, the search decides as for the ghost text
   */
  wordEnds: v.optional(v.boolean()),
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
  /**
   * Why the suggestion after text is what it is (explain.ts): the prediction with the parts of the model,
   * the layers and the removals of each earlier word; the document's memory is filled first and read
   */
  explain: v.object({
    text,
    offset: intIn(0, Number.MAX_SAFE_INTEGER),
    options: suggestOptions,
    doc: v.optional(docKey),
  }),
  /** rollout, per-position predictions and next words of the latest "attention" answer */
  attentionDetails: v.object({ detailsId: intIn(0, Number.MAX_SAFE_INTEGER) }),
  /** the k nearest whole words to a word, phrase or sum: pooled, static or at a layer */
  neighbours: v.object({
    /** a word, a phrase or a sum such as "she - he + man" (src/core/vectorQuery.ts) */
    query: v.pipe(v.string(), v.maxLength(MAX_NEIGHBOUR_QUERY_CHARS)),
    mode: v.picklist(NEIGHBOUR_MODES),
    /** contextual: hidden_states.{layer}; 0 is the embedding output, nLayer the output of the final LayerNorm (pooled and static: ignored) */
    layer: intIn(0, MAX_NEIGHBOUR_LAYERS),
    metric: v.picklist(NEIGHBOUR_METRICS),
    k: range(NEIGHBOURS_K),
    /** contextual, one word from the editor: the text of its sentence before it, which the model reads first */
    before: v.optional(text),
  }),
  /** build the contextual word index for about budgetMs more (steps, so that suggestions interleave) */
  neighbourIndex: v.object({ budgetMs: v.pipe(v.number(), v.minValue(1), v.maxValue(60000)) }),
} as const;

/** What the neighbours view asks the model host (the schema's type). */
export type NeighboursRequest = v.InferOutput<typeof PARAMS.neighbours>;

/** A suggestion's settings, as the model host receives them (the schema's type). */
export type SuggestParams = v.InferOutput<typeof suggestOptions>;

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
export type AttentionDetails = Pick<AttentionResult, "rollout" | "predictions" | "nextWords" | "memory" | "nextWordsWindow"> & {
  /** the next words complete this typed part of the text's last word ("sea" -> "son"); absent: they are whole next words */
  completes?: string;
  /** where the window the next words were computed over starts, in the analysed text (absent: no list) */
  windowStart?: number;
};

interface Results {
  load: ModelInfo;
  suggest: SuggestResult;
  attention: AttentionFirst;
  attentionDetails: AttentionDetails;
  explain: Explanation;
  neighbours: NeighbourList;
  neighbourIndex: IndexProgress;
  memorySync: MemoryInfo;
  memoryClose: null;
  memoryInfo: MemoryInfo[];
}

export type Method = keyof typeof PARAMS;
export type Methods = { [M in Method]: { params: v.InferOutput<(typeof PARAMS)[M]>; result: Results[M] } };

/** notAWord: a neighbours query names a word the model does not know (neighbourSpace.ts), so no space has neighbours for it */
export type ErrorCode = "cancelled" | "superseded" | "model" | "input" | "notAWord" | "internal" | "crashed" | "timeout" | "stopped";

/** A request's body: a method and its params. */
export type HostRequest<M extends Method = Method> = { [K in M]: { method: K; params: Methods[K]["params"] } }[M];

/** A reply's body: the method's result, or why there is none. */
export type HostReply = { ok: true; result: unknown } | { ok: false; error: { code: ErrorCode; message: string; file?: string } };

const isObject = (m: unknown): m is Record<string, unknown> => typeof m === "object" && m !== null && !Array.isArray(m);
const isId = (id: unknown): id is number => typeof id === "number" && Number.isSafeInteger(id) && id >= 0;

/**
 * A request checked against its method's schema: its id and body, or one line saying what is wrong
 * ("suggest: options.k: 1000000 is more than 50") and the id to answer it under, when it has a usable one.
 */
export function parseRequest(m: unknown, extra: readonly string[] = []): { ok: true; id: number; request: HostRequest } | { ok: false; id?: number; message: string } {
  try {
    return checkRequest(m, extra);
  } catch (e) {
    // a refusal never throws: whatever a getter or a proxy does, the message is refused in one line
    return { ok: false, ...(isObject(m) && isId(m.messageId) ? { id: m.messageId } : {}), message: errorLine(`a request that cannot be read (${(e as Error)?.message ?? describeValue(e)})`) };
  }
}

function checkRequest(m: unknown, extra: readonly string[]): { ok: true; id: number; request: HostRequest } | { ok: false; id?: number; message: string } {
  if (!isObject(m) || !isId(m.messageId)) return { ok: false, message: "a request needs a non-negative integer messageId" };
  const id = m.messageId;
  const body = m.body;
  if (!isObject(body) || typeof body.method !== "string") return { ok: false, id, message: "a request needs a body with a method" };
  const method = body.method;
  if (extra.includes(method)) return { ok: true, id, request: body as unknown as HostRequest };
  if (!Object.hasOwn(PARAMS, method)) return { ok: false, id, message: `unknown method ${quoted(method, 40)}` };
  // every method's params are an object (valibot's object schema would take an array, even one of 10^9 holes)
  if (!isObject(body.params)) return { ok: false, id, message: errorLine(`${method}: params: expected Object, got ${describeValue(body.params)}`) };
  // the first issue is all the refusal says: an array of 10^9 bad entries is not walked to the end
  const r = v.safeParse(PARAMS[method as Method], body.params, { abortEarly: true });
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(".") ?? "params";
    if (issue.input === undefined) return { ok: false, id, message: errorLine(`${method}: ${path} is missing`) };
    return { ok: false, id, message: errorLine(`${method}: ${path}: ${issue.expected ? `expected ${issue.expected}, got ${describeValue(issue.input)}` : issue.message}`) };
  }
  return { ok: true, id, request: { method, params: r.output } as HostRequest };
}

/** A well-formed reply of the model host (its result is checked by the types of the method asked, not here). */
export function isHostReply(m: unknown): m is Envelope<HostReply> {
  if (!isObject(m) || !isId(m.messageId) || !isId(m.inReplyTo) || !isObject(m.body)) return false;
  const b = m.body;
  if (b.ok === true) return true;
  return b.ok === false && isObject(b.error) && typeof b.error.code === "string" && typeof b.error.message === "string";
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
