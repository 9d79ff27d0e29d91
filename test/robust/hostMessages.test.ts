// Raw messages to a real model host (dist/modelHost.js, forked as the extension forks it, with the
// "advanced" serialization that carries BigInts, cycles and sparse arrays): whatever arrives, the host
// answers a request it can name with one short input error, leaks nothing for notices about nothing, and
// keeps giving the same suggestion for the same text.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { MODEL_DIR, ROOT, SUGGEST } from "../unit/helpers";
import { ORT_ENV } from "../../src/shared/ortEnv";

type Reply = { messageId: number; inReplyTo?: number; body?: { ok: boolean; result?: { text: string }; error?: { code: string; message: string } } };

let child: ChildProcess;
const replies = new Map<number, (r: Reply) => void>();
let nextId = 1;
let stderr = "";

function request(body: unknown, id = nextId++): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to request ${id} within 30 s`)), 30000);
    replies.set(id, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    child.send({ messageId: id, body });
  });
}

/** The host's resident memory, in MB (Linux). */
async function rssMb(): Promise<number> {
  const { readFileSync } = await import("node:fs");
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

const suggest = (text: string) => request({ method: "suggest", params: { text, offset: 0, options: SUGGEST } });
let baseline = "";

before(async () => {
  child = fork(join(ROOT, "dist", "modelHost.js"), [], { serialization: "advanced", stdio: ["ignore", "pipe", "pipe", "ipc"], env: { ...process.env, ...ORT_ENV } });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.on("message", (m: Reply) => {
    if (m.inReplyTo === undefined) return;
    replies.get(m.inReplyTo)?.(m);
    replies.delete(m.inReplyTo);
  });
  const load = await request({ method: "load", params: { modelPath: MODEL_DIR, threads: 1, quantize: true } });
  assert.equal(load.body?.ok, true, JSON.stringify(load.body?.error));
  baseline = (await suggest("the hair was still")).body!.result!.text;
  assert.ok(baseline.length > 0);
});
after(() => child.kill());

async function assertStillServes(pid: number | undefined): Promise<void> {
  assert.equal(child.exitCode, null, `the host is alive (stderr: ${stderr.slice(-400)})`);
  assert.equal(child.pid, pid);
  const r = await suggest("the hair was still");
  assert.equal(r.body?.ok, true);
  assert.equal(r.body?.result?.text, baseline, "the same suggestion for the same text");
}

const cyclic: Record<string, unknown> = { text: "the hair", options: SUGGEST };
cyclic.offset = cyclic;

const MALFORMED: [string, unknown, RegExp][] = [
  ["an offset that is a BigInt", { method: "suggest", params: { text: "the hair", offset: 5n, options: SUGGEST } }, /suggest: offset: expected number, got the BigInt 5n/],
  ["an offset that refers to its own params", { method: "suggest", params: cyclic }, /suggest: offset: expected number, got an object/],
  ["knownWords as a sparse array of 10^9 entries", { method: "suggest", params: { text: "the hair", offset: 0, options: { ...SUGGEST, knownWords: new Array(1e9) } } }, /suggest: options\.knownWords\.0 is missing|suggest: options\.knownWords(\.0)?: expected/],
  ["params as a sparse array of 10^9 entries", { method: "memoryInfo", params: new Array(1e9) }, /memoryInfo: params: expected Object, got an array of 1000000000 entries/],
  ["a method name of 100,000 characters", { method: "m".repeat(100000), params: {} }, /unknown method "m{40}"… \(100000 characters\)/],
  ["a text that is a BigInt", { method: "attention", params: { text: 10n ** 400n, maxTokens: 8 } }, /attention: text: expected string, got the BigInt \d{60}n/],
];

for (const [name, body, says] of MALFORMED) {
  test(`model host: a request with ${name} is refused in one short line, and the host serves on`, async () => {
    const pid = child.pid;
    const t0 = Date.now();
    const r = await request(body);
    assert.ok(Date.now() - t0 < 5000, `answered in ${Date.now() - t0} ms`);
    assert.equal(r.body?.ok, false);
    assert.equal(r.body?.error?.code, "input");
    const message = r.body?.error?.message ?? "";
    assert.match(message, says);
    assert.ok(message.length <= 500 && !message.includes("\n"), `one short line: ${message.length} characters`);
    await assertStillServes(pid);
  });
}

test("model host: 1,000,000 cancel notices for requests never sent are kept nowhere, and a later request with such an id is answered", async () => {
  const pid = child.pid;
  const before = await rssMb();
  const first = nextId + 10;
  const N = 1_000_000;
  // in batches, so that the pipe drains as it would from a real client
  for (let i = 0; i < N; i += 10000) {
    await new Promise<void>((resolve) => {
      for (let j = i; j < i + 10000; j++) child.send({ messageId: first + N + j, cancel: first + j });
      child.send({ messageId: first + 2 * N + i, cancel: first + i }, () => resolve());
    });
  }
  // a request under an id that was "cancelled" before it was sent is served, not refused as cancelled
  nextId = first + 3 * N;
  const r = await request({ method: "suggest", params: { text: "the hair was still", offset: 0, options: SUGGEST } }, first + 7);
  assert.equal(r.body?.ok, true, JSON.stringify(r.body?.error));
  assert.equal(r.body?.result?.text, baseline);
  const grown = (await rssMb()) - before;
  assert.ok(grown < 20, `the host grew by ${grown.toFixed(1)} MB over 1,000,000 notices`);
  await assertStillServes(pid);
});

test("model host: messages that are not requests (null, a string, a BigInt id, a cycle, a sparse array) are ignored, and the host serves on", async () => {
  const pid = child.pid;
  const self: Record<string, unknown> = {};
  self.messageId = self;
  for (const m of [null as unknown as string, "suggest", { messageId: 7n }, self, { messageId: 1n, body: {} }, new Array(1e9)]) child.send(m);
  await assertStillServes(pid);
});
