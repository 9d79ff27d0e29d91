// LM Lens never uses the network: every feature runs with sockets, DNS, HTTP and fetch refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { MODEL_DIR, ROOT, SUGGEST } from "./helpers";

const PRELOAD = join(ROOT, "test", "fixtures", "no-network.cjs");
const env = { ...process.env, NODE_OPTIONS: `--require ${PRELOAD}` };

test("the CLI's predict, attention and neighbours open no socket", () => {
  for (const args of [["predict", "--json", "the hair was still"], ["attention", "--json", "the hair was still red"], ["neighbours", "--json", "red"]]) {
    const r = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), ...args, "--model", MODEL_DIR], { encoding: "utf8", env, timeout: 60000 });
    assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /NETWORK ATTEMPT/);
    assert.ok(JSON.parse(r.stdout));
  }
});

test("the model host serves suggestions, attention and neighbours with the network refused", async () => {
  let stderr = "";
  const client = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1, env, log: (l) => (stderr += l + "\n") });
  try {
    const s = await client.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    assert.ok(s.text.length > 0);
    const a = await client.request("attention", { text: "the hair was still red", maxTokens: 64 });
    assert.ok(a.tokens.length > 0);
    const n = await client.request("neighbours", { query: "red", mode: "static", layer: 0, metric: "cosine", k: 5 });
    assert.equal(n.neighbours.length, 5);
    assert.doesNotMatch(stderr, /NETWORK ATTEMPT/);
  } finally {
    client.dispose();
  }
});

// ---- native code too: onnxruntime's own threads, seen by the kernel (strace), not only by JavaScript

const TELEMETRY_DIR = join(".cache", "Microsoft", "DeveloperTools", ".onnxruntime");
/** onnxruntime's telemetry acts about 9 s after a session is created; the host must outlive that */
const ALIVE_MS = 11000;
const haveStrace = spawnSync("strace", ["-V"], { encoding: "utf8" }).status === 0;

/** Run a command under strace (network calls of every thread and child) with a HOME of its own. */
function traced(args: string[], envIn: NodeJS.ProcessEnv = process.env, input?: string) {
  const home = mkdtempSync(join(tmpdir(), "lmlens-home-"));
  // as on a user's machine: onnxruntime leaves its telemetry off where CI is set, which would hide it here
  const env = { ...envIn };
  for (const k of ["CI", "CONTINUOUS_INTEGRATION", "GITHUB_ACTIONS", "TF_BUILD", "BUILD_NUMBER", "RUN_ID"]) delete env[k];
  const log = join(home, "..", `${home.split("/").pop()}.strace`);
  const p = spawn("strace", ["-f", "-qq", "-e", "trace=network", "-o", log, process.execPath, ...args], { env: { ...env, HOME: home }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d: Buffer) => (stdout += d));
  p.stderr.on("data", (d: Buffer) => (stderr += d));
  p.stdin.end(input ?? "");
  return new Promise<{ status: number | null; stdout: string; stderr: string; calls: string[]; network: string[]; telemetryFiles: string[] }>((resolve) => {
    p.on("close", (status) => {
      const calls = readFileSync(log, "utf8").split("\n").filter(Boolean);
      // the host's IPC is a Unix socket pair; anything else (an Internet socket, a netlink socket, an
      // address to send to) is the network
      const network = calls.filter((l) => /\bsocket\((?!AF_UNIX)|sa_family=(?!AF_UNIX)|AF_INET|AF_NETLINK|AF_PACKET/.test(l));
      const dir = join(home, TELEMETRY_DIR);
      const telemetryFiles = existsSync(dir) ? readdirSync(dir) : [];
      rmSync(home, { recursive: true, force: true });
      rmSync(log, { force: true });
      resolve({ status, stdout, stderr, calls, network, telemetryFiles });
    });
  });
}

test("no network system call and no telemetry file from the model host, the CLI and onnxruntime's native threads (strace)", { skip: !haveStrace && !process.env.CI && "strace is not installed (CI installs it)", timeout: 120000 }, async (t) => {
  const ortDir = join(ROOT, "node_modules", "onnxruntime-node");
  const onnx = join(MODEL_DIR, "onnx", "model.onnx");
  const [host, control] = await Promise.all([
    traced(["--import", "tsx", join(ROOT, "test", "fixtures", "hostSession.ts"), ROOT, MODEL_DIR, String(ALIVE_MS)]),
    // the same check on onnxruntime without the variable: the detector must see its telemetry
    traced([join(ROOT, "test", "fixtures", "ortTelemetryOn.cjs"), ortDir, onnx, String(ALIVE_MS)], (({ ORT_DISABLE_TELEMETRY: _, ...rest }) => rest)(process.env)),
  ]);
  assert.equal(host.status, 0, host.stderr);
  const served = JSON.parse(host.stdout) as { suggestion: string; tokens: number; neighbours: number; again: string };
  assert.ok(served.suggestion.length > 0 && served.tokens > 0 && served.neighbours === 5 && served.again.length > 0, host.stdout);
  assert.ok(host.calls.some((l) => /socketpair\(AF_UNIX/.test(l)), "the trace sees the host's IPC socket pair");
  assert.deepEqual(host.network, [], "the model host's processes make no network call");
  assert.deepEqual(host.telemetryFiles, [], "no onnxruntime telemetry file under HOME");
  assert.equal(control.status, 0, control.stderr);
  assert.ok(control.telemetryFiles.length > 0, "without the variable onnxruntime writes its telemetry files (the check can fail)");
  t.diagnostic(`control, onnxruntime without ORT_DISABLE_TELEMETRY: ${control.network.length} network calls, files ${control.telemetryFiles.join(", ")}`);

  // the CLI, with a 100,000-character argument: onnxruntime's telemetry parsed /proc/self/cmdline with a
  // recursive regex and crashed (exit 139) on arguments of about 25,000 characters
  const long = "the hair was still red and the night was long. ".repeat(2100).slice(0, 100000);
  for (const cmd of ["predict", "attention"]) {
    const r = await traced([join(ROOT, "dist", "cli.js"), cmd, "--json", "--model", MODEL_DIR, long]);
    assert.equal(r.status, 0, `${cmd}: exit ${r.status} ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { words?: unknown[]; tokens?: unknown[] };
    assert.ok((out.words ?? out.tokens ?? []).length > 0, `${cmd} gives a result`);
    assert.deepEqual(r.network, [], `${cmd}: no network call`);
    assert.deepEqual(r.telemetryFiles, [], `${cmd}: no telemetry file`);
  }
});
