// The attention panel's logic, without vscode: what a command asks the model host for, which answer is
// still wanted, what the webview is sent, and what each webview message does. src/ui/attentionPanel.ts
// connects it to a WebviewPanel, the editors, their decorations and the save dialog; the tests drive it
// with fakes. What a command asks to analyse is attentionRequest.ts's; how the memory is shown,
// attentionMemory.ts's.
//  - A newer request cancels the older one's work; a late answer of the older one is dropped.
//  - The first heatmap is posted as soon as the model host has it; the rest of the view ("details") follows.
//  - Messages are posted only while the webview is ready; a webview that was hidden (and so torn down)
//    says "ready" again when shown, and gets the whole screen back, with no new model work.
//  - While following, a selection change re-runs the last command after a debounce (when the panel shows,
//    for a change made while it was hidden).
//  - The next words read the document's memory, as the ghost text does (the document's key goes with the
//    request); the memory's places are given their lines from the document, and a place the webview asks
//    to reveal is checked against the document first.
//  - "Why this word?": after the details, the model host's explanation of the same point (whyThisWord.ts:
//    the ghost text's own request) follows as a "why" message; the view says it is computing until then.
//  - A selection ending in a letter or digit reads its last word as the document says (attentionRequest.ts's
//    lastWordAt); the webview may ask for the other reading, which runs the same selection again.
import { charsForTokens, tokenAtOffset } from "../core/attentionSource";
import type { Settings } from "../core/settings";
import { analyse, type Analysis } from "./attentionAnalysis";
import { allPlaces, memoryShown, placeLine, type MemoryKey } from "./attentionMemory";
import { whyDone, explainParams } from "./whyThisWord";
import { requestFor, type AttentionKind, type AttentionRequest, type EditorSnapshot, type ShownSuggestion, type SourceDocument } from "./attentionRequest";
import type { ModelHostPort } from "../client/modelHostClient";
import type { AttentionFirst } from "../shared/hostProtocol";
import { PNG_DATA_URL_PREFIX, validateFromWebviewMessage, type AttentionView, type ExportFormat, type FromWebview, type ToWebview, type SamplingSettings, type ToWebviewMessage, type TruncationNotice, type ViewPick, type WhyShown } from "../shared/attentionProtocol";
import { previewMessage } from "../shared/schema";
import type { ShownMatrix } from "../shared/vocabulary";
import { CancelSource, Channel, isCancellation, type CancelToken } from "../shared/messaging";
import { shortQuote } from "../shared/tokenDisplay";

export const FOLLOW_DEBOUNCE_MS = 200;

/** A token's characters in a document at one version (document offsets). */
export interface TokenPlace {
  uri: string;
  version: number;
  start: number;
  end: number;
}

/** The editor decorations of the token under the pointer and of the chosen one. */
export interface TokenHighlights {
  /** undefined: no token is hovered, or it does not lie in the document */
  hover(place: TokenPlace | undefined): void;
  /** the chosen token, revealed in its editors; undefined: none */
  choose(place: TokenPlace | undefined): void;
  clear(): void;
}

/** A document range to reveal in an editor (document offsets; the controller has checked that it is still there). */
export interface DocumentRange {
  uri: string;
  start: number;
  end: number;
}

export interface AttentionControllerDeps {
  client: ModelHostPort;
  /** the memory the next words read for this document (its uri) */
  memoryFor(uri: string): MemoryKey;
  /** reveal a place of the memory in an editor of its document and mark it for a moment (no edit, no focus) */
  revealPlace(range: DocumentRange): void;
  /** post to the webview (called only while it is ready) */
  post(message: ToWebviewMessage): void;
  settings(): Settings;
  /** the ghost text on screen, for "Why this word?" when following */
  lastSuggestion(): ShownSuggestion | undefined;
  log(line: string): void;
  /** the panel's title */
  setTitle(title: string): void;
  highlights: TokenHighlights;
  /** open the guided tour at the attention step */
  openTour(): void;
  /**
   * write a temperature and top-k to the user's settings (lmLens.temperature, lmLens.topK): "Use for
   * suggestions"; answers the settings the suggestion reads afterwards (a workspace's own value may win)
   */
  setSampling(sampling: SamplingSettings): SamplingSettings | Promise<SamplingSettings>;
  /** ask where to save an export and write it there */
  save(format: ExportFormat, bytes: Uint8Array, suggestedName: string): void | Promise<void>;
  followDebounceMs?: number;
  /** a clock in ms (tests); performance.now by default */
  now?: () => number;
}

/** What the panel shows now; sent again whenever the webview (re)loads and says it is ready. */
export interface AttentionScreen {
  view?: AttentionView;
  /** document version the view's offsets refer to */
  version?: number;
  /** document offset of the view's text */
  offset?: number;
  loading: boolean;
  error?: string;
  /** the view's document, to give the memory's places their lines again when one is asked for */
  document?: SourceDocument;
}

/** view ids are unique across panels, so that a webview's saved UI state never matches another panel's view */
let nextViewId = 1;

export class AttentionController {
  private screen: AttentionScreen = { loading: false };
  private follow = false;
  /** the layer and head the webview's heatmap shows (head null: the average), as it last said */
  private showing: { layer: number; head: number | null } = { layer: 0, head: null };
  private lastKind: AttentionKind = "selection";
  /** the last request run, which the webview may ask to run again with its last word read the other way */
  private lastRequest: AttentionRequest | undefined;
  /** when the view being sent was asked for, to log command -> first heatmap */
  private timing: { viewId: number; started: number; modelMs: number; tokens: number } | undefined;
  /** to the webview: nothing is posted until it says ready (messaging.ts); the screen is resent then */
  private readonly channel: Channel<ToWebview, FromWebview>;
  private work: CancelSource | undefined;
  private disposed = false;
  private visible = true;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** reads the editor whose selection changed last (undefined: it was closed) */
  private followEditor: (() => EditorSnapshot | undefined) | undefined;
  /** a selection changed while the panel was hidden: re-run when it shows again */
  private staleWhileHidden = false;
  /** settles when the latest request's work is done (tests) */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AttentionControllerDeps) {
    this.channel = new Channel((m) => this.deps.post(m), { ready: false });
  }

  /** What the panel shows now (tests). */
  get current(): Readonly<AttentionScreen> {
    return this.screen;
  }

  /** The kind of the last request, which following repeats. */
  get kind(): AttentionKind {
    return this.lastKind;
  }

  /** Settles when the latest request's work is done. */
  idle(): Promise<void> {
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.channel.close();
    clearTimeout(this.followTimer);
    this.work?.cancel();
    this.work = undefined;
  }

  private now(): number {
    return this.deps.now?.() ?? performance.now();
  }

  // ---- analysis

  /** Analyse a request (a command's, the tour's with what to show first, or the followed selection's). */
  run(req: AttentionRequest, show?: { pick: ViewPick; token?: string }): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.running = this.analyseAndShow(req, show);
    return this.running;
  }

  private async analyseAndShow(req: AttentionRequest, show?: { pick: ViewPick; token?: string }): Promise<void> {
    const started = this.now();
    this.lastKind = req.kind;
    this.lastRequest = req;
    this.work?.cancel();
    const work = (this.work = new CancelSource());
    const token = work.token;
    this.screen = { ...this.screen, loading: true, error: undefined };
    this.post({ type: "loading" });
    try {
      if (show) this.showing = { layer: show.pick.layer, head: show.pick.head };
      const key = this.deps.memoryFor(req.document.uri);
      const { result, text, cut, offset } = await this.analyse(req, "doc" in key ? key.doc : undefined, token);
      if (token.isCancellationRequested) return;
      // the heatmap first; rollout and next words follow as soon as the model host has them
      // (a large message is slow to reach the webview: the first one carries only what its heatmap needs)
      const view = this.toView(req, result, text, offset, cut, show);
      this.timing = { viewId: view.id, started, modelMs: this.now() - started, tokens: view.tokens.length };
      this.screen = { view, version: req.version, offset, loading: false, document: req.document };
      this.post({ type: "state", data: { ...view, follow: this.follow } });
      this.deps.setTitle(req.kind === "whyThisWord" && req.suggestion.trim() ? `Why “${shortQuote(req.suggestion.trim(), 20)}”?` : `Attention: “${shortQuote(view.text, 28)}”`);
      this.deps.highlights.clear();
      const details = await this.deps.client.request("attentionDetails", { detailsId: result.detailsId }, token);
      if (token.isCancellationRequested || this.screen.view?.id !== view.id) return;
      const { memory: readout, ...found } = details;
      const rest = { attentions: result.attentions, headMeans: result.headMeans, ...found, ...memoryShown(req.document, key, readout) };
      const { shown: _, ...whole } = view;
      this.screen = { ...this.screen, view: { ...whole, ...rest, pending: false } };
      this.post({ type: "details", data: { viewId: view.id, ...rest } });
      if (req.kind === "whyThisWord") await this.explain(req, view.id, offset, "doc" in key ? key.doc : undefined, token);
    } catch (e) {
      if (isCancellation(e, token)) return;
      const message = (e as Error)?.message ?? String(e);
      this.deps.log(`attention failed: ${message}`);
      this.screen = { ...this.screen, loading: false, error: `The model could not analyse this text: ${message}` };
      this.post({ type: "error", message: this.screen.error! });
    } finally {
      if (this.work === work) this.work = undefined;
    }
  }

  /**
   * "Why this word?"'s explanation of the point before the suggestion, asked once the heatmap and the list
   * are on screen (it runs the model once per earlier word: it takes longest). A newer request cancels it.
   */
  private async explain(req: AttentionRequest, viewId: number, viewOffset: number, doc: string | undefined, token: CancelToken): Promise<void> {
    const params = explainParams(req.document, req.end, this.deps.settings().suggest, doc);
    let why: WhyShown;
    try {
      const x = await this.deps.client.request("explain", params, token);
      if (token.isCancellationRequested) return;
      why = whyDone(x, params.offset, this.screen.view?.tokens ?? [], viewOffset, req.suggestion);
    } catch (e) {
      if (isCancellation(e, token)) return;
      const message = (e as Error)?.message ?? String(e);
      this.deps.log(`why this word: the explanation failed: ${message}`);
      why = { state: "failed", message: `The explanation could not be worked out: ${message}` };
    }
    if (this.screen.view?.id !== viewId) return;
    this.screen = { ...this.screen, view: { ...this.screen.view, why } };
    this.post({ type: "why", data: { viewId, why } });
  }

  /** One request to the model host (attentionAnalysis.ts): the document's text as far as the budget can use it. */
  private analyse(req: AttentionRequest, doc: string | undefined, token: CancelToken): Promise<Analysis> {
    const settings = this.deps.settings();
    // a huge selection (megabytes) is read only as far as the token budget can use
    const end = req.kind === "selection" ? Math.min(req.end, req.start + charsForTokens(settings.maxAttentionTokens)) : req.end;
    const docText = req.document.getText(req.start, end);
    // a finished last word is read as finished only where the text analysed ends where the selection does
    const wordEnds = req.lastWord?.mode === "finished" && end === req.end;
    return analyse(this.deps.client, { kind: req.kind, docText, start: req.start, cutAtEnd: end < req.end, suggestion: req.suggestion, cutAtStart: req.cutAtStart, doc, wordEnds }, settings, this.showing, token);
  }

  private toView(req: AttentionRequest, r: AttentionFirst, text: string, offset: number, cut: TruncationNotice["cut"] | undefined, show?: { pick: ViewPick; token?: string }): AttentionView {
    const T = r.tokens.length;
    // the one matrix the webview's heatmap shows, chosen by the model host (an empty text has none)
    const shown: ShownMatrix = r.shown ?? { layer: 0, head: null, matrix: new Float32Array(0) };
    const documentChars = Math.max(0, Math.min(r.text.length, text.length - req.suggestion.length));
    const doc = req.document;
    const startPos = doc.positionAt(offset);
    const endPos = doc.positionAt(offset + documentChars);
    let focus: number | undefined;
    // "Why this word?": the position that predicts the suggestion, the last token wholly before it (its row
    // of attention is what the model looked at; the suggestion's own first token may begin with the space
    // typed before it)
    if (req.kind === "whyThisWord" && T > 0) focus = req.suggestion ? Math.max(0, tokenAtOffset(r.tokens, documentChars) - 1) : T - 1;
    if (show?.token !== undefined) {
      const i = r.tokens.map((t) => t.text).lastIndexOf(show.token);
      if (i >= 0) focus = i;
    }
    const lines = startPos.line === endPos.line ? `${startPos.line + 1}` : `${startPos.line + 1}–${endPos.line + 1}`;
    return {
      id: nextViewId++,
      model: r.model,
      text: r.text,
      tokens: r.tokens.map((t) => ({ text: t.text, start: t.start, end: t.end, bytes: t.bytes })),
      nLayer: r.nLayer,
      nHead: r.nHead,
      attentions: new Float32Array(0),
      headMeans: new Float32Array(0),
      shown,
      rollout: new Float32Array(0),
      predictions: [],
      nextWords: [],
      nextWordsAt: Math.min(r.nextWordsAt ?? r.text.length, r.text.length),
      pending: true,
      ...(focus !== undefined && focus >= 0 ? { focus } : {}),
      ...(show && show.pick.layer < r.nLayer && (show.pick.head === null || show.pick.head < r.nHead) ? { pick: show.pick } : {}),
      ...(cut ? { truncatedNotice: { cut, shown: T, ...(cut === "end" && r.totalTokens !== undefined ? { total: r.totalTokens } : {}), limit: this.deps.settings().maxAttentionTokens } } : {}),
      source: {
        uri: doc.uri,
        label: `${doc.name}:${lines}`,
        range: { startLine: startPos.line, startCharacter: startPos.character, endLine: endPos.line, endCharacter: endPos.character },
        documentChars,
      },
      follow: this.follow,
      ...(req.lastWord && r.text.length === text.length && !r.truncated ? { lastWord: req.lastWord } : {}),
      ...(req.kind === "whyThisWord" && T > 0 ? { why: { state: "computing" as const }, sampling: this.samplingSettings() } : {}),
    };
  }

  /** the user's sampling settings, as the suggestion reads them */
  private samplingSettings(): SamplingSettings {
    const { temperature, topK } = this.deps.settings().suggest;
    return { temperature, topK };
  }

  /**
   * "Use for suggestions": the webview's temperature and top-k (validated against the settings' bounds) go
   * to the user's settings; the webview is told what the suggestion now uses (a workspace's own value may
   * still decide otherwise).
   */
  private async useSampling(wanted: SamplingSettings): Promise<void> {
    let sampling: SamplingSettings;
    try {
      sampling = await this.deps.setSampling(wanted);
    } catch (e) {
      this.deps.log(`why this word: the sampling settings could not be written: ${(e as Error)?.message ?? String(e)}`);
      sampling = this.samplingSettings();
    }
    if (this.screen.view?.sampling) this.screen = { ...this.screen, view: { ...this.screen.view, sampling } };
    this.post({ type: "sampling", data: sampling });
  }

  // ---- follow selection

  /** The panel was shown or hidden. A hidden webview is torn down: nothing is posted until it says ready again. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) this.channel.setReady(false);
    else if (this.staleWhileHidden) this.scheduleFollow();
  }

  /** An editor's selection changed; `read` reads that editor when the debounce ends (undefined: it was closed). */
  selectionChanged(read: () => EditorSnapshot | undefined): void {
    if (!this.follow || this.disposed) return;
    this.followEditor = read;
    if (!this.visible) {
      this.staleWhileHidden = true;
      return;
    }
    this.scheduleFollow();
  }

  private scheduleFollow(): void {
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      this.staleWhileHidden = false;
      const editor = this.followEditor?.();
      if (!editor || !this.follow || this.disposed) return;
      const req = requestFor(editor, this.lastKind, this.deps.settings().maxAttentionTokens, this.deps.lastSuggestion());
      if (req) void this.run(req);
    }, this.deps.followDebounceMs ?? FOLLOW_DEBOUNCE_MS);
  }

  // ---- webview messages

  /** Everything the webview needs to draw what the panel shows now (it may have just reloaded). */
  private sendScreen(inReplyTo?: number): void {
    const s = this.screen;
    if (s.view) this.post({ type: "state", data: { ...s.view, follow: this.follow } }, inReplyTo);
    if (s.loading) this.post({ type: "loading" }, inReplyTo);
    if (s.error) this.post({ type: "error", message: s.error }, inReplyTo);
  }

  /** Dropped until the webview says it is ready; the screen holds what it then needs (sendScreen). */
  private post(body: ToWebview, inReplyTo?: number): void {
    this.channel.send(body, inReplyTo);
  }

  /** A message from the webview: validated, then acted on; anything else is logged and ignored. */
  onMessage(raw: unknown): void {
    const msg = validateFromWebviewMessage(raw, { tokenCount: this.screen.view?.tokens.length ?? 0 });
    if (!msg) {
      this.deps.log(`attention panel: ignored a malformed message ${previewMessage(raw)}`);
      return;
    }
    const body = msg.body;
    switch (body.type) {
      case "ready":
        this.channel.setReady(true);
        this.sendScreen(msg.messageId);
        return;
      case "hoverToken":
        this.deps.highlights.hover(body.index === null ? undefined : this.tokenPlace(body.index));
        return;
      case "selectToken":
        this.deps.highlights.choose(this.tokenPlace(body.index));
        return;
      case "setFollow":
        this.follow = body.follow;
        return;
      case "showing":
        this.showing = { layer: body.layer, head: body.head };
        return;
      case "export":
        void this.export(body.format, body.data);
        return;
      case "useSampling":
        void this.useSampling({ temperature: body.temperature, topK: body.topK });
        return;
      case "rendered":
        if (this.timing && this.timing.viewId === body.viewId) {
          const t = this.timing;
          this.timing = undefined;
          this.deps.log(
            `attention: ${t.tokens} tokens, first heatmap ${(this.now() - t.started).toFixed(0)} ms after the command (model host ${t.modelMs.toFixed(0)} ms, webview ${body.drawMs.toFixed(0)} ms)`,
          );
        }
        return;
      case "openTour":
        this.deps.openTour();
        return;
      case "revealPlace":
        this.revealPlace(body.start, body.end);
        return;
      case "setLastWord": {
        const req = this.lastRequest;
        if (!req?.lastWord || req.lastWord.mode === body.mode) return;
        void this.run({ ...req, lastWord: { ...req.lastWord, mode: body.mode } });
        return;
      }
    }
  }

  /**
   * A place of the memory the view shows, revealed in the editor while the document still has its token
   * there; otherwise every place is given its line again (the webview shows the gone ones as gone).
   */
  private revealPlace(start: number, end: number): void {
    const { view, document } = this.screen;
    const place = view?.memory && allPlaces(view.memory).find((p) => p.start === start && p.end === end);
    if (!view || !document || !place) {
      this.deps.log(`attention panel: ignored a request to reveal ${start}–${end}, which is not a place of the memory shown`);
      return;
    }
    if ("gone" in placeLine(document, place)) {
      const memoryPlaces = allPlaces(view.memory!).map((p) => placeLine(document, p));
      this.screen = { ...this.screen, view: { ...view, memoryPlaces } };
      this.post({ type: "memoryPlaces", data: { viewId: view.id, memoryPlaces } });
      return;
    }
    this.deps.revealPlace({ uri: document.uri, start, end });
  }

  /** The document range of token i, when it lies in the document (not in the ghost text). */
  private tokenPlace(i: number): TokenPlace | undefined {
    const { view, version, offset } = this.screen;
    const t = view?.tokens[i];
    if (!view || !t || offset === undefined || version === undefined || t.start >= view.source.documentChars) return undefined;
    return { uri: view.source.uri, version, start: offset + t.start, end: offset + Math.min(t.end, view.source.documentChars) };
  }

  // ---- export (the file's name is the extension's own; the webview sends only the picture or the JSON)

  private async export(format: ExportFormat, data: string): Promise<void> {
    const bytes = format === "png" ? Buffer.from(data.slice(PNG_DATA_URL_PREFIX.length), "base64") : new TextEncoder().encode(data);
    try {
      await this.deps.save(format, bytes, exportName(this.screen.view, format));
    } catch (e) {
      this.deps.log(`export failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }
}

/** "attention-the-hair-was-still.png": from the view's text, letters and digits only. */
export function exportName(view: AttentionView | undefined, format: ExportFormat): string {
  return `attention-${(view ? shortQuote(view.text, 24) : "view").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "view"}.${format}`;
}
