// "Show attention" and "Why this word?": one attention panel per window, reused. The panel asks the model
// host for the attention of a piece of text, derives head means and rollout, and hands the webview a
// typed view (src/shared/attentionProtocol.ts). Everything the webview sends is validated before it is used.
import * as vscode from "vscode";
import { charsForTokens, tokenAtOffset } from "../core/attentionSource";
import { analyse, type Analysis } from "./attentionAnalysis";
import type { Settings } from "../core/settings";

import type { CancelToken } from "./hostClient";
import { HostError, type AttentionFirst, type Methods } from "../shared/hostProtocol";
import { PNG_DATA_URL_PREFIX, validateFromWebviewMessage, type AttentionView, type ExportFormat, type FromWebview, type ShownMatrix, type ViewPick, type ToWebview, type TruncationNotice } from "../shared/attentionProtocol";
import { previewMessage } from "../shared/messages";
import { Channel } from "../shared/messaging";
import { shortQuote } from "../shared/tokenDisplay";
import { DOCUMENT_SELECTOR, type LastSuggestion } from "./inlineProvider";
import { openTourStep } from "./walkthrough";
import { webviewHtml, webviewRoots } from "./webviewHtml";

export const COMMANDS = { showAttention: "lmLens.showAttention", whyThisWord: "lmLens.whyThisWord" } as const;
const VIEW_TYPE = "lmLens.attention";
const FOLLOW_DEBOUNCE_MS = 200;

export interface AttentionDeps {
  extensionUri: vscode.Uri;
  /** for the walkthrough's id */
  extensionId: string;
  client: { request<M extends "attention" | "attentionDetails">(method: M, params: Methods[M]["params"], token?: CancelToken): Promise<Methods[M]["result"]> };
  provider: { readonly last: LastSuggestion | undefined };
  settings: () => Settings;
  log: (line: string) => void;
}

type Kind = "selection" | "whyThisWord";

/** What to analyse: a piece of a document, and for "Why this word?" the ghost text after it. */
interface Request {
  kind: Kind;
  document: vscode.TextDocument;
  /** the document's version when asked: token ranges map to the editor only while it is unchanged */
  version: number;
  /** document offsets of the document's part of the text */
  start: number;
  end: number;
  /** ghost text appended after end ("" for none) */
  suggestion: string;
  /** text before `start` was left out (the end of a long text is shown) */
  cutAtStart: boolean;
}

/** What the panel shows now; sent again whenever the webview (re)loads and says it is ready. */
interface Screen {
  view?: AttentionView;
  /** document version the view's offsets refer to */
  version?: number;
  /** document offset of the view's text */
  offset?: number;
  loading: boolean;
  error?: string;
}

export class AttentionPanel implements vscode.Disposable {
  private static current: AttentionPanel | undefined;
  private static nextViewId = 1;

  /** The commands; the panel itself is created on first use. */
  static register(deps: AttentionDeps): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.commands.registerCommand(COMMANDS.showAttention, () => AttentionPanel.command(deps, "selection")),
      vscode.commands.registerCommand(COMMANDS.whyThisWord, () => AttentionPanel.command(deps, "whyThisWord")),
      { dispose: () => AttentionPanel.current?.dispose() },
    );
  }

  /**
   * The guided tour's entry: analyse `range` of an editor's document and show `pick` (a layer, a head, a tab)
   * with the last token whose text is `token` chosen.
   */
  static async showRange(deps: AttentionDeps, editor: vscode.TextEditor, range: vscode.Range, pick: ViewPick, token?: string): Promise<void> {
    const document = editor.document;
    const req: Request = { kind: "selection", document, version: document.version, start: document.offsetAt(range.start), end: document.offsetAt(range.end), suggestion: "", cutAtStart: false };
    const panel = (AttentionPanel.current ??= new AttentionPanel(deps));
    panel.panel.reveal(undefined, true);
    await panel.run(req, { pick, token });
  }

  private static async command(deps: AttentionDeps, kind: Kind): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage("LM Lens: open a text editor first.");
      return;
    }
    const req = requestFor(editor, kind, deps);
    if (!req) {
      void vscode.window.showInformationMessage(
        kind === "selection" ? "LM Lens: select some text, or put the cursor on a line with text." : "LM Lens: there is no text before the cursor.",
      );
      return;
    }
    const panel = (AttentionPanel.current ??= new AttentionPanel(deps));
    panel.panel.reveal(undefined, true);
    await panel.run(req);
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly hoverDecoration: vscode.TextEditorDecorationType;
  private readonly chosenDecoration: vscode.TextEditorDecorationType;
  /** to the webview: nothing is posted until it says ready (messaging.ts); the screen is resent then */
  private readonly channel: Channel<ToWebview, FromWebview>;
  private disposed = false;
  private screen: Screen = { loading: false };
  private follow = false;
  /** the layer and head the webview's heatmap shows (head null: the average), as it last said */
  private showing: { layer: number; head: number | null } = { layer: 0, head: null };
  private lastKind: Kind = "selection";
  /** when the view being sent was asked for, to log command -> first heatmap */
  private timing: { viewId: number; started: number; modelMs: number; tokens: number } | undefined;
  private cts: vscode.CancellationTokenSource | undefined;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** the editor whose selection changed last (while the panel has focus there is no active text editor) */
  private followEditor: vscode.TextEditor | undefined;
  /** a selection changed while the panel was hidden: re-run when it shows again */
  private staleWhileHidden = false;

  private constructor(private readonly deps: AttentionDeps) {
    this.channel = new Channel((m) => void this.panel.webview.postMessage(m), { ready: false });
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      "Attention",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      // no retainContextWhenHidden: the webview keeps its UI state with getState/setState and asks again when shown
      { enableScripts: true, localResourceRoots: webviewRoots(deps.extensionUri) },
    );
    this.panel.webview.html = webviewHtml(this.panel.webview, deps.extensionUri, {
      title: "Attention",
      script: "attention.js",
      styles: ["common.css", "attention.css"],
      toolkit: true,
    });
    this.hoverDecoration = vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor("editor.findMatchHighlightBackground"),
      border: "1px solid",
      borderColor: new vscode.ThemeColor("editor.findMatchHighlightBorder"),
      overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.findMatchForeground"),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
      // the token's own characters only: text typed at its edges does not join the highlight
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.chosenDecoration = vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor("editor.wordHighlightStrongBackground"),
      border: "1px solid",
      borderColor: new vscode.ThemeColor("editor.wordHighlightStrongBorder"),
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.disposables.push(
      this.hoverDecoration,
      this.chosenDecoration,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      this.panel.onDidChangeViewState(() => {
        // a hidden webview is torn down (no retainContextWhenHidden); it says ready again when shown
        if (!this.panel.visible) this.channel.setReady(false);
        else if (this.staleWhileHidden) this.scheduleFollow();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
    );
  }

  dispose(): void {
    // panel.dispose() fires onDidDispose, which calls this again
    if (this.disposed) return;
    this.disposed = true;
    if (AttentionPanel.current === this) AttentionPanel.current = undefined;
    this.channel.close();
    clearTimeout(this.followTimer);
    this.cts?.cancel();
    this.cts?.dispose();
    this.cts = undefined;
    this.panel.dispose();
    // drain: a listener that fires during disposal cannot add to a list being walked
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  // ---- analysis

  private async run(req: Request, show?: { pick: ViewPick; token?: string }): Promise<void> {
    const started = performance.now();
    this.lastKind = req.kind;
    this.cts?.cancel();
    this.cts?.dispose();
    const cts = (this.cts = new vscode.CancellationTokenSource());
    this.screen = { ...this.screen, loading: true, error: undefined };
    this.post({ type: "loading" });
    try {
      if (show) this.showing = { layer: show.pick.layer, head: show.pick.head };
      const { result, text, cut, offset } = await this.analyse(req, cts.token);
      if (cts.token.isCancellationRequested) return;
      // the heatmap first; rollout and next words follow as soon as the model host has them
      // (a large message is slow to reach the webview: the first one carries only what its heatmap needs)
      const view = this.toView(req, result, text, offset, cut, show);
      this.timing = { viewId: view.id, started, modelMs: performance.now() - started, tokens: view.tokens.length };
      this.screen = { view, version: req.version, offset, loading: false };
      this.post({ type: "state", data: { ...view, follow: this.follow } });
      this.panel.title = `Attention: “${shortQuote(view.text, 28)}”`;
      this.clearDecorations();
      const details = await this.deps.client.request("attentionDetails", { detailsId: result.detailsId }, cts.token);
      if (cts.token.isCancellationRequested || this.screen.view?.id !== view.id) return;
      const rest = { attentions: result.attentions, headMeans: result.headMeans, ...details };
      const { shown: _, ...whole } = view;
      this.screen = { ...this.screen, view: { ...whole, ...rest, pending: false } };
      this.post({ type: "details", data: { viewId: view.id, ...rest } });
    } catch (e) {
      if (cts.token.isCancellationRequested || (e instanceof HostError && (e.code === "cancelled" || e.code === "superseded"))) return;
      const message = (e as Error)?.message ?? String(e);
      this.deps.log(`attention failed: ${message}`);
      this.screen = { ...this.screen, loading: false, error: `The model could not analyse this text: ${message}` };
      this.post({ type: "error", message: this.screen.error! });
    } finally {
      if (this.cts === cts) {
        this.cts = undefined;
        cts.dispose();
      }
    }
  }

  /** One request to the model host (attentionAnalysis.ts): the document's text as far as the budget can use it. */
  private async analyse(req: Request, token: vscode.CancellationToken): Promise<Analysis> {
    const settings = this.deps.settings();
    const doc = req.document;
    // a huge selection (megabytes) is read only as far as the token budget can use
    const end = req.kind === "selection" ? Math.min(req.end, req.start + charsForTokens(settings.maxAttentionTokens)) : req.end;
    const docText = doc.getText(new vscode.Range(doc.positionAt(req.start), doc.positionAt(end)));
    return analyse(this.deps.client, { kind: req.kind, docText, start: req.start, cutAtEnd: end < req.end, suggestion: req.suggestion, cutAtStart: req.cutAtStart }, settings, this.showing, token);
  }

  private toView(req: Request, r: AttentionFirst, text: string, offset: number, cut: TruncationNotice["cut"] | undefined, show?: { pick: ViewPick; token?: string }): AttentionView {
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
    const name = doc.uri.path.split("/").pop() || doc.uri.toString();
    const lines = startPos.line === endPos.line ? `${startPos.line + 1}` : `${startPos.line + 1}–${endPos.line + 1}`;
    return {
      id: AttentionPanel.nextViewId++,
      model: r.model,
      text: r.text,
      tokens: r.tokens.map((t) => ({ text: t.text, start: t.start, end: t.end })),
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
        uri: doc.uri.toString(),
        label: `${name}:${lines}`,
        range: { startLine: startPos.line, startCharacter: startPos.character, endLine: endPos.line, endCharacter: endPos.character },
        documentChars,
      },
      follow: this.follow,
    };
  }

  // ---- follow selection

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.follow || vscode.languages.match(DOCUMENT_SELECTOR, e.textEditor.document) === 0) return;
    this.followEditor = e.textEditor;
    if (!this.panel.visible) {
      this.staleWhileHidden = true;
      return;
    }
    this.scheduleFollow();
  }

  private scheduleFollow(): void {
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      this.staleWhileHidden = false;
      const editor = this.followEditor;
      if (!editor || !this.follow || editor.document.isClosed) return;
      const req = requestFor(editor, this.lastKind, this.deps);
      if (req) void this.run(req);
    }, FOLLOW_DEBOUNCE_MS);
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

  private onMessage(raw: unknown): void {
    const msg = validateFromWebviewMessage(raw, { tokenCount: this.screen.view?.tokens.length ?? 0 });
    if (!msg) {
      this.deps.log(`attention panel: ignored a malformed message ${previewMessage(raw)}`);
      return;
    }
    const body: FromWebview = msg.body;
    switch (body.type) {
      case "ready":
        this.channel.setReady(true);
        this.sendScreen(msg.messageId);
        return;
      case "hoverToken":
        this.highlight(body.index);
        return;
      case "selectToken":
        this.choose(body.index);
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
      case "rendered":
        if (this.timing && this.timing.viewId === body.viewId) {
          const t = this.timing;
          this.timing = undefined;
          this.deps.log(
            `attention: ${t.tokens} tokens, first heatmap ${(performance.now() - t.started).toFixed(0)} ms after the command (model host ${t.modelMs.toFixed(0)} ms, webview ${body.drawMs.toFixed(0)} ms)`,
          );
        }
        return;
      case "openTour":
        void openTourStep(this.deps.extensionId, "attention");
        return;
    }
  }

  // ---- editor decorations

  /** The document range of token i, when it lies in the document (not in the ghost text) and the document is unchanged. */
  private tokenRange(i: number): { editors: vscode.TextEditor[]; range: vscode.Range } | undefined {
    const { view, version, offset } = this.screen;
    const t = view?.tokens[i];
    if (!view || !t || offset === undefined || t.start >= view.source.documentChars) return undefined;
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === view.source.uri && e.document.version === version);
    if (editors.length === 0) return undefined;
    const doc = editors[0].document;
    const end = Math.min(t.end, view.source.documentChars);
    return { editors, range: new vscode.Range(doc.positionAt(offset + t.start), doc.positionAt(offset + end)) };
  }

  private clearDecorations(): void {
    for (const e of vscode.window.visibleTextEditors) {
      e.setDecorations(this.hoverDecoration, []);
      e.setDecorations(this.chosenDecoration, []);
    }
  }

  private highlight(index: number | null): void {
    for (const e of vscode.window.visibleTextEditors) e.setDecorations(this.hoverDecoration, []);
    if (index === null) return;
    const at = this.tokenRange(index);
    for (const e of at?.editors ?? []) e.setDecorations(this.hoverDecoration, [at!.range]);
  }

  private choose(index: number): void {
    for (const e of vscode.window.visibleTextEditors) e.setDecorations(this.chosenDecoration, []);
    const at = this.tokenRange(index);
    if (!at) return;
    for (const e of at.editors) {
      e.setDecorations(this.chosenDecoration, [at.range]);
      e.revealRange(at.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  // ---- export

  private async export(format: ExportFormat, data: string): Promise<void> {
    const filters: Record<ExportFormat, Record<string, string[]>> = { png: { "PNG image": ["png"] }, svg: { "SVG image": ["svg"] }, json: { JSON: ["json"] } };
    const view = this.screen.view;
    const base = `attention-${(view ? shortQuote(view.text, 24) : "view").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "view"}.${format}`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Save the attention view as ${format.toUpperCase()}`,
      filters: filters[format],
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, base) } : {}),
    });
    if (!target) return;
    const bytes = format === "png" ? Buffer.from(data.slice(PNG_DATA_URL_PREFIX.length), "base64") : new TextEncoder().encode(data);
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      void vscode.window.showInformationMessage(`LM Lens: saved ${target.path.split("/").pop()}`);
    } catch (e) {
      this.deps.log(`export failed: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`LM Lens: could not save ${target.fsPath}: ${(e as Error).message}`);
    }
  }
}

/** What a command (or a selection change, when following) asks for in this editor; undefined when there is no text. */
function requestFor(editor: vscode.TextEditor, kind: Kind, deps: AttentionDeps): Request | undefined {
  const document = editor.document;
  const sel = editor.selection;
  if (kind === "selection") {
    const range = sel.isEmpty ? document.lineAt(sel.active.line).range : sel;
    const start = document.offsetAt(range.start);
    const end = document.offsetAt(range.end);
    if (!document.getText(range).trim()) return undefined;
    return { kind, document, version: document.version, start, end, suggestion: "", cutAtStart: false };
  }
  const end = document.offsetAt(sel.active);
  // read only what can be shown: the model host keeps the end within the token budget
  const start = Math.max(0, end - charsForTokens(deps.settings().maxAttentionTokens));
  const last = deps.provider.last;
  const suggestion = last && last.uri === document.uri.toString() && last.offset === end ? last.text : "";
  if (start === end && !suggestion) return undefined;
  if (!suggestion && !document.getText(new vscode.Range(document.positionAt(start), sel.active)).trim()) return undefined;
  return { kind, document, version: document.version, start, end, suggestion, cutAtStart: start > 0 };
}
