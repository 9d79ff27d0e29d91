// How well the model (and its document memory) predicts a text, left to right: lm-lens score, the eval
// and the memory's tuning. Windows of `window` tokens move by `stride`; the first window scores all its
// tokens, a later one only its last `stride` (so every token after the first window is predicted from at
// least window - stride tokens). Each token is scored before it enters the memory: the memory that
// predicts token t holds (h_i, x_{i+1}) for i + 1 < t only, states from the same windows.
import type { OnnxModel } from "./onnxModel";
import type { TextTokenizer } from "./tokenizer";
import { logSoftmax } from "./softmax";
import { safeCut } from "./documentMemory";
import { charsForTokens, headEnd } from "../core/attentionSource";
import { bestDot, memoryDots, memoryShare, unitVector, weightsFromDots, type MemoryParams } from "./tokenMemory";

export interface ScoreOptions {
  window: number;
  stride: number;
  /** score only the first maxTokens tokens of the text */
  maxTokens?: number;
  /** entries of the memory (0: the model alone) */
  memoryTokens: number;
  params: MemoryParams;
  /** h · k_i for the memory's entries (default: a JavaScript loop; the engine gives onnxruntime's MatMul) */
  dots?: (keys: Float32Array, count: number, h: Float32Array) => Promise<ArrayLike<number>>;
  /** for the tuning: per scored token, the model's probability, the memory's for each of these θ, and the best match's dot product */
  collect?: { thetas: readonly number[]; pModel: number[]; pMemory: number[][]; entries: number[]; maxDot?: number[] };
}

export interface Score {
  /** tokens scored */
  tokens: number;
  /** UTF-8 bytes of the text they cover */
  bytes: number;
  /** whitespace-separated words in it */
  words: number;
  /** total negative log-likelihood, nats */
  nll: number;
}

export function bitsPerByte(s: Pick<Score, "nll" | "bytes">): number {
  return s.nll / Math.LN2 / Math.max(1, s.bytes);
}

export function wordPerplexity(s: Pick<Score, "nll" | "words">): number {
  return Math.exp(s.nll / Math.max(1, s.words));
}

/** Memory entries in order; the last `capacity` are read (a buffer of twice that, compacted when full). */
class EntryBuffer {
  private keys: Float32Array;
  private next: Int32Array;
  private start = 0;
  private end = 0;
  constructor(
    private readonly capacity: number,
    private readonly dim: number,
  ) {
    this.keys = new Float32Array(2 * capacity * dim);
    this.next = new Int32Array(2 * capacity);
  }
  get count(): number {
    return this.end - this.start;
  }
  view() {
    return { keys: this.keys.subarray(this.start * this.dim, this.end * this.dim), next: this.next.subarray(this.start, this.end), count: this.count, dim: this.dim };
  }
  add(h: Float32Array, token: number): void {
    if (this.end === this.next.length) {
      this.keys.copyWithin(0, this.start * this.dim, this.end * this.dim);
      this.next.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    this.keys.set(h, this.end * this.dim);
    this.next[this.end++] = token;
    if (this.count > this.capacity) this.start++;
  }
}

/**
 * The start of a text that holds its first maxTokens tokens (all of it without a bound): cut where the
 * part before tokenizes as in the whole text (safeCut), so a 24 MB file scored for 100 tokens is not tokenized whole.
 */
export function scoredText(text: string, maxTokens: number | undefined): string {
  if (maxTokens === undefined) return text;
  const want = charsForTokens(maxTokens + 1);
  if (text.length <= want) return text;
  const cut = safeCut(text, want);
  return text.slice(0, cut > 0 ? cut : headEnd(text, want));
}

export async function scoreText(model: OnnxModel, tokenizer: TextTokenizer, bos: number | undefined, text: string, o: ScoreOptions): Promise<Score> {
  const all = tokenizer.encode(scoredText(text, o.maxTokens).replace(/\r\n?/g, "\n"));
  const tokens = o.maxTokens !== undefined ? all.slice(0, o.maxTokens) : all;
  // a document's start, as in training and as the suggestion's window marks it
  const ids = bos !== undefined ? [bos, ...tokens] : tokens;
  const { nll, count } = await scoreIds(model, ids, o);
  const covered = tokenizer.decode(tokens);
  return { tokens: count, bytes: Buffer.byteLength(covered, "utf8"), words: covered.split(/\s+/).filter((w) => w.length > 0).length, nll };
}

/**
 * Total negative log-likelihood (nats) of ids[1..], each given what precedes it, in the windows of
 * ScoreOptions (and its memory); `skip(id)` leaves targets out of the sum (the eval's document separators).
 */
export async function scoreIds(model: OnnxModel, ids: readonly number[], o: Omit<ScoreOptions, "maxTokens">, skip: (id: number) => boolean = () => false): Promise<{ nll: number; count: number }> {
  const V = model.config.vocabSize;
  const D = model.config.nEmbd;
  const memory = o.memoryTokens > 0 ? new EntryBuffer(o.memoryTokens, D) : null;
  let nll = 0;
  let count = 0;
  let scoredUpTo = 1; // ids[0] has no prediction
  for (let start = 0; scoredUpTo < ids.length; start += o.stride) {
    const win = ids.slice(start, start + o.window);
    if (win.length < 2) break;
    const r = await model.run(null, win, { allLogits: true, finalHidden: memory !== null });
    for (let j = 1; j < win.length; j++) {
      const pos = start + j;
      if (pos < scoredUpTo) continue;
      scoredUpTo = pos + 1;
      const target = win[j];
      const row = r.logits.subarray((j - 1) * V, j * V);
      const pModel = Math.exp(row[target] - logSoftmax(row).logZ);
      let p = pModel;
      if (memory) {
        const h = o.params.unit ? unitVector(r.finalHidden!.subarray((j - 1) * D, j * D)) : r.finalHidden!.subarray((j - 1) * D, j * D);
        const n = memory.count;
        if (n > 0) {
          const view = memory.view();
          const dots = o.dots ? await o.dots(view.keys, n, h) : memoryDots(view, h);
          const mem = (theta: number) => {
            const w = weightsFromDots(dots, theta);
            let q = 0;
            for (let i = 0; i < n; i++) if (view.next[i] === target) q += w[i];
            return q;
          };
          const best = bestDot(dots);
          const share = memoryShare(n, o.params, best);
          p = (1 - share) * pModel + share * mem(o.params.theta);
          if (o.collect) o.collect.pMemory.push(o.collect.thetas.map(mem));
          o.collect?.maxDot?.push(best);
        } else if (o.collect) {
          o.collect.pMemory.push(o.collect.thetas.map(() => 0));
          o.collect.maxDot?.push(-1);
        }
        if (o.collect) {
          o.collect.pModel.push(pModel);
          o.collect.entries.push(n);
        }
        // after it is scored, the token enters the memory with the state that predicted it
        memory.add(h, target);
      }
      if (skip(target)) continue;
      nll -= Math.log(Math.max(p, 1e-30));
      count++;
    }
    if (start + o.window >= ids.length) break;
  }
  return { nll, count };
}
