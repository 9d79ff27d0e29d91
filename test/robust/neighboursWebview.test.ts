// The neighbours webview's check of what it receives (neighboursProtocol.ts's isNeighboursToWebviewMessage):
// every shape the extension never sends (a term with no words, tokens that are numbers, scores that are
// not numbers, a map that does not fit its list, arrays of 10^6 or a sparse 10^9 entries, a BigInt, a
// cycle) is dropped without throwing, and every state it lets through is drawn by the webview's wording
// (format.ts) without throwing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isNeighboursToWebviewMessage, type NeighbourList, type NeighboursScreen } from "../../src/shared/neighboursProtocol";
import { explainQuery, formatScore } from "../../webview/neighbours/format";

const list: NeighbourList = {
  query: "king - man + woman",
  mode: "static",
  layer: 0,
  metric: "cosine",
  k: 2,
  terms: [
    { sign: 1, words: [{ word: "king", tokens: [" king"] }] },
    { sign: -1, words: [{ word: "man", tokens: [" man"] }] },
    { sign: 1, words: [{ word: "woman", tokens: [" wo", "man"] }] },
  ],
  neighbours: [
    { word: "queen", score: 0.71 },
    { word: "princess", score: 0.6 },
  ],
  map: { x: [0, 0.5, -0.5], y: [0.1, 0.2, 0.3], explained: [0.6, 0.3] },
  indexSize: 5000,
  nLayer: 4,
  source: "model.wte.weight [8192, 256]",
  ms: 3,
};
const screen: NeighboursScreen = {
  id: 1,
  words: ["king"],
  focus: 0,
  wordsTotal: 1,
  options: { k: 10, metric: "cosine", layer: 2 },
  mapList: "static",
  follow: true,
  pooled: { loading: false, error: "no pooled vectors" },
  static: { loading: false, list },
  contextual: { loading: true },
  index: { state: "idle", built: 0, total: 0 },
};
const message = (data: unknown) => ({ messageId: 1, body: { type: "state", data } });
const withList = (edit: (l: Record<string, unknown>) => void) => {
  const l = structuredClone(list) as unknown as Record<string, unknown>;
  edit(l);
  return message({ ...screen, static: { loading: false, list: l } });
};
const terms = (l: Record<string, unknown>) => l.terms as { sign: number; words: unknown[] }[];

const cyclic: Record<string, unknown> = { ...screen };
cyclic.self = cyclic;

const HOSTILE: [string, unknown][] = [
  ["a term with no words", withList((l) => (terms(l)[1].words = []))],
  ["a list with no terms", withList((l) => (l.terms = []))],
  ["a term whose sign is 2", withList((l) => (terms(l)[0].sign = 2))],
  ["tokens that are null", withList((l) => ((terms(l)[0].words[0] as Record<string, unknown>).tokens = null))],
  ["tokens that are numbers", withList((l) => ((terms(l)[0].words[0] as Record<string, unknown>).tokens = [1, 2]))],
  ["a word that is a number", withList((l) => ((terms(l)[0].words[0] as Record<string, unknown>).word = 7))],
  ["a NaN score (null once serialised)", withList((l) => ((l.neighbours as { score: unknown }[])[0].score = null))],
  ["an infinite score", withList((l) => ((l.neighbours as { score: unknown }[])[0].score = Infinity))],
  ["a map with fewer points than neighbours", withList((l) => (l.map = { x: [0], y: [0], explained: [0.5, 0.5] }))],
  ["a map without explained shares", withList((l) => (l.map = { x: [0, 1, 2], y: [0, 1, 2] }))],
  ["10^6 neighbours", withList((l) => (l.neighbours = Array.from({ length: 1e6 }, (_, i) => ({ word: `w${i}`, score: 0.5 }))))],
  ["a sparse array of 10^9 neighbours", withList((l) => (l.neighbours = new Array(1e9)))],
  ["10^6 map points", withList((l) => (l.map = { x: new Array(1e6).fill(0), y: new Array(1e6).fill(0), explained: [0.5, 0.5] }))],
  ["a mode the host has not", withList((l) => (l.mode = "all"))],
  ["k of 10^9", withList((l) => (l.k = 1e9))],
  ["a list that is null", message({ ...screen, static: { loading: false, list: null } })],
  ["10^6 chips", message({ ...screen, words: new Array(1e6).fill("w") })],
  ["a chip that is a number", message({ ...screen, words: [5] })],
  ["a fractional focus", message({ ...screen, focus: 0.5 })],
  ["options with k 10^9", message({ ...screen, options: { k: 1e9, metric: "cosine", layer: 0 } })],
  ["an index in an unknown state", message({ ...screen, index: { state: "melting", built: 0, total: 0 } })],
  ["a BigInt id", message({ ...screen, id: 5n })],
  ["a state of 100 KB in one error line", message({ ...screen, pooled: { loading: false, error: "x".repeat(100000) } })],
  ["a cyclic state without its lists", message({ ...cyclic, pooled: cyclic })],
  ["a body of another type", { messageId: 1, body: { type: "loading" } }],
  ["no envelope", screen],
  ["null", null],
];

test("neighbours webview: the state the extension sends passes, and its wording is drawn", () => {
  const m = message(screen);
  assert.equal(isNeighboursToWebviewMessage(m), true);
  assert.match(explainQuery(list), /^king − man \+ woman\. /);
  assert.equal(formatScore(list, 0.71), "0.710");
  // a phrase of two words and a pooled word are states the extension sends too
  const phrase = { ...list, mode: "pooled" as const, terms: [{ sign: 1 as const, words: [{ word: "red", tokens: [" red"], count: 40 }, { word: "house", tokens: [" house"], count: 12 }] }] };
  assert.equal(isNeighboursToWebviewMessage(message({ ...screen, pooled: { loading: false, list: phrase } })), true);
  assert.match(explainQuery(phrase), /^mean\(red, house\)\./);
});

for (const [name, raw] of HOSTILE) {
  test(`neighbours webview: ${name} is dropped without throwing`, () => {
    const t0 = Date.now();
    let ok: boolean | undefined;
    assert.doesNotThrow(() => (ok = isNeighboursToWebviewMessage(raw)));
    assert.equal(ok, false);
    assert.ok(Date.now() - t0 < 1000, `checked in ${Date.now() - t0} ms`);
  });
}

test("neighbours webview: what the check lets through never throws in the wording (a term with no words would)", () => {
  const empty = { ...list, terms: [list.terms[0], { sign: -1 as const, words: [] }] };
  assert.throws(() => explainQuery(empty), TypeError, "the wording reads a term's first word: the check is what keeps it safe");
  for (const [, raw] of HOSTILE) {
    if (!isNeighboursToWebviewMessage(raw)) continue;
    for (const id of ["pooled", "static", "contextual"] as const) {
      const l = raw.body.data[id].list;
      if (l) assert.doesNotThrow(() => explainQuery(l));
    }
  }
});
