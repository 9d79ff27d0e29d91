// The neighbours view's protocol: src/ui/neighboursView.ts (and its controller) and webview/neighbours/.
// PURE: no vscode, Node or DOM types. Messages travel in messages.ts's envelope.
// A WebviewView in the LM Lens activity-bar container. The extension owns the query and the lists and
// sends the whole screen in one "state" message (a few kilobytes); the webview keeps only its own UI
// state (the row in focus, the map's list, the search box's text) with getState/setState.

import { type Envelope, type Fields, type OpenTourMessage, type ReadyMessage, type SetFollowMessage, hasKeys, isPlainObject, isIndex, validateEnvelope } from "./messages";

export const NEIGHBOURS_K = { min: 1, max: 50, default: 10 } as const;
/** longest text accepted from the search box (src/core/vectorQuery.ts says the same) */
export const MAX_NEIGHBOUR_QUERY_CHARS = 200;
/** words of a selection shown as chips */
export const MAX_NEIGHBOUR_CHIPS = 12;
/** most layers a layer index may name, before the model is known */
export const MAX_NEIGHBOUR_LAYERS = 64;

export type Metric = "cosine" | "euclidean";
/**
 * pooled: a word's hidden state at one layer averaged over its uses in the training text (pooled.json/.bin
 * beside the model); static: rows of the input (token) embedding matrix; contextual: hidden states at a layer
 */
export type NeighbourMode = "pooled" | "static" | "contextual";
export const NEIGHBOUR_MODES: readonly NeighbourMode[] = ["pooled", "static", "contextual"];

/** What the model host is asked (src/shared/hostProtocol.ts, method "neighbours"). */
export interface NeighboursRequest {
  /** a word, a phrase or a sum such as "king - man + woman" (src/core/vectorQuery.ts) */
  query: string;
  mode: NeighbourMode;
  /** contextual: hidden_states.{layer}; 0 is the embedding output, nLayer the output of the final LayerNorm (pooled and static: ignored) */
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
  /** pooled: how many times the training text read used the word (its vector is their mean) */
  count?: number;
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
  /** the lists, in the order the view shows them: pooled first (the default space) */
  pooled: NeighbourListState;
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
    list(d.pooled) && list(d.static) && list(d.contextual) && typeof d.index === "object" && d.index !== null
  );
}
