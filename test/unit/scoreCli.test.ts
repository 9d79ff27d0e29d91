// lm-lens score and predict's memory, as a user runs them (node dist/cli.js, built by npm run build).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MODEL_DIR, ROOT } from "./helpers";

const CLI = join(ROOT, "dist", "cli.js");
function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [CLI, ...args, "--model", MODEL_DIR], { input, encoding: "utf8", timeout: 120000 });
}
interface Line {
  file: string;
  tokens: number;
  words: number;
  bitsPerByte: number;
  wordPerplexity: number;
}
const lines = (out: string) => out.trim().split("\n").map((l) => JSON.parse(l) as Line);

const dir = mkdtempSync(join(tmpdir(), "lm-lens-score-"));
const story = readFileSync(join(ROOT, "media", "tour", "sample.txt"), "utf8");
const repeated = join(dir, "repeated.txt");
writeFileSync(repeated, story.repeat(4));
const readme = join(ROOT, "README.md");

test("score --json: one line per file and one for all, each with file, tokens, words, bits per byte and word perplexity", () => {
  const r = cli(["score", "--json", "--max-tokens", "300", repeated, readme]);
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 3);
  assert.equal(out[0].file, repeated);
  assert.equal(out[1].file, readme);
  for (const o of out) {
    assert.ok(o.tokens > 0 && o.words > 0 && o.bitsPerByte > 0 && o.wordPerplexity > 1, JSON.stringify(o));
  }
  assert.equal(out[2].tokens, out[0].tokens + out[1].tokens);
  assert.equal(out[0].tokens, 300);
  assert.equal(out[2].words, out[0].words + out[1].words);
});

test("score: the memory helps a text that repeats itself, and --no-memory is the model alone", () => {
  const on = lines(cli(["score", "--json", repeated]).stdout)[0];
  const off = lines(cli(["score", "--json", "--no-memory", repeated]).stdout)[0];
  assert.equal(on.tokens, off.tokens);
  // the story's second to fourth copies are in the memory when they are read
  assert.ok(on.bitsPerByte < 0.6 * off.bitsPerByte, `${on.bitsPerByte} vs ${off.bitsPerByte}`);
  // the window and stride change what the model alone sees
  const narrow = lines(cli(["score", "--json", "--no-memory", "--window", "32", "--stride", "16", repeated]).stdout)[0];
  assert.ok(narrow.bitsPerByte > off.bitsPerByte, `${narrow.bitsPerByte} vs ${off.bitsPerByte}`);
});

test("score: text output, and one line naming the file or the flag for bad input", () => {
  const r = cli(["score", "--max-tokens", "200", readme]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /README\.md: 200 tokens, \d+ words, \d\.\d{4} bits per byte, word perplexity/);
  assert.match(r.stdout, /^all \(1 file, memory of 4096 tokens\)/m);
  const missing = cli(["score", join(dir, "nope.txt")]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.txt: no such file/);
  const folder = cli(["score", dir]);
  assert.match(folder.stderr, /is a folder, not a file/);
  assert.match(cli(["score", "--window", "0", readme]).stderr, /--window must be an integer/);
  assert.match(cli(["score", "--window", "100000", readme]).stderr, /--window must be an integer from 1 to 4096/);
  assert.match(cli(["score", "--window", "1024", readme]).stderr, /--window must be at most the model's 512 positions/);
  assert.match(cli(["score", "--stride", "300", "--window", "256", readme]).stderr, /--stride must be an integer from 1 to 256/);
  assert.match(cli(["score"]).stderr, /score takes one or more FILE/);
  assert.match(cli(["score", "--top", "3", readme]).stderr, /--top does not apply to score/);
});

test("predict fills the memory over the whole context it is given; --no-memory is the model alone", () => {
  const context = story.trimEnd();
  const withMemory = JSON.parse(cli(["predict", "--json", "--top", "10", context]).stdout) as { words: { word: string; p: number }[] };
  const alone = JSON.parse(cli(["predict", "--json", "--top", "10", "--no-memory", context]).stdout) as { words: { word: string; p: number }[] };
  assert.equal(withMemory.words.length, 10);
  assert.notDeepEqual(withMemory.words, alone.words);
  // a context of more than 20,000 characters on stdin: its start is far outside the model's window, but in the memory
  const long = `The secret word is zanzibar. ${"The weather was mild and the fields were green. ".repeat(440)}The secret word is`;
  assert.ok(long.length > 20000);
  const out = cli(["predict", "--top", "5"], JSON.stringify({ context: long }) + "\n");
  assert.equal(out.status, 0, out.stderr);
  const words = (JSON.parse(out.stdout) as { words: { word: string }[] }).words.map((w) => w.word);
  const plain = (JSON.parse(cli(["predict", "--top", "5", "--no-memory"], JSON.stringify({ context: long }) + "\n").stdout) as { words: { word: string }[] }).words.map((w) => w.word);
  assert.ok(!plain.includes(" z"), `the model alone cannot know it: ${plain}`);
  assert.notDeepEqual(words, plain);
});
