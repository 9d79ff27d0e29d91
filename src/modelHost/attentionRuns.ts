// The attention panel's runs over a text: first what a heatmap needs (tokens and every attention matrix),
// then the rest (rollout, per-position predictions, and the next words: the prediction the ghost text and
// predict read, with the memory's readout). The latest run is kept for its details.
import { headMeans, rollout } from "./attentionMath";
import { DEFAULT_SETTINGS, type Settings } from "../core/settings";
import type { AttentionDetails, AttentionFirst, PanelWords } from "../shared/hostProtocol";
import { topTokens } from "./softmax";
import { charsForTokens, headEnd } from "../core/attentionSource";
import { fitEnd } from "./fitEnd";
import { tokenRanges } from "./tokenizer";
import type { ModelFolder } from "./modelFolder";
import type { OnnxModel } from "./onnxModel";
import type { DocumentMemories } from "./documentMemories";
import type { AttentionResult, MemoryReadout, SuggestResult } from "../shared/vocabulary";

/** What the runs need of the engine (engine.ts), which holds them. */
export interface AttentionHost {
  readonly folder: ModelFolder;
  readonly model: OnnxModel;
  readonly memories: DocumentMemories;
  readonly hasHidden: boolean;
  readonly tokenizer: ModelFolder["tokenizer"];
  panelWords(context: string, offset: number, options: Settings["suggest"], doc?: string, wordEnds?: boolean): Promise<SuggestResult>;
  memoryReadout(textBefore: string, offset: number, options: Settings["suggest"], doc: string, prediction: SuggestResult): Promise<MemoryReadout | undefined>;
}

/** attentionDetails for a run that a newer attentionFirst replaced */
export class SupersededError extends Error {}

export class AttentionRuns {
  /** the latest first() run, kept for its details() */
  private last: { detailsId: number; T: number; text: string; attentions: Float32Array; logits: Float32Array; words: { before: string; offset: number; analysedOffset: number; options: Settings["suggest"]; doc?: string; wordEnds?: boolean } } | null = null;
  private runs = 0;

  constructor(private readonly engine: AttentionHost) {}

  clear(): void {
    this.last = null;
  }

  /**
   * Attention probabilities over exactly the tokens of the text (its first maxTokens, or with fit "end"
   * its last), with predictions and the next words after the analysed text.
   */
  async whole(textIn: string, maxTokens: number, words?: PanelWords, memoryTokens = 0, fit: "start" | "end" = "start"): Promise<AttentionResult & { cutChars?: number }> {
    // the CLI: the next words read a memory of the whole text, as predict's do (an open document's is the host's)
    const key = "\u0000attention";
    if (memoryTokens > 0 && this.engine.hasHidden && !words?.doc) {
      this.engine.memories.put(key, await this.engine.memories.over(textIn, memoryTokens));
      words = { at: words?.at ?? textIn.length, offset: words?.offset ?? 0, options: words?.options ?? DEFAULT_SETTINGS.suggest, doc: key };
    }
    try {
      const first = await this.first(textIn, maxTokens, words, fit);
      const { detailsId: _, ...core } = first;
      return { ...core, ...(await this.details(first.detailsId)) };
    } finally {
      this.engine.memories.close(key);
    }
  }

  /**
   * What a heatmap needs, as soon as the model has run: the tokens, the attention probabilities and their
   * head means. The rest (rollout, per-position predictions, the next-word search) follows from
   * attentionDetails(detailsId), so that the panel can draw first and fill in the next words after.
   * `words` says where the next-word list is asked for (default: after the whole analysed text).
   */
  async first(textWhole: string, maxTokens: number, wordsWhole?: PanelWords, fit: "start" | "end" = "start", show?: { layer: number; head: number | null }): Promise<AttentionFirst> {
    const cfg = this.engine.folder.config;
    const limit = Math.max(1, Math.min(maxTokens, cfg.nPositions - 16));
    // a huge text (a 5 MB selection) is not tokenized whole: only as much as the token budget can use
    const cap = charsForTokens(limit);
    // "end" ("Why this word?"): the end of the text is what matters; what is left out is its start
    const cutChars = fit === "end" ? fitEnd(this.engine.tokenizer, textWhole, limit, cap) : 0;
    const textIn = cutChars > 0 ? textWhole.slice(cutChars) : textWhole;
    const words = wordsWhole && cutChars > 0 ? { ...wordsWhole, at: Math.max(0, wordsWhole.at - cutChars), offset: wordsWhole.offset + cutChars } : wordsWhole;
    const readTo = headEnd(textIn, cap);
    const all = this.engine.tokenizer.encode(readTo < textIn.length ? textIn.slice(0, readTo) : textIn);
    const ids = all.slice(0, limit);
    const cut = readTo < textIn.length;
    const detailsId = ++this.runs;
    const L = cfg.nLayer;
    const H = cfg.nHead;
    if (ids.length === 0) {
      this.last = { detailsId, T: 0, text: "", attentions: new Float32Array(0), logits: new Float32Array(0), words: { before: "", offset: 0, analysedOffset: 0, options: DEFAULT_SETTINGS.suggest } };
      return { text: "", tokens: [], nLayer: L, nHead: H, attentions: new Float32Array(0), headMeans: new Float32Array(0), truncated: false, totalTokens: 0, model: this.engine.folder.name, detailsId, cutChars };
    }
    const tokens = tokenRanges(this.engine.tokenizer, ids);
    const text = textIn.slice(0, tokens[tokens.length - 1].end);
    const r = await this.engine.model.run(null, ids, { attentions: true, allLogits: true });
    const T = ids.length;
    const attentions = new Float32Array(L * H * T * T);
    (r.attentions ?? []).forEach((a, l) => attentions.set(a, l * H * T * T));
    // the list is about the analysed text: a point past its end (the text was cut) is its end
    const at = Math.min(words?.at ?? text.length, text.length);
    // The prediction reads the text it was sent, not the analysed part: with its start left out (fit "end"),
    // the window is placed in the whole text as the ghost text's is, and the numbers are the ghost text's.
    const before = cutChars > 0 ? { before: textWhole.slice(0, wordsWhole?.at ?? textWhole.length), offset: wordsWhole?.offset ?? 0 } : { before: text.slice(0, at), offset: words?.offset ?? 0 };
    this.last = { detailsId, T, text, attentions, logits: r.logits, words: { ...before, analysedOffset: words?.offset ?? 0, options: words?.options ?? DEFAULT_SETTINGS.suggest, doc: words?.doc, wordEnds: words?.wordEnds } };
    const shape = { nLayer: L, nHead: H, T };
    const means = headMeans(attentions, shape);
    // the one matrix the first heatmap needs (a layer or head this model lacks: layer 1's average)
    const layer = show && show.layer < L ? show.layer : 0;
    const head = show && show.head !== null && show.head < H ? show.head : null;
    const from = head === null ? layer * T * T : (layer * H + head) * T * T;
    const shown = { layer, head, matrix: (head === null ? means : attentions).slice(from, from + T * T) };
    return { shown, text, tokens, nLayer: L, nHead: H, attentions, headMeans: means, truncated: cut || all.length > ids.length, ...(cut ? {} : { totalTokens: all.length }), model: this.engine.folder.name, detailsId, nextWordsAt: at, cutChars };
  }

  /** Rollout, predictions and next words of the latest attentionFirst (an older id is superseded). */
  async details(detailsId: number): Promise<AttentionDetails> {
    const a = this.last;
    if (!a || a.detailsId !== detailsId) throw new SupersededError("a newer attention request replaced this one");
    const { T, attentions, logits } = a;
    if (T === 0) return { rollout: new Float32Array(0), predictions: [], nextWords: [] };
    const cfg = this.engine.folder.config;
    const V = cfg.vocabSize;
    const predictions = Array.from({ length: T }, (_, q) => topTokens(logits.subarray(q * V, (q + 1) * V), 10).map(({ id, p }) => ({ token: this.engine.tokenizer.tokenShown(id), p })));
    // the panel shows what the model computes with the document's whole memory, not with part of it
    if (a.words.doc) await this.engine.memories.fill(a.words.doc);
    const prediction = await this.engine.panelWords(a.words.before, a.words.offset, a.words.options, a.words.doc, a.words.wordEnds);
    const nextWords = prediction.alternatives;
    // what the list is (completions of a typed part, or whole next words) and the window it was computed over
    const completes = !prediction.startsNewWord && prediction.typed?.trim() ? prediction.typed.trim() : undefined;
    // (windowStart: in the analysed text, as the view's tokens are; nextWordsWindow: in the document)
    const windowStart = prediction.windowStart !== undefined ? prediction.windowStart - a.words.analysedOffset : undefined;
    const nextWordsWindow = { start: prediction.windowStart ?? a.words.offset, tokens: prediction.contextTokens };
    const memory = a.words.doc ? await this.engine.memoryReadout(a.words.before, a.words.offset, a.words.options, a.words.doc, prediction) : undefined;
    // derived here, in the model host, so the extension host never spends time on T^3 products
    return { rollout: rollout(attentions, { nLayer: cfg.nLayer, nHead: cfg.nHead, T }), predictions, nextWords, nextWordsWindow, ...(memory ? { memory } : {}), ...(completes ? { completes } : {}), ...(windowStart !== undefined ? { windowStart } : {}) };
  }
}
