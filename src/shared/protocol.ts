// Messages between the extension and its webviews (hexeditor style): one envelope both ways,
// { messageId, inReplyTo?, body }, whose body is one of the ToWebview / FromWebview unions below.
// PURE: imported by src/ui/ and by webview/, so no vscode, Node or DOM types here.

/** most tokens a view can hold (lmLens.maxAttentionTokens's maximum) */
export const MAX_VIEW_TOKENS = 512;
/** longest export payload accepted from a webview (characters); the JSON of 512 tokens stays far below it */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
export const PNG_DATA_URL_PREFIX = "data:image/png;base64,";

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

export interface TruncationNotice {
  /** "end": the text was longer than the token budget and its end is not shown; "start": its beginning is not shown */
  cut: "end" | "start";
  /** tokens shown */
  shown: number;
  /** tokens in the whole text, where known */
  total?: number;
  /** the token budget (lmLens.maxAttentionTokens) */
  limit: number;
}

export interface ViewSource {
  /** the document's uri, as a string */
  uri: string;
  /** short name for titles: "notes.txt:12" */
  label: string;
  /** zero-based range of the analysed text that lies in the document (an inline suggestion lies after it) */
  range: { startLine: number; startCharacter: number; endLine: number; endCharacter: number };
  /** characters of the analysed text that come from the document; the rest is the ghost-text suggestion */
  documentChars: number;
}

export interface WordProb {
  word: string;
  p: number;
}

export interface TokenProb {
  token: string;
  p: number;
}

/** Everything the attention panel shows. Tensors are typed arrays (structured clone keeps them). */
export interface AttentionView {
  /** changes with every analysis, so that the webview knows when its saved UI state still applies */
  id: number;
  model: string;
  text: string;
  tokens: ViewToken[];
  nLayer: number;
  nHead: number;
  /** [layer, head, query, key] flattened; T = tokens.length; each row sums to 1 */
  attentions: Float32Array;
  /** [layer, query, key]: the mean over heads */
  headMeans: Float32Array;
  /** [query, key]: attention rollout through all layers (Abnar & Zuidema 2020) */
  rollout: Float32Array;
  /** per position, the 10 most likely next tokens */
  predictions: TokenProb[][];
  /** the 10 most likely whole next words after the text */
  nextWords: WordProb[];
  /** token chosen at first (the suggested word for "Why this word?") */
  focus?: number;
  truncatedNotice?: TruncationNotice;
  source: ViewSource;
  /** whether the panel re-runs when the editor's selection changes */
  follow: boolean;
}

// ---- extension -> webview

export interface StateMessage {
  type: "state";
  data: AttentionView;
}
export interface LoadingMessage {
  type: "loading";
}
export interface ErrorMessage {
  type: "error";
  message: string;
}
export type ToWebview = StateMessage | LoadingMessage | ErrorMessage;

// ---- webview -> extension

export interface ReadyMessage {
  type: "ready";
}
export interface HoverTokenMessage {
  type: "hoverToken";
  index: number | null;
}
export interface SelectTokenMessage {
  type: "selectToken";
  index: number;
}
export interface SetFollowMessage {
  type: "setFollow";
  follow: boolean;
}
export type ExportFormat = "png" | "svg" | "json";
export interface ExportMessage {
  type: "export";
  format: ExportFormat;
  /** png: a data: URL; svg and json: the file's text */
  data: string;
}
export interface OpenTourMessage {
  type: "openTour";
}
export type FromWebview = ReadyMessage | HoverTokenMessage | SelectTokenMessage | SetFollowMessage | ExportMessage | OpenTourMessage;

export type ToWebviewMessage = Envelope<ToWebview>;
export type FromWebviewMessage = Envelope<FromWebview>;

// ---- validation of what a webview sends (a webview renders document text; treat it as untrusted)

export interface ValidateOptions {
  /** tokens in the view currently shown; token indices must be below it */
  tokenCount?: number;
}

type Fields = Record<string, unknown>;

function isPlainObject(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** exactly these keys, no others */
function hasKeys(o: Fields, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(o, k));
}

function isIndex(v: unknown, count: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v < count;
}

/** The body of a webview message if it is well-formed, otherwise undefined. */
export function validateFromWebview(raw: unknown, opts: ValidateOptions = {}): FromWebview | undefined {
  if (!isPlainObject(raw) || typeof raw.type !== "string") return undefined;
  const count = Math.min(opts.tokenCount ?? MAX_VIEW_TOKENS, MAX_VIEW_TOKENS);
  switch (raw.type) {
    case "ready":
    case "openTour":
      return hasKeys(raw, ["type"]) ? { type: raw.type } : undefined;
    case "hoverToken":
      if (!hasKeys(raw, ["type", "index"])) return undefined;
      if (raw.index !== null && !isIndex(raw.index, count)) return undefined;
      return { type: "hoverToken", index: raw.index };
    case "selectToken":
      if (!hasKeys(raw, ["type", "index"]) || !isIndex(raw.index, count)) return undefined;
      return { type: "selectToken", index: raw.index };
    case "setFollow":
      if (!hasKeys(raw, ["type", "follow"]) || typeof raw.follow !== "boolean") return undefined;
      return { type: "setFollow", follow: raw.follow };
    case "export": {
      if (!hasKeys(raw, ["type", "format", "data"])) return undefined;
      const { format, data } = raw;
      if (format !== "png" && format !== "svg" && format !== "json") return undefined;
      if (typeof data !== "string" || data.length === 0 || data.length > MAX_EXPORT_CHARS) return undefined;
      if (format === "png" && !/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(data)) return undefined;
      return { type: "export", format, data };
    }
    default:
      return undefined;
  }
}

/** A whole envelope from a webview if it and its body are well-formed, otherwise undefined. */
export function validateFromWebviewMessage(raw: unknown, opts: ValidateOptions = {}): FromWebviewMessage | undefined {
  if (!isPlainObject(raw)) return undefined;
  const keys = Object.keys(raw);
  if (!keys.every((k) => k === "messageId" || k === "inReplyTo" || k === "body")) return undefined;
  if (!isIndex(raw.messageId, Number.MAX_SAFE_INTEGER)) return undefined;
  if (raw.inReplyTo !== undefined && !isIndex(raw.inReplyTo, Number.MAX_SAFE_INTEGER)) return undefined;
  const body = validateFromWebview(raw.body, opts);
  if (!body) return undefined;
  return raw.inReplyTo === undefined ? { messageId: raw.messageId, body } : { messageId: raw.messageId, inReplyTo: raw.inReplyTo, body };
}

/** A light check on the webview side: the extension is trusted, but a wrong shape should not throw deep in the UI. */
export function isToWebviewMessage(raw: unknown): raw is ToWebviewMessage {
  if (typeof raw !== "object" || raw === null) return false;
  const m = raw as Fields;
  if (typeof m.messageId !== "number" || typeof m.body !== "object" || m.body === null) return false;
  const body = m.body as Fields;
  switch (body.type) {
    case "loading":
      return true;
    case "error":
      return typeof body.message === "string";
    case "state": {
      const d = body.data as Fields | null;
      if (typeof d !== "object" || d === null || !Array.isArray(d.tokens)) return false;
      const T = d.tokens.length;
      const L = d.nLayer;
      const H = d.nHead;
      return (
        typeof L === "number" && typeof H === "number" &&
        d.attentions instanceof Float32Array && d.attentions.length === L * H * T * T &&
        d.headMeans instanceof Float32Array && d.headMeans.length === L * T * T &&
        d.rollout instanceof Float32Array && d.rollout.length === T * T
      );
    }
    default:
      return false;
  }
}
