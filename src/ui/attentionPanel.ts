// "Show attention" and "Why this word?": one attention panel per window, reused. The logic (what is asked
// of the model host, which answer is still wanted, what the webview is sent and what its messages do) lives
// in src/ui/attentionController.ts; this file connects it to VS Code: the commands, the WebviewPanel, the
// editors and their decorations, and the save dialog.
import * as vscode from "vscode";
import type { Settings } from "../core/settings";
import type { CancelToken } from "./hostClient";
import type { Methods } from "../shared/hostProtocol";
import type { ExportFormat, ViewPick } from "../shared/attentionProtocol";
import { AttentionController, requestFor, type AttentionKind, type AttentionRequest, type EditorSnapshot, type SourceDocument, type TokenPlace } from "./attentionController";
import { DOCUMENT_SELECTOR, type LastSuggestion } from "./inlineProvider";
import { openTourStep } from "./walkthrough";
import { webviewHtml, webviewRoots } from "./webviewHtml";

export const COMMANDS = { showAttention: "lmLens.showAttention", whyThisWord: "lmLens.whyThisWord" } as const;
const VIEW_TYPE = "lmLens.attention";

export interface AttentionDeps {
  extensionUri: vscode.Uri;
  /** for the walkthrough's id */
  extensionId: string;
  client: { request<M extends "attention" | "attentionDetails">(method: M, params: Methods[M]["params"], token?: CancelToken): Promise<Methods[M]["result"]> };
  provider: { readonly last: LastSuggestion | undefined };
  settings: () => Settings;
  log: (line: string) => void;
}

/** A vscode document as the controller reads it. */
function sourceDocument(doc: vscode.TextDocument): SourceDocument {
  return {
    uri: doc.uri.toString(),
    name: doc.uri.path.split("/").pop() || doc.uri.toString(),
    version: doc.version,
    getText: (start, end) => doc.getText(new vscode.Range(doc.positionAt(start), doc.positionAt(end))),
    positionAt: (offset) => doc.positionAt(offset),
  };
}

function snapshot(editor: vscode.TextEditor): EditorSnapshot {
  const doc = editor.document;
  const sel = editor.selection;
  const line = doc.lineAt(sel.active.line).range;
  return {
    document: sourceDocument(doc),
    selection: { start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end), active: doc.offsetAt(sel.active) },
    line: { start: doc.offsetAt(line.start), end: doc.offsetAt(line.end) },
  };
}

const EXPORT_FILTERS: Record<ExportFormat, Record<string, string[]>> = { png: { "PNG image": ["png"] }, svg: { "SVG image": ["svg"] }, json: { JSON: ["json"] } };

export class AttentionPanel implements vscode.Disposable {
  private static current: AttentionPanel | undefined;

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
    const req: AttentionRequest = { kind: "selection", document: sourceDocument(document), version: document.version, start: document.offsetAt(range.start), end: document.offsetAt(range.end), suggestion: "", cutAtStart: false };
    await AttentionPanel.reveal(deps).controller.run(req, { pick, token });
  }

  private static async command(deps: AttentionDeps, kind: AttentionKind): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage("LM Lens: open a text editor first.");
      return;
    }
    const req = requestFor(snapshot(editor), kind, deps.settings().maxAttentionTokens, deps.provider.last);
    if (!req) {
      void vscode.window.showInformationMessage(
        kind === "selection" ? "LM Lens: select some text, or put the cursor on a line with text." : "LM Lens: there is no text before the cursor.",
      );
      return;
    }
    await AttentionPanel.reveal(deps).controller.run(req);
  }

  private static reveal(deps: AttentionDeps): AttentionPanel {
    const panel = (AttentionPanel.current ??= new AttentionPanel(deps));
    panel.panel.reveal(undefined, true);
    return panel;
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly controller: AttentionController;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly hoverDecoration: vscode.TextEditorDecorationType;
  private readonly chosenDecoration: vscode.TextEditorDecorationType;
  private disposed = false;

  private constructor(private readonly deps: AttentionDeps) {
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
    this.controller = new AttentionController({
      client: deps.client,
      post: (m) => void this.panel.webview.postMessage(m),
      settings: deps.settings,
      lastSuggestion: () => deps.provider.last,
      log: deps.log,
      setTitle: (title) => (this.panel.title = title),
      highlights: {
        hover: (place) => this.decorate(this.hoverDecoration, place, false),
        choose: (place) => this.decorate(this.chosenDecoration, place, true),
        clear: () => {
          for (const e of vscode.window.visibleTextEditors) {
            e.setDecorations(this.hoverDecoration, []);
            e.setDecorations(this.chosenDecoration, []);
          }
        },
      },
      openTour: () => void openTourStep(deps.extensionId, "attention"),
      save: (format, bytes, name) => this.save(format, bytes, name),
    });
    this.disposables.push(
      this.hoverDecoration,
      this.chosenDecoration,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.controller.onMessage(m)),
      // a hidden webview is torn down (no retainContextWhenHidden); it says ready again when shown
      this.panel.onDidChangeViewState(() => this.controller.setVisible(this.panel.visible)),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (vscode.languages.match(DOCUMENT_SELECTOR, e.textEditor.document) === 0) return;
        // while the panel has focus there is no active text editor: the editor is read when the debounce ends
        const editor = e.textEditor;
        this.controller.selectionChanged(() => (editor.document.isClosed ? undefined : snapshot(editor)));
      }),
    );
  }

  dispose(): void {
    // panel.dispose() fires onDidDispose, which calls this again
    if (this.disposed) return;
    this.disposed = true;
    if (AttentionPanel.current === this) AttentionPanel.current = undefined;
    this.controller.dispose();
    this.panel.dispose();
    // drain: a listener that fires during disposal cannot add to a list being walked
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  /** Decorate a token in the visible editors of its document, while that document is unchanged. */
  private decorate(type: vscode.TextEditorDecorationType, place: TokenPlace | undefined, reveal: boolean): void {
    for (const e of vscode.window.visibleTextEditors) e.setDecorations(type, []);
    if (!place) return;
    for (const e of vscode.window.visibleTextEditors) {
      if (e.document.uri.toString() !== place.uri || e.document.version !== place.version) continue;
      const range = new vscode.Range(e.document.positionAt(place.start), e.document.positionAt(place.end));
      e.setDecorations(type, [range]);
      if (reveal) e.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  private async save(format: ExportFormat, bytes: Uint8Array, name: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Save the attention view as ${format.toUpperCase()}`,
      filters: EXPORT_FILTERS[format],
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      void vscode.window.showInformationMessage(`LM Lens: saved ${target.path.split("/").pop()}`);
    } catch (e) {
      this.deps.log(`export failed: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`LM Lens: could not save ${target.fsPath}: ${(e as Error).message}`);
    }
  }
}
