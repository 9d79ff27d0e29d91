// Issue 19: `lm-lens score --no-memory` agrees with an independent evaluation of the same ONNX file.
// models/recipe/score_onnx.py (Debian's python3 with numpy, onnx and regex, which .ci/run installs) has
// its own byte-level BPE read from tokenizer.json and its own numpy GPT-2 forward pass over the weights
// read from model.onnx; nothing of the project's tokenizer, runtime or model code. Both score a text the
// repository ships (README.md, not training text) with the default windows; short enough for every run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TextTokenizer } from "../../src/modelHost/tokenizer";
import { MODEL_DIR, ROOT } from "./helpers";

const CLI = join(ROOT, "dist", "cli.js");
const SCRIPT = join(ROOT, "models", "recipe", "score_onnx.py");
const TEXT = join(ROOT, "README.md");
const MAX_TOKENS = "3000";

interface Line {
  file: string;
  tokens: number;
  words: number;
  bytes: number;
  bitsPerByte: number;
}

function python(args: string[]) {
  const r = spawnSync("/usr/bin/python3", [SCRIPT, "--model", MODEL_DIR, ...args], { encoding: "utf8", timeout: 120000, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  assert.equal(r.status, 0, `score_onnx.py failed (needs python3-numpy, python3-onnx and python3-regex, which .ci/run installs): ${r.stderr}`);
  return r.stdout;
}

function firstLine(stdout: string): Line {
  return JSON.parse(stdout.trim().split("\n")[0]) as Line;
}

test("score --no-memory agrees with the independent numpy evaluation of model.onnx within 0.01 bits per byte", () => {
  const cli = spawnSync(process.execPath, [CLI, "score", "--json", "--no-memory", "--max-tokens", MAX_TOKENS, "--model", MODEL_DIR, TEXT], { encoding: "utf8", timeout: 120000 });
  assert.equal(cli.status, 0, cli.stderr);
  const ours = firstLine(cli.stdout);
  const theirs = firstLine(python(["--max-tokens", MAX_TOKENS, TEXT]));
  assert.equal(ours.tokens, Number(MAX_TOKENS));
  // the same tokens, text and words: the two tokenizers and the two decodes agree
  assert.deepEqual({ tokens: theirs.tokens, bytes: theirs.bytes, words: theirs.words }, { tokens: ours.tokens, bytes: ours.bytes, words: ours.words });
  assert.ok(ours.bitsPerByte > 0.3 && ours.bitsPerByte < 8, `${ours.bitsPerByte} bits per byte`);
  assert.ok(Math.abs(ours.bitsPerByte - theirs.bitsPerByte) < 0.01, `lm-lens ${ours.bitsPerByte} vs numpy ${theirs.bitsPerByte} bits per byte`);
});

test("the independent BPE gives the project tokenizer's ids", () => {
  const dir = mkdtempSync(join(tmpdir(), "lm-lens-bpe-"));
  try {
    const texts = [
      readFileSync(TEXT, "utf8"),
      "IT'S the 'quoted' text's end 've  \n\n  x\t\ty  \r\nwindows\r\n",
      "caf\u00e9 \u4e2d\u6587 \u{1F600}\u{1F44D}\u200d\u{1F525} e\u0301 \u0661\u0662 a\u00a0b\u3000c\ufeffd\u2028e\u0085f\x1cg\x0bh",
      "foo<|endoftext|>bar <|endoftext|><|endoftext|> 12345678901234567890 3.14e-10 a->b::c",
    ];
    const files = texts.map((t, i) => {
      const f = join(dir, `t${i}.txt`);
      writeFileSync(f, t, "utf8");
      return f;
    });
    const theirs = python(["--ids", ...files]).trim().split("\n").map((l) => JSON.parse(l) as number[]);
    const tok = TextTokenizer.fromJson(JSON.parse(readFileSync(join(MODEL_DIR, "tokenizer.json"), "utf8")), JSON.parse(readFileSync(join(MODEL_DIR, "tokenizer_config.json"), "utf8")));
    texts.forEach((t, i) => assert.deepEqual(theirs[i], tok.encode(t), `text ${i}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
