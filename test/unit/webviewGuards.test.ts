// What the attention webview accepts from the extension: the shapes the extension sends, and nothing a view
// would throw on (a token that is null or a number, a NaN probability, 10^6 tokens).
import { test } from "node:test";
import assert from "node:assert/strict";
import { isToWebviewMessage } from "../../src/shared/attentionProtocol";

const state = (patch: Record<string, unknown> = {}) => ({
  messageId: 1,
  body: {
    type: "state",
    data: {
      tokens: [{ text: "the", start: 0, end: 3, bytes: [0x74, 0x68, 0x65] }],
      nLayer: 1,
      nHead: 1,
      pending: true,
      attentions: new Float32Array(0),
      headMeans: new Float32Array(0),
      rollout: new Float32Array(0),
      predictions: [],
      nextWords: [{ word: " hair", p: 0.1 }],
      shown: { layer: 0, head: null, matrix: new Float32Array(1) },
      ...patch,
    },
  },
});

test("attention webview: a state as the extension sends it is accepted", () => {
  assert.equal(isToWebviewMessage(state()), true);
});

test("attention webview: shapes the extension never sends are refused, not drawn", () => {
  const bad: [string, Record<string, unknown>][] = [
    ["a null token", { tokens: [null] }],
    ["a token that is a number", { tokens: [7] }],
    ["a token without text", { tokens: [{ start: 0, end: 1 }] }],
    ["a token without its bytes", { tokens: [{ text: "a", start: 0, end: 1 }] }],
    ["a token byte of 256", { tokens: [{ text: "a", start: 0, end: 1, bytes: [256] }] }],
    ["a NaN word probability", { nextWords: [{ word: " x", p: NaN }] }],
    ["a word that is not a string", { nextWords: [{ word: 5, p: 0.1 }] }],
    ["a prediction row of nulls", { predictions: [[null]] }],
    ["10^6 tokens", { tokens: Array.from({ length: 1e6 }, () => ({ text: "a", start: 0, end: 1 })), shown: { layer: 0, head: null, matrix: new Float32Array(1) } }],
  ];
  for (const [name, patch] of bad) assert.equal(isToWebviewMessage(state(patch)), false, name);
});
