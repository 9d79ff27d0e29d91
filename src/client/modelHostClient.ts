// The extension side of the model host: starts the child process on first use, loads the model once
// behind one memoised promise, sends typed requests, and survives the host's crashes and hangs:
// in-flight requests fail at once, the host restarts with backoff, and after repeated failures it stops
// retrying and says so. No `vscode` import: the CLI, the tests and the benchmark use it as it is.
import { fork, type ChildProcess } from "node:child_process";
import { HostError, isResponse, isStarted, type Method, type Methods } from "../shared/hostProtocol";
import type { ModelInfo } from "../shared/vocabulary";
import { ORT_ENV } from "../shared/ortEnv";

export type HostStatus =
  | { state: "idle" }
  | { state: "loading"; modelPath: string }
  | { state: "ready"; info: ModelInfo }
  | { state: "restarting"; attempt: number; delayMs: number; reason: string }
  | { state: "error"; message: string; file?: string }
  | { state: "failed"; message: string };

export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface HostClientOptions {
  hostScript: string;
  modelPath: string;
  threads: number;
  /** 8-bit weights for the word search's short runs (default true; see OnnxModel) */
  quantize?: boolean;
  loadTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** restarts allowed within restartWindowMs before giving up */
  maxRestarts?: number;
  restartWindowMs?: number;
  backoffMs?: number;
  onStatus?: (s: HostStatus) => void;
  log?: (line: string) => void;
  /** extra environment for the child (tests) */
  env?: NodeJS.ProcessEnv;
  /** Node options of the child (tests run a TypeScript host with ["--import", "tsx"]) */
  execArgv?: string[];
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
  method: string;
  timeoutMs: number;
  cancelSub?: { dispose(): void };
}

export class ModelHostClient {
  private child: ChildProcess | null = null;
  private ready: Promise<ModelInfo> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private crashTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private gaveUp: string | null = null;
  private status: HostStatus = { state: "idle" };
  /** while requests are pending: fires when the host has sent nothing for a whole timeout (a frozen host) */
  private watchdog: NodeJS.Timeout | undefined;
  /** the longest timeout among the requests pending (reset when none is) */
  private watchdogMs = 0;

  constructor(private readonly opts: HostClientOptions) {}

  get currentStatus(): HostStatus {
    return this.status;
  }

  /** process id of the host, when it runs (tests kill it for real) */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private setStatus(s: HostStatus): void {
    this.status = s;
    this.opts.onStatus?.(s);
  }

  /** Load the model if needed (once) and return what it is. */
  ensureReady(): Promise<ModelInfo> {
    if (this.disposed) return Promise.reject(new HostError("stopped", "the model host has been shut down"));
    if (this.gaveUp) return Promise.reject(new HostError("stopped", this.gaveUp));
    if (!this.ready) {
      this.ready = this.start();
      // a failed load is kept (and reported) until the model path changes or a restart is asked for
      this.ready.catch(() => undefined);
    }
    return this.ready;
  }

  async request<M extends Method>(method: M, params: Methods[M]["params"], token?: CancelToken): Promise<Methods[M]["result"]> {
    return this.requestAny(method, params, token) as Promise<Methods[M]["result"]>;
  }

  /** A request by name, outside the typed protocol: the tests' extra methods (a host that hangs). */
  async requestAny(method: string, params: unknown, token?: CancelToken): Promise<unknown> {
    await this.ensureReady();
    if (token?.isCancellationRequested) throw new HostError("cancelled", "cancelled");
    return this.send(method, params, this.opts.requestTimeoutMs ?? 15000, token);
  }

  /** A changed model folder or weight setting loads the model again; a failed or given-up host starts afresh. */
  setModel(modelPath: string, quantize = this.opts.quantize !== false): void {
    if (modelPath === this.opts.modelPath && quantize === (this.opts.quantize !== false) && this.status.state !== "error" && !this.gaveUp) return;
    this.opts.modelPath = modelPath;
    this.opts.quantize = quantize;
    this.restart();
  }

  /** Start again from scratch (the "Restart model" command and a changed model setting). */
  restart(): void {
    this.gaveUp = null;
    this.crashTimes = [];
    clearTimeout(this.restartTimer);
    this.stopChild("restarting");
    this.ready = null;
    this.setStatus({ state: "idle" });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.stopChild("stopped");
  }

  private stopChild(reason: "stopped" | "restarting"): void {
    const child = this.child;
    this.child = null;
    this.rejectAll(new HostError("stopped", reason === "stopped" ? "the model host has been shut down" : "the model host is restarting"));
    if (child) {
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
    }
  }

  private rejectAll(err: HostError): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.watchdogMs = 0;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.cancelSub?.dispose();
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private async start(): Promise<ModelInfo> {
    this.spawn();
    this.setStatus({ state: "loading", modelPath: this.opts.modelPath });
    try {
      const info = (await this.send("load", { modelPath: this.opts.modelPath, threads: this.opts.threads, quantize: this.opts.quantize !== false }, this.opts.loadTimeoutMs ?? 60000)) as ModelInfo;
      this.setStatus({ state: "ready", info });
      return info;
    } catch (e) {
      const err = e as HostError;
      if (err.code === "model") this.setStatus({ state: "error", message: err.message, ...(err.file ? { file: err.file } : {}) });
      throw err;
    }
  }

  private spawn(): void {
    const child = fork(this.opts.hostScript, [], {
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: this.opts.execArgv ?? [],
      env: { ...process.env, ...this.opts.env, ...ORT_ENV, ELECTRON_RUN_AS_NODE: "1" },
    });
    this.child = child;
    child.stdout?.on("data", (d: Buffer) => this.opts.log?.(`[model host] ${d.toString().trimEnd()}`));
    child.stderr?.on("data", (d: Buffer) => this.opts.log?.(`[model host] ${d.toString().trimEnd()}`));
    child.on("message", (m: unknown) => this.onMessage(m));
    child.on("error", (e) => this.opts.log?.(`[model host] error: ${e.message}`));
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      this.onCrash(`the model host exited (${signal ?? `code ${code}`})`);
    });
  }

  private onCrash(reason: string): void {
    this.opts.log?.(reason);
    this.child = null;
    this.ready = null;
    this.rejectAll(new HostError("crashed", reason));
    if (this.disposed) return;
    const now = Date.now();
    const windowMs = this.opts.restartWindowMs ?? 120000;
    this.crashTimes = this.crashTimes.filter((t) => now - t < windowMs);
    this.crashTimes.push(now);
    const max = this.opts.maxRestarts ?? 4;
    if (this.crashTimes.length > max) {
      this.gaveUp = `the model host failed ${this.crashTimes.length} times in ${Math.round(windowMs / 1000)} s; not restarting (${reason})`;
      this.setStatus({ state: "failed", message: this.gaveUp });
      return;
    }
    const attempt = this.crashTimes.length;
    const delayMs = (this.opts.backoffMs ?? 500) * 2 ** (attempt - 1);
    this.setStatus({ state: "restarting", attempt, delayMs, reason });
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (!this.disposed && !this.gaveUp && !this.ready) void this.ensureReady().catch(() => undefined);
    }, delayMs);
  }

  private onMessage(m: unknown): void {
    this.feedWatchdog();
    if (isStarted(m)) {
      // the host began this request: its own timeout counts from now
      const p = this.pending.get(m.id);
      if (p && !p.timer) p.timer = setTimeout(() => this.timedOut(m.id, `the model host did not answer "${p.method}" within ${p.timeoutMs} ms`), p.timeoutMs);
      return;
    }
    if (!isResponse(m)) {
      this.opts.log?.("[model host] ignored a malformed message");
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return; // answered after a cancel or a timeout
    this.settle(m.id, p);
    if (m.ok) p.resolve(m.result);
    else p.reject(new HostError(m.error.code, m.error.message, m.error.file));
  }

  private settle(id: number, p: Pending): void {
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.cancelSub?.dispose();
    if (this.pending.size === 0) {
      clearTimeout(this.watchdog);
      this.watchdog = undefined;
      this.watchdogMs = 0;
    }
  }

  /**
   * A request's timeout counts from when the host starts it (a "started" notice), so that a long queue
   * of healthy work never times out. A host that sends nothing at all for a whole timeout while work
   * is pending is frozen: the watchdog catches that case, queued requests included.
   */
  private feedWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (this.pending.size === 0) return;
    const ms = this.watchdogMs;
    this.watchdog = setTimeout(() => {
      const first = this.pending.keys().next();
      if (!first.done) this.timedOut(first.value, `the model host sent nothing for ${ms} ms`);
    }, ms);
  }

  /** A host that stops answering is treated as crashed: kill it, and the exit handler restarts it. */
  private timedOut(id: number, message: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.settle(id, p);
    p.reject(new HostError("timeout", message));
    this.child?.kill("SIGKILL");
  }

  private send(method: string, params: unknown, timeoutMs: number, token?: CancelToken): Promise<unknown> {
    const child = this.child;
    if (!child || !child.connected) return Promise.reject(new HostError("crashed", "the model host is not running"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { resolve, reject, timer: undefined, method, timeoutMs };
      if (token) {
        entry.cancelSub = token.onCancellationRequested(() => {
          if (!this.pending.has(id)) return;
          this.settle(id, entry);
          if (child.connected) child.send({ id, cancel: true });
          reject(new HostError("cancelled", "cancelled"));
        });
      }
      this.pending.set(id, entry);
      this.watchdogMs = Math.max(this.watchdogMs, timeoutMs);
      if (!this.watchdog) this.feedWatchdog();
      child.send({ id, method, params });
    });
  }
}
