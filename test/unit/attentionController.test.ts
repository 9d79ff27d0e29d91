// The attention panel's extension-side logic with a fake model host, a fake webview and a fake document:
// what a command asks for, the two-message view (first heatmap, then details), stale requests dropped,
// errors shown, following the selection, the webview's messages (checked, then acted on) and exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { AttentionController, exportName, type DocumentRange, type TokenPlace } from "../../src/ui/attentionController";
import { fakeModelHost } from "./fakeModelHost";
import { memoryKey, memoryShown, placeLine, PLACE_AFTER_CHARS, PLACE_BEFORE_CHARS, type MemoryKey } from "../../src/ui/attentionMemory";
import { requestFor, type AttentionRequest, type EditorSnapshot, type ShownSuggestion, type SourceDocument } from "../../src/ui/attentionRequest";
import { charsForTokens } from "../../src/core/attentionSource";
import { DEFAULT_SETTINGS, type Settings } from "../../src/core/settings";
import { HostError, type AttentionDetails, type AttentionFirst, type Methods } from "../../src/shared/hostProtocol";
import type { ToWebview, ToWebviewMessage } from "../../src/shared/attentionProtocol";
import type { Explanation, MemoryReadout } from "../../src/shared/vocabulary";
import type { CancelToken } from "../../src/shared/messaging";

const STORY = "Once upon a time there was a king.\nThe keys to the cabinet were on the table.\nHer hair was still";

function doc(text: string, name = "story.txt", version = 3): SourceDocument {
  return {
    uri: `file:///work/${name}`,
    name,
    version,
    getText: (start, end) => text.slice(start, end),
    positionAt: (offset) => {
      const before = text.slice(0, offset).split("\n");
      return { line: before.length - 1, character: before[before.length - 1].length };
    },
  };
}

function editor(text: string, start: number, end = start, d = doc(text)): EditorSnapshot {
  const lineStart = text.lastIndexOf("\n", end - 1) + 1;
  const next = text.indexOf("\n", end);
  return { document: d, selection: { start, end, active: end }, line: { start: lineStart, end: next < 0 ? text.length : next } };
}

/** tokens of the fake model: a word with the white space before it */
function tokenize(text: string): { id: number; text: string; start: number; end: number; bytes: number[] }[] {
  return [...text.matchAll(/\s*\S+/g)].map((m, id) => ({ id, text: m[0], start: m.index, end: m.index + m[0].length, bytes: [...new TextEncoder().encode(m[0])] }));
}

const L = 2;
const H = 2;

interface Call {
  method: "attention" | "attentionDetails" | "explain";
  params: Methods["attention"]["params"] | Methods["attentionDetails"]["params"] | Methods["explain"]["params"];
  token?: CancelToken;
}

function fakeAttention(p: Methods["attention"]["params"], detailsId: number): AttentionFirst {
  const all = tokenize(p.text);
  const fitEnd = p.fit === "end" && all.length > p.maxTokens;
  const kept = fitEnd ? all.slice(all.length - p.maxTokens) : all.slice(0, p.maxTokens);
  const cutChars = fitEnd ? kept[0].start : 0;
  const tokens = kept.map((t, i) => ({ ...t, id: i, start: t.start - cutChars, end: t.end - cutChars }));
  const text = p.text.slice(cutChars, cutChars + (tokens.at(-1)?.end ?? 0));
  const T = tokens.length;
  const show = p.show && p.show.layer < L && (p.show.head === null || p.show.head < H) ? p.show : { layer: 0, head: null };
  return {
    text,
    model: "fake-model",
    nLayer: L,
    nHead: H,
    tokens,
    attentions: new Float32Array(L * H * T * T).fill(0.5),
    headMeans: new Float32Array(L * T * T).fill(0.5),
    truncated: !fitEnd && all.length > p.maxTokens,
    totalTokens: all.length,
    detailsId,
    ...(fitEnd ? { cutChars } : {}),
    ...(T > 0 ? { shown: { ...show, matrix: new Float32Array(T * T).fill(0.25) } } : {}),
    ...(p.words ? { nextWordsAt: p.words.at - cutChars } : {}),
  };
}

/** the fake model host's explanation ("Why this word?" asks for it after the details) */
const FAKE_EXPLANATION: Explanation = { word: " red", p: 0.2, modelP: 0.2, memoryP: 0, share: 0, words: [{ word: " red", p: 0.2, modelP: 0.2, memoryP: 0 }], token: " red", logit: 1, components: [{ name: "embeddings", logit: 1 }], layers: [], removals: [], windowStart: 0, windowTokens: 1, ms: 1 };

function fakeDetails(T: number): AttentionDetails {
  return { rollout: new Float32Array(T * T).fill(0.1), predictions: Array.from({ length: T }, () => [{ token: " the", p: 0.3 }]), nextWords: [{ word: " red", p: 0.2 }] };
}

interface SetupOptions {
  /** wait before answering this call (undefined: answer at once) */
  hold?: (c: Call) => Promise<void> | undefined;
  /** fail this call */
  fail?: (c: Call) => Error | undefined;
  settings?: Partial<Settings>;
  last?: ShownSuggestion;
  save?: (format: string, bytes: Uint8Array, name: string) => Promise<void>;
  /** the document's memory (default: none, off) */
  memory?: MemoryKey;
  /** the model host's memory readout for a request with a document key */
  readout?: MemoryReadout;
}

function setup(opts: SetupOptions = {}) {
  const calls: Call[] = [];
  const posted: ToWebviewMessage[] = [];
  const logs: string[] = [];
  const titles: string[] = [];
  const highlights: { kind: "hover" | "choose" | "clear"; place?: TokenPlace }[] = [];
  const saved: { format: string; bytes: Uint8Array; name: string }[] = [];
  const tours: number[] = [];
  const revealed: DocumentRange[] = [];
  let detailsId = 0;
  let lastT = 0;
  const client = fakeModelHost<Call>(
    {
      attention(params) {
        const r = fakeAttention(params, ++detailsId);
        lastT = r.tokens.length;
        return r;
      },
      explain() {
        return FAKE_EXPLANATION;
      },
      attentionDetails() {
        const words = (calls.filter((x) => x.method === "attention").at(-1)?.params as Methods["attention"]["params"] | undefined)?.words;
        return { ...fakeDetails(lastT), ...(words?.doc && opts.readout ? { memory: opts.readout } : {}) };
      },
    },
    { calls, hold: opts.hold, fail: opts.fail },
  );
  let clock = 1000;
  const settings: Settings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const controller = new AttentionController({
    client,
    memoryFor: () => opts.memory ?? { none: "Document memory: off (lmLens.memoryTokens is 0)." },
    revealPlace: (range) => void revealed.push(range),
    post: (m) => void posted.push(m),
    settings: () => settings,
    lastSuggestion: () => opts.last,
    log: (l) => void logs.push(l),
    setTitle: (t) => void titles.push(t),
    highlights: {
      hover: (place) => void highlights.push({ kind: "hover", place }),
      choose: (place) => void highlights.push({ kind: "choose", place }),
      clear: () => void highlights.push({ kind: "clear" }),
    },
    openTour: () => void tours.push(1),
    setSampling: (s) => s,
    save: opts.save ?? ((format, bytes, name) => void saved.push({ format, bytes, name })),
    followDebounceMs: 5,
    now: () => (clock += 10),
  });
  let nextId = 1;
  const say = (body: unknown) => {
    const messageId = nextId++;
    controller.onMessage({ messageId, body });
    return messageId;
  };
  const bodies = (): ToWebview[] => posted.map((m) => m.body);
  const types = () => bodies().map((b) => b.type);
  const lastState = () => {
    const s = bodies().filter((b) => b.type === "state").at(-1);
    assert.ok(s && s.type === "state", "a state was posted");
    return s.data;
  };
  return { controller, calls, posted, logs, titles, highlights, saved, tours, revealed, say, bodies, types, lastState };
}

function selectionRequest(text: string, start: number, end: number, d = doc(text)): AttentionRequest {
  return requestFor(editor(text, start, end, d), "selection", DEFAULT_SETTINGS.maxAttentionTokens, undefined)!;
}

const KEYS = STORY.indexOf("The keys");
const KEYS_END = STORY.indexOf("table.") + "table.".length;

// ---- what a command asks for

test("requestFor: a selection, or the cursor's line when nothing is selected; nothing for white space", () => {
  const sel = requestFor(editor(STORY, KEYS, KEYS + 8), "selection", 256, undefined)!;
  assert.deepEqual({ kind: sel.kind, start: sel.start, end: sel.end, suggestion: sel.suggestion, cutAtStart: sel.cutAtStart, version: sel.version }, { kind: "selection", start: KEYS, end: KEYS + 8, suggestion: "", cutAtStart: false, version: 3 });
  const line = requestFor(editor(STORY, KEYS + 5), "selection", 256, undefined)!;
  assert.deepEqual([line.start, line.end], [KEYS, KEYS_END], "the whole line of the cursor");
  const blank = "first line\n   \nlast";
  assert.equal(requestFor(editor(blank, 12), "selection", 256, undefined), undefined, "a line of spaces");
  assert.equal(requestFor(editor(blank, 10, 14), "selection", 256, undefined), undefined, "a selection of white space");
});

test("requestFor: Why this word? reads the budget's characters before the cursor and the ghost text shown there", () => {
  const d = doc(STORY);
  const end = STORY.length;
  const plain = requestFor(editor(STORY, end, end, d), "whyThisWord", 256, undefined)!;
  assert.deepEqual([plain.start, plain.end, plain.suggestion, plain.cutAtStart], [0, end, "", false]);
  const last = { uri: d.uri, offset: end, text: " red" };
  assert.equal(requestFor(editor(STORY, end, end, d), "whyThisWord", 256, last)!.suggestion, " red");
  assert.equal(requestFor(editor(STORY, end, end, d), "whyThisWord", 256, { ...last, offset: end - 1 })!.suggestion, "", "ghost text elsewhere");
  assert.equal(requestFor(editor(STORY, end, end, d), "whyThisWord", 256, { ...last, uri: "file:///other.txt" })!.suggestion, "", "another document's");
  // a long text before the cursor: only the budget's characters are read
  const long = "word ".repeat(400) + STORY;
  const small = requestFor(editor(long, long.length), "whyThisWord", 4, undefined)!;
  assert.deepEqual([small.start, small.end, small.cutAtStart], [long.length - charsForTokens(4), long.length, true]);
  // nothing before the cursor: only the ghost text can be asked about
  assert.equal(requestFor(editor("", 0), "whyThisWord", 256, undefined), undefined);
  assert.equal(requestFor(editor("   x", 3), "whyThisWord", 256, undefined), undefined, "only white space before the cursor");
  const ghostOnly = requestFor(editor("", 0, 0, doc("")), "whyThisWord", 256, { uri: "file:///work/story.txt", offset: 0, text: "Hello" })!;
  assert.deepEqual([ghostOnly.start, ghostOnly.end, ghostOnly.suggestion], [0, 0, "Hello"]);
});

// ---- the view

test("a selection: one attention request, the first heatmap posted at once, then the details of the same view", async () => {
  const { controller, calls, say, types, bodies, titles, highlights } = setup();
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual(calls.map((c) => c.method), ["attention", "attentionDetails"]);
  const p = calls[0].params as Methods["attention"]["params"];
  assert.equal(p.text, STORY.slice(KEYS, KEYS_END));
  assert.equal(p.maxTokens, DEFAULT_SETTINGS.maxAttentionTokens);
  assert.deepEqual(p.words, { at: p.text.length, offset: KEYS, options: DEFAULT_SETTINGS.suggest });
  assert.deepEqual(p.show, { layer: 0, head: null }, "the heatmap's default head: the average of layer 1");
  assert.equal(p.fit, undefined);
  assert.deepEqual(calls[1].params, { detailsId: 1 });
  assert.deepEqual(types(), ["loading", "state", "details"]);
  const [, state, details] = bodies();
  assert.ok(state.type === "state" && details.type === "details");
  const v = state.data;
  assert.equal(v.pending, true);
  assert.deepEqual(v.tokens.map((t) => t.text), [...tokenize(p.text)].map((t) => t.text));
  assert.equal(v.shown?.matrix.length, v.tokens.length ** 2, "the one matrix the heatmap shows");
  assert.equal(v.attentions.length, 0, "every head follows in the details");
  assert.equal(v.source.label, "story.txt:2");
  assert.deepEqual(v.source.range, { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: KEYS_END - KEYS });
  assert.equal(v.source.documentChars, KEYS_END - KEYS);
  assert.equal(v.truncatedNotice, undefined);
  assert.equal(v.focus, undefined, "a selection chooses nothing first");
  assert.equal(v.follow, false);
  assert.equal(details.data.viewId, v.id);
  assert.equal(details.data.rollout.length, v.tokens.length ** 2);
  assert.equal(details.data.attentions.length, L * H * v.tokens.length ** 2);
  assert.deepEqual(titles, ["Attention: “The keys to the cabinet…”"]);
  assert.deepEqual(highlights, [{ kind: "clear" }], "the old view's decorations go");
  const screen = controller.current;
  assert.equal(screen.loading, false);
  assert.equal(screen.view?.pending, false);
  assert.equal(screen.view?.shown, undefined, "the whole view holds no separate matrix");
  assert.equal(screen.view?.nextWords[0].word, " red");
});

test("Why this word? sends the text and its suggestion in one request and chooses the token that predicts it", async () => {
  const d = doc(STORY);
  const end = STORY.length;
  const { controller, calls, lastState, say } = setup();
  say({ type: "ready" });
  const req = requestFor(editor(STORY, end, end, d), "whyThisWord", 256, { uri: d.uri, offset: end, text: " red" })!;
  await controller.run(req);
  assert.deepEqual(calls.map((c) => c.method), ["attention", "attentionDetails", "explain"], "one round trip for the heatmap; the explanation last");
  const p = calls[0].params as Methods["attention"]["params"];
  assert.equal(p.text, STORY + " red");
  assert.equal(p.fit, "end");
  assert.equal(p.words?.at, STORY.length, "the next words before the suggestion");
  const v = lastState();
  assert.equal(v.tokens[v.focus!].text, " still", "the last token wholly before the suggestion");
  assert.equal(v.nextWordsAt, STORY.length);
  assert.equal(v.source.documentChars, STORY.length, "the ghost text is not in the document");
  assert.equal(v.truncatedNotice, undefined);
  assert.equal(controller.kind, "whyThisWord");
});

test("a long text: the notice says which end was cut, with the total where it is known", async () => {
  // Why this word? with a small budget: the model host keeps the end
  const end = STORY.length;
  const w = setup({ settings: { maxAttentionTokens: 4 } });
  w.say({ type: "ready" });
  await w.controller.run(requestFor(editor(STORY, end), "whyThisWord", 4, undefined)!);
  const wv = w.lastState();
  assert.deepEqual(wv.truncatedNotice, { cut: "start", shown: 4, limit: 4 });
  assert.equal(wv.text, " cabinet were on the table.\nHer hair was still".slice(-wv.text.length));
  assert.ok(STORY.endsWith(wv.text));
  assert.equal(wv.source.label, "story.txt:2–3", "the lines of the part shown (its first token begins with the line break)");
  // a selection longer than the budget can use is read only that far: no total
  const long = "word ".repeat(400);
  const s = setup({ settings: { maxAttentionTokens: 8 } });
  s.say({ type: "ready" });
  await s.controller.run(selectionRequest(long, 0, long.length));
  assert.equal((s.calls[0].params as Methods["attention"]["params"]).text.length, charsForTokens(8), "read as far as the budget can use");
  assert.deepEqual(s.lastState().truncatedNotice, { cut: "end", shown: 8, limit: 8 });
  // a selection within the characters' bound but over the token budget: the model host counts it all
  const t = setup({ settings: { maxAttentionTokens: 4 } });
  t.say({ type: "ready" });
  await t.controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual(t.lastState().truncatedNotice, { cut: "end", shown: 4, total: 9, limit: 4 });
});

test("the tour's pick: the layer, head and tab to show, and the last token with the given text chosen", async () => {
  const { controller, calls, lastState, say } = setup();
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END), { pick: { layer: 1, head: 1, tab: "heatmap" }, token: " were" });
  assert.deepEqual((calls[0].params as Methods["attention"]["params"]).show, { layer: 1, head: 1 });
  const v = lastState();
  assert.deepEqual(v.pick, { layer: 1, head: 1, tab: "heatmap" });
  assert.equal(v.tokens[v.focus!].text, " were");
  // a pick the model does not have is left out (the webview keeps its own), and an absent token chooses nothing
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END), { pick: { layer: 7, head: 0, tab: "rollout" }, token: " dragon" });
  const w = lastState();
  assert.equal(w.pick, undefined);
  assert.equal(w.focus, undefined);
});

test("the head the webview shows is asked for with the next view", async () => {
  const { controller, calls, say } = setup();
  say({ type: "ready" });
  say({ type: "showing", layer: 1, head: 0 });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual((calls[0].params as Methods["attention"]["params"]).show, { layer: 1, head: 0 });
  say({ type: "showing", layer: 0, head: null });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual((calls[2].params as Methods["attention"]["params"]).show, { layer: 0, head: null });
});

// ---- the webview's readiness

test("nothing is posted before the webview says ready; then the whole screen, in reply, with no new model work", async () => {
  const { controller, calls, posted, say } = setup();
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.equal(posted.length, 0, "not ready: nothing posted");
  assert.equal(calls.length, 2, "the work is done all the same");
  const id = say({ type: "ready" });
  assert.deepEqual(posted.map((m) => [m.body.type, m.inReplyTo]), [["state", id]]);
  const first = posted[0].body;
  assert.ok(first.type === "state");
  assert.equal(first.data.pending, false, "the whole view, details included, in one message");
  assert.equal(first.data.shown, undefined);
  assert.equal(first.data.rollout.length, first.data.tokens.length ** 2);
  assert.equal(calls.length, 2);
  // an empty panel (the webview loaded before any analysis) gets nothing
  const empty = setup();
  empty.say({ type: "ready" });
  assert.equal(empty.posted.length, 0);
});

test("a hidden panel's webview is torn down: nothing is posted to it until it says ready again", async () => {
  let release!: () => void;
  const { controller, posted, say, types } = setup({ hold: (c) => (c.method === "attentionDetails" ? new Promise<void>((r) => (release = r)) : undefined) });
  say({ type: "ready" });
  const run = controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  await sleep(5);
  assert.deepEqual(types(), ["loading", "state"]);
  controller.setVisible(false);
  release();
  await run;
  assert.equal(posted.length, 2, "the details were not posted to a hidden webview");
  controller.setVisible(true);
  const id = say({ type: "ready" });
  assert.deepEqual(posted.slice(2).map((m) => [m.body.type, m.inReplyTo]), [["state", id]]);
  const s = posted[2].body;
  assert.ok(s.type === "state" && s.data.pending === false, "the view as it is now: complete");
});

test("the screen while loading and after an error is resent on ready", async () => {
  let release!: () => void;
  const { controller, posted, say } = setup({ hold: () => new Promise<void>((r) => (release = r)), fail: () => new HostError("model", "the model file is broken") });
  const run = controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.equal(controller.current.loading, true);
  say({ type: "ready" });
  assert.deepEqual(posted.map((m) => m.body.type), ["loading"]);
  release();
  await run;
  controller.setVisible(false);
  controller.setVisible(true);
  say({ type: "ready" });
  assert.deepEqual(posted.map((m) => m.body), [{ type: "loading" }, { type: "error", message: "The model could not analyse this text: the model file is broken" }, { type: "error", message: "The model could not analyse this text: the model file is broken" }]);
});

// ---- errors and stale requests

test("the model host rejects: the error is logged and shown, and loading ends", async () => {
  const { controller, bodies, logs, say } = setup({ fail: (c) => (c.method === "attention" ? new HostError("input", "attention: text: expected string") : undefined) });
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual(bodies(), [{ type: "loading" }, { type: "error", message: "The model could not analyse this text: attention: text: expected string" }]);
  assert.deepEqual(logs, ["attention failed: attention: text: expected string"]);
  assert.equal(controller.current.loading, false);
  assert.equal(controller.current.view, undefined);
});

test("a request that times out is an error like any other; the next request clears it", async () => {
  let fail = true;
  const { controller, bodies, logs, say } = setup({ fail: () => (fail ? new HostError("timeout", "the model host did not answer within 30 s") : undefined) });
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual(bodies().at(-1), { type: "error", message: "The model could not analyse this text: the model host did not answer within 30 s" });
  assert.equal(logs.length, 1);
  fail = false;
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.equal(controller.current.error, undefined);
  assert.deepEqual(bodies().slice(2).map((b) => b.type), ["loading", "state", "details"]);
});

test("the details fail: the heatmap stays, with the error beside it", async () => {
  const { controller, types, say } = setup({ fail: (c) => (c.method === "attentionDetails" ? new HostError("crashed", "the model host stopped") : undefined) });
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual(types(), ["loading", "state", "error"]);
  assert.equal(controller.current.view?.pending, true, "the first heatmap is still shown");
  assert.match(controller.current.error ?? "", /the model host stopped/);
  // a plain Error (not the host's) reads the same
  const other = setup({ fail: () => new Error("socket closed") });
  other.say({ type: "ready" });
  await other.controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual(other.logs, ["attention failed: socket closed"]);
});

test("a newer request cancels the older one: its late answer and its rejection are dropped", async () => {
  const holds: { text: string; release: () => void; token?: CancelToken }[] = [];
  const { controller, calls, bodies, logs, say } = setup({
    hold: (c) => {
      if (c.method !== "attention" || !(c.params as Methods["attention"]["params"]).text.startsWith("Once")) return undefined;
      return new Promise<void>((r) => holds.push({ text: "old", release: r, token: c.token }));
    },
  });
  say({ type: "ready" });
  const old = controller.run(selectionRequest(STORY, 0, STORY.indexOf("\n")));
  await sleep(1);
  assert.equal(holds.length, 1);
  const fresh = controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.equal(holds[0].token?.isCancellationRequested, true, "the old request's work is cancelled");
  await fresh;
  holds[0].release();
  await old;
  const states = bodies().filter((b) => b.type === "state");
  assert.equal(states.length, 1, "only the newer view is posted");
  assert.ok(states[0].type === "state" && states[0].data.text.startsWith("The keys"));
  assert.equal(calls.filter((c) => c.method === "attentionDetails").length, 1, "no details for the old view");
  assert.deepEqual(logs, []);
  // the model host said "superseded" (a newer request took its place there): no error
  const s = setup({ fail: (c) => (c.method === "attention" ? new HostError("superseded", "a newer request") : undefined) });
  s.say({ type: "ready" });
  await s.controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.deepEqual(s.types(), ["loading"]);
  assert.deepEqual(s.logs, []);
});

test("the details of a view that was replaced are dropped", async () => {
  let releaseDetails!: () => void;
  let first = true;
  const { controller, bodies, say } = setup({
    hold: (c) => {
      if (c.method !== "attentionDetails" || !first) return undefined;
      first = false;
      return new Promise<void>((r) => (releaseDetails = r));
    },
  });
  say({ type: "ready" });
  const a = controller.run(selectionRequest(STORY, 0, STORY.indexOf("\n")));
  await sleep(1);
  const b = controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  await b;
  releaseDetails();
  await a;
  const details = bodies().filter((m) => m.type === "details");
  const states = bodies().filter((m) => m.type === "state");
  assert.equal(details.length, 1);
  assert.ok(details[0].type === "details" && states[1].type === "state");
  assert.equal(details[0].data.viewId, states[1].data.id, "only the current view's details");
  assert.equal(controller.current.view?.id, states[1].data.id);
});

test("a disposed controller posts nothing more and starts no work", async () => {
  let release!: () => void;
  const { controller, calls, posted, logs, say } = setup({ hold: (c) => (c.method === "attention" ? new Promise<void>((r) => (release = r)) : undefined), fail: (c) => (c.token?.isCancellationRequested ? new HostError("cancelled", "cancelled") : undefined) });
  say({ type: "ready" });
  const run = controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  await sleep(1);
  controller.dispose();
  assert.equal(calls[0].token?.isCancellationRequested, true);
  release();
  await run;
  assert.deepEqual(posted.map((m) => m.body.type), ["loading"]);
  assert.deepEqual(logs, []);
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  assert.equal(calls.length, 1, "no new request after disposal");
});

// ---- messages from the webview

test("malformed messages are logged and ignored", async () => {
  const { controller, logs, highlights, posted, say } = setup();
  const bad: unknown[] = [null, "ready", { type: "ready" }, { messageId: 1, body: { type: "nope" } }, { messageId: 1, body: { type: "ready", extra: 1 } }, { messageId: -1, body: { type: "ready" } }];
  for (const m of bad) controller.onMessage(m);
  assert.equal(logs.length, bad.length);
  assert.ok(logs.every((l) => l.startsWith("attention panel: ignored a malformed message ")));
  assert.equal(posted.length, 0, "a malformed ready does not open the channel");
  // a token index is checked against the view shown: none before a view, below its count after
  say({ type: "selectToken", index: 0 });
  assert.equal(logs.length, bad.length + 1);
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  const T = controller.current.view!.tokens.length;
  say({ type: "selectToken", index: T });
  say({ type: "hoverToken", index: -1 });
  assert.equal(logs.length, bad.length + 3);
  assert.deepEqual(highlights.filter((h) => h.kind !== "clear"), [], "nothing was highlighted");
  // a long export is cut short in the log
  controller.onMessage({ messageId: 9, body: { type: "export", format: "gif", data: "x".repeat(10_000) } });
  assert.ok(logs.at(-1)!.length < 300, "the log line is short");
});

test("hovering and choosing a token highlight its characters in the document; the ghost text has none", async () => {
  const d = doc(STORY);
  const end = STORY.length;
  const { controller, highlights, say } = setup();
  say({ type: "ready" });
  await controller.run(requestFor(editor(STORY, end, end, d), "whyThisWord", 256, { uri: d.uri, offset: end, text: " red" })!);
  const v = controller.current.view!;
  const still = v.tokens.findIndex((t) => t.text === " still");
  highlights.length = 0;
  say({ type: "hoverToken", index: still });
  say({ type: "selectToken", index: still });
  say({ type: "hoverToken", index: null });
  say({ type: "selectToken", index: v.tokens.length - 1 });
  const place = { uri: d.uri, version: 3, start: STORY.length - " still".length, end: STORY.length };
  assert.deepEqual(highlights, [
    { kind: "hover", place },
    { kind: "choose", place },
    { kind: "hover", place: undefined },
    { kind: "choose", place: undefined },
  ]);
  assert.equal(STORY.slice(place.start, place.end), " still");
});

test("rendered: the first heatmap's time is logged once, for the view being shown", async () => {
  const { controller, logs, say } = setup();
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  const id = controller.current.view!.id;
  say({ type: "rendered", viewId: id + 1, drawMs: 12 });
  assert.equal(logs.length, 0, "another view's report");
  say({ type: "rendered", viewId: id, drawMs: 12 });
  say({ type: "rendered", viewId: id, drawMs: 12 });
  assert.equal(logs.length, 1);
  assert.match(logs[0], /^attention: 9 tokens, first heatmap \d+ ms after the command \(model host \d+ ms, webview 12 ms\)$/);
});

test("exports: a PNG is decoded, SVG and JSON saved as text, under a name from the view's text; a failed save is logged", async () => {
  const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
  const { controller, saved, say, tours } = setup();
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  say({ type: "export", format: "png", data: PNG });
  say({ type: "export", format: "json", data: '{"tokens":["é"]}' });
  say({ type: "openTour" });
  await sleep(1);
  assert.deepEqual(saved.map((s) => [s.format, s.name]), [["png", "attention-The-keys-to-the-cabinet.png"], ["json", "attention-The-keys-to-the-cabinet.json"]]);
  assert.deepEqual([...saved[0].bytes.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "the PNG signature");
  assert.equal(new TextDecoder().decode(saved[1].bytes), '{"tokens":["é"]}');
  assert.equal(tours.length, 1);
  assert.equal(exportName(undefined, "svg"), "attention-view.svg");
  const failing = setup({ save: async () => Promise.reject(new Error("disk full")) });
  failing.say({ type: "export", format: "svg", data: "<svg/>" });
  await sleep(1);
  assert.deepEqual(failing.logs, ["export failed: disk full"]);
});

// ---- following the selection

test("following: a selection change re-runs the last command after the debounce; rapid changes make one request", async () => {
  const { controller, calls, say, lastState } = setup();
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END));
  calls.length = 0;
  // not following: nothing
  controller.selectionChanged(() => editor(STORY, 0, 4));
  await sleep(20);
  assert.equal(calls.length, 0);
  say({ type: "setFollow", follow: true });
  controller.selectionChanged(() => editor(STORY, 0, 4));
  controller.selectionChanged(() => editor(STORY, 0, 9));
  assert.equal(calls.length, 0, "debounced");
  await sleep(20);
  await controller.idle();
  assert.deepEqual(calls.map((c) => c.method), ["attention", "attentionDetails"]);
  assert.equal((calls[0].params as Methods["attention"]["params"]).text, "Once upon", "the latest selection");
  assert.equal(lastState().follow, true, "the view says it follows");
  // an editor closed before the debounce ends: nothing
  calls.length = 0;
  controller.selectionChanged(() => undefined);
  await sleep(20);
  assert.equal(calls.length, 0);
  // white space only: nothing asked
  controller.selectionChanged(() => editor("a\n   \nb", 3));
  await sleep(20);
  assert.equal(calls.length, 0);
  say({ type: "setFollow", follow: false });
  controller.selectionChanged(() => editor(STORY, 0, 4));
  await sleep(20);
  assert.equal(calls.length, 0, "following off again");
});

test("following Why this word? asks with the ghost text shown at the new cursor", async () => {
  const d = doc(STORY);
  const end = STORY.length;
  const { controller, calls, say } = setup({ last: { uri: d.uri, offset: end, text: " red" } });
  say({ type: "ready" });
  await controller.run(requestFor(editor(STORY, end, end, d), "whyThisWord", 256, undefined)!);
  say({ type: "setFollow", follow: true });
  calls.length = 0;
  controller.selectionChanged(() => editor(STORY, end, end, d));
  await sleep(20);
  await controller.idle();
  assert.equal((calls[0].params as Methods["attention"]["params"]).text, STORY + " red");
});

test("following while hidden: nothing is asked until the panel shows, then the latest selection once", async () => {
  const { controller, calls, say } = setup();
  say({ type: "ready" });
  say({ type: "setFollow", follow: true });
  controller.setVisible(false);
  controller.selectionChanged(() => editor(STORY, 0, 4));
  controller.selectionChanged(() => editor(STORY, KEYS, KEYS + 8));
  await sleep(20);
  assert.equal(calls.length, 0, "no work for a hidden panel");
  controller.setVisible(true);
  await sleep(20);
  await controller.idle();
  assert.deepEqual(calls.map((c) => c.method), ["attention", "attentionDetails"]);
  assert.equal((calls[0].params as Methods["attention"]["params"]).text, "The keys");
  // shown again with nothing new: no work
  controller.setVisible(false);
  controller.setVisible(true);
  await sleep(20);
  assert.equal(calls.length, 2);
});

// ---- the document memory

/** a readout as the model host gives one for STORY: its places are tokens of the story's earlier lines */
function storyReadout(text = STORY): MemoryReadout {
  const place = (word: string, weight: number) => {
    const start = text.indexOf(word);
    return { start, end: start + word.length, weight, token: word };
  };
  const king = place(" king", 0.6);
  const keys = place(" keys", 0.3);
  const table = place(" table", 0.1);
  return {
    entries: 20,
    share: 0.2,
    words: [
      { word: " red", token: " red", pModel: 0.1, pMemory: 0, pMixed: 0.08, places: [] },
      { word: " king", token: " king", pModel: 0.01, pMemory: 0.6, pMixed: 0.128, places: [king] },
    ],
    top: [king, keys, table],
  };
}

test("the next words read the document's memory: its key goes with Show Attention and Why this word?", async () => {
  const d = doc(STORY);
  const { controller, calls, say } = setup({ memory: { doc: d.uri } });
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END, d));
  await controller.run(requestFor(editor(STORY, STORY.length, STORY.length, d), "whyThisWord", 256, { uri: d.uri, offset: STORY.length, text: " red" })!);
  const words = calls.filter((c) => c.method === "attention").map((c) => (c.params as Methods["attention"]["params"]).words);
  assert.deepEqual(words.map((w) => w?.doc), [d.uri, d.uri]);
  // without a memory, no key
  const off = setup();
  off.say({ type: "ready" });
  await off.controller.run(selectionRequest(STORY, KEYS, KEYS_END, d));
  assert.equal((off.calls[0].params as Methods["attention"]["params"]).words?.doc, undefined);
  assert.ok(!("doc" in (off.calls[0].params as Methods["attention"]["params"]).words!), "no doc key at all");
});

test("the memory's readout is forwarded with the details, every place with its line and the line's text", async () => {
  const d = doc(STORY);
  const readout = storyReadout();
  const { controller, bodies, say } = setup({ memory: { doc: d.uri }, readout });
  say({ type: "ready" });
  await controller.run(requestFor(editor(STORY, STORY.length, STORY.length, d), "whyThisWord", 256, { uri: d.uri, offset: STORY.length, text: " red" })!);
  const details = bodies().find((b) => b.type === "details");
  assert.ok(details?.type === "details");
  assert.deepEqual(details.data.memory, readout, "the readout as the model host gave it");
  assert.equal(details.data.noMemory, undefined);
  assert.deepEqual(details.data.memoryPlaces, [
    { start: readout.top[0].start, end: readout.top[0].end, line: 0, before: "Once upon a time there was a", text: " king", after: "." },
    { start: readout.top[1].start, end: readout.top[1].end, line: 1, before: "The", text: " keys", after: " to the cabinet were on …" },
    { start: readout.top[2].start, end: readout.top[2].end, line: 1, before: "…" + STORY.slice(readout.top[2].start - PLACE_BEFORE_CHARS, readout.top[2].start), text: " table", after: "." },
  ], "each place once, in the words' then the top's order");
  assert.deepEqual(controller.current.view?.memory, readout, "the screen keeps it for a reloaded webview");
  assert.equal(controller.current.view?.memoryPlaces?.length, 3);
});

test("no memory: one line says why (off, no hidden states, not filled yet, nothing earlier)", async () => {
  const d = doc(STORY);
  const off = setup();
  off.say({ type: "ready" });
  await off.controller.run(selectionRequest(STORY, KEYS, KEYS_END, d));
  const details = off.bodies().find((b) => b.type === "details");
  assert.ok(details?.type === "details");
  assert.equal(details.data.noMemory, "Document memory: off (lmLens.memoryTokens is 0).");
  assert.equal(details.data.memory, undefined);
  assert.match((memoryKey(0, true, "k") as { none: string }).none, /off/);
  assert.match((memoryKey(4096, false, "k") as { none: string }).none, /hidden states/);
  assert.match((memoryKey(4096, undefined, undefined) as { none: string }).none, /not filled yet/);
  assert.deepEqual(memoryKey(4096, true, "file:///a.txt"), { doc: "file:///a.txt" });
  assert.deepEqual(memoryKey(4096, undefined, "file:///a.txt"), { doc: "file:///a.txt" }, "a model not yet ready: the key stands");
  // the key was sent, and the model host read nothing: nothing earlier (a word being typed has its readout too)
  assert.match(memoryShown(d, { doc: d.uri }, undefined).noMemory ?? "", /nothing earlier/);
});

test("placeLine: the line of the token's first visible character, the line's text cut around it, and gone where the document changed", () => {
  const text = "alpha beta\r\n" + "x".repeat(60) + " gamma " + "y".repeat(40) + "\nlast 😀 line";
  const d = doc(text);
  const gamma = text.indexOf(" gamma");
  const p = placeLine(d, { start: gamma, end: gamma + 6, token: " gamma" });
  assert.ok(!("gone" in p));
  assert.equal(p.line, 1);
  assert.equal(p.before, "…" + "x".repeat(PLACE_BEFORE_CHARS));
  assert.equal(p.text, " gamma");
  assert.equal(p.after, " " + "y".repeat(PLACE_AFTER_CHARS - 1) + "…");
  // a line break token read as \n (the document's \r\n), on the line it ends
  const br = text.indexOf("\r\n");
  assert.deepEqual(placeLine(d, { start: br, end: br + 2, token: "\n" }), { start: br, end: br + 2, line: 0, before: "alpha beta", text: "\n", after: "" });
  // a token that begins with a line break belongs to the line of its word
  const last = text.indexOf("\nlast");
  assert.deepEqual(placeLine(d, { start: last, end: last + 5, token: "\nlast" }), { start: last, end: last + 5, line: 2, before: "", text: "\nlast", after: " 😀 line" });
  // edited since: another token there, or past the end of the document
  assert.deepEqual(placeLine(d, { start: gamma, end: gamma + 6, token: " delta" }), { start: gamma, end: gamma + 6, gone: true });
  assert.deepEqual(placeLine(d, { start: text.length + 5, end: text.length + 9, token: " red" }), { start: text.length + 5, end: text.length + 9, gone: true });
  assert.deepEqual(placeLine(d, { start: text.length - 2, end: text.length + 3, token: "ne an" }), { start: text.length - 2, end: text.length + 3, gone: true });
  // a token inside a character (U+FFFD) cannot be compared: what the document has there is shown
  const emoji = text.indexOf("😀");
  const e = placeLine(d, { start: emoji, end: emoji + 2, token: "\uFFFD" });
  assert.ok(!("gone" in e) && e.text === "😀" && e.line === 2);
  // a cut never splits a surrogate pair
  const pairs = "😀".repeat(30) + " end";
  const at = pairs.indexOf(" end");
  const cut = placeLine(doc(pairs), { start: at, end: at + 4, token: " end" });
  assert.ok(!("gone" in cut) && !/^…[\uDC00-\uDFFF]/u.test(cut.before), JSON.stringify(!("gone" in cut) && cut.before.slice(0, 3)));
});

test("revealPlace: a place of the memory shown is revealed at its range; anything else is refused", async () => {
  const d = doc(STORY);
  const readout = storyReadout();
  const { controller, revealed, logs, say, posted } = setup({ memory: { doc: d.uri }, readout });
  say({ type: "ready" });
  // before any view: no place to reveal
  say({ type: "revealPlace", start: readout.top[0].start, end: readout.top[0].end });
  assert.equal(revealed.length, 0);
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END, d));
  const king = readout.top[0];
  say({ type: "revealPlace", start: king.start, end: king.end });
  assert.deepEqual(revealed, [{ uri: d.uri, start: king.start, end: king.end }]);
  assert.equal(STORY.slice(revealed[0].start, revealed[0].end), " king");
  const before = logs.length;
  const sent = posted.length;
  // not a place of the memory shown, a reversed or empty range, a huge one, the wrong types, extra keys
  for (const body of [
    { type: "revealPlace", start: king.start, end: king.end + 1 },
    { type: "revealPlace", start: 0, end: 4 },
    { type: "revealPlace", start: king.end, end: king.start },
    { type: "revealPlace", start: king.start, end: king.start },
    { type: "revealPlace", start: 0, end: 5000 },
    { type: "revealPlace", start: -1, end: 3 },
    { type: "revealPlace", start: "3", end: 8 },
    { type: "revealPlace", start: 1.5, end: 8 },
    { type: "revealPlace", start: king.start },
    { type: "revealPlace", start: king.start, end: king.end, uri: "file:///etc/passwd" },
  ]) say(body);
  assert.equal(revealed.length, 1, "nothing more was revealed");
  assert.equal(logs.length - before, 10, "each refusal is logged");
  assert.equal(posted.length, sent, "nothing was posted");
});

test("revealPlace where the document changed since: nothing is revealed, and the places are sent again with the gone ones marked", async () => {
  let text = STORY;
  const live: SourceDocument = { ...doc(STORY), getText: (start, end) => text.slice(start, end), positionAt: (o) => doc(text).positionAt(o) };
  const readout = storyReadout();
  const { controller, revealed, say, bodies } = setup({ memory: { doc: live.uri }, readout });
  say({ type: "ready" });
  await controller.run(selectionRequest(STORY, KEYS, KEYS_END, live));
  // an edit before the king: the old offsets no longer hold its token
  text = "Once, " + STORY;
  const king = readout.top[0];
  say({ type: "revealPlace", start: king.start, end: king.end });
  assert.equal(revealed.length, 0, "a place that moved is not revealed at the wrong text");
  const again = bodies().at(-1);
  assert.ok(again?.type === "memoryPlaces");
  assert.equal(again.data.viewId, controller.current.view!.id);
  assert.ok(again.data.memoryPlaces.every((p) => "gone" in p), "every place moved: all gone");
  assert.deepEqual(controller.current.view?.memoryPlaces, again.data.memoryPlaces, "a reloaded webview gets them too");
});
