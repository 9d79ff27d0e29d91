// The load watchdog ends a process whose main thread is held (as inside onnxruntime's synchronous calls)
// at its deadline, with one line naming the model file; a load that ends in time, or a process that ends
// during it, is not touched or held alive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { findLoadDeadline, loadDeadlineLine } from "../../src/shared/loadDeadline";
import { MODEL_DIR, ROOT } from "../unit/helpers";

const FIXTURE = join(ROOT, "test", "fixtures", "blockedLoad.ts");

function blocked(dir: string, ms: number, blockMs: number, how = "") {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", FIXTURE, dir, String(ms), String(blockMs), how], { encoding: "utf8", timeout: 20000 });
  return { ...r, ms: Date.now() - t0 };
}

test("watchdog: a main thread held past the deadline is killed with one line naming the model's ONNX file", () => {
  const r = blocked(MODEL_DIR, 1000, 15000);
  assert.equal(r.signal, "SIGKILL", `${r.signal} ${r.status} ${r.stderr}`);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, `lm-lens: ${join(MODEL_DIR, "onnx", "model.onnx")}: loading took over 1 s (a graph far too large or crafted to be slow); not loaded\n`);
  assert.ok(r.ms < 10000, `${r.ms} ms`);
});

test("watchdog: a folder without an ONNX file (or none at all) is named itself", () => {
  const dir = join(ROOT, "no-such-folder\nx");
  const r = blocked(dir, 500, 15000);
  assert.equal(r.signal, "SIGKILL");
  assert.equal(r.stderr, `lm-lens: ${join(ROOT, "no-such-folder\\nx")}: loading took over 0.5 s (a graph far too large or crafted to be slow); not loaded\n`);
});

test("watchdog: a load that ends in time is untouched, and the worker does not hold the process", () => {
  const r = blocked(MODEL_DIR, 3000, 200, "stop");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "loaded\n");
  assert.equal(r.stderr, "");
  const gone = blocked(MODEL_DIR, 10000, 0, "exit");
  assert.equal(gone.status, 3);
  assert.equal(gone.stderr, "");
  assert.ok(gone.ms < 8000, `${gone.ms} ms: not held until the deadline`);
});

test("watchdog: the client finds the line (and the file) in what a host wrote, and nothing in other output", () => {
  const file = "/models/a: b/onnx/model.onnx";
  const found = findLoadDeadline(`document memory: something\n${loadDeadlineLine(file)}`);
  assert.deepEqual(found, { message: `${file}: loading took over 25 s (a graph far too large or crafted to be slow); not loaded`, file });
  assert.equal(findLoadDeadline("lm-lens: /x/model.onnx: onnxruntime cannot load this file (loading took over)\n"), undefined);
  assert.equal(findLoadDeadline(""), undefined);
});
