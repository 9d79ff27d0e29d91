// The webview page: a strict CSP, a fresh nonce on every script and nowhere else, no inline code, and
// escaped text. (src/ui/webviewHtml.ts only converts URIs with vscode and calls webviewPage.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { contentSecurityPolicy, escapeHtml, makeNonce, webviewPage } from "../../src/ui/webviewPage";

const CSP_SOURCE = "https://*.vscode-cdn.net";

function page(title = "Attention", nonce = makeNonce()): { html: string; nonce: string } {
  const html = webviewPage({
    cspSource: CSP_SOURCE,
    nonce,
    title,
    styles: ["https://file+.vscode-resource.vscode-cdn.net/ext/media/attention.css"],
    scripts: [
      { src: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/toolkit.min.js", module: true },
      { src: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/attention.js?a=1&b=2" },
    ],
  });
  return { html, nonce };
}

function csp(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, "the page has a CSP meta tag");
  return m[1];
}

test("the page's CSP starts from default-src 'none' and allows only our files and nonce'd scripts", () => {
  const { html, nonce } = page();
  const policy = csp(html);
  assert.ok(html.includes(`content="default-src 'none'; `), "readable as written");
  const directives = new Map(policy.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives.get("default-src"), ["'none'"]);
  assert.deepEqual(directives.get("script-src"), [`'nonce-${nonce}'`]);
  assert.deepEqual(directives.get("style-src"), [CSP_SOURCE]);
  assert.deepEqual(directives.get("img-src"), [CSP_SOURCE, "data:"]);
  assert.deepEqual(directives.get("font-src"), [CSP_SOURCE]);
  assert.equal(policy, contentSecurityPolicy(CSP_SOURCE, nonce));
  assert.doesNotMatch(html, /unsafe-eval|unsafe-inline|unsafe-hashes|strict-dynamic/);
});

test("the nonce is on every script tag and nowhere else but the CSP", () => {
  const { html, nonce } = page();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 2);
  for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), s);
  assert.equal(html.split(nonce).length - 1, scripts.length + 1, "nonce count: the scripts and the CSP");
  // scripts load from files: no inline code
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) assert.equal(m[1], "");
  assert.match(scripts[0], /type="module"/);
  assert.doesNotMatch(scripts[1], /type=/);
});

test("a fresh nonce per render", () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(page().nonce, page().nonce);
  assert.throws(() => contentSecurityPolicy(CSP_SOURCE, "short"), RangeError);
  assert.throws(() => contentSecurityPolicy(CSP_SOURCE, `${a}' 'unsafe-inline`), RangeError);
  assert.throws(() => contentSecurityPolicy(`${CSP_SOURCE}; script-src *`, a), RangeError);
  assert.throws(() => contentSecurityPolicy("", a), RangeError);
});

test("no inline handlers or inline styles in the page", () => {
  const { html } = page();
  assert.doesNotMatch(html, /<[^>]*\son[a-z]+\s*=/i);
  assert.doesNotMatch(html, /\sstyle\s*=/i);
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /javascript:/i);
});

test("URIs and the title are escaped", () => {
  const { html } = page('x</title><script>alert(1)</script><img src=x onerror=alert(1)>');
  assert.match(html, /attention\.js\?a=1&amp;b=2"/);
  assert.equal((html.match(/<script\b/g) ?? []).length, 2, "no injected script");
  assert.doesNotMatch(html, /<img/);
  // the handler survives only as text, inside no tag
  assert.doesNotMatch(html, /<[^>]*\son[a-z]+\s*=/i);
  assert.match(html, /<title>x&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;<\/title>/);
});

test("escapeHtml on '<img src=x onerror=alert(1)>' yields no tag", () => {
  const out = escapeHtml("<img src=x onerror=alert(1)>");
  assert.equal(out, "&lt;img src=x onerror=alert(1)&gt;");
  assert.doesNotMatch(out, /[<>]/);
  assert.equal(escapeHtml(`"quoted" & 'single'`), "&quot;quoted&quot; &amp; &#39;single&#39;");
  assert.equal(escapeHtml(""), "");
});

test("the CSP accepts VS Code's and code-server's cspSource and rejects sources that break out of a directive", async () => {
  const { contentSecurityPolicy } = await import("../../src/ui/webviewPage");
  const nonce = "abcdefghijklmnop1234";
  for (const src of ["https://file+.vscode-resource.vscode-cdn.net", "'self' https://*.vscode-cdn.net", "vscode-webview://abc"]) {
    assert.match(contentSecurityPolicy(src, nonce), /^default-src 'none'; img-src /);
  }
  for (const bad of ["", "'unsafe-inline'", "https://x; script-src *", "'self' 'unsafe-eval'", 'a"b', "x,y"]) {
    assert.throws(() => contentSecurityPolicy(bad, nonce), RangeError, bad);
  }
});
