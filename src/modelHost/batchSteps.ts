// One token after each of many key/value caches, in one run: explain.ts's removals score the same words
// after dozens of slightly different texts, and one run of B rows costs far less than B runs of one.
// The caches differ in length: each sits right-aligned in a past of the longest one's length, the
// positions before it masked out (attention_mask 0), so every row attends to exactly its own tokens at
// its own positions, as its own run would. The 8-bit session quantizes each row's activations by itself,
// so a row's numbers are those of its own one-token run. A batch's output cache is the next step's input
// as it stands (no copy per row); only the start copies each row's cache into the padded layout.
import { floatTensor, int64Tensor, type KvCache, type OnnxModel, type Tensor } from "./onnxModel";

/** rows per run: bounds the padded past (B x layers x 2 x heads x longest x headDim floats) */
export const MAX_ROWS = 32;

export interface RowStep {
  logits: Float32Array;
  /** the final hidden state after the token (when asked for) */
  h?: Float32Array;
}

/** Rows of caches in one padded layout, ready to take one token each. */
export class BatchState {
  private constructor(
    private readonly model: OnnxModel,
    /** [layer key, layer value] x L, each [B, H, P, D] */
    private readonly past: Tensor[],
    /** [B, P]: 1 where a row has a token */
    private readonly mask: BigInt64Array,
    /** each row's own length (its next token's position) */
    private readonly lengths: readonly number[],
    readonly P: number,
  ) {}

  get rows(): number {
    return this.lengths.length;
  }

  /** Whether the graph can take a masked batch after a cache (else each row runs by itself: see model.run). */
  static supported(model: OnnxModel): boolean {
    const io = model.io;
    return io.hasPast && io.hasAttentionMask && io.hasPositionIds && !io.hasUseCacheBranch;
  }

  /** The padded layout of at most MAX_ROWS full (not lazy) caches. */
  static of(model: OnnxModel, caches: readonly KvCache[]): BatchState {
    const cfg = model.config;
    const B = caches.length;
    const H = cfg.nHead;
    const D = model.headDim;
    const P = Math.max(...caches.map((c) => c.ids.length));
    const mask = new BigInt64Array(B * P);
    caches.forEach((c, b) => mask.fill(1n, b * P + P - c.ids.length, (b + 1) * P));
    const past = Array.from({ length: 2 * cfg.nLayer }, (_, t) => {
      const data = new Float32Array(B * H * P * D);
      caches.forEach((c, b) => {
        const n = c.ids.length;
        if (n === 0) return;
        const src = c.tensors![t].data as Float32Array;
        for (let h = 0; h < H; h++) data.set(src.subarray(h * n * D, (h + 1) * n * D), ((b * H + h) * P + (P - n)) * D);
      });
      return floatTensor(data, [B, H, P, D]);
    });
    return new BatchState(model, past, mask, caches.map((c) => c.ids.length), P);
  }

  /**
   * Each row reads `token`: its logits (and final hidden state) there, and the rows' state after it
   * (unless `keep` is false: a last step, whose keys and values are not fetched).
   */
  async step(token: number, fast: boolean, finalHidden: boolean, keep = true): Promise<{ rows: RowStep[]; next?: BatchState }> {
    const cfg = this.model.config;
    const B = this.rows;
    const L = cfg.nLayer;
    const P = this.P;
    const mask = new BigInt64Array(B * (P + 1));
    for (let b = 0; b < B; b++) {
      mask.set(this.mask.subarray(b * P, (b + 1) * P), b * (P + 1));
      mask[b * (P + 1) + P] = 1n;
    }
    const feeds: Record<string, Tensor> = {
      input_ids: int64Tensor(new BigInt64Array(B).fill(BigInt(token)), [B, 1]),
      attention_mask: int64Tensor(mask, [B, P + 1]),
      position_ids: int64Tensor(BigInt64Array.from(this.lengths, (n) => BigInt(n)), [B, 1]),
    };
    const fetches = ["logits"];
    for (let i = 0; i < L; i++) {
      feeds[`past_key_values.${i}.key`] = this.past[2 * i];
      feeds[`past_key_values.${i}.value`] = this.past[2 * i + 1];
      if (keep) fetches.push(`present.${i}.key`, `present.${i}.value`);
    }
    if (finalHidden) fetches.push(`hidden_states.${L}`);
    const r = await this.model.runFeeds(fast, feeds, fetches);
    const V = cfg.vocabSize;
    const E = cfg.nEmbd;
    const logits = r.logits.data as Float32Array;
    const hidden = finalHidden ? (r[`hidden_states.${L}`].data as Float32Array) : undefined;
    const rows = Array.from({ length: B }, (_, b) => ({ logits: logits.slice(b * V, (b + 1) * V), ...(hidden ? { h: hidden.slice(b * E, (b + 1) * E) } : {}) }));
    if (!keep) return { rows };
    const present = Array.from({ length: 2 * L }, (_, t) => r[`present.${t >> 1}.${t & 1 ? "value" : "key"}`]);
    return { rows, next: new BatchState(this.model, present, mask, this.lengths.map((n) => n + 1), P + 1) };
  }
}
