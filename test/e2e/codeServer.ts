// A real VS Code for the end-to-end tests: code-server 4.100.3 (VS Code 1.100.3) from npm, installed
// once into a cache folder, started on 127.0.0.1 with a fresh user-data dir, a fresh extensions dir
// holding our .vsix, and a fixture workspace; driven by playwright-core with Debian's Chromium.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

export const CODE_SERVER_VERSION = "4.100.3";
export const ROOT = join(__dirname, "..", "..");
const CACHE = process.env.LM_LENS_CACHE ?? join(homedir(), ".cache", "lm-lens");

function log(msg: string): void {
  process.stderr.write(`[e2e] ${msg}\n`);
}

/** The code-server binary, installed into the cache on first use (recipe: ../shared/ENVIRONMENT.md). */
export function ensureCodeServer(): string {
  const dir = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
  const bin = join(dir, "node_modules", ".bin", "code-server");
  if (existsSync(bin) && existsSync(join(dir, ".installed"))) return bin;
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, once)`);
  mkdirSync(dir, { recursive: true });
  // @vscode/ripgrep downloads rg at install time; hand it Debian's binary through its cache instead
  const rgCache = join(tmpdir(), "vscode-ripgrep-cache-1.15.11");
  mkdirSync(rgCache, { recursive: true });
  const rgTar = join(rgCache, "ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz");
  if (!existsSync(rgTar)) {
    const staging = mkdtempSync(join(tmpdir(), "rgpkg-"));
    cpSync("/usr/bin/rg", join(staging, "rg"));
    execFileSync("tar", ["czf", rgTar, "-C", staging, "rg"]);
  }
  // npm 11 runs a dependency's install scripts only when package.json allows them; and the project's
  // .npmrc turns install scripts off (ignore-scripts), which npm hands on to `npm run test:e2e` as
  // npm_config_ignore_scripts: code-server's own install needs them (its native modules)
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "lm-lens-code-server", private: true, allowScripts: { "code-server": true, argon2: true } }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, stdio: "inherit", env: { ...process.env, npm_config_yes: "true", npm_config_unsafe_perm: "true", npm_config_ignore_scripts: "false" } });
  writeFileSync(join(dir, ".installed"), new Date().toISOString());
  return bin;
}

/** The linux-x64 .vsix, packaged unless one newer than dist/extension.js exists. */
export function ensureVsix(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const vsix = join(ROOT, `lm-lens-linux-x64-${pkg.version}.vsix`);
  const built = join(ROOT, "dist", "extension.js");
  if (!existsSync(built)) throw new Error("dist/extension.js is missing: run npm run build");
  const fresh = existsSync(vsix) && statSync(vsix).mtimeMs > statSync(built).mtimeMs && statSync(vsix).mtimeMs > statSync(join(ROOT, "models", "lm-lens-5m", "onnx", "model.onnx")).mtimeMs;
  if (!fresh) execFileSync(process.execPath, [join(ROOT, ".ci", "package.mjs"), "--target", "linux-x64", "--out", vsix], { cwd: ROOT, stdio: "inherit" });
  return vsix;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export interface CodeServer {
  url: string;
  workspace: string;
  userData: string;
  /** code-server's HOME: a fresh folder, so that any file onnxruntime would write there is seen */
  home: string;
  /** whether code-server runs under strace (network and process system calls of every thread) */
  traced: boolean;
  /** onnxruntime's telemetry files under HOME (read before stop() removes the folder) */
  telemetryFiles(): string[];
  /** the model host processes (pid) and every network system call their threads and children made */
  modelHostNetwork(): { hosts: number[]; threads: number; network: string[] };
  stop(): Promise<void>;
  /** every line of the extension host's logs and our output channel */
  logs(): string;
}

export interface StartOptions {
  theme: "light" | "dark";
  settings?: Record<string, unknown>;
}

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const bin = ensureCodeServer();
  const vsix = ensureVsix();
  const base = mkdtempSync(join(tmpdir(), "lmlens-e2e-"));
  const userData = join(base, "user-data");
  const extDir = join(base, "extensions");
  const workspace = join(base, "workspace");
  mkdirSync(join(userData, "User"), { recursive: true });
  mkdirSync(extDir, { recursive: true });
  cpSync(join(ROOT, "test", "e2e", "workspace"), workspace, { recursive: true });
  const settings = {
    "workbench.startupEditor": "none",
    "workbench.colorTheme": opts.theme === "dark" ? "Default Dark Modern" : "Default Light Modern",
    "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "editor.inlineSuggest.enabled": true,
    // VS Code's default editor settings otherwise (the extension's own defaults keep the word popup off the ghost text)
    // code is one setting away: the notebook's Python cell gets suggestions through it
    "lmLens.languages": ["plaintext", "markdown", "python"],
    // the suites type short contexts ("the hair was still": " in", 4 %) whose words the default confidence
    // gate holds back; the gate is tuned by the typist's simulation and checked in test/unit/ghostWords.test.ts
    "lmLens.minConfidence": 0,
    "editor.minimap.enabled": false,
    "window.commandCenter": false,
    "chat.commandCenter.enabled": false,
    ...opts.settings,
  };
  writeFileSync(join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
  execFileSync(bin, ["--extensions-dir", extDir, "--user-data-dir", userData, "--install-extension", vsix], { stdio: "pipe" });
  const port = await freePort();
  const home = join(base, "home");
  mkdirSync(home);
  const traceFile = join(base, "strace.log");
  // strace sees what native code does too: onnxruntime's telemetry threads, which JavaScript cannot see
  const traced = spawnSync("strace", ["-V"]).status === 0;
  if (!traced && process.env.CI) throw new Error("strace is missing: the end-to-end run checks the model host's system calls with it");
  const serverArgs = ["--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--user-data-dir", userData, "--extensions-dir", extDir, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", workspace];
  const [cmd, args] = traced ? ["strace", ["-f", "-qq", "--seccomp-bpf", "-s", "1024", "-e", "trace=socket,connect,clone,clone3,execve", "-o", traceFile, bin, ...serverArgs]] : [bin, serverArgs];
  // a process group of its own: strace detaches on SIGTERM, so stop() signals the whole group
  const proc: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: userEnv(home), detached: true });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  let trace: string | undefined;
  let telemetry: string[] | undefined;
  const telemetryDir = join(home, ".cache", "Microsoft", "DeveloperTools", ".onnxruntime");
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited: ${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 60000) throw new Error(`code-server did not start in 60 s: ${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    workspace,
    userData,
    home,
    traced,
    telemetryFiles: () => telemetry ?? (existsSync(telemetryDir) ? readdirSync(telemetryDir) : []),
    modelHostNetwork: () => modelHostNetwork(trace ?? (existsSync(traceFile) ? readFileSync(traceFile, "utf8") : "")),
    logs: () => collectLogs(join(userData, "logs")) + "\n--- code-server ---\n" + out,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const group = (signal: NodeJS.Signals) => {
        try {
          process.kill(-proc.pid!, signal);
        } catch {
          // already gone
        }
      };
      group("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      group("SIGKILL");
      // strace's log is complete once it has exited
      for (let i = 0; i < 50 && proc.exitCode === null && proc.signalCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      trace = existsSync(traceFile) ? readFileSync(traceFile, "utf8") : "";
      telemetry = existsSync(telemetryDir) ? readdirSync(telemetryDir) : [];
      if (!process.env.LM_LENS_KEEP_E2E) rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * code-server's environment as on a user's machine: a fresh HOME, and no CI variables (onnxruntime leaves
 * its telemetry off where CI is set, which would hide what the no-network check looks for).
 */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const k of ["CI", "CONTINUOUS_INTEGRATION", "GITHUB_ACTIONS", "TF_BUILD", "BUILD_NUMBER", "RUN_ID"]) delete env[k];
  return env;
}

/**
 * From an strace -f log of code-server: the model host processes (an execve of dist/modelHost.js), all
 * their threads and children (clone lines), and every socket or connect call those made that is not a
 * Unix socket (the host's IPC with the extension host is a Unix socket pair).
 */
export function modelHostNetwork(trace: string): { hosts: number[]; threads: number; network: string[] } {
  const lines = trace.split("\n");
  const hosts = new Set<number>();
  const children = new Map<number, number[]>();
  for (const l of lines) {
    const m = /^(\d+)\s+(.*)$/.exec(l);
    if (!m) continue;
    const tid = Number(m[1]);
    if (/^execve\(/.test(m[2]) && /modelHost\.js/.test(m[2]) && / = 0$/.test(m[2])) hosts.add(tid);
    const c = /^(?:<\.\.\. )?(?:clone3?|fork|vfork)\b.* = (\d+)$/.exec(m[2]);
    if (c) children.set(tid, [...(children.get(tid) ?? []), Number(c[1])]);
  }
  const family = new Set<number>();
  const todo = [...hosts];
  while (todo.length) {
    const t = todo.pop()!;
    if (family.has(t)) continue;
    family.add(t);
    todo.push(...(children.get(t) ?? []));
  }
  const network = lines.filter((l) => {
    const m = /^(\d+)\s+(?:<\.\.\. )?(socket|connect)\b(.*)$/.exec(l);
    return m !== null && family.has(Number(m[1])) && !/AF_UNIX/.test(m[3]) && !/resumed>/.test(l);
  });
  return { hosts: [...hosts], threads: family.size, network };
}

function collectLogs(dir: string): string {
  if (!existsSync(dir)) return "";
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost|LM Lens|lm-lens/i.test(p) && p.endsWith(".log")) out.push(`--- ${p} ---\n${readFileSync(p, "utf8")}`);
    }
  };
  walk(dir);
  return out.join("\n");
}
