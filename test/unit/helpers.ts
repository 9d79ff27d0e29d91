// Shared by the unit tests: the shipped model folder and one engine per test file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../../src/modelHost/engine";
import { DEFAULT_SETTINGS } from "../../src/core/settings";

export const ROOT = join(__dirname, "..", "..");
export const MODEL_DIR = process.env.LM_LENS_TEST_MODEL ?? join(ROOT, "models", "lm-lens-5m");
export const SUGGEST = { ...DEFAULT_SETTINGS.suggest };

let engine: Promise<Engine> | undefined;
/**
 * The engine as the extension runs it: 8-bit weights for the word search's short runs, kept here
 * whatever the load-time speed check finds (quantize.test.ts tests the check itself).
 */
export function sharedEngine(): Promise<Engine> {
  engine ??= Engine.load(MODEL_DIR, { threads: 1, quantizeMinSpeedup: 0 });
  return engine;
}

let exact: Promise<Engine> | undefined;
/** float32 weights for every run (lmLens.quantizedWeights off) */
export function exactEngine(): Promise<Engine> {
  exact ??= Engine.load(MODEL_DIR, { threads: 1, quantize: false });
  return exact;
}

/** letters only (a word or the end of one) */
export const WORD = /^\p{L}+$/u;

/**
 * The most a probability moved between the 8-bit and the float32 weights in the eval's measurement
 * (eval.json's quantization.maxProbabilityChange: one-token runs after 64 tokens of held-out text, for
 * the shipped model), with a quarter more room for texts the eval did not try. Twice this is the widest
 * gap that rounding can flip, so a disagreement within it is a near-tie, and beyond it a real one.
 */
export const ROUNDING_P = 1.25 * (JSON.parse(readFileSync(join(MODEL_DIR, "eval.json"), "utf8")) as { quantization: { maxProbabilityChange: number } }).quantization.maxProbabilityChange;

type Scored = { word: string; p: number };


/**
 * Two runs' ranked lists agree to their first `n` places, but for near-ties: every word both lists hold
 * has nearly the same probability, and where the words at a place differ, the two lie within 2 × tol of
 * each other in both runs (a word one list lacks counts at that list's last probability: it fell just
 * below it). Returns the places where a near-tie swapped the order.
 */
export function assertSameRankingOrNearTies(a: readonly Scored[], b: readonly Scored[], n: number, what: string, tol = ROUNDING_P): number {
  const pa = new Map(a.map((w) => [w.word, w.p]));
  const pb = new Map(b.map((w) => [w.word, w.p]));
  for (const [w, p] of pa) {
    const q = pb.get(w);
    if (q !== undefined && Math.abs(p - q) > tol) throw new Error(`${what}: ${JSON.stringify(w)} has p ${p} in one run and ${q} in the other (more than ${tol} apart)`);
  }
  const m = Math.min(n, a.length, b.length);
  if (Math.min(n, a.length) !== Math.min(n, b.length)) throw new Error(`${what}: ${a.length} words against ${b.length}`);
  let swaps = 0;
  for (let i = 0; i < m; i++) {
    const [x, y] = [a[i].word, b[i].word];
    if (x === y) continue;
    // a word missing from the other list must have fallen just below that list's last place
    const [xa, ya, xb, yb] = [pa.get(x)!, pa.get(y) ?? a[a.length - 1].p, pb.get(x) ?? b[b.length - 1].p, pb.get(y)!];
    if (Math.abs(xa - ya) > 2 * tol || Math.abs(xb - yb) > 2 * tol) throw new Error(`${what}: place ${i + 1} is ${JSON.stringify(x)} in one run and ${JSON.stringify(y)} in the other, which is no near-tie`);
    swaps++;
  }
  return swaps;
}

/** The same for the first place alone: the two runs choose the same word (false) or face a near-tie (true). */
export function assertSameOrNearTie(a: readonly Scored[], b: readonly Scored[], what: string, tol = ROUNDING_P): boolean {
  return assertSameRankingOrNearTies(a, b, 1, what, tol) > 0;
}
