// The webview protocol: every message a webview may send is accepted, anything else is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_LAYERS_OR_HEADS, MAX_VIEW_TOKENS } from "../../src/shared/vocabulary";
import { isToWebviewMessage, MAX_EXPORT_CHARS, MAX_PLACE_CHARS, validateFromWebview, validateFromWebviewMessage, type FromWebview } from "../../src/shared/attentionProtocol";

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
  { type: "revealPlace", start: 0, end: 1 },
  { type: "revealPlace", start: 120_000, end: 120_000 + MAX_PLACE_CHARS },
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
    // a place is one token of the document: integers, 0 <= start < end, at most MAX_PLACE_CHARS long
    { type: "revealPlace", start: 5, end: 5 },
    { type: "revealPlace", start: 6, end: 5 },
    { type: "revealPlace", start: -1, end: 5 },
    { type: "revealPlace", start: 0, end: MAX_PLACE_CHARS + 1 },
    { type: "revealPlace", start: 0.5, end: 5 },
    { type: "revealPlace", start: 0, end: Infinity },
    { type: "revealPlace", start: Number.MAX_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER + 2 },
    { type: "revealPlace", start: "0", end: "5" },
    { type: "revealPlace", start: 0 },
    { type: "revealPlace", end: 5 },
    { type: "revealPlace", start: 0, end: 5, uri: "file:///etc/passwd" },
    { type: "revealPlace", range: { start: 0, end: 5 } },
    { type: "revealPlace", start: [0], end: 5 },
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
    tokens: [{ text: "a", start: 0, end: 1, bytes: [0x61] }, { text: "b", start: 1, end: 2, bytes: [0x62] }],
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
  // the document memory: its readout and its places' lines, or one line why there is none
  const place = { start: 10, end: 14, weight: 0.5, token: " red" };
  const memory = { entries: 12, share: 0.2, words: [{ word: " red", token: " red", pModel: 0.1, pMemory: 0.5, pMixed: 0.18, places: [place] }], top: [place] };
  const memoryPlaces = [{ start: 10, end: 14, line: 0, before: "her", text: " red", after: " hair" }, { start: 20, end: 24, gone: true }];
  assert.equal(isToWebviewMessage({ messageId: 5, body: { type: "details", data: { ...details, memory, memoryPlaces } } }), true);
  assert.equal(isToWebviewMessage({ messageId: 5, body: { type: "details", data: { ...details, noMemory: "Document memory: off" } } }), true);
  assert.equal(isToWebviewMessage({ messageId: 6, body: { type: "memoryPlaces", data: { viewId: 1, memoryPlaces } } }), true);
  for (const bad of [
    { ...details, memory: { ...memory, words: [{ ...memory.words[0], pMixed: "0.18" }] } },
    { ...details, memory: { ...memory, top: [{ ...place, token: 3 }] } },
    { ...details, memory: { ...memory, entries: undefined } },
    { ...details, memoryPlaces: [{ start: 10, end: 14, line: 0, before: "her", text: " red" }] },
    { ...details, memoryPlaces: [{ start: 10, end: 14, gone: false }] },
    { ...details, memoryPlaces: {} },
    { ...details, noMemory: 0 },
  ]) assert.equal(isToWebviewMessage({ messageId: 5, body: { type: "details", data: bad } }), false, JSON.stringify(bad));
  assert.equal(isToWebviewMessage({ messageId: 6, body: { type: "memoryPlaces", data: { viewId: 1, memoryPlaces: [{ start: 1 }] } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 6, body: { type: "memoryPlaces", data: { memoryPlaces } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, rollout: new Float32Array(3) } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 1, body: { type: "state", data: { ...data, attentions: [0, 0, 0, 0, 0, 0, 0, 0] } } }), false);
  assert.equal(isToWebviewMessage({ messageId: 2, body: { type: "loading" } }), true);
  assert.equal(isToWebviewMessage({ messageId: 3, body: { type: "error", message: "x" } }), true);
  assert.equal(isToWebviewMessage({ messageId: 3, body: { type: "error" } }), false);
  assert.equal(isToWebviewMessage({ body: { type: "loading" } }), false);
  assert.equal(isToWebviewMessage({ messageId: 4, body: { type: "ready" } }), false);
});

// ---- the schemas' edges: what is refused, and why

test("validateFromWebview refuses what is not a plain object, whatever it holds", () => {
  const notPlain: unknown[] = [
    Object.assign(Object.create(null), { type: "ready" }),
    new Map([["type", "ready"]]),
    Object.assign(new (class Message {})(), { type: "ready" }),
    Object.assign(() => undefined, { type: "ready" }),
    new Date(0),
    Symbol("ready"),
    10n,
  ];
  for (const m of notPlain) assert.equal(validateFromWebview(m, { tokenCount: 10 }), undefined, String(m?.constructor?.name ?? typeof m));
  assert.equal(validateFromWebviewMessage(Object.assign(Object.create(null), { messageId: 1, body: { type: "ready" } })), undefined, "the envelope too");
  assert.equal(validateFromWebviewMessage({ messageId: 1, body: Object.assign(Object.create(null), { type: "ready" }) }), undefined, "and its body");
});

test("validateFromWebview: the bounds are inclusive where they say so, and one past them is refused", () => {
  // layers and heads below MAX_LAYERS_OR_HEADS
  assert.deepEqual(validateFromWebview({ type: "showing", layer: MAX_LAYERS_OR_HEADS - 1, head: MAX_LAYERS_OR_HEADS - 1 }), { type: "showing", layer: MAX_LAYERS_OR_HEADS - 1, head: MAX_LAYERS_OR_HEADS - 1 });
  assert.equal(validateFromWebview({ type: "showing", layer: MAX_LAYERS_OR_HEADS, head: null }), undefined);
  assert.equal(validateFromWebview({ type: "showing", layer: 0, head: MAX_LAYERS_OR_HEADS }), undefined);
  // a drawing time up to an hour; view ids are safe integers
  assert.deepEqual(validateFromWebview({ type: "rendered", viewId: 0, drawMs: 3_600_000 }), { type: "rendered", viewId: 0, drawMs: 3_600_000 });
  assert.equal(validateFromWebview({ type: "rendered", viewId: 0, drawMs: 3_600_001 }), undefined);
  for (const viewId of [-1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, "1", null]) assert.equal(validateFromWebview({ type: "rendered", viewId, drawMs: 1 }), undefined, String(viewId));
  // an export of exactly the limit is accepted
  assert.equal(validateFromWebview({ type: "export", format: "json", data: "x".repeat(MAX_EXPORT_CHARS) })?.type, "export");
  // a token count out of range is clamped: negative means no view, above the largest view means the largest
  assert.equal(validateFromWebview({ type: "selectToken", index: 0 }, { tokenCount: -5 }), undefined);
  assert.deepEqual(validateFromWebview({ type: "hoverToken", index: null }, { tokenCount: -5 }), { type: "hoverToken", index: null });
  assert.deepEqual(validateFromWebview({ type: "selectToken", index: 9 }, { tokenCount: 10 }), { type: "selectToken", index: 9 });
});

test("validateFromWebview: a PNG export is one base64 data: URL and nothing else", () => {
  const bad = [
    `${PNG}\n`,
    `${PNG.slice(0, 40)}\n${PNG.slice(40)}`,
    `${PNG.slice(0, 40)}=${PNG.slice(40)}`,
    ` ${PNG}`,
    "data:image/png;base64,",
    "data:image/png,iVBORw0KGgo=",
    "DATA:IMAGE/PNG;BASE64,iVBORw0KGgo=",
  ];
  for (const data of bad) assert.equal(validateFromWebview({ type: "export", format: "png", data }), undefined, JSON.stringify(data.slice(0, 30)));
  // the same text is a valid SVG or JSON export (only a PNG is decoded)
  assert.equal(validateFromWebview({ type: "export", format: "svg", data: bad[0] })?.type, "export");
});

test("validateFromWebview: a valid message with any one field more, or any one field less, is refused", () => {
  const keyName = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== "__proto__");
  fc.assert(
    fc.property(fc.constantFrom(...valid), keyName, fc.jsonValue(), (m, key, value) => {
      if (Object.hasOwn(m, key)) return;
      assert.equal(validateFromWebview({ ...m, [key]: value }, { tokenCount: 10 }), undefined);
    }),
  );
  for (const m of valid) {
    for (const key of Object.keys(m)) {
      const less: Record<string, unknown> = { ...m };
      delete less[key];
      assert.equal(validateFromWebview(less, { tokenCount: 10 }), undefined, `${JSON.stringify(m)} without ${key}`);
    }
  }
});

test("validateFromWebview: whatever it is given, it refuses it or returns a fresh message it accepts again", () => {
  // each type with its own keys (sometimes one missing, sometimes one more), values near and far from valid
  const keysOf: Record<string, string[]> = { ready: [], openTour: [], hoverToken: ["index"], selectToken: ["index"], setFollow: ["follow"], showing: ["layer", "head"], rendered: ["viewId", "drawMs"], export: ["format", "data"], state: ["data"] };
  const value: Record<string, fc.Arbitrary<unknown>> = {
    index: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constant(null), fc.anything()),
    follow: fc.oneof(fc.boolean(), fc.anything()),
    layer: fc.oneof(fc.integer({ min: -1, max: 300 }), fc.anything()),
    head: fc.oneof(fc.integer({ min: -1, max: 300 }), fc.constant(null), fc.anything()),
    viewId: fc.oneof(fc.integer({ min: -1, max: 1e6 }), fc.anything()),
    drawMs: fc.oneof(fc.double(), fc.anything()),
    format: fc.constantFrom("png", "svg", "json", "gif"),
    data: fc.oneof(fc.string(), fc.constant(PNG), fc.anything()),
  };
  const message = fc.constantFrom(...Object.keys(keysOf)).chain((type) =>
    fc.tuple(fc.record(Object.fromEntries(keysOf[type].map((k) => [k, value[k]])), { requiredKeys: keysOf[type].length ? [keysOf[type][0]] : [] }), fc.option(fc.tuple(fc.constantFrom("extra", "uri", "type2"), fc.anything()), { freq: 5 })).map(([fields, extra]) => ({ type, ...fields, ...(extra ? { [extra[0]]: extra[1] } : {}) })),
  );
  const accepted = new Set<string>();
  fc.assert(
    fc.property(message, (raw) => {
      const out = validateFromWebview(raw, { tokenCount: 10 });
      if (out === undefined) return;
      accepted.add(out.type);
      assert.notEqual(out, raw, "a copy, not the webview's object");
      assert.deepEqual(validateFromWebview(out, { tokenCount: 10 }), out);
      assert.deepEqual(Object.keys(out).sort(), Object.keys(raw).sort(), "no key added or dropped");
    }),
    { numRuns: 2000 },
  );
  // the arbitrary messages reach the accepting branches, not only the refusals
  assert.ok(accepted.size >= 4, [...accepted].join(", "));
});

test("isToWebviewMessage refuses shapes the webview would index into wrongly", () => {
  const T = 2;
  const tokens = [{ text: "a", start: 0, end: 1, bytes: [0x61] }, { text: "b", start: 1, end: 2, bytes: [0x62] }];
  const shown = { layer: 0, head: null, matrix: new Float32Array(T * T) };
  const pending = { tokens, nLayer: 1, nHead: 2, attentions: new Float32Array(0), headMeans: new Float32Array(0), rollout: new Float32Array(0), predictions: [], nextWords: [], pending: true, shown };
  const state = (data: unknown) => ({ messageId: 1, body: { type: "state", data } });
  assert.equal(isToWebviewMessage(state(pending)), true);
  const bad: unknown[] = [
    state({ ...pending, tokens: "ab" }),
    state({ ...pending, nLayer: "1" }),
    state({ ...pending, pending: "yes" }),
    state({ ...pending, nextWordsAt: "3" }),
    state({ ...pending, predictions: {} }),
    state({ ...pending, shown: { ...shown, layer: 1 } }),
    state({ ...pending, shown: { ...shown, layer: 0.5 } }),
    state({ ...pending, shown: { ...shown, matrix: Array.from(shown.matrix) } }),
    state(null),
    { messageId: 1, body: null },
    { messageId: "1", body: { type: "loading" } },
    { messageId: 1, body: { type: "error", message: 3 } },
    { messageId: 1, body: { type: "details", data: null } },
    { messageId: 1, body: { type: "details", data: { viewId: "1", attentions: new Float32Array(0), headMeans: new Float32Array(0), rollout: new Float32Array(0), predictions: [], nextWords: [] } } },
    null,
    "loading",
  ];
  for (const m of bad) assert.equal(isToWebviewMessage(m), false, JSON.stringify(m));
});
