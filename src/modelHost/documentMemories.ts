// The model host's document memories: one DocumentMemory per open document (by the key the extension
// gives it), bounded in number, filled one small step at a time while no request waits; and memories of
// whole texts for the CLI and the eval. The mixing itself is tokenMemory.ts; the engine reads a memory's
// view when it suggests.
import { DocumentMemory, FILL_CONTEXT, FILL_WINDOW, type HiddenRunner } from "./documentMemory";
import { ModelFolderError, type ModelFolder } from "./modelFolder";
import type { KvCache, OnnxModel } from "./onnxModel";
import { MEMORY_PARAMS, entryDot, memoryDots, memoryPlaces, mixLogits, reuseDots, sameEntries, unitVector, weightsFromDots, type MemoryParams, type MemoryView, type MixMemo } from "./tokenMemory";
import type { MemoryInfo, MemoryReadout, WordProb } from "../shared/vocabulary";
import { tokenRanges } from "./tokenizer";

/** places listed per word, and overall, in a memory readout */
const MEMORY_PLACES = 8;

/** entries new to a state's memo whose dot products are computed in JavaScript rather than in a MatMul run */
const FEW_NEW_ENTRIES = 64;

/** documents whose memory is kept at once (the least recently used is freed first) */
export const MAX_MEMORIES = 8;

export class DocumentMemories {
  params: MemoryParams = MEMORY_PARAMS;
  private readonly byDoc = new Map<string, DocumentMemory<KvCache>>();

  constructor(
    private readonly model: OnnxModel,
    private readonly folder: ModelFolder,
  ) {}

  /** Final hidden states of tokens run after a cache, on the float32 weights: how a memory is filled. */
  readonly runner: HiddenRunner<KvCache> = {
    hidden: async (cache, tokens) => {
      // no logits: the states are all the memory keeps
      const r = await this.model.run(cache, tokens, { finalHidden: true, noLogits: true });
      const states = r.finalHidden!;
      if (this.params.unit) {
        // keys of unit length, as the queries (MemoryParams.unit)
        const D = this.folder.config.nEmbd;
        for (let i = 0; i < states.length; i += D) states.set(unitVector(states.subarray(i, i + D)), i);
      }
      return { cache: r.cache, states };
    },
    truncate: (cache, n) => this.model.truncate(cache, n),
  };

  /** A state's hidden vector as the memory's query (of unit length where the keys are). */
  query(h: Float32Array): Float32Array {
    return this.params.unit ? unitVector(h) : h;
  }

  /**
   * A model state's logits (its final hidden state `hidden`) with the memory's view mixed in (tokenMemory.ts's mixLogits), as
   * log-probabilities. The state keeps what it was mixed with (`mix`): a state visited again with the
   * same entries (the step memo, a word being typed) gets the same array back, and one visited with a
   * few more entries (the next word) computes only their dot products.
   */
  async mix(state: { logits: Float32Array; mix?: MixMemo }, hidden: Float32Array, view: MemoryView): Promise<Float32Array> {
    const memo = state.mix;
    if (memo && sameEntries(memo, view)) return memo.logits;
    const h = this.query(hidden);
    let dots: Float32Array;
    const reused = memo && view.stamps && !view.within ? reuseDots(memo, view) : null;
    if (view.within) {
      const all = await this.model.dots(view.within.view.keys, view.within.view.count, h);
      dots = Float32Array.from(view.within.index, (i) => all[i]);
    } else if (reused && reused.missing.length <= FEW_NEW_ENTRIES) {
      dots = reused.dots;
      for (const i of reused.missing) dots[i] = entryDot(view, h, i);
    } else {
      dots = await this.model.dots(view.keys, view.count, h);
    }
    const logits = mixLogits(state.logits, h, view, this.params, dots);
    if (view.stamps) state.mix = { stamps: view.stamps.slice(), dots, logits };
    return logits;
  }

  /**
   * Many states' logits, each mixed with its view, where the views are all the same view or parts of it
   * (MemoryView.within: explain's removals): the dot products of every state with that view's keys in one
   * run. Otherwise each state is mixed by itself (mix).
   */
  async mixMany(states: readonly { logits: Float32Array; h?: Float32Array }[], views: readonly (MemoryView | null)[]): Promise<Float32Array[]> {
    const full = views[0]?.within?.view ?? views[0];
    const shared = full && states.every((s) => s.h) && views.every((v) => v && (v === full || v.within?.view === full));
    if (!shared || !full) return Promise.all(states.map(async (s, j) => (views[j] && s.h ? this.mix(s, s.h, views[j]!) : s.logits)));
    const D = this.folder.config.nEmbd;
    const q = new Float32Array(states.length * D);
    states.forEach((s, j) => q.set(this.query(s.h!), j * D));
    const all = await this.model.dotsMany(full.keys, full.count, q, states.length);
    const B = states.length;
    return states.map((s, j) => {
      const v = views[j]!;
      const dots = v.within ? Float32Array.from(v.within.index, (i) => all[i * B + j]) : Float32Array.from({ length: full.count }, (_, i) => all[i * B + j]);
      return mixLogits(s.logits, q.subarray(j * D, (j + 1) * D), v, this.params, dots);
    });
  }

  /** A new, empty memory of `capacity` entries. */
  create(capacity: number): DocumentMemory<KvCache> {
    if (!this.model.io.hasHidden) throw new ModelFolderError(`${this.folder.onnxPath}: the document memory needs the model's hidden states: ${this.model.io.hiddenProblem ?? "it has no hidden_states.* outputs"}`, this.folder.onnxPath);
    const tokenizer = this.folder.tokenizer;
    const bos = tokenizer.eosId ?? this.folder.config.bosTokenId;
    return new DocumentMemory<KvCache>((raw) => {
      // the model reads \n line ends; the memory's offsets stay the document's own
      const text = raw.replace(/\r\n?/g, "\n");
      const ids = tokenizer.encode(text);
      const ends = tokenRanges(tokenizer, ids).map((t) => t.end);
      return { ids, ends: text.length === raw.length ? ends : ends.map(rawOffsets(raw)) };
    }, this.folder.config.nEmbd, capacity, bos);
  }

  /** A memory of a whole text (not an open document: the CLI, the eval), filled now. */
  async over(text: string, capacity: number): Promise<DocumentMemory<KvCache>> {
    const m = this.create(capacity);
    m.sync(0, text);
    await m.fillAll(this.runner);
    return m;
  }

  get(doc: string): DocumentMemory<KvCache> | undefined {
    return this.byDoc.get(doc);
  }

  /** Hold a memory made elsewhere under a key (the CLI's attention reads its text's memory so). */
  put(doc: string, m: DocumentMemory<KvCache>): void {
    this.byDoc.set(doc, m);
  }

  /**
   * The text before the cursor of an open document, from `offset` on: its memory keeps what did not change
   * and fills the rest in the background (fillStep). `capacity` 0 frees it.
   */
  sync(doc: string, offset: number, text: string, capacity: number): MemoryInfo {
    let m = this.byDoc.get(doc);
    if (capacity <= 0 || !this.model.io.hasHidden) {
      this.byDoc.delete(doc);
      return { doc, tokens: 0, states: 0, bytes: 0, capacity: 0 };
    }
    if (!m || m.capacity !== capacity) {
      m = this.create(capacity);
      this.byDoc.set(doc, m);
    }
    m.sync(offset, text);
    // bounded: the least recently used document's memory goes first, never the one just synced (a new
    // memory was touched by its sync: before it, it looked the oldest, and a ninth document had none)
    while (this.byDoc.size > MAX_MEMORIES) {
      const oldest = [...this.byDoc.entries()].filter(([d]) => d !== doc).sort((a, b) => a[1].touched - b[1].touched)[0][0];
      this.byDoc.delete(oldest);
    }
    return infoOf(doc, m);
  }

  close(doc: string): void {
    this.byDoc.delete(doc);
  }

  info(): MemoryInfo[] {
    return [...this.byDoc.entries()].map(([doc, m]) => infoOf(doc, m));
  }

  /** Whether some memory still has states to compute. */
  get pending(): boolean {
    for (const m of this.byDoc.values()) if (m.pending > 0) return true;
    return false;
  }

  /** One small step of filling, for the most recently used memory that needs it; the tokens run (0: nothing to do). */
  async fillStep(): Promise<number> {
    let best: [string, DocumentMemory<KvCache>] | undefined;
    for (const e of this.byDoc.entries()) if (e[1].pending > 0 && (!best || e[1].touched > best[1].touched)) best = e;
    if (!best) return 0;
    try {
      return await best[1].fillStep(this.runner);
    } catch (e) {
      // a memory that cannot be filled is dropped, not retried forever; the model alone still answers
      this.byDoc.delete(best[0]);
      throw e;
    }
  }

  /** Fill one document's memory now (an explicit request, such as the attention panel's, reads it whole). */
  async fill(doc: string): Promise<void> {
    const m = this.byDoc.get(doc);
    while (m && m.pending > 0 && this.byDoc.get(doc) === m) await m.fillStep(this.runner, FILL_WINDOW - FILL_CONTEXT);
  }

  /** Fill every memory now (tests, the bench). */
  async fillAll(): Promise<void> {
    while (this.pending) await this.fillStep();
  }

  /**
   * Where memory `m`'s numbers came from at document offset `end` (view: its entries there) after a state
   * (its logits and hidden vector): for each word (the prediction's, with its whole-word probabilities
   * mixed, from the model and from the memory), the places that predicted its first token; the first word
   * and the one the memory raised most; and the heaviest places overall. `share`: the prediction's.
   */
  readout(m: DocumentMemory<KvCache>, view: MemoryView, end: number, state: { logits: Float32Array; h: Float32Array }, words: readonly WordProb[], share: number): MemoryReadout {
    const tokenizer = this.folder.tokenizer;
    const h = this.query(state.h);
    const w = weightsFromDots(memoryDots(view, h), this.params.theta);
    const place = (index: number, weight: number) => ({ ...m.placeOf(end, index)!, weight, token: tokenizer.tokenShown(view.next[index]) });
    const readouts = words.map(({ word, p, modelP, memoryP, tokens }) => {
      const token = tokens?.[0] ?? tokenizer.encode(word)[0];
      const r = memoryPlaces(view, w, token, MEMORY_PLACES);
      return { word, token: tokenizer.tokenShown(token), pModel: modelP ?? p, pMemory: memoryP ?? 0, pMixed: p, places: r.places.map((x) => place(x.index, x.weight)) };
    });
    const raised = readouts.slice(1).reduce((best, r) => (r.pMixed - r.pModel > best.pMixed - best.pModel ? r : best), readouts[0]);
    const top = Array.from(w, (weight, index) => ({ weight, index }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, MEMORY_PLACES)
      .map((x) => place(x.index, x.weight));
    return { entries: view.count, share, words: raised === readouts[0] ? [readouts[0]] : [readouts[0], raised], top };
  }

  clear(): void {
    this.byDoc.clear();
  }
}

function infoOf(doc: string, m: DocumentMemory<KvCache>): MemoryInfo {
  return { doc, tokens: m.tokens, states: m.states, bytes: m.bytes, capacity: m.capacity };
}

/** Offsets in a text with \n line ends -> offsets in the raw text it came from (\r\n or \r ends). */
function rawOffsets(raw: string): (normalized: number) => number {
  const map: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\r" && raw[i + 1] === "\n") continue; // "\r\n" reads as one "\n": it maps to the "\n"
    map.push(i);
  }
  map.push(raw.length);
  // an end offset e (exclusive) of the normalized text is the raw offset after its e-th character
  return (e) => (e <= 0 ? 0 : map[e - 1] + 1);
}
