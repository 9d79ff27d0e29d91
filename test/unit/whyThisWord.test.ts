// "Why this word?"'s explanation and a selection's last word: the "why" message's schema (and the webview's
// new message), the removals placed on the attention view's tokens, the document's say on whether a
// selection's last word is finished, and the controller's flow through the real model host: the heatmap,
// the details, then the explanation of the ghost text's own request; a selection's list completes its last
// word only where the document continues it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { quietController } from "./controllerDeps";
import { firstWordOf, lastWordAt, requestFor, type EditorSnapshot, type SourceDocument } from "../../src/ui/attentionRequest";
import { explainParams, firstTokenFrom, spanTokens, whyDone } from "../../src/ui/whyThisWord";
import { suggestRequest } from "../../src/core/suggestRequest";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { DEFAULT_SETTINGS } from "../../src/core/settings";
import { isToWebviewMessage, validateFromWebview, type Explanation, type WhyShown } from "../../src/shared/attentionProtocol";
import type { Methods } from "../../src/shared/hostProtocol";
import { fakeModelHost, type FakeCall } from "./fakeModelHost";
import { MODEL_DIR, ROOT } from "./helpers";

const host = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1 });
after(() => host.dispose());

function doc(text: string, uri = "file:///work/story.txt"): SourceDocument {
  return {
    uri,
    name: uri.split("/").pop()!,
    version: 1,
    getText: (start, end) => text.slice(Math.max(0, start), Math.max(0, end)),
    positionAt: (offset) => {
      const before = text.slice(0, offset).split("\n");
      return { line: before.length - 1, character: before[before.length - 1].length };
    },
  };
}

function editorAt(d: SourceDocument, text: string, start: number, end = start): EditorSnapshot {
  const lineStart = text.lastIndexOf("\n", end - 1) + 1;
  const next = text.indexOf("\n", end);
  return { document: d, selection: { start, end, active: end }, line: { start: lineStart, end: next < 0 ? text.length : next } };
}

const EXPLANATION: Explanation = {
  word: " in",
  p: 0.04,
  modelP: 0.04,
  memoryP: 0,
  share: 0,
  words: [{ word: " in", p: 0.04, modelP: 0.04, memoryP: 0 }],
  token: " in",
  logit: 3.7,
  components: [
    { name: "embeddings", logit: 1.2 },
    { name: "L1H1", logit: 2.5 },
  ],
  layers: [{ layer: 1, top: [{ token: " in", p: 0.05 }], tokenP: 0.05, tokenRank: 1 }],
  removals: [
    { start: 0, end: 3, text: "the", p: 0.05 },
    { start: 3, end: 8, text: " hair", p: 0.01 },
  ],
  windowStart: 0,
  windowTokens: 4,
  ms: 5,
};

// ---- the message

test("the why message: a computing, failed or done explanation passes the webview's check; a done one needs one token range per removal", () => {
  const envelope = (why: WhyShown | Record<string, unknown>) => ({ messageId: 1, body: { type: "why", data: { viewId: 3, why } } });
  assert.ok(isToWebviewMessage(envelope({ state: "computing" })));
  assert.ok(isToWebviewMessage(envelope({ state: "failed", message: "the model host stopped" })));
  const done: WhyShown = { state: "done", explanation: EXPLANATION, removalTokens: [[0, 0], null], windowFirstToken: 0, suggestion: " in" };
  assert.ok(isToWebviewMessage(envelope(done)));
  assert.ok(!isToWebviewMessage(envelope({ ...done, removalTokens: [[0, 0]] })), "a removal without its token range");
  assert.ok(!isToWebviewMessage(envelope({ ...done, removalTokens: [[0, -1], null] })), "a negative token");
  assert.ok(!isToWebviewMessage(envelope({ ...done, explanation: { ...EXPLANATION, components: [{ name: "L1H1", logit: "big" }] } })), "a logit that is not a number");
  assert.ok(!isToWebviewMessage(envelope({ ...done, explanation: { ...EXPLANATION, p: Number.NaN } })), "NaN");
  assert.ok(!isToWebviewMessage(envelope({ state: "done" })), "done without an explanation");
  assert.ok(!isToWebviewMessage(envelope({ state: "guessing" })), "an unknown state");
});

test("the webview may ask for the other reading of the last word, and nothing else under that name", () => {
  assert.deepEqual(validateFromWebview({ type: "setLastWord", mode: "typing" }), { type: "setLastWord", mode: "typing" });
  assert.deepEqual(validateFromWebview({ type: "setLastWord", mode: "finished" }), { type: "setLastWord", mode: "finished" });
  assert.equal(validateFromWebview({ type: "setLastWord", mode: "both" }), undefined);
  assert.equal(validateFromWebview({ type: "setLastWord" }), undefined);
  assert.equal(validateFromWebview({ type: "setLastWord", mode: "typing", extra: 1 }), undefined);
});

// ---- removals on the view's tokens

test("a removal's span maps to the view's tokens it shares a character with, across the two texts' offsets", () => {
  // the view shows the document from offset 100: " the hair was still red"; the explained text starts at 90
  const tokens = [
    { text: " the", start: 0, end: 4 },
    { text: " ha", start: 4, end: 7 },
    { text: "ir", start: 7, end: 9 },
    { text: " was", start: 9, end: 13 },
    { text: " still", start: 13, end: 19 },
    { text: " red", start: 19, end: 23 },
  ];
  assert.deepEqual(spanTokens({ start: 14, end: 19 }, 90, tokens, 100), [1, 2], "“ hair” is two tokens");
  assert.deepEqual(spanTokens({ start: 10, end: 14 }, 90, tokens, 100), [0, 0], "“ the”");
  assert.deepEqual(spanTokens({ start: 19, end: 23 }, 90, tokens, 100), [3, 3]);
  assert.equal(spanTokens({ start: 0, end: 9 }, 90, tokens, 100), null, "before the tokens shown");
  assert.deepEqual(spanTokens({ start: 5, end: 12 }, 90, tokens, 100), [0, 0], "cut by the view's start: the part shown");
  assert.equal(spanTokens({ start: 14, end: 14 }, 90, tokens, 100), null, "an empty span covers nothing");
  assert.equal(firstTokenFrom(100, tokens, 100), 0);
  assert.equal(firstTokenFrom(105, tokens, 100), 1, "the token holding the window's start");
  assert.equal(firstTokenFrom(107, tokens, 100), 2);
  assert.equal(firstTokenFrom(500, tokens, 100), 6, "past the tokens: none");
  const done = whyDone({ ...EXPLANATION, removals: [{ start: 10, end: 14, text: " the", p: 0.1 }, { start: 14, end: 19, text: " hair", p: 0.01 }], windowStart: 10 }, 90, tokens, 100, " red");
  assert.deepEqual(done.removalTokens, [[0, 0], [1, 2]]);
  assert.equal(done.windowFirstToken, 0);
  assert.equal(done.suggestion, " red");
});

// ---- the selection's last word

test("a selection's last word is being typed only where the document's next character continues it", () => {
  const text = "A walk by the seaside. By the sea, then by the sea\nand more 42x";
  const d = doc(text);
  const at = (s: string, from = 0) => text.indexOf(s, from) + s.length;
  assert.deepEqual(lastWordAt(d, "by the sea", at("by the sea")), { mode: "typing", word: "sea" }, "“sea|side”");
  assert.deepEqual(lastWordAt(d, "By the sea", at("By the sea")), { mode: "finished", word: "sea" }, "a comma follows");
  assert.deepEqual(lastWordAt(d, "by the sea", text.indexOf("\n")), { mode: "finished", word: "sea" }, "a line break follows");
  assert.deepEqual(lastWordAt(d, "42", text.length - 1), { mode: "typing", word: "42" }, "a letter right after digits");
  assert.deepEqual(lastWordAt(d, "42x", text.length), { mode: "finished", word: "42x" }, "the document's end");
  assert.equal(lastWordAt(d, "By the sea,", at("By the sea,")), undefined, "ends in punctuation: a new word either way");
  assert.equal(lastWordAt(d, "the sea ", at("the sea ")), undefined);
  const emoji = "the café𝒜";
  assert.equal(lastWordAt(doc(emoji), "the caf", emoji.indexOf("é"))?.mode, "typing", "an accented letter continues it");
  assert.equal(lastWordAt(doc(emoji), "the café", emoji.indexOf("𝒜"))?.mode, "typing", "a letter outside the basic plane (a surrogate pair) continues it");
  // requestFor carries the decision for a selection
  const req = requestFor(editorAt(d, text, text.indexOf("By"), at("By the sea")), "selection", 256, undefined)!;
  assert.deepEqual(req.lastWord, { mode: "finished", word: "sea" });
});

// ---- the controller, through the real model host

const STORY = "The Orchard\n\nMara had red hair, as red as the apples her father grew.\nHer brother met her at the gate and said that the hair was still";

function controllerFor(calls: FakeCall[], hold?: (c: FakeCall) => Promise<void> | undefined) {
  const counting = fakeModelHost(
    {
      attention: (p, t) => host.request("attention", p, t),
      attentionDetails: (p, t) => host.request("attentionDetails", p, t),
      explain: (p, t) => host.request("explain", p, t),
    },
    { calls, hold },
  );
  return quietController({ client: counting, memoryFor: () => ({ none: "Document memory: off (lmLens.memoryTokens is 0)." }) });
}

test("Why this word?: the heatmap, the details, then the explanation of the ghost text's own request, placed on the view's tokens", async () => {
  const d = doc(STORY);
  const end = STORY.length;
  // asked for (Alt+\): the confidence gate holds back the model alone's "red" as one types, not when asked
  const ghost = await host.request("suggest", suggestRequest((a, b) => STORY.slice(a, b), end, DEFAULT_SETTINGS.suggest, true));
  assert.ok(ghost.text, "the ghost text has a word");
  const calls: FakeCall[] = [];
  const { controller, posted, logs } = controllerFor(calls);
  await controller.run(requestFor(editorAt(d, STORY, end), "whyThisWord", DEFAULT_SETTINGS.maxAttentionTokens, { uri: d.uri, offset: end, text: ghost.text })!);
  controller.dispose();
  assert.deepEqual(logs, []);
  assert.deepEqual(calls.map((c) => c.method), ["attention", "attentionDetails", "explain"], "the explanation is asked last");
  // the explain request is the ghost text's: the same window, offset and settings
  const sent = calls[2].params as Methods["explain"]["params"];
  assert.deepEqual(sent, explainParams(d, end, DEFAULT_SETTINGS.suggest, undefined));
  const g = suggestRequest((a, b) => STORY.slice(a, b), end, DEFAULT_SETTINGS.suggest, false);
  assert.deepEqual([sent.text, sent.offset, sent.options], [g.text, g.offset, g.options]);
  assert.deepEqual(posted.map((b) => b.type), ["loading", "state", "details", "why"]);
  const state = posted[1];
  assert.ok(state.type === "state");
  assert.deepEqual(state.data.why, { state: "computing" }, "the first view says the explanation is being worked out");
  const why = posted[3];
  assert.ok(why.type === "why" && why.data.viewId === state.data.id && why.data.why.state === "done");
  assert.ok(isToWebviewMessage({ messageId: 9, body: why }), "the message passes the webview's check");
  const w = why.data.why;
  const x = w.explanation;
  assert.ok(ghost.text.startsWith(x.word), `the explanation is of the ghost text's word: ${JSON.stringify(x.word)} in ${JSON.stringify(ghost.text)}`);
  assert.equal(x.p, ghost.alternatives[0].p, "one prediction: the ghost text's probability");
  // a phrase's first word is the one explained (" in the" after "the hair was still": " in")
  assert.equal(w.suggestion, firstWordOf(ghost.text));
  // every removal lies on the tokens whose text it holds
  const tokens = state.data.tokens;
  assert.ok(x.removals.length > 5);
  x.removals.forEach((r, i) => {
    const range = w.removalTokens[i];
    assert.ok(range, `${JSON.stringify(r.text)} is among the tokens shown`);
    const covered = tokens.slice(range[0], range[1] + 1).map((t) => t.text).join("");
    assert.ok(covered.includes(r.text.trim()), `${JSON.stringify(r.text)} -> ${JSON.stringify(covered)}`);
  });
  const sum = x.components.reduce((a, c) => a + c.logit, 0);
  assert.ok(Math.abs(sum - x.logit) < 1e-3, `the parts sum to the logit: ${sum} vs ${x.logit}`);
  assert.deepEqual(x.layers.map((l) => l.layer), [1, 2, 3, 4], "layers counted from 1");
});

test("Why this word?: a newer request supersedes the explanation; nothing of the older view is posted after it", async () => {
  const d = doc(STORY);
  const calls: FakeCall[] = [];
  let asked!: () => void;
  const explainAsked = new Promise<void>((r) => (asked = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const { controller, posted, logs } = controllerFor(calls, (c) => {
    if (c.method !== "explain") return undefined;
    asked();
    return released;
  });
  const first = controller.run(requestFor(editorAt(d, STORY, STORY.length), "whyThisWord", 64, undefined)!);
  // the second starts once the first's explanation has been asked for
  await explainAsked;
  const second = controller.run(requestFor(editorAt(d, STORY, 20, 40), "selection", 64, undefined)!);
  release();
  await Promise.all([first, second]);
  controller.dispose();
  assert.deepEqual(logs, []);
  const states = posted.filter((b) => b.type === "state");
  const last = states.at(-1)!;
  assert.ok(last.type === "state" && last.data.why === undefined, "the selection's view has no explanation");
  assert.equal(posted.filter((b) => b.type === "why").length, 0, "the superseded explanation was never posted");
  assert.ok(calls.find((c) => c.method === "explain")?.token?.isCancellationRequested, "its request was cancelled");
});

test("a selection's next words: after a finished last word, the next word; where the document continues it, its completions", async () => {
  const text = "We walked by the sea. Then by the seaside";
  const d = doc(text);
  const end = text.indexOf(".");
  const run = async (mode?: "typing" | "finished") => {
    const calls: FakeCall[] = [];
    const { controller, posted, logs } = controllerFor(calls);
    const req = requestFor(editorAt(d, text, 0, end), "selection", 64, undefined)!;
    assert.deepEqual(req.lastWord, { mode: "finished", word: "sea" }, "a full stop follows: finished");
    await controller.run(mode ? { ...req, lastWord: { mode, word: "sea" } } : req);
    controller.dispose();
    assert.deepEqual(logs, []);
    const state = posted.find((b) => b.type === "state");
    const details = posted.find((b) => b.type === "details");
    assert.ok(state?.type === "state" && details?.type === "details");
    return { state: state.data, details: details.data, calls };
  };
  const finished = await run();
  assert.deepEqual(finished.state.lastWord, { mode: "finished", word: "sea" });
  assert.equal(finished.details.completes, undefined, "whole next words");
  assert.ok(finished.details.nextWords.every((w) => /^[\s\p{P}]/u.test(w.word)), `each a new word: ${finished.details.nextWords.map((w) => JSON.stringify(w.word)).join(" ")}`);
  assert.equal((finished.calls[0].params as Methods["attention"]["params"]).words?.wordEnds, true);
  assert.equal(finished.details.windowStart, 0, "the window starts at the text's start");
  const typing = await run("typing");
  assert.equal(typing.details.completes, "sea", "the completions of “sea”");
  assert.ok(typing.details.nextWords.every((w) => /^\p{L}/u.test(w.word)), `each goes on from “sea”: ${typing.details.nextWords.map((w) => JSON.stringify(w.word)).join(" ")}`);
  // the webview's button runs the same selection again, read the other way
  const calls: FakeCall[] = [];
  const { controller } = controllerFor(calls);
  await controller.run(requestFor(editorAt(d, text, 0, end), "selection", 64, undefined)!);
  controller.onMessage({ messageId: 2, body: { type: "setLastWord", mode: "typing" } });
  await controller.idle();
  controller.dispose();
  const attention = calls.filter((c) => c.method === "attention").map((c) => (c.params as Methods["attention"]["params"]).words?.wordEnds);
  assert.deepEqual(attention, [true, undefined], "asked again, the last word read as typed");
});

test("Why this word? explains a phrase's first word: the model's next word there, with its space", () => {
  const text = "We restarted the distributed";
  const d = doc(text);
  const req = requestFor(editorAt(d, text, text.length), "whyThisWord", DEFAULT_SETTINGS.maxAttentionTokens, { uri: d.uri, offset: text.length, text: " build cache service" })!;
  assert.equal(req.suggestion, " build");
  assert.equal(firstWordOf("row"), "row");
  assert.equal(firstWordOf(", and then"), ",");
  assert.equal(firstWordOf(" don't stop"), " don't");
});
