// The neighbours view's extension-side logic with a fake model host and a fake webview: debounced
// following of the selection, stale work cancelled, the index built in steps, and the view's state
// surviving being hidden and shown (the webview is torn down and says "ready" again).
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { csvField, listsCsv, listsJson, listsText, NeighboursController, type EditorSelection } from "../../src/ui/neighboursController";
import type { CancelToken } from "../../src/shared/messaging";
import { fakeModelHost } from "./fakeModelHost";
import { selectionWords } from "../../src/ui/selectionWords";
import type { NeighboursScreen, NeighboursToWebviewMessage } from "../../src/shared/neighboursProtocol";
import type { NeighboursRequest } from "../../src/shared/hostProtocol";
import type { NeighbourList } from "../../src/shared/vocabulary";

interface Call {
  method: "neighbours" | "neighbourIndex";
  params: NeighboursRequest | { budgetMs: number };
  token: CancelToken;
}

function list(req: NeighboursRequest): NeighbourList {
  const words = ["alpha", "beta", "gamma", "delta", "epsilon"].slice(0, req.k);
  return {
    query: req.query,
    mode: req.mode,
    // pooled: the layer the recipe chose, whatever the request says
    layer: req.mode === "contextual" ? req.layer : req.mode === "pooled" ? 2 : 0,
    metric: req.metric,
    k: req.k,
    terms: [{ sign: 1, words: [{ word: req.query, tokens: [` ${req.query}`] }] }],
    ...(req.before !== undefined ? { before: req.before } : {}),
    neighbours: words.map((word, i) => ({ word: `${word}${{ pooled: "P", static: "", contextual: "C" }[req.mode]}`, score: 0.9 - i / 10 })),
    map: { x: [0, ...words.map((_, i) => i)], y: [0, ...words.map((_, i) => -i)], explained: [0.6, 0.3] },
    indexSize: 100,
    nLayer: 4,
    source: "model.wte.weight [8192, 256] (Gather on input_ids)",
    ms: 0.5,
  };
}

function setup(opts: { indexSteps?: number; hold?: (c: Call) => Promise<void> | undefined; fail?: (c: Call) => Error | undefined } = {}) {
  const calls: Call[] = [];
  const posted: NeighboursToWebviewMessage[] = [];
  const logs: string[] = [];
  const copied: string[] = [];
  const saved: { format: string; content: string; name: string }[] = [];
  let built = 0;
  const steps = opts.indexSteps ?? 2;
  const client = fakeModelHost<Call>(
    {
      neighbours: (params) => list(params),
      neighbourIndex() {
        built = Math.min(steps, built + 1);
        return { built: built * 50, total: steps * 50, done: built === steps, ms: built * 100 };
      },
    },
    { calls, hold: opts.hold, fail: opts.fail },
  );
  const controller = new NeighboursController({
    client,
    post: (m) => posted.push(structuredClone(m)),
    copy: (t) => void copied.push(t),
    openTour: () => undefined,
    save: (format, content, name) => void saved.push({ format, content, name }),
    log: (l) => void logs.push(l),
    debounceMs: 5,
  });
  const last = (): NeighboursScreen => {
    const m = posted[posted.length - 1];
    assert.ok(m, "something was posted");
    return m.body.data;
  };
  let nextId = 1;
  const say = (body: unknown) => controller.onMessage({ messageId: nextId++, body });
  /** let the debounce fire and the work finish */
  const settle = async () => {
    await sleep(25);
    await controller.idle();
  };
  return { controller, calls, posted, logs, copied, saved, last, say, settle };
}

const TEXT = "The old king sat by the fire.";
function sel(word: string, text = TEXT): EditorSelection {
  const at = text.indexOf(word);
  return { words: selectionWords(text, 0, at, at)!, source: "story.txt:1" };
}

test("nothing is posted before the webview says ready; then the whole screen, in reply", () => {
  const { controller, posted, say } = setup();
  controller.setVisible(true);
  controller.selectionChanged(sel("king"));
  assert.equal(posted.length, 0);
  say({ type: "ready" });
  assert.equal(posted.length, 1);
  assert.equal(posted[0].inReplyTo, 1);
  assert.equal(posted[0].body.type, "state");
});

test("a selection is followed after the debounce: pooled list, static list, index built in steps, contextual list", async () => {
  const { controller, calls, posted, last, say, settle, logs } = setup({ indexSteps: 3 });
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  assert.equal(calls.length, 0, "debounced");
  await settle();
  assert.deepEqual(calls.map((c) => c.method), ["neighbours", "neighbours", "neighbourIndex", "neighbourIndex", "neighbourIndex", "neighbours"]);
  const [po, st, , , , ctx] = calls.map((c) => c.params as NeighboursRequest);
  assert.deepEqual(po, { query: "king", metric: "cosine", k: 10, mode: "pooled", layer: 0 }, "the pooled list first: the default space");
  assert.deepEqual(st, { query: "king", metric: "cosine", k: 10, mode: "static", layer: 0 });
  assert.equal(ctx.mode, "contextual");
  assert.equal(ctx.before, "The old", "the word's sentence goes with the contextual query");
  assert.equal(ctx.layer, 2, "the middle layer of 4 by default");
  const s = last();
  assert.deepEqual(s.words, ["The", "old", "king", "sat", "by", "the", "fire"]);
  assert.equal(s.words[s.focus], "king");
  assert.equal(s.query?.origin, "editor");
  assert.equal(s.source, "story.txt:1");
  assert.equal(s.pooled.list?.neighbours[0].word, "alphaP");
  assert.equal(s.static.list?.neighbours[0].word, "alpha");
  assert.equal(s.contextual.list?.neighbours[0].word, "alphaC");
  // the pooled list is drawn before the static one is even asked for
  const firstPooled = posted.findIndex((m) => m.body.data.pooled.list);
  assert.ok(firstPooled >= 0 && !posted[firstPooled].body.data.static.list);
  assert.deepEqual(s.index, { state: "ready", built: 150, total: 150, ms: 300 });
  assert.equal(s.nLayer, 4);
  // progress was shown while building
  assert.ok(posted.some((m) => m.body.data.index.state === "building" && m.body.data.index.built === 50));
  assert.ok(logs.some((l) => /contextual word index: 150 words/.test(l)));
  // the index is built once: a second query only checks it (a restarted host would start again)
  calls.length = 0;
  controller.selectionChanged(sel("fire"));
  await settle();
  assert.deepEqual(calls.map((c) => c.method), ["neighbours", "neighbours", "neighbourIndex", "neighbours"]);
  assert.equal(logs.filter((l) => /contextual word index/.test(l)).length, 1, "logged once");
});

test("the view's state survives being hidden and shown, with no new model work", async () => {
  const { controller, calls, posted, last, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  await settle();
  say({ type: "setOptions", options: { k: 5, metric: "euclidean", layer: 3 } });
  await settle();
  const before = last();
  const work = calls.length;
  // hidden: the webview is torn down; nothing may be posted to it
  controller.setVisible(false);
  const count = posted.length;
  say({ type: "setFollow", follow: true });
  assert.equal(posted.length, count, "nothing posted while hidden");
  // shown again: a new webview asks for its state
  controller.setVisible(true);
  say({ type: "ready" });
  assert.equal(posted.length, count + 1);
  const after = posted[posted.length - 1];
  assert.equal(after.inReplyTo !== undefined, true);
  assert.deepEqual(after.body.data, before, "the same screen: query, options and both lists");
  assert.deepEqual(after.body.data.options, { k: 5, metric: "euclidean", layer: 3 });
  assert.equal(calls.length, work, "no new requests");
});

test("moving the cursor within the same word asks nothing again", async () => {
  const { controller, calls, last, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  await settle();
  const n = calls.length;
  const id = last().id;
  const at = TEXT.indexOf("king") + 2;
  controller.selectionChanged({ words: selectionWords(TEXT, 0, at, at)!, source: "story.txt:1" });
  await settle();
  assert.equal(calls.length, n);
  assert.equal(last().id, id);
});

test("a selection that changes while hidden is read when the view shows again", async () => {
  const { controller, calls, last, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  await settle();
  controller.setVisible(false);
  const n = calls.length;
  controller.selectionChanged(sel("fire"));
  await settle();
  assert.equal(calls.length, n, "no work for a hidden view");
  controller.setVisible(true);
  say({ type: "ready" });
  await settle();
  assert.equal(last().query?.text, "fire");
});

test("rapid selection changes make one query; a newer query cancels the older one's work and drops its answer", async () => {
  let release: (() => void) | undefined;
  const holding = new Set<CancelToken>();
  const { controller, calls, last, say, settle } = setup({
    hold: (c) => {
      if ((c.params as NeighboursRequest).query !== "old" || c.method !== "neighbours") return undefined;
      holding.add(c.token);
      return new Promise<void>((r) => (release = r));
    },
  });
  controller.setVisible(true);
  say({ type: "ready" });
  for (const w of ["The", "old", "king"]) controller.selectionChanged(sel(w));
  await settle();
  assert.deepEqual([...new Set(calls.filter((c) => c.method === "neighbours").map((c) => (c.params as NeighboursRequest).query))], ["king"], "debounced to the last");
  calls.length = 0;
  controller.selectionChanged(sel("old"));
  await sleep(25);
  assert.equal(calls.length, 1, "the pooled request for 'old' is in flight");
  controller.selectionChanged(sel("fire"));
  await sleep(25);
  const token = [...holding][0];
  assert.equal(token.isCancellationRequested, true, "the stale request was cancelled");
  release!();
  await settle();
  const s = last();
  assert.equal(s.query?.text, "fire");
  assert.equal(s.pooled.list?.query, "fire");
  assert.equal(s.static.list?.query, "fire");
  assert.equal(s.contextual.list?.query, "fire");
});

test("typed queries: parse errors are shown without model work; a valid one becomes the query; a neighbour too", async () => {
  const { controller, calls, last, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  say({ type: "query", origin: "typed", text: "king + - man" });
  assert.equal(calls.length, 0);
  assert.match(last().queryError ?? "", /no word between them/);
  say({ type: "query", origin: "typed", text: "  king -man+woman " });
  await settle();
  assert.equal(last().queryError, undefined);
  assert.deepEqual(last().query, { text: "king - man + woman", origin: "typed" });
  assert.equal(last().focus, -1);
  assert.equal((calls[0].params as NeighboursRequest).query, "king - man + woman");
  const ctx = calls.find((c) => c.method === "neighbours" && (c.params as NeighboursRequest).mode === "contextual")!.params as NeighboursRequest;
  assert.equal(ctx.before, undefined, "a typed query has no sentence");
  say({ type: "query", origin: "neighbour", text: "beta" });
  await settle();
  assert.deepEqual(last().query, { text: "beta", origin: "neighbour" });
});

test("chips: focusWord picks another word of the selection with its own sentence", async () => {
  const { controller, calls, last, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  await settle();
  calls.length = 0;
  say({ type: "focusWord", index: 6 });
  await settle();
  assert.equal(last().words[last().focus], "fire");
  const ctx = calls.find((c) => (c.params as NeighboursRequest).mode === "contextual")!.params as NeighboursRequest;
  assert.equal(ctx.before, "The old king sat by the");
  say({ type: "focusWord", index: 7 });
  assert.equal(last().words[last().focus], "fire", "an index beyond the chips is refused");
});

test("options: k and metric ask for all three lists again, the layer only for the contextual one", async () => {
  const { controller, calls, last, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  await settle();
  calls.length = 0;
  say({ type: "setOptions", options: { k: 3, metric: "cosine", layer: 2 } });
  await settle();
  const asked = () => calls.filter((c) => c.method === "neighbours").map((c) => c.params as NeighboursRequest);
  assert.deepEqual(asked().map((p) => [p.mode, p.k]), [["pooled", 3], ["static", 3], ["contextual", 3]]);
  assert.equal(last().pooled.list?.neighbours.length, 3);
  assert.equal(last().static.list?.neighbours.length, 3);
  calls.length = 0;
  say({ type: "setOptions", options: { k: 3, metric: "cosine", layer: 4 } });
  await settle();
  assert.deepEqual(asked().map((p) => p.mode), ["contextual"]);
  assert.equal(last().contextual.list?.layer, 4);
  say({ type: "setOptions", options: { k: 3, metric: "cosine", layer: 5 } });
  assert.equal(last().options.layer, 4, "a layer beyond the model's is refused");
});

test("follow off: selections wait; turning it on applies the latest", async () => {
  const { controller, calls, last, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  say({ type: "setFollow", follow: false });
  controller.selectionChanged(sel("king"));
  await settle();
  assert.equal(calls.length, 0);
  say({ type: "setFollow", follow: true });
  await settle();
  assert.equal(last().query?.text, "king");
  assert.equal(last().follow, true);
});

test("errors: no embedding matrix is said in the static list; an index failure in the contextual one", async () => {
  const { controller, last, say, settle } = setup({
    fail: (c) =>
      c.method === "neighbourIndex"
        ? Object.assign(new Error("model.onnx: the model has no hidden_states.* outputs"), { code: "model" })
        : (c.params as NeighboursRequest).mode === "static"
          ? Object.assign(new Error("model.onnx: no token embedding matrix: no initializer of shape [8192, 256]"), { code: "model" })
          : undefined,
  });
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  await settle();
  const s = last();
  assert.match(s.static.error ?? "", /no token embedding matrix/);
  assert.equal(s.static.loading, false);
  assert.match(s.contextual.error ?? "", /no hidden_states/);
  assert.equal(s.index.state, "error");
});

test("a word the pooled index does not hold is said in the pooled column; the other lists still come", async () => {
  const unknown = "“zenith” is not in the pooled word index (17,000 words seen at least 3 times in the training text)";
  const { controller, last, say, settle } = setup({
    fail: (c) => {
      const p = c.params as NeighboursRequest;
      return c.method === "neighbours" && p.mode === "pooled" && p.query === "zenith" ? Object.assign(new Error(unknown), { code: "failed" }) : undefined;
    },
  });
  controller.setVisible(true);
  say({ type: "ready" });
  say({ type: "query", origin: "typed", text: "zenith" });
  await settle();
  const s = last();
  assert.equal(s.pooled.error, unknown);
  assert.equal(s.pooled.list, undefined, "no list for an unknown word, not a guess");
  assert.equal(s.pooled.loading, false);
  assert.equal(s.static.list?.query, "zenith");
  assert.equal(s.contextual.list?.query, "zenith");
  // a known word afterwards clears the error
  say({ type: "query", origin: "typed", text: "king" });
  await settle();
  assert.equal(last().pooled.error, undefined);
  assert.equal(last().pooled.list?.query, "king");
});

test("malformed and unknown messages are logged and ignored", () => {
  const { controller, posted, logs } = setup();
  controller.setVisible(true);
  for (const m of [null, { type: "ready" }, { messageId: 1, body: { type: "runCommand", command: "x" } }, { messageId: 2, body: { type: "focusWord", index: 0 } }]) controller.onMessage(m);
  assert.equal(posted.length, 0);
  assert.equal(logs.length, 4);
  assert.match(logs[2], /ignored a malformed message .*runCommand/);
});

test("copy and export are built from the extension's own lists", async () => {
  const { controller, copied, saved, say, settle } = setup();
  controller.setVisible(true);
  say({ type: "ready" });
  say({ type: "copyList" });
  assert.equal(copied.length, 0, "nothing to copy yet");
  controller.selectionChanged(sel("king"));
  await settle();
  say({ type: "copyList" });
  assert.match(copied[0], /^Neighbours of “king”, pooled \(hidden_states\.2, averaged over the training text\), cosine similarity:\n1\talphaP\t0\.9000\n/);
  assert.match(copied[0], /\n\nNeighbours of “king”, static \(input embedding\), cosine similarity:\n1\talpha\t0\.9000\n/);
  assert.match(copied[0], /contextual \(hidden_states\.2\)/);
  say({ type: "exportList", format: "json" });
  say({ type: "exportList", format: "csv" });
  await sleep(5);
  assert.equal(saved[0].name, "neighbours-king.json");
  const json = JSON.parse(saved[0].content) as { lists: { space: string; neighbours: { word: string; score: number }[]; before?: string }[] };
  assert.deepEqual(json.lists.map((l) => l.space), ["pooled", "static", "contextual"]);
  assert.equal(json.lists[2].before, "The old");
  assert.equal(json.lists[0].neighbours.length, 5);
  assert.equal(saved[1].name, "neighbours-king.csv");
  const lines = saved[1].content.trimEnd().split("\r\n");
  assert.equal(lines[0], "query,space,layer,metric,rank,word,score");
  assert.equal(lines[1], "king,pooled,2,cosine,1,alphaP,0.9");
  assert.equal(lines[6], "king,static,,cosine,1,alpha,0.9");
  assert.equal(lines.length, 16);
});

test("CSV fields are quoted and spreadsheet formulas defused", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField('a "b", c'), '"a ""b"", c"');
  assert.equal(csvField("-man + woman"), "'-man + woman");
  assert.equal(csvField("=cmd()"), "'=cmd()");
  assert.equal(csvField(-0.5), "-0.5", "numbers are left alone");
  const screen = { pooled: { loading: false }, static: { loading: false }, contextual: { loading: false } } as NeighboursScreen;
  assert.equal(listsText(screen), "\n");
  assert.deepEqual(JSON.parse(listsJson(screen)), { lists: [] });
  assert.equal(listsCsv(screen), "query,space,layer,metric,rank,word,score\r\n");
});

test("dispose cancels the work in flight and stops posting", async () => {
  let token: CancelToken | undefined;
  const { controller, posted, say } = setup({ hold: (c) => ((token = c.token), new Promise<void>(() => undefined)) });
  controller.setVisible(true);
  say({ type: "ready" });
  controller.selectionChanged(sel("king"));
  await sleep(25);
  const n = posted.length;
  controller.dispose();
  assert.equal(token?.isCancellationRequested, true);
  controller.selectionChanged(sel("fire"));
  say({ type: "ready" });
  assert.equal(posted.length, n);
});
