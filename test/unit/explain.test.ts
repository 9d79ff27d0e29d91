// `lm-lens explain` and the prediction every view reads: one word, one probability, in predict, in the
// attention panel's list and in the explanation; the parts of the model sum to the logit; the logit lens's
// last layer is the model's own answer; and a removal's probability is what predict gives on the text
// without that word. The real model, the real onnxruntime, the CLI as a user runs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { MODEL_DIR, ROOT, SUGGEST, sharedEngine } from "./helpers";
import { explain, windowUnits } from "../../src/modelHost/explain";
import { topTokens } from "../../src/modelHost/softmax";

const CLI = join(ROOT, "dist", "cli.js");
function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [CLI, ...args, "--model", MODEL_DIR], { input, encoding: "utf8", timeout: 120000 });
}
function json<T>(args: string[]): T {
  const r = cli(args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

interface Explained {
  word: string;
  p: number;
  modelP: number;
  memoryP: number;
  share: number;
  token: string;
  logit: number;
  components: { name: string; logit: number }[];
  layers: { layer: number; top: { token: string; p: number }[]; tokenP: number; tokenRank: number }[];
  removals: { start: number; end: number; text: string; p: number }[];
}
type Words = { words: { word: string; p: number }[] };

// technical prose of the kind the held-out split holds, ending at a word boundary, after a whole word, and inside a word
const TEXTS = [
  "If the configuration file is missing, the server starts with the default settings and writes a warning to the",
  "The function returns a list of the files in the directory. Each file in the",
  "The hair was still",
  "To install the package, run the command as the root user. The package manager will downl",
];

test("explain's word and probability are predict --top 1's and the first of attention --json's next words; the parts sum to the logit", () => {
  for (const text of TEXTS) {
    for (const memory of [[], ["--no-memory"]]) {
      const x = json<Explained>(["explain", "--json", ...memory, text]);
      const top = json<Words>(["predict", "--json", "--top", "1", ...memory, text]).words[0];
      const panel = json<{ nextWords: Words["words"] }>(["attention", "--json", ...memory, text]).nextWords[0];
      assert.equal(x.word, top.word, `${text} ${memory}`);
      assert.ok(Math.abs(x.p - top.p) <= 1e-4, `${text}: explain ${x.p}, predict ${top.p}`);
      assert.equal(panel.word, x.word);
      assert.ok(Math.abs(panel.p - x.p) <= 1e-4, `${text}: panel ${panel.p}, explain ${x.p}`);
      if (memory.length) assert.equal(x.memoryP, 0, "no memory: nothing from it");
      // embeddings, 4 x 4 heads, 4 attention biases, 4 MLPs, the final norm's bias
      assert.equal(x.components.length, 1 + 16 + 4 + 4 + 1);
      assert.ok(x.components.some((c) => c.name === "L1H1") && x.components.some((c) => c.name === "L4 MLP"), "layers and heads counted from 1");
      const sum = x.components.reduce((a, c) => a + c.logit, 0);
      assert.ok(Math.abs(sum - x.logit) <= 1e-3, `${text}: parts sum to ${sum}, the logit is ${x.logit}`);
      assert.deepEqual(x.layers.map((l) => l.layer), [1, 2, 3, 4]);
      for (const l of x.layers) assert.ok(l.tokenP > 0 && l.tokenP <= 1 && l.tokenRank >= 1);
    }
  }
});

test("the logit lens's last layer is the model's own next-token distribution over the prediction's window", async () => {
  const engine = await sharedEngine();
  for (const text of TEXTS.slice(0, 2)) {
    const x = await explain(engine, text, { options: SUGGEST });
    const ids = engine.contextIds(text, SUGGEST.maxContextTokens);
    assert.equal(x.windowTokens, ids.length);
    // the attention answer says which window its next words read: the explanation's
    const panel = await engine.attention(text, 512, undefined, 0, "end");
    assert.equal(panel.nextWordsWindow?.start, x.windowStart);
    // (a typed word that is whole is read after the window: explain's run holds it too)
    assert.ok(panel.nextWordsWindow!.tokens <= x.windowTokens && x.windowTokens - panel.nextWordsWindow!.tokens <= 2);
    const model = topTokens((await engine.model.run(null, ids)).logits, 5);
    const lens = x.layers[x.layers.length - 1].top;
    assert.deepEqual(lens.map((t) => t.token), model.map((t) => engine.tokenizer.tokenShown(t.id)));
    lens.forEach((t, i) => assert.ok(Math.abs(t.p - model[i].p) <= 1e-4, `${t.token}: lens ${t.p}, model ${model[i].p}`));
    // the first layers say something else: the lens is not the answer copied
    assert.notDeepEqual(x.layers[0].top.map((t) => t.token), lens.map((t) => t.token));
  }
});

test("a removal's probability is what predict gives on the text without that span (the largest effect, without the memory)", () => {
  for (const text of TEXTS.slice(0, 3)) {
    const x = json<Explained>(["explain", "--json", "--no-memory", text]);
    assert.ok(x.removals.length >= 3, `${text}: ${x.removals.length} removals`);
    for (const r of x.removals) assert.equal(text.slice(r.start, r.end), r.text);
    const biggest = [...x.removals].sort((a, b) => Math.abs(b.p - x.p) - Math.abs(a.p - x.p))[0];
    const cut = text.slice(0, biggest.start) + text.slice(biggest.end);
    const list = json<Words>(["predict", "--json", "--no-memory", "--top", "50", cut]).words;
    const same = list.find((w) => w.word === x.word);
    if (same) assert.ok(Math.abs(same.p - biggest.p) <= 1e-3, `${JSON.stringify(biggest.text)} cut: predict ${same.p}, explain ${biggest.p}`);
    else assert.ok(biggest.p < list[list.length - 1].p + 1e-3, `not in predict's 50: explain gives ${biggest.p}`);
  }
});

test("explain with no text, or an empty one: one clear line and a non-zero exit code", () => {
  for (const args of [["explain"], ["explain", ""], ["explain", "   "]]) {
    const r = cli(args);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.split("\n")[0], /^lm-lens: explain(:? takes one TEXT|: TEXT is empty)/);
  }
});

test("the window's units: each word or punctuation with the white space before it", () => {
  const t = "the hair, was  still";
  assert.deepEqual(windowUnits(t, 0, t.length).map((u) => t.slice(u.start, u.end)), ["the", " hair", ",", " was", "  still"]);
  assert.deepEqual(windowUnits(t, 4, 13).map((u) => t.slice(u.start, u.end)), ["hair", ",", " was"]);
  // a window that starts inside a word leaves that word out
  assert.deepEqual(windowUnits(t, 6, 13).map((u) => t.slice(u.start, u.end)), [",", " was"]);
});
