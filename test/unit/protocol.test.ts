// The webview protocol: every message a webview may send is accepted, anything else is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isToWebviewMessage, MAX_EXPORT_CHARS, MAX_VIEW_TOKENS, validateFromWebview, validateFromWebviewMessage, type FromWebview } from "../../src/shared/attentionProtocol";

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const valid: FromWebview[] = [
  { type: "ready" },
  { type: "hoverToken", index: 0 },
  { type: "hoverToken", index: 9 },
  { type: "hoverToken", index: null },
  { type: "selectToken", index: 3 },
  { type: "setFollow", follow: true },
  { type: "setFollow", follow: false },
  { type: "export", format: "png", data: PNG },
  { type: "export", format: "svg", data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
  { type: "export", format: "json", data: '{"tokens":[]}' },
  { type: "openTour" },
  { type: "showing", layer: 0, head: null },
  { type: "showing", layer: 3, head: 2 },
];

test("a rendered report carries the webview's own drawing time, a finite non-negative number", () => {
  assert.deepEqual(validateFromWebview({ type: "rendered", viewId: 3, drawMs: 41 }), { type: "rendered", viewId: 3, drawMs: 41 });
  for (const drawMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, "41", undefined]) assert.equal(validateFromWebview({ type: "rendered", viewId: 3, drawMs }), undefined, String(drawMs));
  assert.equal(validateFromWebview({ type: "rendered", viewId: 3 }), undefined);
});

test("validateFromWebview accepts every valid message and returns an equal copy", () => {
  for (const m of valid) {
    const v = validateFromWebview(structuredClone(m), { tokenCount: 10 });
    assert.deepEqual(v, m, JSON.stringify(m));
  }
});

test("validateFromWebview rejects wrong types", () => {
  const bad: unknown[] = [
    null,
    undefined,
    42,
    "ready",
    [],
    [{ type: "ready" }],
    {},
    { type: 1 },
    { type: "hoverToken", index: "3" },
    { type: "hoverToken" },
    { type: "hoverToken", index: undefined },
    { type: "selectToken", index: null },
    { type: "selectToken", index: true },
    { type: "setFollow", follow: "true" },
    { type: "setFollow", follow: 1 },
    { type: "setFollow" },
    { type: "export", format: "gif", data: "x" },
    { type: "export", format: "svg", data: 12 },
    { type: "export", format: "svg", data: "" },
    { type: "export", format: "json" },
    { type: "export", format: "png", data: "https://example.invalid/x.png" },
    { type: "export", format: "png", data: "data:image/svg+xml;base64,PHN2Zz4=" },
    { type: "export", format: "png", data: `${PNG}"><script>` },
    { type: "export", format: "PNG", data: PNG },
    { type: "showing", layer: -1, head: null },
    { type: "showing", layer: 0, head: 1.5 },
    { type: "showing", layer: 0 },
    { type: "showing", layer: 0, head: "1" },
    { type: "showing", layer: 1e9, head: 0 },
    { type: "showing", layer: 0, head: 0, extra: true },
    Object.assign(Object.create({ polluted: true }), { type: "ready" }),
  ];
  for (const m of bad) assert.equal(validateFromWebview(m, { tokenCount: 10 }), undefined, String(JSON.stringify(m)));
});

test("validateFromWebview rejects token indices out of range", () => {
  for (const index of [-1, 10, 11, 1.5, NaN, Infinity, -0.5, MAX_VIEW_TOKENS]) {
    assert.equal(validateFromWebview({ type: "hoverToken", index }, { tokenCount: 10 }), undefined, `hover ${index}`);
    assert.equal(validateFromWebview({ type: "selectToken", index }, { tokenCount: 10 }), undefined, `select ${index}`);
  }
  // no view shown: no index is valid, but ending a hover is
  assert.equal(validateFromWebview({ type: "selectToken", index: 0 }, { tokenCount: 0 }), undefined);
  assert.deepEqual(validateFromWebview({ type: "hoverToken", index: null }, { tokenCount: 0 }), { type: "hoverToken", index: null });
  // without a count, the largest view's bound
  assert.deepEqual(validateFromWebview({ type: "selectToken", index: MAX_VIEW_TOKENS - 1 }), { type: "selectToken", index: MAX_VIEW_TOKENS - 1 });
  assert.equal(validateFromWebview({ type: "selectToken", index: MAX_VIEW_TOKENS }, { tokenCount: 10_000 }), undefined);
});

test("validateFromWebview rejects unknown types, extra fields and extra nesting", () => {
  const bad: unknown[] = [
    { type: "state", data: {} },
    { type: "loading" },
    { type: "runCommand", command: "workbench.action.terminal.new" },
    { type: "__proto__" },
    { type: "ready", extra: 1 },
    { type: "openTour", command: "x" },
    { type: "selectToken", index: 1, uri: "file:///etc/passwd" },
    { type: "hoverToken", index: { index: 1 } },
    { type: "hoverToken", index: [1] },
    { type: "setFollow", follow: { follow: true } },
    { type: "export", format: ["png"], data: PNG },
    { type: "export", format: "json", data: { json: "{}" } },
    { body: { type: "ready" } },
    { type: { type: "ready" } },
    { messageId: 1, body: { type: "ready" } },
  ];
  for (const m of bad) assert.equal(validateFromWebview(m, { tokenCount: 10 }), undefined, JSON.stringify(m));
});

test("validateFromWebview refuses an export larger than the limit", () => {
  const big = "x".repeat(MAX_EXPORT_CHARS + 1);
  assert.equal(validateFromWebview({ type: "export", format: "json", data: big }), undefined);
});

test("validateFromWebviewMessage checks the envelope and its body", () => {
  assert.deepEqual(validateFromWebviewMessage({ messageId: 1, body: { type: "ready" } }), { messageId: 1, body: { type: "ready" } });
  assert.deepEqual(validateFromWebviewMessage({ messageId: 7, inReplyTo: 3, body: { type: "selectToken", index: 2 } }, { tokenCount: 3 }), {
    messageId: 7,
    inReplyTo: 3,
    body: { type: "selectToken", index: 2 },
  });
  const bad: unknown[] = [
    { type: "ready" },
    { messageId: "1", body: { type: "ready" } },
    { messageId: -1, body: { type: "ready" } },
    { messageId: 1.5, body: { type: "ready" } },
    { messageId: 1, inReplyTo: "2", body: { type: "ready" } },
    { messageId: 1, body: { type: "nope" } },
    { messageId: 1, body: { messageId: 2, body: { type: "ready" } } },
    { messageId: 1, body: { type: "ready" }, extra: true },
    { messageId: 1, body: { type: "selectToken", index: 5 } },
  ];
  for (const m of bad) assert.equal(validateFromWebviewMessage(m, { tokenCount: 3 }), undefined, JSON.stringify(m));
});

test("isToWebviewMessage checks tensor sizes against the token count", () => {
  const T = 2;
  const data = {
    tokens: [{ text: "a", start: 0, end: 1 }, { text: "b", start: 1, end: 2 }],
    nLayer: 1,
    nHead: 2,
    attentions: new Float32Array(1 * 2 * T * T),
    headMeans: new Float32Array(T * T),
    rollout: new Float32Array(T * T),
    predictions: [[], []],
    nextWords: [],
    pending: false,
  };
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data } }), true);
  // the first message of a view: the heatmap's tensors now, the rollout and next words in a "details" message
  const shown = { layer: 0, head: null, matrix: new Float32Array(T * T) };
  const first = { ...data, attentions: new Float32Array(0), headMeans: new Float32Array(0), rollout: new Float32Array(0), predictions: [], pending: true, shown };
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: first } }), true);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...first, pending: false } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, pending: true } } }), false);
  // a pending view carries the one matrix the webview shows (a head, or the average), of the right size
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...first, shown: { ...shown, head: 1 } } } }), true);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...first, shown: { ...shown, head: 2 } } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...first, shown: { ...shown, matrix: new Float32Array(3) } } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...first, shown: undefined } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, shown } } }), false, "only a pending view carries a matrix ahead");
  const details = { viewId: 1, attentions: new Float32Array(1 * 2 * T * T), headMeans: new Float32Array(T * T), rollout: new Float32Array(T * T), predictions: [[], []], nextWords: [{ word: " red", p: 0.2 }] };
  assert.equal(isToWebviewMessage({ messageId: 5, body: { type: "details", data: details } }), true);
  assert.equal(isToWebviewMessage({ messageId: 5, body: { type: "details", data: { ...details, rollout: [0, 0, 0, 0] } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, rollout: new Float32Array(3) } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, attentions: [0, 0, 0, 0, 0, 0, 0, 0] } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 2, body: { type: "loading" } }), true);
  assert.equal(isToWebviewMessage({ messageId: 3, body: { type: "error", message: "x" } }), true);
  assert.equal(isToWebviewMessage({ messageId: 3, body: { type: "error" } }), false);
  assert.equal(isToWebviewMessage({ body: { type: "loading" } }), false);
  assert.equal(isToWebviewMessage({ messageId: 4, body: { type: "ready" } }), false);
});
