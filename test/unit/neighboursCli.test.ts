// `lm-lens neighbours` as a user runs it: node dist/cli.js (built by `npm run build`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { MODEL_DIR, ROOT } from "./helpers";

const CLI = join(ROOT, "dist", "cli.js");
function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, "neighbours", ...args, "--model", MODEL_DIR], { encoding: "utf8", timeout: 60000 });
}

interface Out {
  query: string;
  neighbours: { word: string; similarity: number }[];
}

function parse(stdout: string): Out {
  const out = JSON.parse(stdout) as Out;
  assert.deepEqual(Object.keys(out), ["query", "neighbours"]);
  for (const n of out.neighbours) assert.deepEqual(Object.keys(n), ["word", "similarity"]);
  return out;
}

test("neighbours --json: k whole words without leading spaces, the query left out, nearest first", () => {
  for (const word of ["king", "water", "the"]) {
    const r = cli(["--json", "--k", "7", word]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = parse(r.stdout);
    assert.equal(out.query, word);
    assert.equal(out.neighbours.length, 7);
    for (const n of out.neighbours) {
      assert.match(n.word, /^[A-Za-z]{2,}$/, "a whole word, no leading space");
      assert.notEqual(n.word, word, "the query itself is left out");
      assert.ok(n.similarity >= -1 && n.similarity <= 1);
    }
    for (let i = 1; i < out.neighbours.length; i++) assert.ok(out.neighbours[i - 1].similarity >= out.neighbours[i].similarity, "sorted");
  }
});

test("neighbours defaults to k = 10 and cosine; euclidean gives minus the distance, still nearest first", () => {
  const cos = parse(cli(["--json", "house"]).stdout);
  assert.equal(cos.neighbours.length, 10);
  const r = cli(["--json", "--metric", "euclidean", "--k", "5", "house"]);
  assert.equal(r.status, 0, r.stderr);
  const euc = parse(r.stdout);
  assert.equal(euc.neighbours.length, 5);
  for (const n of euc.neighbours) assert.ok(n.similarity <= 0);
  for (let i = 1; i < 5; i++) assert.ok(euc.neighbours[i - 1].similarity >= euc.neighbours[i].similarity);
});

test("neighbours takes a sum and leaves out all its words; a split word is embedded as the mean of its tokens", () => {
  const out = parse(cli(["--json", "king - man + woman"]).stdout);
  assert.equal(out.query, "king - man + woman");
  for (const n of out.neighbours) assert.ok(!["king", "man", "woman"].includes(n.word));
  const text = cli(["zenith"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^zenith {2}\(zenith = (row|mean of \d+ tokens) /);
});

test("neighbours errors are one line on stderr with a non-zero exit code", () => {
  const empty = cli(["--json", "king +"]);
  assert.equal(empty.status, 1);
  assert.equal(empty.stdout, "");
  assert.match(empty.stderr, /^lm-lens: The query ends with “\+”: a word must follow it\.\n$/);
  const metric = cli(["--metric", "dot", "king"]);
  assert.equal(metric.status, 2);
  assert.match(metric.stderr, /^lm-lens: --metric must be cosine or euclidean/);
  const k = cli(["--k", "51", "king"]);
  assert.equal(k.status, 2);
  assert.match(k.stderr, /--k must be an integer from 1 to 50/);
  const none = cli([]);
  assert.equal(none.status, 2);
  const missing = spawnSync(process.execPath, [CLI, "neighbours", "--model", "/nonexistent/model", "king"], { encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^lm-lens: \/nonexistent\/model: model folder not found\n$/);
  for (const r of [empty, metric, k, missing]) assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
});

test("--help documents neighbours and what similarity means for euclidean", () => {
  const r = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /lm-lens neighbours \[--model DIR\] \[--k K\] \[--metric cosine\|euclidean\] \[--json\] WORD/);
  assert.match(r.stdout, /for --metric euclidean minus the Euclidean distance/);
});
