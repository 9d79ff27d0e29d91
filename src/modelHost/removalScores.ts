// The removals' scores (explain.ts): the same words after dozens of texts, each the explained text with
// one earlier word taken out. Each text's context runs by itself (from the explained window's cache, so
// only what follows the removed word runs again); the steps after the contexts run for all texts at once
// (batchSteps.ts), once per distinct token prefix of the words scored.
import type { Engine, SuggestHow } from "./engine";
import type { SuggestParams } from "../shared/hostProtocol";
import type { DocumentMemory } from "./documentMemory";
import type { KvCache } from "./onnxModel";
import type { MemoryView } from "./tokenMemory";
import { BatchState, MAX_ROWS } from "./batchSteps";
import { softmaxSums } from "./softmax";
import { lastRow } from "../core/contextWindow";

/**
 * Units' probabilities after each of several texts (explain.ts's removals: each text with its own way
 * of being computed), as the word search scores them: the typed part (`typed`: the tokens the search
 * read it as, when it was a whole word; none otherwise) first, then each unit's tokens and the boundary
 * after them, on the mixture. The texts' contexts run one by one; the steps after them run for all
 * texts at once (batchSteps.ts), once per distinct token prefix of the units.
 */
export async function unitProbabilities(engine: Engine, texts: readonly { textBefore: string; how: SuggestHow }[], typed: readonly number[], units: readonly (readonly number[])[], p: SuggestParams, offset: number, memoryOf: DocumentMemory<KvCache> | undefined): Promise<number[][]> {
  const out = texts.map(() => units.map(() => 0));
  // a chunk of texts at a time: what a chunk holds (its contexts' caches, its steps' padded caches) is
  // freed before the next one starts
  for (let from = 0; from < texts.length; from += MAX_ROWS) {
    const chunk = texts.slice(from, from + MAX_ROWS);
    const scores = await chunkScores(engine, chunk, typed, units, p, offset, memoryOf);
    scores.forEach((row, i) => (out[from + i] = row));
  }
  return out;
}

async function chunkScores(engine: Engine, texts: readonly { textBefore: string; how: SuggestHow }[], typed: readonly number[], units: readonly (readonly number[])[], p: SuggestParams, offset: number, memoryOf: DocumentMemory<KvCache> | undefined): Promise<number[][]> {
  const rows: { memory: MemoryView | null; state: { cache: KvCache; logits: Float32Array } }[] = [];
  const alive: number[] = [];
  for (const [i, { textBefore, how }] of texts.entries()) {
    const c = await engine.contextState(textBefore, p, offset, memoryOf, how, typed.length > 0);
    rows.push(c ? { memory: c.memory, state: c.state } : { memory: null, state: { cache: engine.model.emptyCache(), logits: new Float32Array(0) } });
    if (c) alive.push(i);
  }
  // one batched step for every row: the typed tokens, then each distinct prefix of the units
  type Rows = { batch: BatchState | null; caches: KvCache[]; logits: Float32Array[] };
  const batched = BatchState.supported(engine.model) && alive.every((i) => rows[i].state.cache.tensors && !rows[i].state.cache.base);
  const first = alive.map((i) => rows[i].state);
  let starts: Rows = { batch: batched && first.length ? BatchState.of(engine.model, first.map((x) => x.cache)) : null, caches: first.map((x) => x.cache), logits: first.map((x) => x.logits) };
  // a state is kept (its keys and values) only where a longer unit goes on from it
  const parents = new Set<string>([""]);
  for (const unit of units) for (let k = 1; k < unit.length; k++) parents.add(unit.slice(0, k).join(","));
  const step = async (from: Rows, token: number, keep: boolean): Promise<Rows> => {
    const out: { logits: Float32Array; h?: Float32Array; cache?: KvCache }[] = [];
    let batch: BatchState | null = null;
    if (from.batch) {
      const r = await from.batch.step(token, true, engine.hasHidden, keep);
      out.push(...r.rows);
      batch = r.next ?? null;
    } else {
      for (const c of from.caches) {
        const r = await engine.model.run(c, [token], { fast: true, finalHidden: engine.hasHidden });
        out.push({ logits: r.logits, h: lastRow(r.finalHidden, engine.folder.config.nEmbd), cache: keep ? r.cache : undefined });
      }
    }
    const caches = out.map((x) => x.cache ?? engine.model.emptyCache());
    // every row's memory is the document's less a word: their dot products come from one run
    const logits = await engine.memories.mixMany(out, alive.map((i) => rows[i].memory));
    return { batch, caches, logits };
  };
  for (const t of typed) if (alive.length) starts = await step(starts, t, true);
  const after = new Map<string, Rows>([["", starts]]);
  const stateAfter = async (tokens: readonly number[]): Promise<Rows> => {
    const key = tokens.join(",");
    let s = after.get(key);
    if (!s) {
      s = await step(await stateAfter(tokens.slice(0, -1)), tokens[tokens.length - 1], parents.has(key));
      after.set(key, s);
    }
    return s;
  };
  const out = texts.map(() => units.map(() => 0));
  if (alive.length === 0) return out;
  for (const [u, unit] of units.entries()) {
    if (unit.length === 0) continue;
    const logp = alive.map(() => 0);
    for (let k = 0; k < unit.length; k++) {
      const states = await stateAfter(unit.slice(0, k));
      states.logits.forEach((l, j) => (logp[j] += l[unit[k]] - softmaxSums(l, null).logZ));
    }
    (await stateAfter(unit)).logits.forEach((l, j) => (out[alive[j]][u] = Math.exp(logp[j]) * Math.max(1e-12, 1 - engine.unitGoesOn(unit, l))));
  }
  return out;
}
