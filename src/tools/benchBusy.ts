// The busy half of npm run bench: the headline measurements again while a fixed load holds every core
// (one process per core that never waits, as `yes > /dev/null` would), started and stopped by the bench.
// An editor's machine is rarely idle: language servers, a build and the browser want the same cores.
//   busy.suggest.ctxN.{warm,cold}    in process, the same contexts as the idle run
//   busy.peers.transformersjs        the peer on the same contexts, under the same load
//   busy.host.*, busy.attention.*, busy.explain.*, busy.memory.*   through the model host (benchParts.ts, benchMemory.ts)
//   busy.ratio.*                     the ratios the issue asks for: busy against idle, ours against the peer's
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Engine } from "../modelHost/engine";
import { ModelHostClient } from "../client/modelHostClient";
import { BENCH_TIMEOUT_MS, GHOST, HEAD, hostHeadline, peerTimes, putStats, sleep, warmAndCold } from "./benchParts";
import { benchFill } from "./benchMemory";

/** One busy loop per core, at the bench's own priority; stopped by stop() or when the bench exits. */
export class BusyLoad {
  private procs: ChildProcess[] = [];
  private readonly onExit = () => this.stop();

  start(n = availableParallelism()): void {
    for (let i = 0; i < n; i++) this.procs.push(spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
    process.on("exit", this.onExit);
  }

  stop(): void {
    for (const p of this.procs) p.kill("SIGKILL");
    this.procs = [];
    process.off("exit", this.onExit);
  }
}

export interface BusyInputs {
  modelDir: string;
  threads: number;
  text: string;
  /** the idle run's contexts and words at HEAD tokens (the peer generates as many tokens as each word) */
  head: { prefixes: string[]; words: string[] };
  /** the idle run's figures, for the ratios */
  idle: Record<string, number>;
  peers: boolean;
  say: (line: string) => void;
}

export async function benchBusy(o: BusyInputs): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const load = new BusyLoad();
  load.start();
  r["busy.processes"] = availableParallelism();
  try {
    await sleep(500);
    o.say(`busy: ${availableParallelism()} busy processes; suggestions, the peer, the model host, the fill`);
    const ps = o.head.prefixes.slice(0, 120);
    const engine = await Engine.load(o.modelDir, { threads: o.threads });
    try {
      const opts = GHOST; // at the default window, HEAD tokens
      await engine.suggest(ps[0], opts);
      const { warm, cold } = await warmAndCold(engine, ps, opts);
      putStats(r, `busy.suggest.ctx${HEAD}.warm`, warm);
      putStats(r, `busy.suggest.ctx${HEAD}.cold`, cold);
      if (o.peers) putStats(r, "busy.peers.transformersjs", await peerTimes(o.modelDir, engine, o.head), ["p50", "p95"]);
      const client = new ModelHostClient({ hostScript: join(__dirname, "modelHost.js"), modelPath: o.modelDir, threads: o.threads, requestTimeoutMs: BENCH_TIMEOUT_MS });
      try {
        await client.ensureReady();
        Object.assign(r, await hostHeadline(client, engine, o.text, ps.slice(0, 100), "busy."));
      } finally {
        client.dispose();
      }
    } finally {
      await engine.dispose();
    }
    Object.assign(r, await benchFill(o.modelDir, o.threads, o.text, "busy."));
  } finally {
    load.stop();
  }
  const warm = `suggest.ctx${HEAD}.warm.p50`;
  r["busy.ratio.warmAgainstIdle"] = r[`busy.${warm}`] / o.idle[warm];
  if (o.peers) {
    r["busy.ratio.transformersjsAgainstWarm"] = r["busy.peers.transformersjs.p50"] / r[`busy.${warm}`];
    r["ratio.transformersjsAgainstWarm"] = o.idle["peers.transformersjs.ratioWarm"];
  }
  // a suggestion while the memory fills, against a warm one through the same host (the measure)
  const host = `host.ctx${HEAD}.warm.p50`;
  r["ratio.fillSuggestAgainstWarm"] = o.idle["memory.fill.suggest.p50"] / o.idle[host];
  r["busy.ratio.fillSuggestAgainstWarm"] = r["busy.memory.fill.suggest.p50"] / r[`busy.${host}`];
  r["ratio.floor"] = o.idle["floor.ratio"];
  return r;
}
