// The extension side of the model host: starts the child process on first use, loads the model once
// behind one memoised promise, sends typed requests, and survives the host's crashes and hangs:
// in-flight requests fail at once, the host restarts with backoff, and after repeated failures it stops
// retrying and says so. Ids, replies, timeouts (from the host's "started" notice) and cancellation are
// messaging.ts's Channel, one per process; this file keeps the process, its status and the watchdog.
// No `vscode` import: the CLI, the tests and the benchmark use it as it is.
import { fork, type ChildProcess } from "node:child_process";
import { HostError, isHostReply, type HostReply, type Method, type Methods } from "../shared/hostProtocol";
import { Channel, isNotice, RequestCancelled, RequestTimeout, type CancelToken } from "../shared/messaging";
import type { ModelInfo } from "../shared/vocabulary";
import { ORT_ENV } from "../shared/ortEnv";
import { findLoadDeadline } from "../shared/loadDeadline";

/** how much of the host's stderr is kept to find its load watchdog's line */
const STDERR_TAIL_CHARS = 4096;
/** how long after the host's exit its stderr may take to be read to the end */
const STDERR_DRAIN_MS = 1000;

export type HostStatus =
  | { state: "idle" }
  | { state: "loading"; modelPath: string }
  | { state: "ready"; info: ModelInfo }
  | { state: "restarting"; attempt: number; delayMs: number; reason: string }
  | { state: "error"; message: string; file?: string }
  | { state: "failed"; message: string };

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

/**
 * The model host as the extension's services use it: typed requests, the model loaded once, its status.
 * ModelHostClient is the one; the tests fake it (test/unit/fakeModelHost.ts).
 */
export type ModelHostPort = Pick<ModelHostClient, "request" | "ensureReady" | "currentStatus">;

/** A request's body as sent: a method of the protocol, or a test's extra method (requestAny). */
interface HostCall {
  method: string;
  params: unknown;
}

export class ModelHostClient {
  private child: ChildProcess | null = null;
  /** the running host's requests: ids, replies, timeouts, cancels */
  private channel: Channel<HostCall, HostReply> | null = null;
  private ready: Promise<ModelInfo> | null = null;
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
    this.stopWatchdog();
    this.channel?.close(err);
    this.channel = null;
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
    const channel = new Channel<HostCall, HostReply>((m) => child.send(m), { notify: (n) => child.connected && child.send(n) });
    this.channel = channel;
    // the end of what the host wrote to stderr: where its load watchdog says why it ended (loadDeadline.ts)
    let stderrTail = "";
    child.stdout?.on("data", (d: Buffer) => this.opts.log?.(`[model host] ${d.toString().trimEnd()}`));
    child.stderr?.on("data", (d: Buffer) => {
      const text = d.toString();
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
      this.opts.log?.(`[model host] ${text.trimEnd()}`);
    });
    child.on("message", (m: unknown) => this.onMessage(channel, m));
    child.on("error", (e) => this.opts.log?.(`[model host] error: ${e.message}`));
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      const reason = `the model host exited (${signal ?? `code ${code}`})`;
      // the watchdog's line may still be in the pipe at exit: decide once stderr is read to its end
      let decided = false;
      const decide = () => {
        if (decided) return;
        decided = true;
        clearTimeout(timer);
        if (this.child !== child) return;
        const refused = findLoadDeadline(stderrTail);
        if (refused) this.onLoadRefused(refused.message, refused.file, reason);
        else this.onCrash(reason);
      };
      const timer = setTimeout(decide, STDERR_DRAIN_MS);
      child.once("close", decide);
    });
  }

  /**
   * The host's load watchdog ended it: the model took too long to load (a crafted or far too large graph).
   * That is the model's problem, not a crash: the load fails naming the file, and the host is not started
   * again for this model (it would take as long again) until the model setting changes or a restart.
   */
  private onLoadRefused(message: string, file: string, reason: string): void {
    this.opts.log?.(`${reason}: ${message}`);
    this.child = null;
    this.rejectAll(new HostError("model", message, file));
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

  private onMessage(channel: Channel<HostCall, HostReply>, m: unknown): void {
    this.feedWatchdog();
    if (isNotice(m) || isHostReply(m)) channel.receive(m);
    else this.opts.log?.("[model host] ignored a malformed message");
  }

  private stopWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.watchdogMs = 0;
  }

  /**
   * A request's timeout counts from when the host starts it (a "started" notice), so that a long queue
   * of healthy work never times out. A host that sends nothing at all for a whole timeout while work
   * is pending is frozen: the watchdog catches that case, queued requests included.
   */
  private feedWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const channel = this.channel;
    if (!channel?.pending) return;
    const ms = this.watchdogMs;
    this.watchdog = setTimeout(() => {
      // a host that stops answering is treated as crashed: kill it, and the exit handler restarts it
      channel.failOldest(new HostError("timeout", `the model host sent nothing for ${ms} ms`));
      this.child?.kill("SIGKILL");
    }, ms);
  }

  private async send(method: string, params: unknown, timeoutMs: number, token?: CancelToken): Promise<unknown> {
    const { child, channel } = this;
    if (!child || !child.connected || !channel) throw new HostError("crashed", "the model host is not running");
    this.watchdogMs = Math.max(this.watchdogMs, timeoutMs);
    const reply = channel.request({ method, params }, { timeoutMs, timeoutFrom: "started", token });
    if (!this.watchdog) this.feedWatchdog();
    try {
      const { body } = await reply;
      if (body.ok) return body.result;
      throw new HostError(body.error.code, body.error.message, body.error.file);
    } catch (e) {
      if (e instanceof RequestCancelled) throw new HostError("cancelled", "cancelled");
      if (!(e instanceof RequestTimeout)) throw e;
      // a host that stops answering is treated as crashed: kill it, and the exit handler restarts it
      child.kill("SIGKILL");
      throw new HostError("timeout", `the model host did not answer "${method}" within ${timeoutMs} ms`);
    } finally {
      if (this.channel === channel && channel.pending === 0) this.stopWatchdog();
    }
  }
}
