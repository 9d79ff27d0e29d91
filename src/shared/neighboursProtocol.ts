// The neighbours view's protocol: src/ui/neighboursView.ts (and its controller) and webview/neighbours/.
// PURE: no vscode, Node or DOM types. Messages travel in messaging.ts's envelope.
// A WebviewView in the LM Lens activity-bar container. The extension owns the query and the lists and
// sends the whole screen in one "state" message (a few kilobytes); the webview keeps only its own UI
// state (the row in focus, the search box's text, the large map's zoom and pan) with getState/setState.
// A second webview, the large map in an editor tab, gets the very same state messages (one screen, two
// webviews), so the map's list is part of the screen (mapList), chosen from either.
// What the webview sends is one valibot schema, and NeighboursFromWebview is inferred from it; what the
// extension sends is checked lightly on arrival against a schema that a compile-time check ties to
// NeighboursScreen. The lists themselves, their modes, metrics and bounds are vocabulary.ts's; the model
// host is asked for them through hostProtocol.ts.
import * as v from "valibot";
import type { Envelope } from "./messaging";
import { COMMON_FROM_WEBVIEW, bodyValidator, cappedArray, guard, indexBelow, intIn, plainObject, validateEnvelope } from "./schema";
import { MAX_NEIGHBOUR_LAYERS, MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOUR_METRICS, NEIGHBOUR_MODES, NEIGHBOURS_K, type NeighbourList, type NeighbourMode } from "./vocabulary";
import { MAX_TERMS, MAX_WORDS_PER_TERM } from "../core/vectorQuery";

// the vocabulary the neighbours webview reads, through its one door to the extension
export { MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOUR_MODES, NEIGHBOURS_K } from "./vocabulary";
export { EXAMPLE_SUM } from "../core/vectorQuery";
export type { EmbeddedTerm, EmbeddedWord, Metric, NeighbourHit, NeighbourList, NeighbourMode } from "./vocabulary";

/** words of a selection shown as chips */
export const MAX_NEIGHBOUR_CHIPS = 12;

/**
 * The large map's editor tab and page title. The large map runs the same bundle as the side bar (one
 * webview, two pages): the page's title says which one it is.
 */
export const NEIGHBOURS_MAP_TITLE = "LM Lens: Neighbours map";

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
  /** the query names a word the model does not know ("中文", an emoji): the one line that says so; no space has a list */
  notAWord?: string;
  options: NeighbourOptions;
  /** the list both maps show (the side bar's preview and the large map): one choice, so that they agree */
  mapList: NeighbourMode;
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
        options: v.pipe(plainObject, v.strictObject({ k: intIn(NEIGHBOURS_K.min, NEIGHBOURS_K.max), metric: v.picklist(NEIGHBOUR_METRICS), layer: intIn(0, nLayer) })),
      }),
      /** the list both maps show */
      v.strictObject({ type: v.literal("setMapList"), list: v.picklist(NEIGHBOUR_MODES) }),
      /** open (or reveal) the large map in an editor tab */
      v.strictObject({ type: v.literal("openMap") }),
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

// ---- the webview's check of what the extension sends (trusted, but a wrong shape should not throw deep in the UI)
// Every field the webview draws or indexes into, with the bounds the extension keeps: a term has at least
// one word (format.ts reads words[0]), the map has one point for the query and one per neighbour, and
// every list is capped, so that a shape the extension never sends is dropped instead of drawn.

const num = v.pipe(v.number(), v.finite());
const count = intIn(0, Number.MAX_SAFE_INTEGER);
/** longest text field drawn (a source line, an error, a word) */
const text = v.pipe(v.string(), v.maxLength(4096));
const metric = v.picklist(NEIGHBOUR_METRICS);
const mode = v.picklist(NEIGHBOUR_MODES);
const wordShape = v.object({ word: text, tokens: cappedArray(text, MAX_NEIGHBOUR_QUERY_CHARS), count: v.optional(count) });
const termShape = v.object({ sign: v.picklist([1, -1]), words: v.pipe(cappedArray(wordShape, MAX_WORDS_PER_TERM), v.minLength(1)) });
const listShape = v.pipe(
  v.object({
    query: text,
    mode,
    layer: intIn(0, MAX_NEIGHBOUR_LAYERS),
    metric,
    k: intIn(NEIGHBOURS_K.min, NEIGHBOURS_K.max),
    terms: v.pipe(cappedArray(termShape, MAX_TERMS), v.minLength(1)),
    before: v.optional(text),
    neighbours: cappedArray(v.object({ word: text, score: num }), NEIGHBOURS_K.max),
    map: v.object({ x: cappedArray(num, NEIGHBOURS_K.max + 1), y: cappedArray(num, NEIGHBOURS_K.max + 1), explained: v.tuple([num, num]) }),
    indexSize: count,
    nLayer: intIn(0, MAX_NEIGHBOUR_LAYERS),
    source: text,
    ms: num,
  }),
  v.check((l) => l.map.x.length === l.neighbours.length + 1 && l.map.y.length === l.map.x.length, "one map point for the query and one per neighbour"),
);
const listStateShape = v.object({ loading: v.boolean(), list: v.optional(listShape), error: v.optional(text) });
const screenShape = v.object({
  id: v.number(),
  words: cappedArray(text, MAX_NEIGHBOUR_CHIPS),
  focus: v.pipe(v.number(), v.integer(), v.minValue(-1)),
  wordsTotal: count,
  source: v.optional(text),
  query: v.optional(v.object({ text, origin: v.picklist(["editor", "typed", "neighbour"]) })),
  queryError: v.optional(text),
  notAWord: v.optional(text),
  options: v.object({ k: intIn(NEIGHBOURS_K.min, NEIGHBOURS_K.max), metric, layer: intIn(0, MAX_NEIGHBOUR_LAYERS) }),
  mapList: mode,
  nLayer: v.optional(intIn(0, MAX_NEIGHBOUR_LAYERS)),
  follow: v.boolean(),
  pooled: listStateShape,
  static: listStateShape,
  contextual: listStateShape,
  index: v.object({ state: v.picklist(["idle", "building", "ready", "error"]), built: count, total: count, ms: v.optional(num), error: v.optional(text) }),
});
const toWebviewShape = v.object({ messageId: v.number(), body: v.object({ type: v.literal("state"), data: screenShape }) });

/**
 * The webview's check that a message is the neighbours view's state, every field it draws included; it
 * never throws. (guard: this does not compile when NeighboursScreen renames or retypes a field it reads.)
 */
export const isNeighboursToWebviewMessage = guard<NeighboursToWebviewMessage, typeof toWebviewShape>(toWebviewShape);
