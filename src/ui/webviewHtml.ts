// The one place that builds a webview's HTML: resource URIs converted with asWebviewUri, a fresh nonce
// per render, and the page (CSP, escaping) from src/ui/webviewPage.ts.
import * as vscode from "vscode";
import { makeNonce, webviewPage } from "./webviewPage";

export { escapeHtml } from "./webviewPage";

/** Folders a webview may load from; pass them as localResourceRoots. */
export const WEBVIEW_FOLDERS = ["dist/webview", "media"] as const;

export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return WEBVIEW_FOLDERS.map((f) => vscode.Uri.joinPath(extensionUri, ...f.split("/")));
}

export interface WebviewContent {
  title: string;
  /** the view's bundle in dist/webview/, e.g. "attention.js" */
  script: string;
  /** stylesheets in media/, e.g. ["attention.css"] */
  styles?: readonly string[];
  /** load the webview UI toolkit's components (dist/webview/toolkit.min.js) */
  toolkit?: boolean;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, c: WebviewContent): string {
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return webviewPage({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    title: c.title,
    lang: vscode.env.language,
    styles: (c.styles ?? []).map((s) => uri("media", s)),
    scripts: [
      ...(c.toolkit ? [{ src: uri("dist", "webview", "toolkit.min.js"), module: true }] : []),
      { src: uri("dist", "webview", c.script) },
    ],
  });
}
