// Bounds a model load in time even while the main thread is inside onnxruntime: its session creation and
// runs are synchronous native calls (under their promises) that no timer on the main thread can interrupt,
// and graphCheck.ts cannot foresee every graph of ordinary ops that is slow. A worker thread, which runs
// whatever the main thread is doing, waits on a shared flag; if the load has not ended by the deadline it
// writes one line naming the model file straight to stderr (fs.writeSync: the main thread's streams would
// wait for it) and kills the process with SIGKILL, which nothing in the blocked thread can delay. The CLI
// exits non-zero; the extension's client reads the line and reports it (modelHostClient.ts).
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { LOAD_DEADLINE_MS, loadDeadlineLine } from "../shared/loadDeadline";
import { findOnnxFile } from "./modelFolder";

// plain CommonJS, run with eval: one bundle for the CLI and the model host, and no worker file to ship
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const { state, ms, line } = workerData;
// Atomics.wait needs no event loop: the main thread wakes it when the load ends
if (Atomics.wait(state, 0, 0, ms) === "timed-out") {
  try { writeSync(2, line); } finally { process.kill(process.pid, "SIGKILL"); }
}
`;

export interface LoadWatchdog {
  /** The load ended (loaded or refused): the worker ends without a word. Called twice, it does nothing more. */
  stop(): void;
}

/** The file a load of `dir` would be refused for: its ONNX file, or the folder itself when none is found. */
function fileOf(dir: string): string {
  const abs = resolve(dir);
  try {
    return findOnnxFile(abs)?.path ?? abs;
  } catch {
    return abs;
  }
}

/** Start watching the load of the model folder `dir`: past `ms`, the process says so and ends. */
export function startLoadWatchdog(dir: string, ms = LOAD_DEADLINE_MS): LoadWatchdog {
  const state = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { state, ms, line: loadDeadlineLine(fileOf(dir), ms) } });
  // the worker never keeps a process alive: one that ends during a load ends as it would without it
  worker.unref();
  worker.on("error", () => undefined);
  return {
    stop() {
      Atomics.store(state, 0, 1);
      Atomics.notify(state, 0);
    },
  };
}

/** `load()` (a load of the model folder `dir`), ended with one line naming the file if it takes more than `ms`. */
export async function loadWithinDeadline<T>(dir: string, load: () => Promise<T>, ms = LOAD_DEADLINE_MS): Promise<T> {
  const watchdog = startLoadWatchdog(dir, ms);
  try {
    return await load();
  } finally {
    watchdog.stop();
  }
}
