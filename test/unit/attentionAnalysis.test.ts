// "Why this word?" is one model-host round trip for its heatmap, however long the text before the cursor:
// the model host keeps the end within the token budget (fit "end"). Through the real host, counted.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { analyse } from "../../src/ui/attentionAnalysis";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { DEFAULT_SETTINGS } from "../../src/core/settings";
import { MODEL_DIR, ROOT } from "./helpers";
import { fakeModelHost, type FakeCall } from "./fakeModelHost";

const host = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1 });
after(() => host.dispose());
const calls: FakeCall[] = [];
/** the real host, its requests counted */
const counting = fakeModelHost({ attention: (params) => host.request("attention", params) }, { calls });
const settings = { ...DEFAULT_SETTINGS, maxAttentionTokens: 64 };

test("Why this word? on a long text: one attention request, its end kept whole within the budget", async () => {
  const story = "She walked along the river in the evening light, and the birds were loud in the trees. ".repeat(40);
  const docText = story + "At last she saw that the hair was still";
  calls.length = 0;
  const a = await analyse(counting, { kind: "whyThisWord", docText, start: 1000, suggestion: " red", cutAtStart: false }, settings);
  assert.deepEqual(calls.map((c) => c.method), ["attention"], "one round trip");
  assert.ok(a.result.tokens.length <= 64 && a.result.tokens.length >= 56, `${a.result.tokens.length} tokens: the budget is used`);
  assert.equal(a.cut, "start");
  assert.ok(a.text.endsWith("the hair was still red"), "the end, suggestion included, is shown");
  assert.equal(a.result.text, a.text, "the text shown is what the model read");
  assert.ok(/^\s/.test(a.text) || /\s/.test(docText[a.offset - 1000 - 1]), `no word cut in half: ${JSON.stringify(a.text.slice(0, 20))}`);
  assert.equal(docText.slice(a.offset - 1000) + " red", a.text, "the offset maps the text back to the document");
  assert.equal(a.result.nextWordsAt, a.text.length - " red".length, "the next words are asked before the suggestion");
});

test("Why this word? on a short text: nothing cut; a selection is read from its start in one request", async () => {
  calls.length = 0;
  const w = await analyse(counting, { kind: "whyThisWord", docText: "The hair was still", start: 0, suggestion: " red", cutAtStart: false }, settings);
  assert.equal(w.text, "The hair was still red");
  assert.equal(w.cut, undefined);
  const s = await analyse(counting, { kind: "selection", docText: "word ".repeat(200), start: 5, suggestion: "", cutAtStart: false }, settings);
  assert.equal(s.cut, "end");
  assert.equal(s.result.tokens.length, 64);
  assert.deepEqual(calls.map((c) => c.method), ["attention", "attention"]);
});

test("the model host chooses the first heatmap's matrix: the asked layer and head, or layer 1's average", async () => {
  const a = await analyse(counting, { kind: "selection", docText: "The keys to the cabinet were on the table.", start: 0, suggestion: "", cutAtStart: false }, settings, { layer: 1, head: 2 });
  const r = a.result;
  const T = r.tokens.length;
  const at = (1 * r.nHead + 2) * T * T;
  assert.deepEqual(r.shown, { layer: 1, head: 2, matrix: r.attentions.slice(at, at + T * T) });
  const avg = await analyse(counting, { kind: "selection", docText: "The keys to the cabinet were on the table.", start: 0, suggestion: "", cutAtStart: false }, settings, { layer: 99, head: 99 });
  assert.deepEqual(avg.result.shown, { layer: 0, head: null, matrix: avg.result.headMeans.slice(0, T * T) });
});
