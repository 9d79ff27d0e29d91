// Shared by the unit tests: the shipped model folder and one engine per test file.
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
