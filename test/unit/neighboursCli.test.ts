// `lm-lens neighbours` as a user runs it: node dist/cli.js (built by `npm run build`).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MODEL_DIR, ROOT } from "./helpers";

const POOLED = JSON.parse(readFileSync(join(MODEL_DIR, "pooled.json"), "utf8")) as { count: number; minCount: number; layer: number; words: string[] };

const CLI = join(ROOT, "dist", "cli.js");
function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, "neighbours", ...args, "--model", MODEL_DIR], { encoding: "utf8", timeout: 60000 });
}

interface Out {
  query: string;
  space: string;
  layer?: number;
  neighbours: { word: string; similarity: number }[];
}

function parse(stdout: string): Out {
  const out = JSON.parse(stdout) as Out;
  assert.deepEqual(Object.keys(out), out.space === "static" ? ["query", "space", "neighbours"] : ["query", "space", "layer", "neighbours"]);
  for (const n of out.neighbours) assert.deepEqual(Object.keys(n), ["word", "similarity"]);
  return out;
}

test("neighbours --space static --json: k whole words without leading spaces, the query left out, nearest first", () => {
  for (const word of ["king", "water", "the"]) {
    const r = cli(["--json", "--space", "static", "--k", "7", word]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = parse(r.stdout);
    assert.equal(out.query, word);
    assert.equal(out.space, "static");
    assert.equal(out.neighbours.length, 7);
    for (const n of out.neighbours) {
      assert.match(n.word, /^[A-Za-z]{2,}$/, "a whole word, no leading space");
      assert.notEqual(n.word, word, "the query itself is left out");
      assert.ok(n.similarity >= -1 && n.similarity <= 1);
    }
    for (let i = 1; i < out.neighbours.length; i++) assert.ok(out.neighbours[i - 1].similarity >= out.neighbours[i].similarity, "sorted");
  }
});

test("neighbours defaults to the pooled space, k = 10 and cosine; euclidean gives minus the distance, still nearest first", () => {
  const cos = parse(cli(["--json", "house"]).stdout);
  assert.equal(cos.space, "pooled", "the default space when the folder has pooled.json");
  assert.equal(cos.layer, POOLED.layer);
  assert.equal(cos.neighbours.length, 10);
  const pooledWords = new Set(POOLED.words);
  for (const n of cos.neighbours) {
    assert.ok(pooledWords.has(n.word), `${n.word} is a word of pooled.json`);
    assert.notEqual(n.word.toLowerCase(), "house", "the query is left out, in every case");
  }
  // the default is the same as asking for it
  assert.deepEqual(parse(cli(["--json", "--space", "pooled", "house"]).stdout), cos);
  const st = parse(cli(["--json", "--space", "static", "house"]).stdout);
  assert.notDeepEqual(st.neighbours, cos.neighbours, "another space, another list");
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
  const text = cli(["--space", "static", "zenith"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^zenith {2}\(zenith = (row|mean of \d+ tokens) /);
});

test("neighbours: a word the pooled index does not hold is one line, exit code 1, no list", () => {
  assert.ok(!POOLED.words.some((w) => w.toLowerCase() === "apex"), "the fixture's premise: apex is not in the index");
  for (const args of [["apex"], ["--json", "apex"], ["--json", "king - apex"]]) {
    const r = cli(args);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "", "no list, not even an empty one");
    assert.equal(r.stderr, `“apex” is not in the pooled word index (${POOLED.count.toLocaleString("en")} words seen at least ${POOLED.minCount} times in the training text)\n`);
  }
  // the static space embeds any word from its tokens
  assert.equal(cli(["--space", "static", "apex"]).status, 0);
});

test("neighbours --space contextual: the model's hidden states at --layer, each index word after <|endoftext|>", () => {
  const r = cli(["--json", "--space", "contextual", "--layer", "1", "--k", "3", "king"]);
  assert.equal(r.status, 0, r.stderr);
  const out = parse(r.stdout);
  assert.equal(out.space, "contextual");
  assert.equal(out.layer, 1);
  assert.equal(out.neighbours.length, 3);
  const text = cli(["--space", "contextual", "--k", "1", "king"]);
  assert.match(text.stdout, /hidden_states\.2, each word after <\|endoftext\|>/, "the middle layer by default");
});

const work = mkdtempSync(join(tmpdir(), "lm-lens-cli-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("a model folder without pooled files: the static space by default, said on stderr; --space pooled says it is unavailable", () => {
  const byo = join(work, "byo");
  mkdirSync(join(byo, "onnx"), { recursive: true });
  for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "words.txt", "onnx/model.onnx"]) symlinkSync(join(MODEL_DIR, f), join(byo, f));
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, "neighbours", ...args, "--model", byo], { encoding: "utf8", timeout: 60000 });
  const r = run(["--json", "king"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(parse(r.stdout).space, "static");
  assert.equal(r.stderr, `lm-lens: ${byo} has no pooled word vectors (pooled.json); these are the static space's neighbours\n`);
  const p = run(["--space", "pooled", "king"]);
  assert.equal(p.status, 1);
  assert.equal(p.stdout, "");
  assert.match(p.stderr, /^lm-lens: .*byo: this model folder has no pooled word vectors \(pooled\.json and pooled\.bin, made by models\/recipe\/pooled\.py\), so the pooled space is unavailable\n$/);
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
  const space = cli(["--space", "dynamic", "king"]);
  assert.equal(space.status, 2);
  assert.match(space.stderr, /^lm-lens: --space must be pooled, static, contextual \(got "dynamic"\)/);
  const layer = cli(["--layer", "2", "king"]);
  assert.equal(layer.status, 2);
  assert.match(layer.stderr, /^lm-lens: --layer applies to --space contextual only/);
  const missing = spawnSync(process.execPath, [CLI, "neighbours", "--model", "/nonexistent/model", "king"], { encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^lm-lens: \/nonexistent\/model: model folder not found\n$/);
  for (const r of [empty, metric, k, missing, space, layer]) assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
});

test("--help documents neighbours and what similarity means for euclidean", () => {
  const r = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /lm-lens neighbours \[--model DIR\] \[--space pooled\|static\|contextual\] \[--layer L\] \[--k K\] \[--metric cosine\|euclidean\] \[--json\] WORD/);
  assert.match(r.stdout, /pooled {6}\(the default when the model folder has pooled\.json and pooled\.bin\)/);
  assert.match(r.stdout, /for --metric euclidean minus the Euclidean distance/);
});
