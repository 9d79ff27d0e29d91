// The neighbours view's messages: every valid one is accepted, anything else refused (the view renders
// document text, so what its webview sends is untrusted).
import { test } from "node:test";
import assert from "node:assert/strict";
import { isNeighboursToWebviewMessage, MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOURS_K, validateNeighboursFromWebview, validateNeighboursMessage, type NeighboursFromWebview, type NeighboursScreen } from "../../src/shared/neighboursProtocol";
import { validateFromWebview } from "../../src/shared/attentionProtocol";

const OPTS = { wordCount: 3, nLayer: 4 };

const valid: NeighboursFromWebview[] = [
  { type: "ready" },
  { type: "focusWord", index: 0 },
  { type: "focusWord", index: 2 },
  { type: "query", origin: "typed", text: "king - man + woman" },
  { type: "query", origin: "typed", text: "" },
  { type: "query", origin: "typed", text: "x".repeat(MAX_NEIGHBOUR_QUERY_CHARS) },
  { type: "query", origin: "neighbour", text: "queen" },
  { type: "setOptions", options: { k: 10, metric: "cosine", layer: 2 } },
  { type: "setOptions", options: { k: NEIGHBOURS_K.min, metric: "euclidean", layer: 0 } },
  { type: "setOptions", options: { k: NEIGHBOURS_K.max, metric: "cosine", layer: 4 } },
  { type: "setFollow", follow: false },
  { type: "copyList" },
  { type: "openTour" },
  { type: "exportList", format: "json" },
  { type: "exportList", format: "csv" },
];

test("validateNeighboursFromWebview accepts every valid message and returns an equal copy", () => {
  for (const m of valid) assert.deepEqual(validateNeighboursFromWebview(structuredClone(m), OPTS), m, JSON.stringify(m));
});

test("validateNeighboursFromWebview refuses wrong types, ranges, extra keys and the attention view's messages", () => {
  const bad: unknown[] = [
    null,
    "ready",
    [],
    {},
    { type: "ready", extra: 1 },
    { type: "copyList", data: "x" },
    { type: "focusWord", index: 3 },
    { type: "focusWord", index: -1 },
    { type: "focusWord", index: 1.5 },
    { type: "focusWord", index: "1" },
    { type: "query", origin: "typed" },
    { type: "query", origin: "typed", text: 5 },
    { type: "query", origin: "typed", text: "x".repeat(MAX_NEIGHBOUR_QUERY_CHARS + 1) },
    { type: "query", origin: "editor", text: "king" },
    { type: "query", origin: "neighbour", text: "two words" },
    { type: "query", origin: "neighbour", text: "<img src=x>" },
    { type: "query", origin: "neighbour", text: "" },
    { type: "query", text: "king" },
    { type: "setOptions", options: { k: 0, metric: "cosine", layer: 0 } },
    { type: "setOptions", options: { k: NEIGHBOURS_K.max + 1, metric: "cosine", layer: 0 } },
    { type: "setOptions", options: { k: 2.5, metric: "cosine", layer: 0 } },
    { type: "setOptions", options: { k: 10, metric: "dot", layer: 0 } },
    { type: "setOptions", options: { k: 10, metric: "cosine", layer: 5 } },
    { type: "setOptions", options: { k: 10, metric: "cosine", layer: -1 } },
    { type: "setOptions", options: { k: 10, metric: "cosine" } },
    { type: "setOptions", options: { k: 10, metric: "cosine", layer: 0, extra: true } },
    { type: "setOptions", options: [10, "cosine", 0] },
    { type: "setOptions", k: 10, metric: "cosine", layer: 0 },
    { type: "setFollow", follow: "yes" },
    { type: "exportList", format: "png" },
    { type: "exportList", format: "json", data: "{}" },
    { type: "export", format: "json", data: "{}" },
    { type: "selectToken", index: 0 },
    { type: "openTour", step: "attention" },
    { type: "state", data: {} },
    Object.assign(Object.create({ polluted: true }), { type: "ready" }),
  ];
  for (const m of bad) assert.equal(validateNeighboursFromWebview(m, OPTS), undefined, String(JSON.stringify(m)));
});

test("without a view shown, no chip index is valid; without a model, layers up to the general bound", () => {
  assert.equal(validateNeighboursFromWebview({ type: "focusWord", index: 0 }, { wordCount: 0 }), undefined);
  assert.deepEqual(validateNeighboursFromWebview({ type: "setOptions", options: { k: 5, metric: "cosine", layer: 12 } }), { type: "setOptions", options: { k: 5, metric: "cosine", layer: 12 } });
  assert.equal(validateNeighboursFromWebview({ type: "focusWord", index: 12 }, { wordCount: 100 }), undefined, "at most 12 chips");
});

test("the attention panel's validator still refuses the neighbours view's messages", () => {
  // ready, setFollow and openTour mean the same in both views
  for (const m of valid) if (m.type !== "ready" && m.type !== "setFollow" && m.type !== "openTour") assert.equal(validateFromWebview(m), undefined, m.type);
});

test("validateNeighboursMessage checks the envelope and its body", () => {
  assert.deepEqual(validateNeighboursMessage({ messageId: 4, body: { type: "copyList" } }), { messageId: 4, body: { type: "copyList" } });
  assert.deepEqual(validateNeighboursMessage({ messageId: 5, inReplyTo: 2, body: { type: "focusWord", index: 1 } }, OPTS), { messageId: 5, inReplyTo: 2, body: { type: "focusWord", index: 1 } });
  for (const m of [
    { type: "ready" },
    { messageId: "1", body: { type: "ready" } },
    { messageId: -1, body: { type: "ready" } },
    { messageId: 1, body: { type: "nope" } },
    { messageId: 1, body: { type: "ready" }, extra: 1 },
  ]) {
    assert.equal(validateNeighboursMessage(m, OPTS), undefined, JSON.stringify(m));
  }
});

test("isNeighboursToWebviewMessage accepts a state and refuses other shapes", () => {
  const data: NeighboursScreen = {
    id: 1,
    words: ["king"],
    focus: 0,
    wordsTotal: 1,
    options: { k: 10, metric: "cosine", layer: 2 },
    mapList: "pooled",
    follow: true,
    pooled: { loading: false },
    static: { loading: true },
    contextual: { loading: false },
    index: { state: "idle", built: 0, total: 0 },
  };
  assert.equal(isNeighboursToWebviewMessage({ messageId: 1, body: { type: "state", data } }), true);
  assert.equal(isNeighboursToWebviewMessage({ messageId: 1, body: { type: "loading" } }), false);
  assert.equal(isNeighboursToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, words: [1] } } }), false);
  assert.equal(isNeighboursToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, static: null } } }), false);
  const { pooled: _pooled, ...withoutPooled } = data;
  assert.equal(isNeighboursToWebviewMessage({ messageId: 1, body: { type: "state", data: withoutPooled } }), false, "a state without the pooled list");
  assert.equal(isNeighboursToWebviewMessage({ body: { type: "state", data } }), false);
  assert.equal(isNeighboursToWebviewMessage(null), false);
});
