// The attention panel's protocol: the messages between src/ui/attentionPanel.ts and webview/attention/,
// carried in messaging.ts's envelope { messageId, inReplyTo?, body }, whose body is one of the ToWebview /
// FromWebview unions below. What the model computed comes from vocabulary.ts; this file adds only what the
// panel shows beside it. PURE: imported by src/ui/ and by webview/, so no vscode, Node or DOM types here.
// What a webview sends is one valibot schema, and FromWebview is inferred from it; what the extension
// sends is checked lightly on arrival against a schema that a compile-time check ties to AttentionView.
import * as v from "valibot";
import type { Envelope } from "./messaging";
import { COMMON_FROM_WEBVIEW, bodyValidator, guard, indexBelow, intIn, plainObject, validateEnvelope } from "./schema";
import { LIMITS } from "../core/settings";
import { MAX_LAYERS_OR_HEADS, MAX_VIEW_TOKENS, type AttentionCore, type Explanation, type MemoryReadout, type ShownMatrix, type TokenProb, type ViewToken, type WordProb } from "./vocabulary";

// the vocabulary's shapes that the attention webview reads, through its one door to the extension
export type { Explanation, LensLayer, LogitPart, MemoryPlace, MemoryReadout, MemoryWord, Removal, ShownMatrix, TokenProb, ViewToken, WordProb } from "./vocabulary";

/** longest export payload accepted from a webview (characters); the JSON of 512 tokens stays far below it */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
export const PNG_DATA_URL_PREFIX = "data:image/png;base64,";

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

/**
 * Where a place of the document memory (MemoryPlace: document offsets) lies in the document now, worked out
 * on the extension side from the document: its line and the line's text around its token. A place whose
 * token the document no longer holds there (it was edited since the memory read it) is gone.
 */
export type PlaceLine = { start: number; end: number } & (
  | {
      /** zero-based line of the token's first visible character */
      line: number;
      /** the line's text before the token (its end, cut with "…" when long: attentionMemory.ts's placeLine) */
      before: string;
      /** the token as the document has it (line breaks as \n) */
      text: string;
      /** the line's text after the token (its start, cut with "…" when long) */
      after: string;
    }
  | { gone: true }
);

/** what the panel shows of the document memory: its readout with each place's line, or in one line why there is none */
export interface MemoryShown {
  /** the model host's readout at the point of the next words (absent: no memory was read) */
  memory?: MemoryReadout;
  /** every place of `memory` (its words' and its top places), once each */
  memoryPlaces?: PlaceLine[];
  /** why there is no memory here (the setting is 0, the model has no hidden states, nothing earlier…) */
  noMemory?: string;
}

/**
 * How a selection's last word is read when it ends in letters or digits: "finished" (the document goes on
 * with a space or punctuation: the list is the next word after it) or "typing" (the document's next
 * character continues it, or the user asked: the list completes it, as the ghost text would there).
 */
export type LastWord = "finished" | "typing";

/** What the next-word list is, once the model host has it (the details). */
export interface NextWordsKind {
  /** the words complete this typed part of the last word ("sea" -> "son"); absent: they are whole next words */
  completes?: string;
  /** where the window the list was computed over starts, in the analysed text: its numbers come from that window only */
  windowStart?: number;
}

/** "Why this word?"'s explanation (lm-lens explain's), placed on the view's tokens. */
export interface WhyDone {
  state: "done";
  explanation: Explanation;
  /** per removal of the explanation, the first and last token of the view it covers (null: not among the tokens shown) */
  removalTokens: ([number, number] | null)[];
  /** the first token of the view inside the prediction's window (its numbers come from the window only) */
  windowFirstToken: number;
  /** the ghost text's word, when one was shown (the explanation is of the model's first word; they agree unless the text changed) */
  suggestion: string;
}

/** The explanation of "Why this word?": still being worked out, done, or failed (one line). */
export type WhyShown = { state: "computing" } | WhyDone | { state: "failed"; message: string };

/** How the suggestion samples its first word (lmLens.temperature and lmLens.topK; sampling.ts's samplingShares). */
export interface SamplingSettings {
  /** 0: greedy */
  temperature: number;
  topK: number;
}

/** the bounds of the sampling settings (package.json's, core/settings.ts's), for the webview's controls */
export const SAMPLING_LIMITS = { temperature: LIMITS.temperature, topK: LIMITS.topK } as const;

/** Everything the attention panel shows. Tensors are typed arrays (structured clone keeps them). */
export interface AttentionView extends AttentionCore, MemoryShown, NextWordsKind {
  /** changes with every analysis, so that the webview knows when its saved UI state still applies */
  id: number;
  /** attentions, head means, rollout, predictions and next words are empty while pending */
  tokens: ViewToken[];
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
  /** a selection that ends in a letter or digit: how its last word is read, and that the user may switch it */
  lastWord?: { mode: LastWord; word: string };
  /** "Why this word?": the explanation (computing while the model host works it out; it follows the details) */
  why?: WhyShown;
  /** "Why this word?": the user's sampling settings, which the suggestion used (the panel's controls start there) */
  sampling?: SamplingSettings;
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
export type AttentionTab = "heatmap" | "grid" | "lines" | "rollout";

export interface ViewPick {
  layer: number;
  head: number | null;
  tab: AttentionTab;
}

/** the rest of the view with this id: sent right after its "state", once the model host has it */
export interface DetailsMessage {
  type: "details";
  data: { viewId: number; attentions: Float32Array; headMeans: Float32Array; rollout: Float32Array; predictions: TokenProb[][]; nextWords: WordProb[] } & MemoryShown & NextWordsKind;
}
/** the explanation of the view with this id ("Why this word?"): sent after its details, or that it failed */
export interface WhyMessage {
  type: "why";
  data: { viewId: number; why: WhyShown };
}
/** the memory's places of the view with this id, worked out again (a place asked for was edited since) */
export interface MemoryPlacesMessage {
  type: "memoryPlaces";
  data: { viewId: number; memoryPlaces: PlaceLine[] };
}
/** the user's sampling settings as they are now, after the webview asked to use its own for suggestions */
export interface SamplingMessage {
  type: "sampling";
  data: SamplingSettings;
}
export type ToWebview = StateMessage | DetailsMessage | MemoryPlacesMessage | WhyMessage | SamplingMessage | LoadingMessage | ErrorMessage;

// ---- webview -> extension

/** the longest a webview may report drawing took (ms) */
const MAX_DRAW_MS = 3_600_000;
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;
/** the most characters a memory place (one token) may cover in a "revealPlace" message */
export const MAX_PLACE_CHARS = 1024;

const exportFormat = v.picklist(["png", "svg", "json"]);
/** a temperature and top-k within the settings' own bounds (package.json's, core/settings.ts's LIMITS) */
const temperature = v.pipe(v.number(), v.finite(), v.minValue(LIMITS.temperature.min), v.maxValue(LIMITS.temperature.max));
const topK = intIn(LIMITS.topK.min, LIMITS.topK.max);
const layerOrHead = indexBelow(MAX_LAYERS_OR_HEADS);

/** Every message a webview may send, with token indices below `tokenCount` (the view shown). */
function fromWebviewSchema(tokenCount: number) {
  const token = indexBelow(tokenCount);
  return v.pipe(
    plainObject,
    v.variant("type", [
      ...COMMON_FROM_WEBVIEW,
      /** the token under the pointer (null: none), to highlight in the editor */
      v.strictObject({ type: v.literal("hoverToken"), index: v.nullable(token) }),
      /** the chosen token, to highlight and reveal in the editor */
      v.strictObject({ type: v.literal("selectToken"), index: token }),
      /** which layer and head the heatmap shows (head null: the average of heads); sent when ready and on every change */
      v.strictObject({ type: v.literal("showing"), layer: layerOrHead, head: v.nullable(layerOrHead) }),
      /** the view with this id has been drawn, drawMs after the webview received it (the extension times command -> first heatmap) */
      v.strictObject({ type: v.literal("rendered"), viewId: indexBelow(Number.MAX_SAFE_INTEGER), drawMs: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_DRAW_MS)) }),
      /** a place of the document memory (document offsets of one token), to reveal in the editor */
      v.strictObject({ type: v.literal("revealPlace"), start: indexBelow(Number.MAX_SAFE_INTEGER), end: indexBelow(Number.MAX_SAFE_INTEGER) }),
      /** read the selection's last word the other way: the next word after it, or its completions */
      v.strictObject({ type: v.literal("setLastWord"), mode: v.picklist(["finished", "typing"]) }),
      /** "Use for suggestions": write this temperature and top-k to the user's settings (lmLens.temperature, lmLens.topK) */
      v.strictObject({ type: v.literal("useSampling"), temperature, topK }),
      /** png: a data: URL; svg and json: the file's text */
      v.strictObject({ type: v.literal("export"), format: exportFormat, data: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_EXPORT_CHARS)) }),
    ]),
    v.check((m) => m.type !== "export" || m.format !== "png" || PNG_DATA_URL.test(m.data), "a PNG export is a base64 data: URL"),
    v.check((m) => m.type !== "revealPlace" || (m.start < m.end && m.end - m.start <= MAX_PLACE_CHARS), "a place is one token: start < end, at most MAX_PLACE_CHARS"),
  );
}

export type FromWebview = v.InferOutput<ReturnType<typeof fromWebviewSchema>>;
export type ExportFormat = v.InferOutput<typeof exportFormat>;

export type ToWebviewMessage = Envelope<ToWebview>;
export type FromWebviewMessage = Envelope<FromWebview>;

// ---- validation of what a webview sends (a webview renders document text; treat it as untrusted)

export interface ValidateOptions {
  /** tokens in the view currently shown; token indices must be below it */
  tokenCount?: number;
}

/** one schema per token count (at most MAX_VIEW_TOKENS + 1 of them) */
const validateBody = bodyValidator(fromWebviewSchema);

/** The body of a webview message if it is well-formed, otherwise undefined. */
export function validateFromWebview(raw: unknown, opts: ValidateOptions = {}): FromWebview | undefined {
  return validateBody(raw, Math.max(0, Math.min(opts.tokenCount ?? MAX_VIEW_TOKENS, MAX_VIEW_TOKENS)));
}

/** A whole envelope from a webview if it and its body are well-formed, otherwise undefined. */
export function validateFromWebviewMessage(raw: unknown, opts: ValidateOptions = {}): FromWebviewMessage | undefined {
  return validateEnvelope(raw, (body) => validateFromWebview(body, opts));
}

// ---- the webview's light check of what the extension sends (trusted, but a wrong shape should not throw deep in the UI)

const f32 = v.custom<Float32Array>((x) => x instanceof Float32Array, "a Float32Array");
// what the views read of each token, word and prediction: a shape the extension never sends (a token that is
// null, a NaN probability, 10^6 entries) is refused here instead of throwing deep in a view
const finite = v.pipe(v.number(), v.finite());
const byteShape = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255));
/** a token's bytes: a BPE token of a GPT-2-family vocabulary is far shorter */
const MAX_TOKEN_BYTES = 1024;
const tokensShape = v.pipe(v.array(v.object({ text: v.string(), start: finite, end: finite, bytes: v.pipe(v.array(byteShape), v.maxLength(MAX_TOKEN_BYTES)) })), v.maxLength(MAX_VIEW_TOKENS));
const wordsShape = v.pipe(v.array(v.object({ word: v.string(), p: finite })), v.maxLength(1000));
const predictionsShape = v.pipe(v.array(v.pipe(v.array(v.object({ token: v.string(), p: finite })), v.maxLength(1000))), v.maxLength(MAX_VIEW_TOKENS));
const placeShape = v.object({ start: v.number(), end: v.number(), weight: v.number(), token: v.string() });
const memoryShape = v.object({
  entries: v.number(),
  share: v.number(),
  words: v.array(v.object({ word: v.string(), token: v.string(), pModel: v.number(), pMemory: v.number(), pMixed: v.number(), places: v.array(placeShape) })),
  top: v.array(placeShape),
});
const placeLineShape = v.union([
  v.object({ start: v.number(), end: v.number(), line: v.number(), before: v.string(), text: v.string(), after: v.string() }),
  v.object({ start: v.number(), end: v.number(), gone: v.literal(true) }),
]);
const num = v.pipe(v.number(), v.finite());
const tokenProbShape = v.object({ token: v.string(), p: num });
const explanationShape = v.object({
  word: v.string(),
  p: num,
  modelP: num,
  memoryP: num,
  share: num,
  words: v.array(v.object({ word: v.string(), p: num, modelP: num, memoryP: num })),
  token: v.string(),
  logit: num,
  components: v.array(v.object({ name: v.string(), logit: num })),
  layers: v.array(v.object({ layer: num, top: v.array(tokenProbShape), tokenP: num, tokenRank: num })),
  removals: v.array(v.object({ start: num, end: num, text: v.string(), p: num })),
  windowStart: num,
  windowTokens: num,
  internalsProblem: v.optional(v.string()),
  ms: num,
});
const tokenRange = v.nullable(v.tuple([v.pipe(v.number(), v.integer(), v.minValue(0)), v.pipe(v.number(), v.integer(), v.minValue(0))]));
/** the explanation's shape, each removal with its tokens (a list as long as the removals) */
export const whyShape = v.variant("state", [
  v.object({ state: v.literal("computing") }),
  v.object({ state: v.literal("failed"), message: v.string() }),
  v.pipe(
    v.object({ state: v.literal("done"), explanation: explanationShape, removalTokens: v.array(tokenRange), windowFirstToken: v.pipe(v.number(), v.integer(), v.minValue(0)), suggestion: v.string() }),
    v.check((w) => w.removalTokens.length === w.explanation.removals.length, "one token range per removal"),
  ),
]);
const samplingShape = v.object({ temperature: finite, topK: finite });
const nextWordsKindFields = { completes: v.optional(v.string()), windowStart: v.optional(v.number()) };
/** the memory's fields, where a view or its details carry them */
const memoryFields = { memory: v.optional(memoryShape), memoryPlaces: v.optional(v.array(placeLineShape)), noMemory: v.optional(v.string()) };
/** the part of an AttentionView that the webview's drawing indexes into: the tensors' sizes against the token count */
const viewShape = v.pipe(
  v.object({
    tokens: tokensShape,
    nLayer: intIn(0, 1 << 16),
    nHead: intIn(0, 1 << 16),
    pending: v.boolean(),
    attentions: f32,
    headMeans: f32,
    rollout: f32,
    predictions: predictionsShape,
    nextWords: wordsShape,
    nextWordsAt: v.optional(v.number()),
    shown: v.optional(v.object({ layer: v.number(), head: v.nullable(v.number()), matrix: f32 })),
    lastWord: v.optional(v.object({ mode: v.picklist(["finished", "typing"]), word: v.string() })),
    why: v.optional(whyShape),
    sampling: v.optional(samplingShape),
    ...memoryFields,
    ...nextWordsKindFields,
  }),
  v.check((d) => {
    const T = d.tokens.length;
    const [L, H] = [d.nLayer, d.nHead];
    const size = (full: number) => (d.pending ? 0 : full);
    const s = d.shown;
    const shownFits = !!s && Number.isInteger(s.layer) && s.layer >= 0 && s.layer < L && (s.head === null || (Number.isInteger(s.head) && s.head >= 0 && s.head < H)) && s.matrix.length === T * T;
    return d.attentions.length === size(L * H * T * T) && d.headMeans.length === size(L * T * T) && d.rollout.length === size(T * T) && (d.pending ? shownFits : s === undefined);
  }),
);
const detailsShape = v.object({ viewId: v.number(), attentions: f32, headMeans: f32, rollout: f32, predictions: predictionsShape, nextWords: wordsShape, ...memoryFields, ...nextWordsKindFields });
const toWebviewShape = v.object({
  messageId: v.number(),
  body: v.variant("type", [
    v.object({ type: v.literal("state"), data: viewShape }),
    v.object({ type: v.literal("details"), data: detailsShape }),
    v.object({ type: v.literal("memoryPlaces"), data: v.object({ viewId: v.number(), memoryPlaces: v.array(placeLineShape) }) }),
    v.object({ type: v.literal("why"), data: v.object({ viewId: v.number(), why: whyShape }) }),
    v.object({ type: v.literal("sampling"), data: samplingShape }),
    v.object({ type: v.literal("loading") }),
    v.object({ type: v.literal("error"), message: v.string() }),
  ]),
});
/**
 * A light check on the webview side: the extension is trusted, but a wrong shape should not throw deep in the UI.
 * (guard: this does not compile when ToWebview renames or retypes a field that the check reads.)
 */
export const isToWebviewMessage = guard<ToWebviewMessage, typeof toWebviewShape>(toWebviewShape);
