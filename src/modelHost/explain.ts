// "Why this word?", causally: for the prediction at the end of a text (the very object the ghost text,
// predict and the attention panel read), what each part of the model added to the suggestion's first
// token (explainMath.ts), what each layer would have said (the logit lens), and what the suggestion's
// probability becomes when each earlier word of the window is taken out of the text and the model is
// run again (the memory as it would be: without the entries of the words taken out).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Engine } from "./engine";
import { PANEL_WORDS } from "./engine";
import { HostError } from "../shared/hostProtocol";
import type { Settings } from "../core/settings";
import type { Explanation, Removal, WordProb } from "../shared/vocabulary";
import type { DocumentMemory } from "./documentMemory";
import type { KvCache } from "./onnxModel";
import type { MemoryView } from "./tokenMemory";
import { readGpt2Weights, type Gpt2Weights } from "./gpt2Weights";
import { attribute, lensLogits } from "./explainMath";
import { logSoftmax, topTokens } from "./softmax";
import { unitProbabilities } from "./removalScores";
import { windowStart as windowStartAt } from "../core/contextWindow";

/** tokens listed per layer of the logit lens */
const LENS_TOKENS = 5;

const weightsOf = new WeakMap<Engine, Gpt2Weights | { problem: string }>();

/** The model's weights as arrays (read from its ONNX file once per engine), or why they cannot be. */
function weights(engine: Engine): Gpt2Weights | { problem: string } {
  let w = weightsOf.get(engine);
  if (!w) {
    const c = engine.folder.config;
    w = readGpt2Weights(readFileSync(engine.folder.onnxPath), { nLayer: c.nLayer, nEmbd: c.nEmbd, vocabSize: c.vocabSize });
    weightsOf.set(engine, w);
  }
  return w;
}

/**
 * The units of the window that a removal takes out, in the text's offsets: each word or run of
 * punctuation with the white space before it ("the hair was" -> "the", " hair", " was").
 */
export function windowUnits(text: string, from: number, to: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /\s*(?:[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_]+)/gu;
  // a window that begins inside a word (at a token of it) leaves that word out: only part of it is read
  const inWord = /[\p{L}\p{M}\p{N}_]/u;
  while (from > 0 && from < to && inWord.test(text[from - 1]) && inWord.test(text[from])) from++;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const end = Math.min(m.index + m[0].length, to);
    if (text.slice(m.index, end).trim()) out.push({ start: m.index, end });
    if (end >= to) break;
  }
  return out;
}

/** A memory view without the entries whose token lies in [start, end) of the document. */
function viewWithout(m: DocumentMemory<KvCache>, at: number, view: MemoryView, start: number, end: number): MemoryView {
  const keep: number[] = [];
  for (let i = 0; i < view.count; i++) {
    const place = m.placeOf(at, i);
    if (!place || place.end <= start || place.start >= end) keep.push(i);
  }
  if (keep.length === view.count) return view;
  const index = Int32Array.from(keep);
  const next = Int32Array.from(keep, (i) => view.next[i]);
  const stamps = view.stamps ? Float64Array.from(keep, (i) => view.stamps![i]) : undefined;
  // the keys stay the whole view's (not copied: dozens of removals, 4 MB each): see MemoryView.within
  return { keys: new Float32Array(0), next, ...(stamps ? { stamps } : {}), count: keep.length, dim: view.dim, within: { view, index } };
}

export interface ExplainOptions {
  options: Settings["suggest"];
  /** the memory to read (an open document's, or one made over the text); absent: the model alone */
  memory?: DocumentMemory<KvCache>;
  /** where text starts in its document */
  offset?: number;
}

/** The explanation of the prediction at the end of `text`. */
export async function explain(engine: Engine, text: string, o: ExplainOptions): Promise<Explanation> {
  const t0 = performance.now();
  const offset = o.offset ?? 0;
  // the list people read: every figure given as predict and the panel give it (figures), whatever the request said
  const params = { ...o.options, k: PANEL_WORDS, words: 1, temperature: 0, useCache: false, figures: true };
  const prediction = await engine.suggest(text, params, undefined, offset, o.memory);
  const first = prediction.alternatives[0];
  if (!first) throw new HostError("input", text.trim() ? "the model suggests no word after this text (it ends inside a word no known word completes, or in a very long one)" : "the text is empty: there is nothing to explain");
  // the state the word's first token follows: before the typed part, unless the typed word was already whole
  const typed = prediction.typed ?? "";
  const whole = prediction.startsNewWord && typed.trim() !== "";
  const context = whole ? text : text.slice(0, text.length - typed.length);
  const ids = engine.contextIds(context.replace(/\r\n?/g, "\n"), o.options.maxContextTokens, offset);
  const token = first.tokens?.[0] ?? engine.tokenizer.encode(first.word)[0];
  const cfg = engine.folder.config;
  const run = await engine.model.run(null, ids, { attentions: true, hidden: true });
  const modelLogit = run.logits[token];
  const base: Explanation = {
    word: first.word,
    p: first.p,
    modelP: first.modelP ?? first.p,
    memoryP: first.memoryP ?? 0,
    share: prediction.share ?? 0,
    token: engine.tokenizer.tokenShown(token),
    logit: modelLogit,
    windowStart: (prediction.windowStart ?? offset) - offset,
    windowTokens: ids.length,
    words: prediction.alternatives.map(({ word, p, modelP, memoryP }) => ({ word, p, modelP: modelP ?? p, memoryP: memoryP ?? 0 })),
    components: [],
    layers: [],
    removals: [],
    ms: 0,
  };
  const w = weights(engine);
  if ("problem" in w || !run.hidden || !run.attentions) {
    base.internalsProblem = "problem" in w ? `no split by part or layer: ${w.problem}` : "no split by part or layer: the model gives no hidden states or attention";
  } else {
    const a = attribute(w, { hidden: run.hidden, attentions: run.attentions, T: ids.length, H: cfg.nHead }, token);
    if (a.check > 1e-2) {
      base.internalsProblem = `no split by part or layer: this arithmetic does not reproduce the model's own final state (off by ${a.check.toPrecision(2)}), so the weights are not read as the model uses them`;
    } else {
      base.components = a.components;
      base.layers = a.streams.map((stream, l) => {
        // the last layer's too (not the run's own logits): the test holds it to the model's answer
        const logits = lensLogits(w, stream);
        const rank = rankOf(logits, token);
        return { layer: l + 1, top: topTokens(logits, LENS_TOKENS).map(({ id, p }) => ({ token: engine.tokenizer.tokenShown(id), p })), tokenP: probOf(logits, token), tokenRank: rank };
      });
    }
  }
  // the typed word, when it was whole, read as the search read it (its canonical tokens); a completion's
  // probability is given the typed part, over its readings, so a removal runs the search itself
  const typedTokens = whole ? engine.tokenizer.encode(typed.replace(/\r\n?/g, "\n")) : undefined;
  // (the typed word itself is not an earlier word: the units end where it begins)
  base.removals = await removals(engine, text, text.slice(0, text.length - typed.length), ids, run.cache, first, prediction.windowStart ?? offset, params, o, typedTokens ?? [], prediction.startsNewWord ? undefined : prediction.readings);
  base.ms = performance.now() - t0;
  return base;
}

/**
 * The suggestion's probability with each unit of the window taken out of the text, in one pass over them:
 * the context runs again from where the unit was (the window's earlier tokens are kept), and the word is
 * scored as the search scores it. A completion of a typed word is given the typed part over the
 * prediction's own readings of it (`readings`), each scored after the shorter text.
 */
async function removals(engine: Engine, text: string, context: string, ids: number[], cache: KvCache, first: WordProb, windowStart: number, params: Settings["suggest"] & { useCache: boolean }, o: ExplainOptions, typed: number[], readings: number[][] | undefined): Promise<Removal[]> {
  const offset = o.offset ?? 0;
  const units = windowUnits(text, windowStart - offset, context.length);
  const m = o.memory;
  const at = offset + context.length;
  const full = m?.view(at) ?? null;
  const out: Removal[] = [];
  if (!first.tokens) return out;
  const scored = readings ?? [first.tokens];
  const index = readings ? readings.findIndex((r) => r.join(",") === first.tokens!.join(",")) : 0;
  if (index < 0) return out;
  // each shorter text from where any of their windows can begin (windowStart is monotonic in the end, and
  // no shorter text ends before the window does): a long text is not copied once per removal
  const from = Math.max(0, windowStartAt(windowStart, params.maxContextTokens) - offset);
  const texts = units.map((u) => ({
    textBefore: text.slice(from, u.start) + text.slice(u.end),
    how: { from: { ids, cache }, ...(m && full ? { memory: () => viewWithout(m, at, full, offset + u.start, offset + u.end) } : {}) },
  }));
  const scores = await unitProbabilities(engine, texts, typed, scored, params, offset + from, m);
  units.forEach((u, i) => {
    const ps = scores[i];
    const mass = readings ? ps.reduce((a, b) => a + b, 0) : 1;
    out.push({ start: u.start, end: u.end, text: text.slice(u.start, u.end), p: mass > 0 ? ps[index] / mass : 0 });
  });
  return out;
}

/** The token's probability under a logits row (softmax.ts's sums). */
function probOf(logits: Float32Array, token: number): number {
  return Math.exp(logits[token] - logSoftmax(logits).logZ);
}

function rankOf(logits: Float32Array, token: number): number {
  let rank = 1;
  for (let i = 0; i < logits.length; i++) if (logits[i] > logits[token]) rank++;
  return rank;
}
