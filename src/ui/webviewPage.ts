// The HTML page of every LM Lens webview: a strict Content-Security-Policy, scripts allowed only by a
// fresh nonce, styles and scripts only from the extension's own files (URIs converted by the caller
// with webview.asWebviewUri), and every piece of text escaped. PURE: src/ui/webviewHtml.ts is the thin
// vscode wrapper; the tests check this function directly.

export interface PageScript {
  /** a webview URI (already converted) */
  src: string;
  /** load as an ES module (the toolkit) rather than a classic script (our iife bundles) */
  module?: boolean;
}

export interface PageOptions {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  title: string;
  /** stylesheet URIs (already converted) */
  styles: readonly string[];
  scripts: readonly PageScript[];
  /** id of the empty element the page's script renders into */
  rootId?: string;
  /** lang attribute, from vscode.env.language */
  lang?: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** For double-quoted attribute values whose single quotes must stay readable (the CSP's 'none', 'nonce-…'). */
function escapeDoubleQuoted(text: string): string {
  return String(text).replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

/** 32 characters from [A-Za-z0-9], from the platform's cryptographic random source. */
export function makeNonce(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  // 248 = 4 * 62: bytes at or above it are dropped so that every character is equally likely
  let out = "";
  while (out.length < 32) {
    for (const b of globalThis.crypto.getRandomValues(new Uint8Array(48))) {
      if (b < 248 && out.length < 32) out += alphabet[b % 62];
    }
  }
  return out;
}

const NONCE = /^[A-Za-z0-9+/=_-]{16,}$/;

/** No inline script or style, no eval, nothing from outside the extension; images may also be data: URLs (exports). */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!NONCE.test(nonce)) throw new RangeError("a nonce is at least 16 base64 characters");
  // webview.cspSource is a list of sources ("'self' https://*.vscode-cdn.net" in code-server); one that
  // could close the directive or add a keyword other than 'self' would let anything in
  const sources = cspSource.trim().split(/\s+/);
  const ok = (src: string) => src === "'self'" || /^(?:[a-z][a-z0-9+.-]*:)?(?:\/\/)?[^\s;,'"]+$/i.test(src);
  if (!cspSource.trim() || !sources.every(ok)) throw new RangeError(`unexpected cspSource ${JSON.stringify(cspSource)}`);
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join("; ");
}

export function webviewPage(o: PageOptions): string {
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  const styles = o.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`);
  const scripts = o.scripts.map((s) => `<script${s.module ? ' type="module"' : ""} nonce="${o.nonce}" src="${escapeHtml(s.src)}"></script>`);
  return [
    "<!DOCTYPE html>",
    `<html lang="${escapeHtml(o.lang ?? "en")}">`,
    "<head>",
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeDoubleQuoted(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    ...styles,
    `<title>${escapeHtml(o.title)}</title>`,
    "</head>",
    "<body>",
    `<div id="${escapeHtml(o.rootId ?? "root")}"></div>`,
    ...scripts,
    "</body>",
    "</html>",
  ].join("\n");
}
