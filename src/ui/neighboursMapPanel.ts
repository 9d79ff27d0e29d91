// The large neighbours map: an editor tab (a WebviewPanel) showing the side bar's map list, large, with
// zoom, pan and every label reachable. It computes nothing: it is a second webview of the side bar's
// controller (NeighboursController.addViewer), so it gets the very state messages the side bar gets and
// follows its query, k, metric, layer and map list. Its page runs the neighbours bundle, which draws the
// large map when the page's title is NEIGHBOURS_MAP_TITLE.
import * as vscode from "vscode";
import type { NeighboursController, NeighboursViewer } from "./neighboursController";
import { NEIGHBOURS_MAP_TITLE } from "../shared/neighboursProtocol";
import { webviewHtml, webviewRoots } from "./webviewHtml";

export const OPEN_NEIGHBOURS_MAP_COMMAND = "lmLens.openNeighboursMap";
const VIEW_TYPE = "lmLens.neighboursMap";

export class NeighboursMapPanel implements vscode.Disposable {
  private static current: NeighboursMapPanel | undefined;

  /** Open the large map, or reveal the one already open. */
  static show(extensionUri: vscode.Uri, controller: NeighboursController): NeighboursMapPanel {
    const open = NeighboursMapPanel.current;
    if (open) {
      open.panel.reveal();
      return open;
    }
    return (NeighboursMapPanel.current = new NeighboursMapPanel(extensionUri, controller));
  }

  /** The open large map, if any (closed with the view's provider). */
  static disposeCurrent(): void {
    NeighboursMapPanel.current?.dispose();
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly viewer: NeighboursViewer;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(extensionUri: vscode.Uri, controller: NeighboursController) {
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      NEIGHBOURS_MAP_TITLE,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      // no retainContextWhenHidden: the webview keeps its zoom and pan with getState/setState and says ready when shown
      { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, "media", "lm-lens.svg");
    this.viewer = controller.addViewer((m) => void this.panel.webview.postMessage(m));
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, { title: NEIGHBOURS_MAP_TITLE, script: "neighbours.js", styles: ["common.css", "neighbours.css"], toolkit: true });
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.viewer.onMessage(m)),
      this.panel.onDidChangeViewState((e) => this.viewer.setVisible(e.webviewPanel.visible)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (NeighboursMapPanel.current === this) NeighboursMapPanel.current = undefined;
    this.viewer.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.panel.dispose();
  }
}
