// What both webview protocols share: the envelope every message travels in, the messages both webviews
// send, the shapes both show ({word, p}, {token, p}, a token of the text). PURE: no vscode, Node or DOM types.

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
}

// ---- webview -> extension, from both webviews

export interface ReadyMessage {
  type: "ready";
}
export interface SetFollowMessage {
  type: "setFollow";
  follow: boolean;
}
export interface OpenTourMessage {
  type: "openTour";
}
/** A short, safe rendering of an unexpected message for the log (long strings, such as export data, cut). */
export function previewMessage(raw: unknown): string {
  try {
    const s = JSON.stringify(raw, (_k, v: unknown) => (typeof v === "string" && v.length > 80 ? `${v.slice(0, 80)}…` : v)) ?? String(raw);
    return s.length > 200 ? `${s.slice(0, 200)}…` : s;
  } catch {
    return String(raw);
  }
}

// ---- validation helpers (what a webview sends is untrusted: it renders document text)

export type Fields = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** exactly these keys, no others */
export function hasKeys(o: Fields, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(o, k));
}

export function validateEnvelope<B>(raw: unknown, validateBody: (body: unknown) => B | undefined): Envelope<B> | undefined {
  if (!isPlainObject(raw)) return undefined;
  const keys = Object.keys(raw);
  if (!keys.every((k) => k === "messageId" || k === "inReplyTo" || k === "body")) return undefined;
  if (!isIndex(raw.messageId, Number.MAX_SAFE_INTEGER)) return undefined;
  if (raw.inReplyTo !== undefined && !isIndex(raw.inReplyTo, Number.MAX_SAFE_INTEGER)) return undefined;
  const body = validateBody(raw.body);
  if (!body) return undefined;
  return raw.inReplyTo === undefined ? { messageId: raw.messageId, body } : { messageId: raw.messageId, inReplyTo: raw.inReplyTo, body };
}

export function isIndex(v: unknown, count: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v < count;
}
