// "Show attention" and "Why this word?": one attention panel per window, reused. The logic (what is asked
// of the model host, which answer is still wanted, what the webview is sent and what its messages do) lives
// in src/ui/attentionController.ts; this file connects it to VS Code: the commands, the WebviewPanel, the
// editors and their decorations, the save dialog, and the documents' memory keys.
import * as vscode from "vscode";
import type { Settings } from "../core/settings";
import type { ModelHostPort } from "../client/modelHostClient";
import type { ExportFormat, ViewPick } from "../shared/attentionProtocol";
import { AttentionController, type DocumentRange, type TokenPlace } from "./attentionController";
import { memoryKey, type MemoryKey } from "./attentionMemory";
import { requestFor, type AttentionKind, type AttentionRequest, type EditorSnapshot, type SourceDocument } from "./attentionRequest";
import { DOCUMENT_SELECTOR, type LastSuggestion } from "./inlineProvider";
import { openTourStep } from "./walkthrough";
import { ghostTextAt, ghostTextShownAt } from "./ghostRefresh";
import { setSamplingSettings } from "../config";
import { webviewHtml, webviewRoots } from "./webviewHtml";

export const COMMANDS = { showAttention: "lmLens.showAttention", whyThisWord: "lmLens.whyThisWord" } as const;
const VIEW_TYPE = "lmLens.attention";
/** how long a revealed place of the memory stays marked in the editor (ms) */
const PLACE_MARK_MS = 2000;

export interface AttentionDeps {
  extensionUri: vscode.Uri;
  /** for the walkthrough's id */
  extensionId: string;
  client: ModelHostPort;
  /** the documents' memory keys (MemorySync), so that the panel's next words read the ghost text's memory */
  memory: { keyFor(document: vscode.TextDocument): string | undefined; syncNow(): Promise<void> };
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
    // "Why this word?" explains the word with the document's whole memory, as the panel's list reads it:
    // a ghost text shown while the memory was still filling is asked for again once it is filled, so that
    // the word explained is the word on screen (one prediction, one set of numbers)
    if (kind === "whyThisWord" && deps.settings().memoryTokens > 0 && ghostTextShownAt(deps.provider, editor)) {
      await deps.memory.syncNow();
      if (ghostTextShownAt(deps.provider, editor)) await ghostTextAt(deps.provider, editor, true);
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
  /** a revealed place of the memory: its line, and its token within it */
  private readonly placeLineDecoration: vscode.TextEditorDecorationType;
  private readonly placeDecoration: vscode.TextEditorDecorationType;
  private placeTimer: ReturnType<typeof setTimeout> | undefined;
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
      styles: ["common.css", "attention.css", "why.css", "sampling.css", "heads.css"],
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
    this.placeLineDecoration = vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor("editor.rangeHighlightBackground"),
      isWholeLine: true,
    });
    this.placeDecoration = vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor("editor.wordHighlightStrongBackground"),
      border: "1px solid",
      borderColor: new vscode.ThemeColor("editor.wordHighlightStrongBorder"),
      overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.rangeHighlightForeground"),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.controller = new AttentionController({
      client: deps.client,
      memoryFor: (uri) => this.memoryFor(uri),
      revealPlace: (range) => void this.revealPlace(range),
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
      setSampling: (sampling) => setSamplingSettings(sampling),
      save: (format, bytes, name) => this.save(format, bytes, name),
    });
    this.disposables.push(
      this.hoverDecoration,
      this.chosenDecoration,
      this.placeLineDecoration,
      this.placeDecoration,
      { dispose: () => clearTimeout(this.placeTimer) },
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

  /** The memory key of an open document, or why the panel's next words read no memory there. */
  private memoryFor(uri: string): MemoryKey {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    const status = this.deps.client.currentStatus;
    return memoryKey(this.deps.settings().memoryTokens, status.state === "ready" ? status.info.hasHidden : undefined, doc && this.deps.memory.keyFor(doc));
  }

  /**
   * A place of the memory: its line revealed in an editor of its document (opened beside the panel when
   * none shows it), the line and the token marked for a moment. The selection stays where it is: moving
   * the cursor would re-sync the memory to the text before it (dropping what follows) and re-run a
   * followed view. The panel keeps the focus.
   */
  private async revealPlace(place: DocumentRange): Promise<void> {
    try {
      let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === place.uri);
      if (!editor) {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(place.uri));
        const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
        editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: true, preview: true });
      }
      const doc = editor.document;
      const range = new vscode.Range(doc.positionAt(place.start), doc.positionAt(place.end));
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      for (const e of vscode.window.visibleTextEditors) {
        e.setDecorations(this.placeLineDecoration, []);
        e.setDecorations(this.placeDecoration, []);
      }
      editor.setDecorations(this.placeLineDecoration, [range]);
      editor.setDecorations(this.placeDecoration, [range]);
      clearTimeout(this.placeTimer);
      const marked = editor;
      this.placeTimer = setTimeout(() => {
        marked.setDecorations(this.placeLineDecoration, []);
        marked.setDecorations(this.placeDecoration, []);
      }, PLACE_MARK_MS);
    } catch (e) {
      this.deps.log(`attention panel: could not reveal a place of the memory: ${(e as Error).message}`);
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
