// Issue 19: `lm-lens score --no-memory` agrees with an independent evaluation of the same ONNX file.
// models/recipe/score_onnx.py (Debian's python3 with numpy, onnx and regex, which .ci/run installs) has
// its own byte-level BPE read from tokenizer.json and its own numpy GPT-2 forward pass over the weights
// read from model.onnx; nothing of the project's tokenizer, runtime or model code. Both score a text the
// repository ships (test/fixtures/python-reference/score-text.md, the top of README.md, not training text)
// with the default windows; short enough for every run.
// Where those Python packages are missing (a fresh machine after `npm ci`), the numbers score_onnx.py
// gave are read from the committed fixture score.json instead (made from the same model.onnx and
// tokenizer.json, checked by their sha256); where they are there, score_onnx.py runs and the fixture must
// equal what it prints (pythonReference.ts).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TextTokenizer } from "../../src/modelHost/tokenizer";
import { MODEL_DIR, ROOT } from "./helpers";
import { bpeTexts, committedScore, fixtureMismatch, MAX_TOKENS, PYTHON_NAME, REGENERATE, SCORE_TEXT, scoreDifferences, scoreFromPython, useLivePython, type ScoreReference } from "./pythonReference";

const CLI = join(ROOT, "dist", "cli.js");

let reference: ScoreReference;
let way: { live: boolean; why?: string };

before(() => {
  way = useLivePython(["numpy", "onnx", "regex"]);
  console.log(
    way.live
      ? `scoreOnnx: checked against score_onnx.py run now by ${PYTHON_NAME} (numpy, onnx, regex), and the committed fixture against it`
      : `scoreOnnx: no Python reference (${way.why}): checked against the committed fixture test/fixtures/python-reference/score.json, made by score_onnx.py`,
  );
});

test("the Python reference: score_onnx.py now, or the committed fixture it made from this model.onnx and tokenizer.json", () => {
  const fixture = committedScore();
  if (way.live) {
    reference = scoreFromPython();
    const d = scoreDifferences(reference, fixture);
    assert.deepEqual(d, [], `test/fixtures/python-reference/score.json is not what score_onnx.py prints now; regenerate it with ${REGENERATE}`);
  } else {
    assert.deepEqual(fixtureMismatch(fixture, ["model.onnx", "tokenizer.json"]), [], `regenerate the fixture where the Python packages are installed: ${REGENERATE}`);
    reference = fixture;
  }
  assert.equal(reference.ids.length, bpeTexts().length);
});

test("score --no-memory agrees with the independent numpy evaluation of model.onnx within 0.01 bits per byte", (t) => {
  if (!reference) return assert.fail("no reference (the test above failed)");
  const cli = spawnSync(process.execPath, [CLI, "score", "--json", "--no-memory", "--max-tokens", String(MAX_TOKENS), "--model", MODEL_DIR, SCORE_TEXT], { encoding: "utf8", timeout: 120000 });
  assert.equal(cli.status, 0, cli.stderr);
  const ours = JSON.parse(cli.stdout.trim().split("\n")[0]) as ScoreReference["score"];
  const theirs = reference.score;
  assert.equal(ours.tokens, MAX_TOKENS);
  // the same tokens, text and words: the two tokenizers and the two decodes agree
  assert.deepEqual({ tokens: theirs.tokens, bytes: theirs.bytes, words: theirs.words }, { tokens: ours.tokens, bytes: ours.bytes, words: ours.words });
  assert.ok(ours.bitsPerByte > 0.3 && ours.bitsPerByte < 8, `${ours.bitsPerByte} bits per byte`);
  assert.ok(Math.abs(ours.bitsPerByte - theirs.bitsPerByte) < 0.01, `lm-lens ${ours.bitsPerByte} vs numpy ${theirs.bitsPerByte} bits per byte`);
  t.diagnostic(`lm-lens ${ours.bitsPerByte} vs numpy ${theirs.bitsPerByte} bits per byte (${way.live ? "live" : "fixture"})`);
});

test("the independent BPE gives the project tokenizer's ids", () => {
  if (!reference) return assert.fail("no reference (the first test failed)");
  const tok = TextTokenizer.fromJson(JSON.parse(readFileSync(join(MODEL_DIR, "tokenizer.json"), "utf8")), JSON.parse(readFileSync(join(MODEL_DIR, "tokenizer_config.json"), "utf8")));
  bpeTexts().forEach((t, i) => assert.deepEqual(tok.encode(t), reference.ids[i], `text ${i}`));
});
