// Hostile model folders, requests and command lines: each ends in bounded time and memory with one
// clear line that names the file and the field (or the flag), or with a result; never a stack trace,
// never a silent empty answer, and nothing is changed.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/modelHost/engine";
import { ModelFolderError } from "../../src/modelHost/modelFolder";
import { resolveModelPath } from "../../src/ui/modelPath";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { HostError } from "../../src/shared/hostProtocol";
import { MODEL_DIR, ROOT, SUGGEST } from "../unit/helpers";
import { onnx } from "onnx-proto";

const CLI = join(ROOT, "dist", "cli.js");
/** a freeze, not a figure */
const BOUND_MS = 30000;
/** a case that allocates by a hostile number (2,000,000,000 ids) runs out of this at once */
const HEAP_MB = 512;

const tmp: string[] = [];
after(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "lmlens-hostile-"));
  tmp.push(dir);
  cpSync(MODEL_DIR, dir, { recursive: true });
  chmodSync(dir, 0o755);
  return dir;
}
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;
function editJson(dir: string, file: string, edit: (j: Record<string, unknown>) => void): void {
  const j = readJson(join(dir, file));
  edit(j);
  writeFileSync(join(dir, file), JSON.stringify(j));
}
const tok = (j: Record<string, unknown>) => j.model as { vocab: Record<string, number>; merges?: unknown };

/** One float weight of the model (the sixth entry of its largest float initializer) set to `value`, as a damaged file would hold it. */
function setWeight(dir: string, value: number): void {
  const path = join(dir, "onnx", "model.onnx");
  const m = onnx.ModelProto.decode(readFileSync(path));
  const t = [...m.graph!.initializer!].filter((i) => i.dataType === onnx.TensorProto.DataType.FLOAT && i.rawData?.length).sort((a, b) => b.rawData!.length - a.rawData!.length)[0];
  const raw = Buffer.from(t.rawData!);
  raw.writeFloatLE(value, 5 * 4);
  t.rawData = raw;
  writeFileSync(path, onnx.ModelProto.encode(m).finish());
}

/** The CLI with a bounded heap and time; the result, with what a user would see. */
function cli(args: string[], input?: string, opts: { asNobody?: boolean } = {}) {
  const node = [`--max-old-space-size=${HEAP_MB}`, CLI, ...args];
  const [cmd, argv] = opts.asNobody && process.getuid?.() === 0 ? ["setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...node]] : [process.execPath, node];
  const t0 = Date.now();
  const r = spawnSync(cmd, argv, { input, encoding: "utf8", timeout: BOUND_MS, maxBuffer: 1 << 26 });
  return { ...r, ms: Date.now() - t0 };
}

/** One clear line on stderr that names `names` (each a string that must appear), exit 1 or 2, no stack. */
function assertOneLine(r: ReturnType<typeof cli>, names: (string | RegExp)[]): void {
  assert.notEqual(r.signal, "SIGTERM", `finished within ${BOUND_MS} ms`);
  assert.ok(r.status === 1 || r.status === 2, `exit ${r.status} (${r.signal ?? ""}): ${r.stderr}`);
  const first = r.stderr.split("\n")[0];
  for (const n of names) assert.ok(typeof n === "string" ? first.includes(n) : n.test(first), `stderr names ${n}: ${first}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.equal(r.stdout, "", "no output beside the error");
}

// ---------------------------------------------------------------- model folders

interface FolderCase {
  name: string;
  breakIt: (dir: string) => void;
  /** file of the folder the message names */
  file: string;
  /** the field or what is wrong */
  says: RegExp;
}

const FOLDERS: FolderCase[] = [
  { name: "a tokenizer.json with one token id of 2,000,000,000", file: "tokenizer.json", says: /token id 2000000000 is beyond the model's vocab_size 8192/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => (tok(j).vocab["zzzzhostile"] = 2_000_000_000)) },
  { name: "an added token with id 2,000,000,000", file: "tokenizer.json", says: /token id 2000000000 is beyond/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => (j.added_tokens as unknown[]).push({ id: 2_000_000_000, content: "<x>", special: true })) },
  { name: "config.json with n_layer 1e9", file: "config.json", says: /"n_layer" is 1000000000, outside 1 to 512/,
    breakIt: (d) => writeFileSync(join(d, "config.json"), readFileSync(join(d, "config.json"), "utf8").replace(/"n_layer":\s*\d+/, '"n_layer": 1e9')) },
  { name: "config.json with vocab_size larger than the model's logits", file: "config.json", says: /vocab_size is 9000, but .* gives 8192 logits/,
    breakIt: (d) => editJson(d, "config.json", (j) => (j.vocab_size = 9000)) },
  { name: "a folder named config.json", file: "config.json", says: /is a folder, not a file/,
    breakIt: (d) => {
      rmSync(join(d, "config.json"));
      mkdirSync(join(d, "config.json"));
    } },
  { name: "a FIFO as config.json", file: "config.json", says: /not a regular file/,
    breakIt: (d) => {
      rmSync(join(d, "config.json"));
      execFileSync("mkfifo", [join(d, "config.json")]);
    } },
  { name: "a vocabulary given as an array", file: "tokenizer.json", says: /model\.vocab must be an object from token to id \(it is an array\)/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => (tok(j).vocab = Object.keys(tok(j).vocab) as unknown as Record<string, number>)) },
  { name: 'an added-token id "x"', file: "tokenizer.json", says: /added_tokens\[0\]\.id must be a non-negative integer \(it is "x"\)/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => ((j.added_tokens as { id: unknown }[])[0].id = "x")) },
  { name: "a tokenizer without merges", file: "tokenizer.json", says: /model\.merges is missing/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => delete tok(j).merges) },
  { name: "a negative token id", file: "tokenizer.json", says: /model\.vocab\["the"\] must be a non-negative integer id \(it is -5\)/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => (tok(j).vocab["the"] = -5)) },
  { name: "a tokenizer_config.json that is not an object", file: "tokenizer_config.json", says: /tokenizer_config\.json: not a JSON object/,
    breakIt: (d) => writeFileSync(join(d, "tokenizer_config.json"), "[1, 2]") },
  { name: "a tokenizer_config.json that does not parse", file: "tokenizer_config.json", says: /tokenizer_config\.json: not valid JSON/,
    breakIt: (d) => writeFileSync(join(d, "tokenizer_config.json"), '{"model_max_length": ') },
  { name: "config.json with n_head that disagrees with the graph", file: "config.json", says: /n_head 8, n_embd 256 or n_layer 4 do not fit|n_head 8 and n_embd 256 say keys/,
    breakIt: (d) => editJson(d, "config.json", (j) => (j.n_head = 8)) },
  { name: "config.json with n_embd that disagrees with the graph", file: "config.json", says: /n_embd 512 or n_layer 4 do not fit|n_embd 512 say keys|n_embd is 512/,
    breakIt: (d) => editJson(d, "config.json", (j) => (j.n_embd = 512)) },
  { name: "config.json with n_positions larger than the graph supports", file: "config.json", says: /n_positions is 1024, but .* runs only up to position 511 \(n_positions 512\)/,
    breakIt: (d) => editJson(d, "config.json", (j) => (j.n_positions = 1024)) },
  { name: "config.json with a fractional n_head", file: "config.json", says: /"n_head" must be an integer \(it is 4.5\)/,
    breakIt: (d) => editJson(d, "config.json", (j) => (j.n_head = 4.5)) },
  { name: "words.txt as a symlink to /dev/zero", file: "words.txt", says: /words\.txt: not a regular file/,
    breakIt: (d) => {
      rmSync(join(d, "words.txt"));
      symlinkSync("/dev/zero", join(d, "words.txt"));
    } },
  { name: "a FIFO as words.txt", file: "words.txt", says: /words\.txt: not a regular file/,
    breakIt: (d) => {
      rmSync(join(d, "words.txt"));
      execFileSync("mkfifo", [join(d, "words.txt")]);
    } },
  { name: "a folder named words.txt", file: "words.txt", says: /words\.txt: is a folder, not a file/,
    breakIt: (d) => {
      rmSync(join(d, "words.txt"));
      mkdirSync(join(d, "words.txt"));
    } },
  { name: "words.txt with 200 words of 16,000 letters", file: "words.txt", says: /words\.txt: line 1: a word of 16000 characters, "a{20}"… \(16000 characters\) \(at most 64\)/,
    breakIt: (d) => writeFileSync(join(d, "words.txt"), Array.from({ length: 200 }, (_, i) => `${"a".repeat(15999)}${String.fromCharCode(97 + (i % 26))}\t5\t0.5`).join("\n")) },
  { name: "words.txt with 10 million lines", file: "words.txt", says: /words\.txt: more than 2000000 lines/,
    breakIt: (d) => writeFileSync(join(d, "words.txt"), "w\t1\t1\n".repeat(10_000_000)) },
  { name: "an empty words.txt", file: "words.txt", says: /words\.txt: no words/,
    breakIt: (d) => writeFileSync(join(d, "words.txt"), "\n\n") },
  { name: "config.json with a bos_token_id past the vocabulary", file: "config.json", says: /"bos_token_id" is 9000, outside 0 to 8191/,
    breakIt: (d) => editJson(d, "config.json", (j) => (j.bos_token_id = 9000)) },
  { name: "a tokenizer with an empty vocabulary", file: "tokenizer.json", says: /model\.vocab is empty/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => {
      tok(j).vocab = {};
      tok(j).merges = [];
    }) },
  { name: "model.onnx with a NaN weight", file: "onnx/model.onnx", says: /the weight .+\[5\] is NaN \(NaN or infinite weights: the file is damaged\)/,
    breakIt: (d) => setWeight(d, NaN) },
  { name: "model.onnx with an infinite weight", file: "onnx/model.onnx", says: /the weight .+\[5\] is Infinity/,
    breakIt: (d) => setWeight(d, Infinity) },
  { name: "model.onnx with a weight of 1e30 (a flipped exponent bit: finite, but no trained weight)", file: "onnx/model.onnx", says: /the weight model\.wte\.weight\[5\] is 1\.0000000150474662e\+30 beyond ±1000000 \(a flipped bit\? the file is damaged\)/,
    breakIt: (d) => setWeight(d, 1e30) },
  { name: "a tokenizer normalizer regex (a+)+$ that backtracks for exponential time", file: "tokenizer.json", says: /normalizer\.pattern\.Regex "\(a\+\)\+\$" repeats a repeated group/,
    breakIt: (d) => editJson(d, "tokenizer.json", (j) => (j.normalizer = { type: "Replace", pattern: { Regex: "(a+)+$" }, content: "b" })) },
  { name: "config.json with n_positions 0", file: "config.json", says: /"n_positions" is 0, outside 1 to/,
    breakIt: (d) => editJson(d, "config.json", (j) => (j.n_positions = 0)) },
];

for (const c of FOLDERS) {
  test(`model folder: ${c.name}: one line naming ${c.file}, in bounded time and memory`, async () => {
    const dir = copy();
    c.breakIt(dir);
    const path = join(dir, c.file);
    // the CLI: a bounded heap, a bounded time, one line
    const r = cli(["predict", "--model", dir, "the hair was still"]);
    assertOneLine(r, [path, c.says]);
    // the engine (the model host's path): a ModelFolderError naming the same file
    if (c.name.startsWith("a FIFO")) return; // read once above: a second open would block a test thread only if the check failed
    try {
      const e = await Engine.load(dir, { threads: 1 });
      await e.dispose();
      assert.fail("the broken folder loaded");
    } catch (e) {
      assert.ok(e instanceof ModelFolderError, `${(e as Error).constructor.name}: ${(e as Error).message}`);
      assert.equal(e.file, path);
      assert.ok(!e.message.includes("\n"), "one line");
    }
  });
}

test("model folder: a UTF-8 byte-order mark in config.json and tokenizer.json is accepted", () => {
  const dir = copy();
  for (const f of ["config.json", "tokenizer.json"]) writeFileSync(join(dir, f), "\ufeff" + readFileSync(join(dir, f), "utf8"));
  const r = cli(["predict", "--json", "--model", dir, "the hair was still"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok((JSON.parse(r.stdout) as { words: unknown[] }).words.length > 0);
});

test("model folder: an unreadable folder says permission denied, not file not found", () => {
  const dir = copy();
  chmodSync(dir, 0o000);
  try {
    const r = cli(["predict", "--model", dir, "the hair was still"], undefined, { asNobody: true });
    assertOneLine(r, [dir, /permission denied/]);
    assert.doesNotMatch(r.stderr, /not found/);
  } finally {
    chmodSync(dir, 0o755);
  }
});

test("model folder: nothing in the folder is changed by a failed load", () => {
  const dir = copy();
  editJson(dir, "config.json", (j) => (j.n_positions = 1024));
  const before = readFileSync(join(dir, "config.json"), "utf8") + readFileSync(join(dir, "onnx", "model.onnx")).length;
  cli(["predict", "--model", dir, "x"]);
  assert.equal(readFileSync(join(dir, "config.json"), "utf8") + readFileSync(join(dir, "onnx", "model.onnx")).length, before);
});

// ---------------------------------------------------------------- the model host's requests

const host = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1, requestTimeoutMs: 10000 });
after(() => host.dispose());

const BAD_REQUESTS: [string, string, unknown, RegExp][] = [
  ["suggest with k 1e6", "suggest", { text: "the hair was", offset: 0, options: { ...SUGGEST, k: 1e6 } }, /suggest: options\.k: expected <=50, got 1000000/],
  ["suggest with topK 1e6", "suggest", { text: "the hair was", offset: 0, options: { ...SUGGEST, topK: 1e6 } }, /options\.topK: expected <=20/],
  ["suggest with 1e9 words", "suggest", { text: "the hair was", offset: 0, options: { ...SUGGEST, words: 1e9 } }, /options\.words: expected <=8/],
  ["suggest with a text that is a number", "suggest", { text: 5, offset: 0, options: SUGGEST }, /suggest: text: expected string, got 5/],
  ["suggest without options", "suggest", { text: "x", offset: 0 }, /suggest: options is missing/],
  ["suggest with a negative offset", "suggest", { text: "x", offset: -1, options: SUGGEST }, /offset: expected >=0/],
  ["suggest with a NaN temperature", "suggest", { text: "x", offset: 0, options: { ...SUGGEST, temperature: NaN } }, /options\.temperature/],
  ["neighbours with k 1e9", "neighbours", { query: "red", mode: "static", layer: 0, metric: "cosine", k: 1e9 }, /neighbours: k: expected <=50, got 1000000000/],
  ["neighbours with mode 'all'", "neighbours", { query: "red", mode: "all", layer: 0, metric: "cosine", k: 5 }, /neighbours: mode: expected \("pooled" \| "static" \| "contextual"\)/],
  ["attention with maxTokens 1e9", "attention", { text: "the hair", maxTokens: 1e9 }, /attention: maxTokens: expected <=512/],
  ["attentionDetails with a string id", "attentionDetails", { detailsId: "1" }, /detailsId: expected number/],
  ["neighbourIndex with an endless budget", "neighbourIndex", { budgetMs: Infinity }, /budgetMs: expected <=60000/],
  ["the test-only method hang", "hang", {}, /unknown method "hang"/],
  ["a method that does not exist", "rm -rf", {}, /unknown method "rm -rf"/],
  ["params that are not an object", "suggest", "the hair", /suggest: params: expected Object/],
  ["memorySync with capacity 1e9", "memorySync", { doc: "file:///a.txt", offset: 0, text: "the hair", capacity: 1e9 }, /memorySync: capacity: expected <=16384, got 1000000000/],
  ["memorySync without a document key", "memorySync", { offset: 0, text: "the hair", capacity: 4096 }, /memorySync: doc is missing/],
  ["memorySync with an empty document key", "memorySync", { doc: "", offset: 0, text: "x", capacity: 4096 }, /memorySync: doc: expected >=1/],
  ["memorySync with a fractional offset", "memorySync", { doc: "d", offset: 0.5, text: "x", capacity: 4096 }, /memorySync: offset/],
  ["memoryClose with a number for its document", "memoryClose", { doc: 7 }, /memoryClose: doc: expected string, got 7/],
  ["suggest with a document key of 5,000 characters", "suggest", { text: "x", offset: 0, options: SUGGEST, doc: "d".repeat(5000) }, /suggest: doc: expected <=4096/],
];

for (const [name, method, params, says] of BAD_REQUESTS) {
  test(`model host: ${name} is answered at once with an input error, and the host keeps serving`, async () => {
    await host.ensureReady();
    const pid = host.pid;
    const t0 = Date.now();
    await assert.rejects(host.requestAny(method, params), (e: HostError) => {
      assert.equal(e.code, "input", e.message);
      assert.match(e.message, says);
      return true;
    });
    assert.ok(Date.now() - t0 < 2000, `answered in ${Date.now() - t0} ms, not at the timeout`);
    const r = await host.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    assert.ok(r.text.length > 0);
    assert.equal(host.pid, pid, "the same host");
  });
}

test("model host: a long queue of healthy work never times out, and the busy host is not killed (timeouts count from the start of a request)", async () => {
  const timeoutMs = 400;
  const c = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1, requestTimeoutMs: timeoutMs });
  try {
    await c.ensureReady();
    const pid = c.pid;
    const t0 = Date.now();
    const words = ["red", "house", "water", "king", "blue", "river", "night", "table"];
    const all = await Promise.allSettled(Array.from({ length: 1500 }, (_, i) => c.request("neighbours", { query: words[i % words.length], mode: "static", layer: 0, metric: "cosine", k: 10 })));
    const ms = Date.now() - t0;
    const failed = all.filter((r) => r.status === "rejected").map((r) => ((r as PromiseRejectedResult).reason as Error).message);
    assert.ok(ms > 2 * timeoutMs, `the queue took ${ms} ms, longer than the timeout, so a timeout counted from sending would have fired`);
    assert.deepEqual(failed.slice(0, 3), [], `${failed.length} of 1500 failed`);
    assert.equal(c.pid, pid, "the host was not killed");
  } finally {
    c.dispose();
  }
});

// ---------------------------------------------------------------- settings and the command line

test("lmLens.modelPath: a relative path is taken from the home folder, never from the workspace", () => {
  assert.equal(resolveModelPath("models/evil", "/ext/models/lm-lens-5m", "/home/ann"), join("/home/ann", "models/evil"));
  assert.equal(resolveModelPath("./x", "/ext/m", "/home/ann"), join("/home/ann", "x"));
  assert.equal(resolveModelPath("~/gpt2", "/ext/m", "/home/ann"), join("/home/ann", "gpt2"));
  assert.equal(resolveModelPath("/opt/gpt2", "/ext/m", "/home/ann"), "/opt/gpt2");
  assert.equal(resolveModelPath("", "/ext/m", "/home/ann"), "/ext/m");
});

const CLI_CASES: [string, string[], (string | RegExp)[]][] = [
  ["--top 0x10", ["predict", "--top", "0x10", "the hair"], ["--top must be an integer from 1 to 50", '"0x10"']],
  ["--top 1e1", ["predict", "--top", "1e1", "the hair"], ["--top must be an integer"]],
  ["--top ' 7'", ["predict", "--top", " 7", "the hair"], ["--top must be an integer"]],
  ["--k on predict", ["predict", "--k", "5", "the hair"], ["--k does not apply to predict"]],
  ["--top on attention", ["attention", "--top", "5", "the hair"], ["--top does not apply to attention"]],
  ["--exact on neighbours", ["neighbours", "--exact", "red"], ["--exact does not apply to neighbours"]],
  ["an unknown flag", ["predict", "--temperature", "2", "x"], [/Unknown option '--temperature'/]],
  ["an unknown command", ["summarise", "x"], ['unknown command "summarise"']],
  ["--max-tokens 0", ["attention", "--max-tokens", "0", "x"], ["--max-tokens must be an integer from 1 to 512"]],
  ["--metric manhattan", ["neighbours", "--metric", "manhattan", "red"], ["--metric must be cosine or euclidean"]],
  ["--no-memory on neighbours", ["neighbours", "--no-memory", "red"], ["--no-memory does not apply to neighbours"]],
  ["score --window 1e3", ["score", "--window", "1e3", "README.md"], ["--window must be an integer"]],
  ["score --stride larger than the window", ["score", "--window", "64", "--stride", "65", "README.md"], ["--stride must be an integer from 1 to 64"]],
  ["score --max-tokens -5", ["score", "--max-tokens", "-5", "README.md"], [/--max-tokens|Unknown option|argument/]],
  ["score of a file that does not exist", ["score", "/nonexistent/file.txt"], ["/nonexistent/file.txt: no such file"]],
];
for (const [name, args, names] of CLI_CASES) {
  test(`CLI: ${name}: one usage line, exit 2`, () => {
    const r = cli(args);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(names.every((n) => (typeof n === "string" ? r.stderr.split("\n")[0].includes(n) : n.test(r.stderr.split("\n")[0]))), r.stderr.split("\n")[0]);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

// what the user sees is one short line that names the file or flag, with control characters escaped
const CLI_LINES: [string, string[], (string | RegExp)[]][] = [
  ['attention ""', ["attention", ""], ["attention: TEXT is empty"]],
  ["score /proc/self/mem", ["score", "/proc/self/mem"], ["/proc/self/mem: cannot be read (EIO)"]],
  ["score of a path with a newline and an escape sequence", ["score", "/nonexistent/a\nb\u001b[31m\u202e.txt"], ["/nonexistent/a\\nb\\x1b[31m\\u202e.txt: no such file"]],
  ["--top with a 100,000-character value", ["predict", "--top", "7".repeat(100000), "x"], ["--top must be an integer from 1 to 50", /… \(\d+ characters\)/]],
];
for (const [name, args, names] of CLI_LINES) {
  test(`CLI: ${name}: one short escaped line naming it, exit 2`, () => {
    const r = cli(args);
    assert.equal(r.status, 2, r.stderr.slice(0, 500));
    const first = r.stderr.split("\n")[0];
    for (const n of names) assert.ok(typeof n === "string" ? first.includes(n) : n.test(first), `stderr names ${n}: ${first.slice(0, 500)}`);
    assert.ok(first.length <= 500, `${first.length} characters`);
    assert.ok(![...r.stderr].some((c) => (c < " " && c !== "\n") || c === "\u202e"), "no raw control characters");
    assert.doesNotMatch(r.stderr, /\n\s+at |Cannot read properties/);
  });
}

test("CLI: predict and attention with a 100,000-character argument exit 0 with a result", () => {
  const long = "the hair was still red and the night was long. ".repeat(2100).slice(0, 100000);
  const p = cli(["predict", "--json", long]);
  assert.equal(p.status, 0, `exit ${p.status} ${p.signal ?? ""} ${p.stderr}`);
  assert.ok((JSON.parse(p.stdout) as { words: unknown[] }).words.length > 0);
  const a = cli(["attention", "--json", long]);
  assert.equal(a.status, 0, `exit ${a.status} ${a.signal ?? ""} ${a.stderr}`);
  const j = JSON.parse(a.stdout) as { tokens: unknown[]; truncated: boolean };
  assert.ok(j.tokens.length > 0 && j.truncated);
});

test("CLI: a stdin line over 512 MB is skipped with one line, in bounded memory, and the next line is answered", async () => {
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, "predict"], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const done = new Promise<number | null>((r) => child.on("close", r));
  const MB = Buffer.alloc(1 << 20, 0x61);
  const write = (b: Buffer | string) => new Promise<void>((r) => (child.stdin.write(b) ? r() : child.stdin.once("drain", () => r())));
  await write('{"context": "');
  for (let i = 0; i < 600; i++) await write(MB);
  await write('"}\n{"context": "the hair was still"}\n');
  child.stdin.end();
  const status = await done;
  assert.equal(status, 1, `a skipped line makes the exit code 1: ${stderr}`);
  const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as { error?: string; words?: unknown[] });
  assert.equal(lines.length, 2);
  assert.match(lines[0].error ?? "", /line 1: longer than 64 MiB; skipped/);
  assert.ok((lines[1].words ?? []).length > 0, "the next line is answered");
  assert.equal(stderr.trim().split("\n").length, 1, stderr);
  assert.doesNotMatch(stderr, /RangeError|\n\s+at /);
});

test("CLI: attention - with more than 64 MiB on stdin says so in one line", () => {
  const r = cli(["attention", "-"], "a".repeat(65 * 1024 * 1024));
  assertOneLine(r, ["stdin: more than 64 MiB"]);
});
