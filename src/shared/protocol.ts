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
  /** [layer, head, query, key] flattened; T = tokens.length; each row sums to 1. Empty while pending. */
  attentions: Float32Array;
  /** [layer, query, key]: the mean over heads. Empty while pending. */
  headMeans: Float32Array;
  /** [query, key]: attention rollout through all layers (Abnar & Zuidema 2020); empty while pending */
  rollout: Float32Array;
  /** per position, the 10 most likely next tokens; empty while pending */
  predictions: TokenProb[][];
  /**
   * the 10 most likely whole next words (the ghost text's search, as `lm-lens predict`) after
   * text.slice(0, nextWordsAt): the whole text, or for "Why this word?" the point before the suggestion;
   * empty while pending
   */
  nextWords: WordProb[];
  /** absent: the text's end */
  nextWordsAt?: number;
  /**
   * The first message of a view carries only what its first heatmap needs: the one matrix the webview said it
   * shows (`shown`). A "details" message brings the rest: every head, the head means, rollout, predictions
   * and next words. Large messages are slow to reach a webview in code-server (hundreds of milliseconds for
   * a megabyte), so the first picture does not wait for them.
   */
  pending: boolean;
  /** while pending: the matrix the webview's heatmap shows, [query, key] (head null: the average of heads) */
  shown?: ShownMatrix;
  /** what to show first, when a command asks for it (the guided tour): a layer, a head (null: the average), a tab */
  pick?: ViewPick;
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
/** the rest of the view with this id: sent right after its "state", once the model host has it */
export type AttentionTab = "heatmap" | "grid" | "lines" | "rollout";

export interface ViewPick {
  layer: number;
  head: number | null;
  tab: AttentionTab;
}

export interface ShownMatrix {
  layer: number;
  head: number | null;
  matrix: Float32Array;
}

export interface DetailsMessage {
  type: "details";
  data: { viewId: number; attentions: Float32Array; headMeans: Float32Array; rollout: Float32Array; predictions: TokenProb[][]; nextWords: WordProb[] };
}
export type ToWebview = StateMessage | DetailsMessage | LoadingMessage | ErrorMessage;

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
/** which layer and head the heatmap shows (head null: the average of heads); sent when ready and on every change */
export interface ShowingMessage {
  type: "showing";
  layer: number;
  head: number | null;
}
/** the view with this id has been drawn (the extension times command -> first heatmap) */
export interface RenderedMessage {
  type: "rendered";
  viewId: number;
  /** milliseconds from the webview receiving the view to this report (its share of the time) */
  drawMs: number;
}
export type FromWebview = ReadyMessage | HoverTokenMessage | SelectTokenMessage | SetFollowMessage | ExportMessage | OpenTourMessage | RenderedMessage | ShowingMessage;

/** most layers or heads a "showing" message may name */
export const MAX_LAYERS_OR_HEADS = 256;

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
    case "showing":
      if (!hasKeys(raw, ["type", "layer", "head"]) || !isIndex(raw.layer, MAX_LAYERS_OR_HEADS)) return undefined;
      if (raw.head !== null && !isIndex(raw.head, MAX_LAYERS_OR_HEADS)) return undefined;
      return { type: "showing", layer: raw.layer, head: raw.head };
    case "rendered":
      if (!hasKeys(raw, ["type", "viewId", "drawMs"]) || !isIndex(raw.viewId, Number.MAX_SAFE_INTEGER)) return undefined;
      if (typeof raw.drawMs !== "number" || !Number.isFinite(raw.drawMs) || raw.drawMs < 0 || raw.drawMs > 3_600_000) return undefined;
      return { type: "rendered", viewId: raw.viewId, drawMs: raw.drawMs };
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

/** An envelope whose body `validateBody` accepts, rebuilt from its checked parts; otherwise undefined. */
function validateEnvelope<B>(raw: unknown, validateBody: (body: unknown) => B | undefined): Envelope<B> | undefined {
  if (!isPlainObject(raw)) return undefined;
  const keys = Object.keys(raw);
  if (!keys.every((k) => k === "messageId" || k === "inReplyTo" || k === "body")) return undefined;
  if (!isIndex(raw.messageId, Number.MAX_SAFE_INTEGER)) return undefined;
  if (raw.inReplyTo !== undefined && !isIndex(raw.inReplyTo, Number.MAX_SAFE_INTEGER)) return undefined;
  const body = validateBody(raw.body);
  if (!body) return undefined;
  return raw.inReplyTo === undefined ? { messageId: raw.messageId, body } : { messageId: raw.messageId, inReplyTo: raw.inReplyTo, body };
}

/** A whole envelope from a webview if it and its body are well-formed, otherwise undefined. */
export function validateFromWebviewMessage(raw: unknown, opts: ValidateOptions = {}): FromWebviewMessage | undefined {
  return validateEnvelope(raw, (body) => validateFromWebview(body, opts));
}

function isShown(v: unknown, L: number, H: number, T: number): boolean {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Fields;
  return isIndex(s.layer, L) && (s.head === null || isIndex(s.head, H)) && s.matrix instanceof Float32Array && s.matrix.length === T * T;
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
        typeof L === "number" && typeof H === "number" && typeof d.pending === "boolean" &&
        d.attentions instanceof Float32Array && d.attentions.length === (d.pending ? 0 : L * H * T * T) &&
        d.headMeans instanceof Float32Array && d.headMeans.length === (d.pending ? 0 : L * T * T) &&
        d.rollout instanceof Float32Array && d.rollout.length === (d.pending ? 0 : T * T) &&
        Array.isArray(d.predictions) && Array.isArray(d.nextWords) && (d.nextWordsAt === undefined || typeof d.nextWordsAt === "number") &&
        (d.pending ? isShown(d.shown, L, H, T) : d.shown === undefined)
      );
    }
    case "details": {
      const d = body.data as Fields | null;
      return (
        typeof d === "object" && d !== null && typeof d.viewId === "number" &&
        d.attentions instanceof Float32Array && d.headMeans instanceof Float32Array && d.rollout instanceof Float32Array && Array.isArray(d.predictions) && Array.isArray(d.nextWords)
      );
    }
    default:
      return false;
  }
}

// ================================================================ the neighbours view
// A WebviewView in the LM Lens activity-bar container. The extension owns the query and the lists and
// sends the whole screen in one "state" message (a few kilobytes); the webview keeps only its own UI
// state (the row in focus, the map's list, the search box's text) with getState/setState.

export const NEIGHBOURS_K = { min: 1, max: 50, default: 10 } as const;
/** longest text accepted from the search box (src/core/vectorQuery.ts says the same) */
export const MAX_NEIGHBOUR_QUERY_CHARS = 200;
/** words of a selection shown as chips */
export const MAX_NEIGHBOUR_CHIPS = 12;
/** most layers a layer index may name, before the model is known */
export const MAX_NEIGHBOUR_LAYERS = 64;

export type Metric = "cosine" | "euclidean";
/** static: rows of the input (token) embedding matrix; contextual: hidden states at a layer */
export type NeighbourMode = "static" | "contextual";

/** What the model host is asked (src/shared/hostProtocol.ts, method "neighbours"). */
export interface NeighboursRequest {
  /** a word, a phrase or a sum such as "king - man + woman" (src/core/vectorQuery.ts) */
  query: string;
  mode: NeighbourMode;
  /** contextual: hidden_states.{layer}; 0 is the embedding output, nLayer the output of the final LayerNorm */
  layer: number;
  metric: Metric;
  k: number;
  /** contextual, one word from the editor: the text of its sentence before it, which the model reads first */
  before?: string;
}

/** How one word of a query was embedded: its tokens (one: its row; several: their mean) */
export interface EmbeddedWord {
  word: string;
  tokens: string[];
}

export interface EmbeddedTerm {
  sign: 1 | -1;
  /** one word, or a phrase (the mean of its words' vectors) */
  words: EmbeddedWord[];
}

export interface NeighbourHit {
  word: string;
  /** cosine: the similarity; euclidean: the distance */
  score: number;
}

/** The model host's answer: the k nearest words and a 2-D map of them. */
export interface NeighbourList {
  /** the query written out evenly */
  query: string;
  mode: NeighbourMode;
  layer: number;
  metric: Metric;
  k: number;
  terms: EmbeddedTerm[];
  /** the sentence text the model read before the word (contextual, from the editor) */
  before?: string;
  /** nearest first; the query's own words left out */
  neighbours: NeighbourHit[];
  /** PCA of the query (index 0) and the neighbours (1..), on their two main directions */
  map: { x: number[]; y: number[]; explained: [number, number] };
  /** words searched */
  indexSize: number;
  nLayer: number;
  /** where the vectors come from, e.g. "model.wte.weight [8192, 256] (Gather on input_ids)" */
  source: string;
  /** time spent in the model host */
  ms: number;
}

/** The contextual word index, built in steps so that suggestions are not held up (method "neighbourIndex"). */
export interface IndexProgress {
  built: number;
  total: number;
  done: boolean;
  /** model-host time spent building so far */
  ms: number;
}

export interface NeighbourOptions {
  k: number;
  metric: Metric;
  layer: number;
}

export interface NeighbourListState {
  loading: boolean;
  list?: NeighbourList;
  error?: string;
}

export type QueryOrigin = "editor" | "typed" | "neighbour";

/** Everything the neighbours view shows; sent whole whenever it changes and when the webview says ready. */
export interface NeighboursScreen {
  /** changes with every new query, so that the webview knows when its saved row focus still applies */
  id: number;
  /** the selection's words (chips) */
  words: string[];
  /** the chip in focus; -1 when the query was typed or picked from a list */
  focus: number;
  /** words in the selection, when more than the chips */
  wordsTotal: number;
  /** "notes.txt:12" */
  source?: string;
  query?: { text: string; origin: QueryOrigin };
  /** the search box's text could not be read (src/core/vectorQuery.ts's message) */
  queryError?: string;
  options: NeighbourOptions;
  /** known after the first answer */
  nLayer?: number;
  follow: boolean;
  static: NeighbourListState;
  contextual: NeighbourListState;
  index: { state: "idle" | "building" | "ready" | "error"; built: number; total: number; ms?: number; error?: string };
}

// ---- extension -> neighbours webview

export interface NeighboursStateMessage {
  type: "state";
  data: NeighboursScreen;
}
export type NeighboursToWebview = NeighboursStateMessage;

// ---- neighbours webview -> extension

export interface FocusWordMessage {
  type: "focusWord";
  index: number;
}
export interface QueryMessage {
  type: "query";
  /** typed: the search box's text; neighbour: a word of a list */
  origin: "typed" | "neighbour";
  text: string;
}
export interface SetOptionsMessage {
  type: "setOptions";
  options: NeighbourOptions;
}
export interface CopyListMessage {
  type: "copyList";
}
export type ListExportFormat = "json" | "csv";
export interface ExportListMessage {
  type: "exportList";
  format: ListExportFormat;
}
export type NeighboursFromWebview = ReadyMessage | FocusWordMessage | QueryMessage | SetOptionsMessage | SetFollowMessage | CopyListMessage | ExportListMessage | OpenTourMessage;

export type NeighboursToWebviewMessage = Envelope<NeighboursToWebview>;
export type NeighboursFromWebviewMessage = Envelope<NeighboursFromWebview>;

export interface NeighboursValidateOptions {
  /** chips shown now; a focusWord index must be below it */
  wordCount?: number;
  /** the model's layers, when known; a layer must be at most this */
  nLayer?: number;
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

function validateOptions(raw: unknown, nLayer: number): NeighbourOptions | undefined {
  if (!isPlainObject(raw) || !hasKeys(raw, ["k", "metric", "layer"])) return undefined;
  const { k, metric, layer } = raw;
  if (!isIntIn(k, NEIGHBOURS_K.min, NEIGHBOURS_K.max)) return undefined;
  if (metric !== "cosine" && metric !== "euclidean") return undefined;
  if (!isIntIn(layer, 0, nLayer)) return undefined;
  return { k, metric, layer };
}

/** The body of a neighbours-view message if it is well-formed, otherwise undefined. */
export function validateNeighboursFromWebview(raw: unknown, opts: NeighboursValidateOptions = {}): NeighboursFromWebview | undefined {
  if (!isPlainObject(raw) || typeof raw.type !== "string") return undefined;
  const wordCount = Math.min(opts.wordCount ?? MAX_NEIGHBOUR_CHIPS, MAX_NEIGHBOUR_CHIPS);
  const nLayer = Math.min(opts.nLayer ?? MAX_NEIGHBOUR_LAYERS, MAX_NEIGHBOUR_LAYERS);
  switch (raw.type) {
    case "ready":
    case "copyList":
    case "openTour":
      return hasKeys(raw, ["type"]) ? { type: raw.type } : undefined;
    case "focusWord":
      if (!hasKeys(raw, ["type", "index"]) || !isIndex(raw.index, wordCount)) return undefined;
      return { type: "focusWord", index: raw.index };
    case "query": {
      if (!hasKeys(raw, ["type", "origin", "text"])) return undefined;
      const { origin, text } = raw;
      if (origin !== "typed" && origin !== "neighbour") return undefined;
      if (typeof text !== "string" || text.length > MAX_NEIGHBOUR_QUERY_CHARS) return undefined;
      // a neighbour is one word of a list (letters only); typed text is parsed, and its errors shown, by the extension
      if (origin === "neighbour" && !/^\p{L}+$/u.test(text)) return undefined;
      return { type: "query", origin, text };
    }
    case "setOptions": {
      if (!hasKeys(raw, ["type", "options"])) return undefined;
      const options = validateOptions(raw.options, nLayer);
      return options ? { type: "setOptions", options } : undefined;
    }
    case "setFollow":
      if (!hasKeys(raw, ["type", "follow"]) || typeof raw.follow !== "boolean") return undefined;
      return { type: "setFollow", follow: raw.follow };
    case "exportList":
      if (!hasKeys(raw, ["type", "format"]) || (raw.format !== "json" && raw.format !== "csv")) return undefined;
      return { type: "exportList", format: raw.format };
    default:
      return undefined;
  }
}

/** A whole envelope from the neighbours webview if it and its body are well-formed, otherwise undefined. */
export function validateNeighboursMessage(raw: unknown, opts: NeighboursValidateOptions = {}): NeighboursFromWebviewMessage | undefined {
  return validateEnvelope(raw, (body) => validateNeighboursFromWebview(body, opts));
}

/** A light check on the webview side that a message is the neighbours view's state. */
export function isNeighboursToWebviewMessage(raw: unknown): raw is NeighboursToWebviewMessage {
  if (typeof raw !== "object" || raw === null) return false;
  const m = raw as Fields;
  if (typeof m.messageId !== "number" || typeof m.body !== "object" || m.body === null) return false;
  const body = m.body as Fields;
  if (body.type !== "state") return false;
  const d = body.data as Fields | null;
  if (typeof d !== "object" || d === null) return false;
  const list = (s: unknown) => typeof s === "object" && s !== null && typeof (s as Fields).loading === "boolean";
  return (
    typeof d.id === "number" && Array.isArray(d.words) && d.words.every((w) => typeof w === "string") &&
    typeof d.focus === "number" && typeof d.options === "object" && d.options !== null &&
    list(d.static) && list(d.contextual) && typeof d.index === "object" && d.index !== null
  );
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
