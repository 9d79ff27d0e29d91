// The model host as the extension uses it: a real child process, really killed and really hung.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelHostClient, type HostStatus } from "../../src/client/modelHostClient";
import { HostError } from "../../src/shared/hostProtocol";
import { MODEL_DIR, ROOT, SUGGEST } from "./helpers";

const HOST = join(ROOT, "dist", "modelHost.js");
/** the host with a test-only method "hang" that never answers */
const HANGING_HOST = join(ROOT, "test", "fixtures", "hangingHost.ts");

function client(modelPath = MODEL_DIR, extra: Partial<ConstructorParameters<typeof ModelHostClient>[0]> = {}) {
  const statuses: HostStatus[] = [];
  const c = new ModelHostClient({ hostScript: HOST, modelPath, threads: 1, backoffMs: 50, onStatus: (s) => statuses.push(s), ...extra });
  return { c, statuses };
}

async function waitFor(cond: () => boolean, ms = 20000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("loads lazily, suggests, and reports ready", async () => {
  const { c, statuses } = client();
  try {
    assert.equal(c.currentStatus.state, "idle");
    assert.equal(c.pid, undefined, "no process before first use");
    const r = await c.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    assert.ok(r.text.startsWith(" "));
    assert.deepEqual(statuses.map((s) => s.state), ["loading", "ready"]);
  } finally {
    c.dispose();
  }
});

test("a host killed mid-request fails the request, restarts with backoff, and suggestions resume", async () => {
  const { c, statuses } = client();
  try {
    await c.ensureReady();
    const pid = c.pid!;
    const inflight = c.request("suggest", { text: "The jury said ".repeat(20), offset: 0, options: { ...SUGGEST, words: 8, useCache: false } });
    process.kill(pid, "SIGKILL");
    await assert.rejects(inflight, (e: HostError) => e.code === "crashed");
    await waitFor(() => c.currentStatus.state === "ready");
    assert.ok(statuses.some((s) => s.state === "restarting"));
    assert.notEqual(c.pid, pid, "a new process");
    const r = await c.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    assert.ok(r.text.length > 0);
  } finally {
    c.dispose();
  }
});

test("a host that stops answering times out, is killed and restarted", async () => {
  const { c } = client(MODEL_DIR, { requestTimeoutMs: 500, hostScript: HANGING_HOST, execArgv: ["--import", "tsx"] });
  try {
    await c.ensureReady();
    const pid = c.pid!;
    await assert.rejects(c.requestAny("hang", {}), (e: HostError) => e.code === "timeout");
    await waitFor(() => c.currentStatus.state === "ready" && c.pid !== pid);
    const r = await c.request("suggest", { text: "She opened the door and", offset: 0, options: SUGGEST });
    assert.ok(r.text.length > 0);
  } finally {
    c.dispose();
  }
});

test("after repeated failures it stops retrying and says so", async () => {
  const { c, statuses } = client(MODEL_DIR, { maxRestarts: 2, backoffMs: 10 });
  try {
    for (let i = 0; i < 3; i++) {
      await c.ensureReady();
      const seen = statuses.length;
      process.kill(c.pid!, "SIGKILL");
      await waitFor(() => statuses.slice(seen).some((s) => s.state === "restarting" || s.state === "failed"));
      if (c.currentStatus.state === "failed") break;
    }
    await waitFor(() => c.currentStatus.state === "failed");
    await assert.rejects(c.request("suggest", { text: "x", offset: 0, options: SUGGEST }), (e: HostError) => e.code === "stopped");
    assert.match((statuses.at(-1) as { message: string }).message, /failed 3 times/);
    c.restart();
    const r = await c.request("suggest", { text: "The jury said", offset: 0, options: SUGGEST });
    assert.ok(r.text.length > 0, "a restart command brings it back");
  } finally {
    c.dispose();
  }
});

test("a broken model gives one clear error naming the file, and a corrected path recovers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lmlens-broken-"));
  cpSync(MODEL_DIR, dir, { recursive: true });
  writeFileSync(join(dir, "tokenizer.json"), "{ not json");
  const { c, statuses } = client(dir);
  try {
    await assert.rejects(c.request("suggest", { text: "x", offset: 0, options: SUGGEST }), (e: HostError) => e.code === "model" && e.file === join(dir, "tokenizer.json"));
    const err = statuses.at(-1) as { state: string; message: string };
    assert.equal(err.state, "error");
    assert.match(err.message, /tokenizer\.json: not valid JSON/);
    c.setModel(MODEL_DIR);
    const r = await c.request("suggest", { text: "The jury said", offset: 0, options: SUGGEST });
    assert.ok(r.text.length > 0);
  } finally {
    c.dispose();
  }
});

test("lmLens.quantizedWeights: the host loads 8-bit weights by default, and a changed setting loads the model again", async () => {
  const { c, statuses } = client();
  try {
    const on = await c.ensureReady();
    assert.deepEqual(on.quantized, { matmuls: 17, weights: 5242880 });
    c.setModel(MODEL_DIR, true);
    assert.equal(c.currentStatus.state, "ready", "the same setting changes nothing");
    c.setModel(MODEL_DIR, false);
    const off = await c.ensureReady();
    assert.equal(off.quantized, undefined, "float32 weights only");
    assert.deepEqual(statuses.map((s) => s.state), ["loading", "ready", "idle", "loading", "ready"]);
    const r = await c.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    assert.ok(r.text.startsWith(" "));
  } finally {
    c.dispose();
  }
});
