// Long texts are cut (at a safe boundary) before they are tokenized: only the end the model or the memory
// can use is read, so a 16 MB line, a 16 MiB memorySync or a 24 MB file scored for 100 tokens ends in
// bounded time and memory, and the model host keeps giving the same suggestion for the same text.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { MODEL_DIR, ROOT, SUGGEST } from "../unit/helpers";

const CLI = join(ROOT, "dist", "cli.js");
const BOUND_MS = 30000;
/** the old whole-text tokenization needed 2.2 GB for a 16 MB line; this heap fails at once if it comes back */
const HEAP_MB = 512;
const tmp = mkdtempSync(join(tmpdir(), "lmlens-long-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `mb` megabytes of prose-like words, one line */
function prose(mb: number): string {
  const words = ["the", "hair", "was", "still", "red", "and", "the", "night", "was", "long", "house"];
  const out: string[] = [];
  let n = 0;
  for (let i = 0; n < mb * 1024 * 1024; i = (i * 7 + 3) % words.length) {
    out.push(words[i]);
    n += words[i].length + 1;
  }
  return out.join(" ");
}

function cli(args: string[], input?: string) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, ...args], { input, encoding: "utf8", timeout: BOUND_MS, maxBuffer: 1 << 26 });
  return { ...r, ms: Date.now() - t0 };
}

test("CLI: score --max-tokens 100 of a 24 MB file reads and scores only the start, as the start alone scores", () => {
  const text = prose(24);
  const big = join(tmp, "big.txt");
  const small = join(tmp, "small.txt");
  writeFileSync(big, text);
  writeFileSync(small, text.slice(0, 20000));
  const a = cli(["score", "--json", "--max-tokens", "100", big]);
  assert.equal(a.status, 0, a.stderr);
  const b = cli(["score", "--json", "--max-tokens", "100", small]);
  const line = (s: string) => JSON.parse(s.trim().split("\n")[0]) as { tokens: number; bitsPerByte: number };
  assert.equal(line(a.stdout).tokens, 100);
  assert.deepEqual({ ...line(a.stdout), file: "" }, { ...line(b.stdout), file: "" }, "the same score as the file's start alone");
});

test("CLI: predict of a 16 MB line answers within the bound, in a 512 MB heap", () => {
  const r = cli(["predict", "--json"], JSON.stringify({ context: prose(16) }) + "\n");
  assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ""} ${r.stderr.slice(0, 300)}`);
  assert.ok((JSON.parse(r.stdout) as { words: unknown[] }).words.length > 0);
});

test("CLI: predict of a 16 MB line of one repeated word ends within 30 s and 1.5 GB with the right answer", () => {
  const rssFile = join(tmp, "maxrss");
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--require", join(ROOT, "test", "fixtures", "maxRss.cjs"), CLI, "predict", "--json"], {
    input: JSON.stringify({ context: "word ".repeat(3.2e6) }) + "\n",
    encoding: "utf8",
    timeout: BOUND_MS,
    env: { ...process.env, LM_LENS_MAX_RSS_FILE: rssFile, ORT_DISABLE_TELEMETRY: "1" },
  });
  const ms = Date.now() - t0;
  assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ""} after ${ms} ms: ${r.stderr.slice(0, 300)}`);
  const peak = Number(readFileSync(rssFile, "utf8"));
  console.log(`  ${ms} ms, peak ${(peak / 2 ** 20).toFixed(0)} MiB`);
  assert.ok(peak < 1.5e9, `peak ${peak} bytes`);
  const out = JSON.parse(r.stdout) as { words: { word: string; p: number }[]; ghost: string };
  // what follows a text of one word said over and over is that word, and the memory is sure of it
  assert.equal(out.words[0].word, "word");
  assert.ok(out.words[0].p > 0.3, JSON.stringify(out.words[0]));
  assert.match(out.ghost, /^word( word)*$/);
});

test("model host: a 16 MiB memorySync is answered at once, and the host gives the same suggestion after it", async () => {
  const host = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1, requestTimeoutMs: BOUND_MS });
  try {
    await host.ensureReady();
    const ask = () => host.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    const before = (await ask()).text;
    const text = prose(16);
    const t0 = Date.now();
    const info = await host.request("memorySync", { doc: "file:///long.txt", offset: 0, text, capacity: 4096 });
    const ms = Date.now() - t0;
    assert.ok(ms < 10000, `answered in ${ms} ms`);
    assert.ok(info.tokens <= 4096 + 128, `${info.tokens} tokens held`);
    assert.equal((await ask()).text, before);
  } finally {
    host.dispose();
  }
});
