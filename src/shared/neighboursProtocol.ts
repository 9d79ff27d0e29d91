// The neighbours view's protocol: src/ui/neighboursView.ts (and its controller) and webview/neighbours/.
// PURE: no vscode, Node or DOM types. Messages travel in messages.ts's envelope.
// A WebviewView in the LM Lens activity-bar container. The extension owns the query and the lists and
// sends the whole screen in one "state" message (a few kilobytes); the webview keeps only its own UI
// state (the row in focus, the map's list, the search box's text) with getState/setState.
// What the webview sends is one valibot schema, and NeighboursFromWebview is inferred from it; what the
// extension sends is checked lightly on arrival against a schema that a compile-time check ties to
// NeighboursScreen. The model host checks its "neighbours" request against hostProtocol.ts's schema, which
// takes its modes, metrics and bounds from here.
import * as v from "valibot";
export { EXAMPLE_SUM } from "../core/vectorQuery";
import { COMMON_FROM_WEBVIEW, type Envelope, bodyValidator, guard, indexBelow, intIn, plainObject, validateEnvelope } from "./messages";

export const NEIGHBOURS_K = { min: 1, max: 50, default: 10 } as const;
/** longest text accepted from the search box (src/core/vectorQuery.ts says the same) */
export const MAX_NEIGHBOUR_QUERY_CHARS = 200;
/** words of a selection shown as chips */
export const MAX_NEIGHBOUR_CHIPS = 12;
/** most layers a layer index may name, before the model is known */
export const MAX_NEIGHBOUR_LAYERS = 64;

export const neighbourMetric = v.picklist(["cosine", "euclidean"]);
export type Metric = v.InferOutput<typeof neighbourMetric>;
/**
 * pooled: a word's hidden state at one layer averaged over its uses in the training text (pooled.json/.bin
 * beside the model); static: rows of the input (token) embedding matrix; contextual: hidden states at a layer
 */
export const NEIGHBOUR_MODES = ["pooled", "static", "contextual"] as const;
export const neighbourMode = v.picklist(NEIGHBOUR_MODES);
export type NeighbourMode = v.InferOutput<typeof neighbourMode>;

/** What the model host is asked: the schema of hostProtocol.ts's method "neighbours", which checks it. */
export type { NeighboursRequest } from "./hostProtocol";

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

/** a neighbour is one word of a list (letters only); typed text is parsed, and its errors shown, by the extension */
const LIST_WORD = /^\p{L}+$/u;
const listExportFormat = v.picklist(["json", "csv"]);

/** Every message the webview may send, with chip indices below `wordCount` and layers up to `nLayer`. */
function fromWebviewSchema(wordCount: number, nLayer: number) {
  return v.pipe(
    plainObject,
    v.variant("type", [
      ...COMMON_FROM_WEBVIEW,
      /** the chip whose word becomes the query */
      v.strictObject({ type: v.literal("focusWord"), index: indexBelow(wordCount) }),
      /** typed: the search box's text; neighbour: a word of a list */
      v.strictObject({ type: v.literal("query"), origin: v.picklist(["typed", "neighbour"]), text: v.pipe(v.string(), v.maxLength(MAX_NEIGHBOUR_QUERY_CHARS)) }),
      v.strictObject({
        type: v.literal("setOptions"),
        options: v.pipe(plainObject, v.strictObject({ k: intIn(NEIGHBOURS_K.min, NEIGHBOURS_K.max), metric: neighbourMetric, layer: intIn(0, nLayer) })),
      }),
      v.strictObject({ type: v.literal("copyList") }),
      v.strictObject({ type: v.literal("exportList"), format: listExportFormat }),
    ]),
    v.check((m) => m.type !== "query" || m.origin !== "neighbour" || LIST_WORD.test(m.text), "a neighbour is one word of a list: letters only"),
  );
}

export type NeighboursFromWebview = v.InferOutput<ReturnType<typeof fromWebviewSchema>>;
export type ListExportFormat = v.InferOutput<typeof listExportFormat>;
export type NeighbourOptions = Extract<NeighboursFromWebview, { type: "setOptions" }>["options"];

export type NeighboursToWebviewMessage = Envelope<NeighboursToWebview>;
export type NeighboursFromWebviewMessage = Envelope<NeighboursFromWebview>;

// ---- validation of what the webview sends (it renders document text; treat it as untrusted)

export interface NeighboursValidateOptions {
  /** chips shown now; a focusWord index must be below it */
  wordCount?: number;
  /** the model's layers, when known; a layer must be at most this */
  nLayer?: number;
}

/** one schema per chip count and layer bound (at most (MAX_NEIGHBOUR_CHIPS + 1) * (MAX_NEIGHBOUR_LAYERS + 1) of them) */
const validateBody = bodyValidator(fromWebviewSchema);

/** The body of a neighbours-view message if it is well-formed, otherwise undefined. */
export function validateNeighboursFromWebview(raw: unknown, opts: NeighboursValidateOptions = {}): NeighboursFromWebview | undefined {
  // rounding keeps the same indices and layers valid (they are integers) while bounding the schemas kept
  const wordCount = Math.max(0, Math.ceil(Math.min(opts.wordCount ?? MAX_NEIGHBOUR_CHIPS, MAX_NEIGHBOUR_CHIPS)));
  const nLayer = Math.max(0, Math.floor(Math.min(opts.nLayer ?? MAX_NEIGHBOUR_LAYERS, MAX_NEIGHBOUR_LAYERS)));
  return validateBody(raw, wordCount, nLayer);
}

/** A whole envelope from the neighbours webview if it and its body are well-formed, otherwise undefined. */
export function validateNeighboursMessage(raw: unknown, opts: NeighboursValidateOptions = {}): NeighboursFromWebviewMessage | undefined {
  return validateEnvelope(raw, (body) => validateNeighboursFromWebview(body, opts));
}

// ---- the webview's light check of what the extension sends (trusted, but a wrong shape should not throw deep in the UI)

const listStateShape = v.object({ loading: v.boolean() });
const toWebviewShape = v.object({
  messageId: v.number(),
  body: v.object({
    type: v.literal("state"),
    data: v.object({
      id: v.number(),
      words: v.array(v.string()),
      focus: v.number(),
      options: v.object({}),
      pooled: listStateShape,
      static: listStateShape,
      contextual: listStateShape,
      index: v.object({}),
    }),
  }),
});

/** A light check on the webview side that a message is the neighbours view's state. */
export const isNeighboursToWebviewMessage = guard<NeighboursToWebviewMessage, typeof toWebviewShape>(toWebviewShape);
