// The "Neighbours" view in the LM Lens activity-bar container: a WebviewView that follows the editor's
// selection and shows, for one word, its nearest words by pooled, static and contextual embeddings. The logic
// lives in src/ui/neighboursController.ts; this file connects it to VS Code: the view, the selection,
// the clipboard and the save dialog.
import * as vscode from "vscode";
import { NeighboursController, type EditorSelection } from "./neighboursController";
import type { ModelHostPort } from "../client/modelHostClient";
import { selectionWords, MAX_CONTEXT_CHARS } from "./selectionWords";
import type { ListExportFormat } from "../shared/neighboursProtocol";
import { DOCUMENT_SELECTOR } from "./inlineProvider";
import { openTourStep } from "./walkthrough";
import { webviewHtml, webviewRoots } from "./webviewHtml";
import { NeighboursMapPanel, OPEN_NEIGHBOURS_MAP_COMMAND } from "./neighboursMapPanel";

export const NEIGHBOURS_VIEW_ID = "lmLens.neighbours";
export const SHOW_NEIGHBOURS_COMMAND = "lmLens.showNeighbours";
/** characters read after the selection's last line, at most (a selection of a whole long document) */
const MAX_SELECTION_CHARS = 20_000;

export interface NeighboursDeps {
  extensionUri: vscode.Uri;
  /** for the walkthrough's id */
  extensionId: string;
  client: ModelHostPort;
  log: (line: string) => void;
}

/** The words around an editor's selection, with their sentences, and a short name for where they are. */
export function editorSelection(editor: vscode.TextEditor): EditorSelection | undefined {
  const doc = editor.document;
  const sel = editor.selection;
  // the selection's lines, and enough text before them for the first word's sentence
  const firstLine = doc.lineAt(sel.start.line);
  const lastLine = doc.lineAt(sel.end.line);
  const startOffset = Math.max(0, doc.offsetAt(firstLine.range.start) - MAX_CONTEXT_CHARS);
  const endOffset = Math.min(doc.offsetAt(lastLine.range.end), doc.offsetAt(sel.start) + MAX_SELECTION_CHARS);
  const text = doc.getText(new vscode.Range(doc.positionAt(startOffset), doc.positionAt(endOffset)));
  const words = selectionWords(text, startOffset, doc.offsetAt(sel.start), Math.min(doc.offsetAt(sel.end), endOffset));
  if (!words) return undefined;
  const name = doc.uri.path.split("/").pop() || doc.uri.toString();
  const lines = sel.start.line === sel.end.line ? `${sel.start.line + 1}` : `${sel.start.line + 1}–${sel.end.line + 1}`;
  return { words, source: `${name}:${lines}` };
}

export class NeighboursView implements vscode.WebviewViewProvider, vscode.Disposable {
  /** The view's provider, the selection listener and the command that reveals the view. */
  static register(deps: NeighboursDeps): vscode.Disposable {
    const provider = new NeighboursView(deps);
    return vscode.Disposable.from(
      provider,
      vscode.window.registerWebviewViewProvider(NEIGHBOURS_VIEW_ID, provider),
      vscode.commands.registerCommand(SHOW_NEIGHBOURS_COMMAND, async () => {
        const editor = vscode.window.activeTextEditor;
        await vscode.commands.executeCommand(`${NEIGHBOURS_VIEW_ID}.focus`);
        if (editor) provider.follow(editor);
      }),
      vscode.commands.registerCommand(OPEN_NEIGHBOURS_MAP_COMMAND, () => provider.openMap()),
    );
  }

  private readonly controller: NeighboursController;
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** listeners of the current webview (a view that is closed and opened again is resolved again) */
  private viewDisposables: vscode.Disposable[] = [];
  /** the editor whose selection changed while the view was hidden: read when it shows */
  private staleEditor: vscode.TextEditor | undefined;

  private constructor(private readonly deps: NeighboursDeps) {
    this.controller = new NeighboursController({
      client: deps.client,
      post: (m) => void this.view?.webview.postMessage(m),
      copy: async (text) => {
        await vscode.env.clipboard.writeText(text);
        void vscode.window.setStatusBarMessage("LM Lens: neighbours copied", 2000);
      },
      save: (format, content, name) => this.save(format, content, name),
      openTour: () => void openTourStep(deps.extensionId, "neighbours"),
      openMap: () => void this.openMap(),
      log: deps.log,
    });
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.follow(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.follow(e)),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.dropView();
    this.view = view;
    // no retainContextWhenHidden: the webview keeps its UI state with getState/setState and says ready when shown
    view.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.deps.extensionUri) };
    view.webview.html = webviewHtml(view.webview, this.deps.extensionUri, { title: "Neighbours", script: "neighbours.js", styles: ["common.css", "neighbours.css"], toolkit: true });
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((m: unknown) => this.controller.onMessage(m)),
      view.onDidChangeVisibility(() => {
        this.controller.setVisible(view.visible);
        if (view.visible && this.staleEditor) this.follow(this.staleEditor);
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.dropView();
      }),
    );
    this.controller.setVisible(view.visible);
    const editor = this.staleEditor ?? vscode.window.activeTextEditor;
    if (editor) this.follow(editor);
  }

  /**
   * The large map of the side bar's list. Its screen is the side bar's: a view never opened has no query,
   * so it is opened first (the large map then takes the focus).
   */
  async openMap(): Promise<void> {
    if (!this.view) {
      const editor = vscode.window.activeTextEditor;
      await vscode.commands.executeCommand(`${NEIGHBOURS_VIEW_ID}.focus`);
      if (editor) this.follow(editor);
    }
    NeighboursMapPanel.show(this.deps.extensionUri, this.controller);
  }

  private dropView(): void {
    this.view = undefined;
    this.controller.setVisible(false);
    while (this.viewDisposables.length) this.viewDisposables.pop()?.dispose();
  }

  private follow(editor: vscode.TextEditor): void {
    if (vscode.languages.match(DOCUMENT_SELECTOR, editor.document) === 0) return;
    // a hidden view reads nothing: the latest editor is read when the view shows
    if (!this.view?.visible) {
      this.staleEditor = editor;
      return;
    }
    this.staleEditor = undefined;
    if (editor.document.isClosed) return;
    this.controller.selectionChanged(editorSelection(editor));
  }

  private async save(format: ListExportFormat, content: string, name: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Save the neighbours as ${format.toUpperCase()}`,
      filters: format === "json" ? { JSON: ["json"] } : { CSV: ["csv"] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
      void vscode.window.showInformationMessage(`LM Lens: saved ${target.path.split("/").pop()}`);
    } catch (e) {
      this.deps.log(`neighbours export failed: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`LM Lens: could not save ${target.fsPath}: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    NeighboursMapPanel.disposeCurrent();
    this.controller.dispose();
    this.dropView();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
