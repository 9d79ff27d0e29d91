// How long a model may take to load, and the one line that says it took longer. The model host's load
// watchdog (src/modelHost/loadWatchdog.ts) writes the line to stderr and ends the process; the client
// (src/client/modelHostClient.ts) finds it in what the host wrote and reports it as the model's problem,
// naming the file. PURE.
import { errorLine } from "./errorLine";

/**
 * Longest a model may take to load (read, checked, session built, test runs): a shipped model loads in
 * about a second; within the 30 s that a crafted file may hold LM Lens, with room to say so.
 */
export const LOAD_DEADLINE_MS = 25_000;

const TOOK = "loading took over";

/** The watchdog's line for `file` (the ONNX file, or the folder when none is found), as written to stderr. */
export function loadDeadlineLine(file: string, ms = LOAD_DEADLINE_MS): string {
  return `lm-lens: ${errorLine(`${file}: ${TOOK} ${ms / 1000} s (a graph far too large or crafted to be slow); not loaded`)}\n`;
}

/** The watchdog's refusal in what a process wrote: its message (without "lm-lens: ") and the file it names. */
export function findLoadDeadline(output: string): { message: string; file: string } | undefined {
  for (const line of output.split("\n")) {
    const m = new RegExp(`^lm-lens: ((.+): ${TOOK} [0-9.]+ s .*; not loaded)$`).exec(line);
    if (m) return { message: m[1], file: m[2] };
  }
  return undefined;
}
