// What both webview protocols share: the envelope every message travels in, the messages both webviews
// send, the shapes both show ({word, p}, {token, p}, a token of the text). PURE: no vscode, Node or DOM types.
// What a webview sends is untrusted (it renders document text): each message is a valibot schema, and
// its type is inferred from it, so that the check and the type cannot drift apart.
import * as v from "valibot";

export interface Envelope<B> {
  messageId: number;
  /** the messageId of the message this one answers */
  inReplyTo?: number;
  body: B;
}

export interface ViewToken {
  /** how the token reads (special tokens by name) */
  text: string;
  /** its range in the analysed text, in UTF-16 code units */
  start: number;
  end: number;
}

export interface WordProb {
  word: string;
  p: number;
}

export interface TokenProb {
  token: string;
  p: number;
}

/** What the model computed about a text, as the model host answers it and as the attention panel shows it. */
export interface AttentionCore {
  /** the analysed text (after truncation) */
  text: string;
  model: string;
  nLayer: number;
  nHead: number;
  /** [layer, head, query, key] flattened: ((l * nHead + h) * T + q) * T + k; T = tokens; each row sums to 1 */
  attentions: Float32Array;
  /** [layer, query, key]: the mean over heads */
  headMeans: Float32Array;
  /** [query, key]: attention rollout through all layers (Abnar & Zuidema 2020) */
  rollout: Float32Array;
  /** per position, the model's 10 most likely next tokens (token level) */
  predictions: TokenProb[][];
  /**
   * the 10 most likely whole next words (the ghost text's search, as `lm-lens predict`) after
   * text.slice(0, nextWordsAt): the whole text, or for "Why this word?" the point before the suggestion
   */
  nextWords: WordProb[];
  /** absent: the text's end */
  nextWordsAt?: number;
  /** where the next words' document memory came in (absent: no memory was read) */
  memory?: MemoryReadout;
}

/** A place in the document that the memory weighed: the token that followed a state like the current one. */
export interface MemoryPlace {
  /** the token's range in the document (UTF-16 offsets) */
  start: number;
  end: number;
  /** its share of the memory's probability (the entries' weights sum to 1) */
  weight: number;
  token: string;
}

/** How a next word's first token got its probability: from the model, from the memory, mixed. */
export interface MemoryWord {
  word: string;
  token: string;
  pModel: number;
  pMemory: number;
  pMixed: number;
  /** the places that predicted this token, heaviest first */
  places: MemoryPlace[];
}

/** The document memory at the point of the next words: its size, its share and what it said. */
export interface MemoryReadout {
  /** entries read */
  entries: number;
  /** the memory's share of the mixture (λ_n) */
  share: number;
  /** the first next word and the one the memory raised most (when another) */
  words: MemoryWord[];
  /** the heaviest places overall: the memory's weights over the earlier text */
  top: MemoryPlace[];
}

// ---- validation (what a webview sends is untrusted: it renders document text)

type Fields = Record<string, unknown>;

function isPlainObject(x: unknown): x is Fields {
  return typeof x === "object" && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

/** a plain object only: no array, no class instance, nothing with a prototype of its own (a structured clone is plain) */
export const plainObject = v.custom<Fields>(isPlainObject, "a plain object");

/** an integer in [min, max] */
export const intIn = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** an integer in [0, count) */
export const indexBelow = (count: number) => intIn(0, count - 1);

/**
 * A body validator whose schema depends on what is shown (a token count, a chip count): one schema per set of
 * numbers, built when first needed (callers bound the numbers, and with them how many are kept). It answers
 * the checked body, or undefined.
 */
export function bodyValidator<A extends number[], S extends v.GenericSchema>(build: (...shown: A) => S): (raw: unknown, ...shown: A) => v.InferOutput<S> | undefined {
  const schemas = new Map<string, S>();
  return (raw, ...shown) => {
    const key = shown.join("/");
    let schema = schemas.get(key);
    if (!schema) schemas.set(key, (schema = build(...shown)));
    const r = v.safeParse(schema, raw);
    return r.success ? r.output : undefined;
  };
}

/**
 * v.is, narrowing to T, for a T whose every value has the schema's input type: a webview's light check of
 * what the extension sends does not compile when the message type renames or retypes a field that it reads.
 */
export function guard<T extends v.InferInput<S>, S extends v.GenericSchema>(schema: S): (raw: unknown) => raw is T {
  return (raw): raw is T => v.is(schema, raw);
}

// ---- webview -> extension, from both webviews

export const readyMessage = v.strictObject({ type: v.literal("ready") });
export const setFollowMessage = v.strictObject({ type: v.literal("setFollow"), follow: v.boolean() });
export const openTourMessage = v.strictObject({ type: v.literal("openTour") });
/** the messages every webview may send, first in each webview's variant */
export const COMMON_FROM_WEBVIEW = [readyMessage, openTourMessage, setFollowMessage] as const;
export type ReadyMessage = v.InferOutput<typeof readyMessage>;
export type SetFollowMessage = v.InferOutput<typeof setFollowMessage>;
export type OpenTourMessage = v.InferOutput<typeof openTourMessage>;

const messageId = indexBelow(Number.MAX_SAFE_INTEGER);
/** the envelope around a body that is checked on its own (the body's schema may depend on what is shown) */
const envelope = v.pipe(plainObject, v.strictObject({ messageId, inReplyTo: v.optional(messageId), body: v.unknown() }));

/** A short, safe rendering of an unexpected message for the log (long strings, such as export data, cut). */
export function previewMessage(raw: unknown): string {
  try {
    const s = JSON.stringify(raw, (_k, x: unknown) => (typeof x === "string" && x.length > 80 ? `${x.slice(0, 80)}…` : x)) ?? String(raw);
    return s.length > 200 ? `${s.slice(0, 200)}…` : s;
  } catch {
    return String(raw);
  }
}

/** An envelope whose body `validateBody` accepts, rebuilt from its checked parts; otherwise undefined. */
export function validateEnvelope<B>(raw: unknown, validateBody: (body: unknown) => B | undefined): Envelope<B> | undefined {
  const r = v.safeParse(envelope, raw);
  if (!r.success) return undefined;
  const { messageId, inReplyTo } = r.output;
  const body = validateBody(r.output.body);
  if (!body) return undefined;
  return inReplyTo === undefined ? { messageId, body } : { messageId, inReplyTo, body };
}
