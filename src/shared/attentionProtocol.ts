// The attention panel's protocol: the messages between src/ui/attentionPanel.ts and webview/attention/,
// carried in messages.ts's envelope { messageId, inReplyTo?, body }, whose body is one of the ToWebview /
// FromWebview unions below. PURE: imported by src/ui/ and by webview/, so no vscode, Node or DOM types here.

import { type AttentionCore, type Envelope, type Fields, type OpenTourMessage, type ReadyMessage, type SetFollowMessage, type TokenProb, type ViewToken, type WordProb, hasKeys, isPlainObject, isIndex, validateEnvelope } from "./messages";

/** most tokens a view can hold (lmLens.maxAttentionTokens's maximum) */
export const MAX_VIEW_TOKENS = 512;
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

/** Everything the attention panel shows. Tensors are typed arrays (structured clone keeps them). */
export interface AttentionView extends AttentionCore {
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

export interface HoverTokenMessage {
  type: "hoverToken";
  index: number | null;
}
export interface SelectTokenMessage {
  type: "selectToken";
  index: number;
}
export type ExportFormat = "png" | "svg" | "json";
export interface ExportMessage {
  type: "export";
  format: ExportFormat;
  /** png: a data: URL; svg and json: the file's text */
  data: string;
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
