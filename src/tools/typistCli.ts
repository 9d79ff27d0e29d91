// The typist through `lm-lens predict` on stdin (issue 27's check): each key's context is the last
// CLI_CONTEXT_CHARS characters typed, sent as a JSON line; the ghost text is the answer's `ghost` (what the
// editor would show) or its top word. The provider's memo keeps a shown suggestion's rest on screen while
// its letters are typed, as in the editor.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { Memoed } from "./typistEval";
import type { Suggester } from "./typist";

/** the context each key sends: a short one, about the ghost text's own window of 128 tokens */
export const CLI_CONTEXT_CHARS = 512;

export interface PredictAnswer {
  words: { word: string; p: number }[];
  ghost: string;
  ms: number;
  ghostMs: number;
}

/** One `lm-lens predict` process answering JSON lines in order. */
export class PredictProcess {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((a: PredictAnswer) => void)[] = [];
  readonly answers: PredictAnswer[] = [];

  constructor(cli: string, model: string) {
    this.proc = spawn(process.execPath, [cli, "predict", "--json", "--model", model], { env: { ...process.env, ORT_DISABLE_TELEMETRY: "1" } });
    this.proc.stderr.on("data", (d: Buffer) => process.stderr.write(`predict: ${d.toString()}`));
    createInterface({ input: this.proc.stdout }).on("line", (line) => {
      const a = JSON.parse(line) as PredictAnswer;
      this.answers.push(a);
      this.waiting.shift()?.(a);
    });
  }

  ask(context: string): Promise<PredictAnswer> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(JSON.stringify({ context }) + "\n");
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.proc.on("close", () => resolve());
      this.proc.stdin.end();
    });
  }
}

/** The typist's suggester through predict: `ghost` (the editor's ghost text) or `top` (the list's first word). */
export function cliTypist(p: PredictProcess, field: "ghost" | "top"): Suggester {
  return new Memoed(async (typed) => {
    if (typed === "") return "";
    const a = await p.ask(typed.slice(-CLI_CONTEXT_CHARS));
    return field === "ghost" ? a.ghost : (a.words[0]?.word ?? "");
  });
}

/** the median of some numbers */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
