// The typist through `lm-lens predict` on stdin (issue 27's check): each key sends a short context, the
// text typed from a start that moves in steps of CLI_CONTEXT_STEP characters so that it holds at least
// CLI_CONTEXT_CHARS of them (about the ghost text's own window: 256 tokens by default, about 1,024
// characters; so 1,024 to 1,536), as a JSON line; the ghost text is the answer's `ghost` (what the editor
// would show) or its top word. The provider's memo keeps a shown suggestion's rest on screen while its
// letters are typed, as in the editor. predict keeps its memory from line to line, so each line fills only
// what is new (cli.ts), as the editor's memory does while one types.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { Memoed } from "./typistEval";
import type { Suggester } from "./typist";
import { DEFAULT_SETTINGS } from "../core/settings";

/** the context each key sends: a short one, about the ghost text's own window (about four characters a token) */
export const CLI_CONTEXT_CHARS = 4 * DEFAULT_SETTINGS.suggest.maxContextTokens;
const CLI_CONTEXT_STEP = CLI_CONTEXT_CHARS / 2;

/** The short context predict is sent after `typed`. */
export function shortContext(typed: string): string {
  const start = Math.floor(Math.max(0, typed.length - CLI_CONTEXT_CHARS) / CLI_CONTEXT_STEP) * CLI_CONTEXT_STEP;
  return typed.slice(start);
}

export interface PredictAnswer {
  words: { word: string; p: number }[];
  ghost: string;
  ms: number;
  ghostMs: number;
  /** from writing the line to reading the answer (the memory filled over the context included) */
  wallMs: number;
}

/** One `lm-lens predict --top 1` process answering JSON lines in order (the typist reads one word). */
export class PredictProcess {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (a: PredictAnswer) => void; t0: number }[] = [];
  readonly answers: PredictAnswer[] = [];

  constructor(cli: string, model: string) {
    this.proc = spawn(process.execPath, [cli, "predict", "--json", "--top", "1", "--model", model], { env: { ...process.env, ORT_DISABLE_TELEMETRY: "1" } });
    this.proc.stderr.on("data", (d: Buffer) => process.stderr.write(`predict: ${d.toString()}`));
    createInterface({ input: this.proc.stdout }).on("line", (line) => {
      const a = JSON.parse(line) as PredictAnswer;
      const w = this.waiting.shift();
      a.wallMs = w ? performance.now() - w.t0 : Number.NaN;
      this.answers.push(a);
      w?.resolve(a);
    });
  }

  ask(context: string): Promise<PredictAnswer> {
    return new Promise((resolve) => {
      this.waiting.push({ resolve, t0: performance.now() });
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
    const a = await p.ask(shortContext(typed));
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
