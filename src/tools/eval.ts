// npm run eval: how good is the shipped model, measured through onnxruntime-node (what ships), on the
// held-out split of each source, next to two baselines trained on the same training split.
//   node dist/eval.js [--model DIR] [--corpus DIR] [--positions N] [--max-tokens N] [--json] [--write]
// Metrics per source:
//   token CE      mean cross-entropy per token (nats), sliding windows of 256 advancing by 128
//   word PPL      exp(total NLL / number of whitespace-separated words), the same text for every model
//                 (the baselines work on GPT-2 pre-tokens, so they too predict every character)
//   top-1, top-5  the next word (its leading letters/digits) is among the model's k most likely whole
//                 next words, at word boundaries where the next word does not start with punctuation;
//                 twice: with float32 weights for every run, and as the editor suggests, with 8-bit
//                 weights for the word search's short runs (lmLens.quantizedWeights, on by default)
//   partial word  at the same positions, the first half of the next word (at least one letter) is typed
//                 after the context: a hit when the completed word is the word (top-1, top-5); the model
//                 as the editor completes it (Engine.suggest, 8-bit search), the baselines by keeping
//                 the candidates that start with the typed half
//   Onboard       the Onboard keyboard's English model (onboard.ts; Debian onboard-data, downloaded into
//                 .cache/onboard, never installed): bigram on the previous word, backing off to unigrams;
//                 its lists are for typing (lower case at a sentence start), so it is compared without
//                 regard to case, where the other rows compare exactly
//   memory        (evalMemory.ts) bits per byte of every held-out file with and without the document
//                 memory, beside xz -9e; next-word accuracy after long contexts through lm-lens predict
//   8-bit drift   one-token runs after 64 tokens of held-out text (read on float32), on the 8-bit and
//                 the float32 weights: the largest change of any logit per run, and of any probability
import { parseArgs } from "node:util";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Engine } from "../modelHost/engine";
import { neighbourSpace } from "../modelHost/neighbourSpace";
import { KneserNeyTrigram, UnigramBaseline, isWordPreToken, splitPreTokens } from "./ngram";
import { logSoftmax } from "../modelHost/softmax";
import { COMPRESSION_HEADER, evalCompression, evalLongContexts, memoryTables } from "./evalMemory";
import { scoreIds } from "../modelHost/scoreText";
import { DEFAULT_SETTINGS } from "../core/settings";
import { OnboardPredictor, fetchOnboardModel, historyOf } from "./onboard";
import { TYPIST_SUGGESTERS, heldoutSources, typistRows } from "./typistRun";
import { TYPIST_HEADER, typistTable, type TypistRow } from "./typistEval";

/** words of each held-out source the typist writes (about 40 s a source and suggester for LM Lens) */
const TYPIST_WORDS = 500;


const ROOT = join(__dirname, "..");
const SOURCES = ["brown", "docs", "code"];
/** held-out sources with long documents, for the long-context accuracy */
const LONG_SOURCES = ["docs", "linux-doc", "rust-doc", "brown"];

interface NeighbourRow {
  group: string;
  words: number;
  of: number;
  /** mean share of the other group members among a member's 10 nearest (over what 10 can hold) */
  share: number;
  nearestInGroup: number;
  /** the share a random neighbour list would give */
  chance: number;
}

interface Row {
  source: string;
  model: string;
  tokenCE?: number;
  /** undefined for the 8-bit search row: cross-entropy is always measured on the float32 weights */
  wordPPL?: number;
  /** share of positions where the 8-bit search's top word is the float32 one's */
  sameTop1?: number;
  top1: number;
  top5: number;
  /** the first half of the word typed: the completed word is the word (undefined: not measured) */
  partialTop1?: number;
  partialTop5?: number;
  /** Onboard: its keyboard's own list with nothing typed (only words seen after the previous word) */
  shownTop1?: number;
  shownTop5?: number;
  words: number;
  positions: number;
}

function readDocs(path: string): string[] {
  return readFileSync(path, "utf8").replace(/\n$/, "").split("\n\x1e\n").filter((d) => d.trim().length > 0);
}

/** Word boundaries to test: the context before word i and the word's leading letters/digits. */
function positions(docs: string[], want: number): { doc: number; context: string; target: string }[] {
  const all: { doc: number; start: number; end: number }[][] = docs.map((d) => Array.from(d.matchAll(/\S+/g), (m) => ({ doc: 0, start: m.index!, end: m.index! + m[0].length })));
  const total = all.reduce((a, w) => a + Math.max(0, w.length - 1), 0);
  const stride = Math.max(1, Math.floor(total / want));
  const out: { doc: number; context: string; target: string }[] = [];
  let seen = 0;
  all.forEach((words, d) => {
    for (let i = 1; i < words.length; i++, seen++) {
      if (seen % stride !== 0) continue;
      const text = docs[d];
      const word = text.slice(words[i].start, words[i].end);
      const m = /^[\p{L}\p{N}]+/u.exec(word);
      if (!m) continue; // the next word starts with punctuation: excluded
      const gap = text.slice(words[i - 1].end, words[i].start);
      // the model predicts the whitespace too; a line break belongs to the context, a space to the word
      const context = gap.includes("\n") ? text.slice(0, words[i].start) : text.slice(0, words[i - 1].end);
      out.push({ doc: d, context, target: m[0] });
    }
  });
  return out;
}

/** First word unit of a predicted next word, for comparison with the target. */
function lead(word: string): string {
  return /^\s*([\p{L}\p{N}]+)/u.exec(word)?.[1] ?? "";
}

/**
 * One-token runs on the 8-bit and the float32 weights after the same 64 tokens (read on float32), at
 * up to n evenly spaced places: per run, the largest change of any logit and of any probability.
 */
async function eightBitDrift(exact: Engine, eightBit: Engine, ids: readonly number[], n: number): Promise<{ logit: number; p: number }[]> {
  const out: { logit: number; p: number }[] = [];
  const step = Math.max(65, Math.floor((ids.length - 65) / n));
  const softmax = (l: Float32Array) => {
    const { logZ } = logSoftmax(l);
    return Float64Array.from(l, (v) => Math.exp(v - logZ));
  };
  for (let s = 0; s + 65 <= ids.length && out.length < n; s += step) {
    const base = await exact.model.run(null, ids.slice(s, s + 64));
    const a = await eightBit.model.run(base.cache, [ids[s + 64]], { fast: true });
    const b = await exact.model.run(base.cache, [ids[s + 64]]);
    const pa = softmax(a.logits);
    const pb = softmax(b.logits);
    let logit = 0;
    let p = 0;
    for (let i = 0; i < a.logits.length; i++) {
      logit = Math.max(logit, Math.abs(a.logits[i] - b.logits[i]));
      p = Math.max(p, Math.abs(pa[i] - pb[i]));
    }
    out.push({ logit, p });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: join(ROOT, "models", "lm-lens-5m") },
      corpus: { type: "string", default: join(ROOT, "models", "recipe", ".cache", "corpus") },
      positions: { type: "string", default: "3000" },
      "max-tokens": { type: "string", default: "150000" },
      json: { type: "boolean", default: false },
      write: { type: "boolean", default: false },
      "memory-tokens": { type: "string", default: "20000" },
      "long-positions": { type: "string", default: "100" },
      "memory-only": { type: "boolean", default: false },
      "typist-words": { type: "string", default: String(TYPIST_WORDS) },
      "typist-only": { type: "boolean", default: false },
    },
  });
  const corpus = values.corpus!;
  if (!existsSync(join(corpus, "heldout"))) {
    process.stderr.write(`eval: no corpus at ${corpus}; building it with models/recipe/corpus.py\n`);
    execFileSync("/usr/bin/python3", [join(ROOT, "models", "recipe", "corpus.py"), "--out", corpus], { stdio: "inherit" });
  }
  const typistWords = Number(values["typist-words"]);
  if (values["typist-only"]) {
    // the typist's yardstick alone (about half an hour): its table replaces the one in eval.md and eval.json
    const typist = await typistRows({ model: values.model!, corpus, words: typistWords, sources: heldoutSources(corpus), suggesters: TYPIST_SUGGESTERS }, (l) => process.stderr.write(`eval: typist: ${l}\n`));
    const typistMd = typistTable(typist, typistWords);
    if (values.json) process.stdout.write(JSON.stringify({ typist: { words: typistWords, rows: typist } }) + "\n");
    else process.stdout.write(typistMd + "\n");
    if (values.write) writeTypistOnly(values.model!, { words: typistWords, rows: typist }, typistMd);
    return;
  }
  const wantPositions = Number(values.positions);
  const maxTokens = Number(values["max-tokens"]);
  const t0 = performance.now();
  const engine = await Engine.load(values.model!, { threads: 2, quantize: false });
  const shipped = await Engine.load(values.model!, { threads: 2 });
  const q = shipped.info().quantized;
  const eightBit = q !== undefined && "matmuls" in q ? shipped : undefined;
  if (!eightBit) await shipped.dispose();
  const eos = engine.tokenizer.eosId;
  const say = (l: string) => process.stderr.write(`eval: ${l}\n`);

  // the document memory (issue 19): compression with and without it, and long contexts through predict
  const heldout = join(corpus, "heldout");
  const compression = await evalCompression(engine, heldout, Number(values["memory-tokens"]), say);
  const long = evalLongContexts(join(ROOT, "dist", "cli.js"), values.model!, heldout, LONG_SOURCES, Number(values["long-positions"]), say);
  const memoryMd = memoryTables(compression, long);
  if (values["memory-only"]) {
    await engine.dispose();
    await eightBit?.dispose();
    if (values.json) process.stdout.write(JSON.stringify({ memory: { compression, long } }) + "\n");
    else process.stdout.write(memoryMd + "\n");
    if (values.write) writeMemoryOnly(values.model!, { compression, long }, memoryMd);
    return;
  }

  // baselines on the whole training split, as the model was trained
  const trainDir = join(corpus, "train");
  const trainDocs = readdirSync(trainDir).filter((f) => f.endsWith(".txt")).flatMap((f) => readDocs(join(trainDir, f)));
  const kn = KneserNeyTrigram.train(trainDocs.map(splitPreTokens));
  const uni = UnigramBaseline.train(trainDocs.map(splitPreTokens));
  process.stderr.write(`eval: baselines trained on ${trainDocs.length} documents (vocabulary ${kn.vocabularySize}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const onboardLm = fetchOnboardModel(join(ROOT, ".cache", "onboard"));
  const onboard = onboardLm instanceof Error ? undefined : OnboardPredictor.parse(readFileSync(onboardLm, "utf8"));
  if (onboardLm instanceof Error) say(`no Onboard row: its model (apt-get download onboard-data; dpkg-deb -x) is not at hand: ${onboardLm.message}`);
  // the editor's path for a half-typed word: the 8-bit search when the model has it
  const suggester = eightBit ?? engine;
  const suggestParams = { ...DEFAULT_SETTINGS.suggest, k: 5, words: 1, useCache: false };
  const timings: Record<string, Record<string, number>> = {};

  const rows: Row[] = [];
  const drift: { logit: number; p: number }[] = [];
  for (const source of SOURCES) {
    const path = join(corpus, "heldout", `${source}.txt`);
    if (!existsSync(path)) continue;
    // documents until the token budget is reached
    const docs: string[] = [];
    const ids: number[] = [];
    for (const d of readDocs(path)) {
      const enc = engine.tokenizer.encode(d);
      if (ids.length > 0 && ids.length + enc.length > maxTokens) break;
      if (eos !== undefined) ids.push(eos);
      ids.push(...enc);
      docs.push(d);
    }
    const words = docs.reduce((a, d) => a + (d.match(/\S+/g)?.length ?? 0), 0);
    const ts = performance.now();
    const { nll, count } = await scoreIds(engine.model, ids, { window: 256, stride: 128, memoryTokens: 0, params: engine.memories.params }, (id) => id === eos);
    if (eightBit) drift.push(...(await eightBitDrift(engine, eightBit, ids, 300)));
    // baselines: the same documents, unit by unit
    let knNll = 0;
    let uniNll = 0;
    for (const d of docs) {
      const units = splitPreTokens(d);
      let u = "<s>";
      let v = "<s>";
      for (const w of units) {
        knNll -= kn.logProbOpen(u, v, w);
        uniNll -= uni.logProbOpen(w);
        u = v;
        v = w;
      }
    }
    const pos = positions(docs, source === "brown" ? Math.round(wantPositions * 1.5) : wantPositions);
    const tPositions = performance.now();
    const hits = { model: [0, 0], eightBit: [0, 0], kn: [0, 0], onboard: [0, 0], onboardShown: [0, 0], uni: [0, 0] };
    const partial = { suggested: [0, 0], kn: [0, 0], onboard: [0, 0], uni: [0, 0] };
    const spent: Record<string, number> = { model: 0, eightBit: 0, suggested: 0, kn: 0, onboard: 0, uni: 0 };
    const timed = async <T>(what: string, f: () => T | Promise<T>): Promise<T> => {
      const t = performance.now();
      const r = await f();
      spent[what] += performance.now() - t;
      return r;
    };
    /** [top-1, top-5] hits of a list of candidate words (best first) */
    const score = (tally: number[], words: string[], target: string, same = (a: string, b: string) => a === b) => {
      if (words.length > 0 && same(words[0], target)) tally[0]++;
      if (words.slice(0, 5).some((w) => same(w, target))) tally[1]++;
    };
    const caseless = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    let sameTop1 = 0;
    const uniTop = uni.topWords(5, (w) => !isWordPreToken(w)).map((x) => lead(x.word));
    for (const p of pos) {
      const predicted = await timed("model", async () => (await engine.nextWords(p.context, 5)).map((c) => lead(c.word)));
      score(hits.model, predicted, p.target);
      if (eightBit) {
        const fast = await timed("eightBit", async () => (await eightBit.nextWords(p.context, 5)).map((c) => lead(c.word)));
        score(hits.eightBit, fast, p.target);
        if (fast[0] === predicted[0]) sameTop1++;
      }
      const hist = splitPreTokens(p.context.slice(-200));
      const u = hist.at(-2) ?? "<s>";
      const v = hist.at(-1) ?? "<s>";
      const knTop = await timed("kn", () => kn.topWords(u, v, 5, (w) => !isWordPreToken(w)).map((x) => lead(x.word)));
      score(hits.kn, knTop, p.target);
      score(hits.uni, uniTop, p.target);

      // the first half of the word typed (at least one letter), after the space or the line's indentation
      const half = p.target.slice(0, Math.max(1, Math.floor(p.target.length / 2)));
      const typed = `${p.context}${/\s$/.test(p.context) ? "" : " "}${half}`;
      const r = await timed("suggested", () => suggester.suggest(typed, suggestParams));
      // a suggestion that starts a new word means the typed half was taken as the whole word
      score(partial.suggested, r.startsNewWord ? [half] : r.alternatives.map((a) => lead(half + a.word)), p.target);
      const knHalf = await timed("kn", () => kn.topWords(u, v, 5, (w) => !isWordPreToken(w) || !lead(w).startsWith(half)).map((x) => lead(x.word)));
      score(partial.kn, knHalf, p.target);
      const uniHalf = await timed("uni", () => uni.topWords(5, (w) => !isWordPreToken(w) || !lead(w).startsWith(half)).map((x) => lead(x.word)));
      score(partial.uni, uniHalf, p.target);
      if (onboard) {
        await timed("onboard", () => {
          const h = historyOf(p.context);
          const isWord = (w: string) => lead(w) !== "";
          score(hits.onboard, onboard.topWords(h, 5, isWord).map((c) => lead(c.word)), p.target, caseless);
          score(hits.onboardShown, onboard.topWords(h, 5, isWord, true).map((c) => lead(c.word)), p.target, caseless);
          const lower = half.toLowerCase();
          score(partial.onboard, onboard.topWords(h, 5, (w) => lead(w).toLowerCase().startsWith(lower)).map((c) => lead(c.word)), p.target, caseless);
        });
      }
    }
    const n = pos.length;
    const part = (t: number[]) => ({ partialTop1: t[0] / n, partialTop5: t[1] / n });
    rows.push({ source, model: "LM Lens model", tokenCE: nll / count, wordPPL: Math.exp(nll / words), top1: hits.model[0] / n, top5: hits.model[1] / n, ...(eightBit ? {} : part(partial.suggested)), words, positions: n });
    if (eightBit) rows.push({ source, model: "LM Lens model, 8-bit search (as suggested)", top1: hits.eightBit[0] / n, top5: hits.eightBit[1] / n, ...part(partial.suggested), sameTop1: sameTop1 / n, words, positions: n });
    rows.push({ source, model: "Kneser-Ney trigram", wordPPL: Math.exp(knNll / words), top1: hits.kn[0] / n, top5: hits.kn[1] / n, ...part(partial.kn), words, positions: n });
    if (onboard) rows.push({ source, model: "Onboard keyboard (en_US, any case)", top1: hits.onboard[0] / n, top5: hits.onboard[1] / n, ...part(partial.onboard), shownTop1: hits.onboardShown[0] / n, shownTop5: hits.onboardShown[1] / n, words, positions: n });
    rows.push({ source, model: "most frequent words", wordPPL: Math.exp(uniNll / words), top1: hits.uni[0] / n, top5: hits.uni[1] / n, ...part(partial.uni), words, positions: n });
    timings[source] = Object.fromEntries(Object.entries({ ...spent, scoring: tPositions - ts, all: performance.now() - ts }).map(([k, ms]) => [k, Math.round(ms / 100) / 10]));
    const t = timings[source];
    say(`${source}: ${ids.length} tokens, ${words} words, ${n} positions in ${t.all} s (cross-entropy, drift and baselines' perplexity ${t.scoring} s; next word: model ${t.model} s, 8-bit ${t.eightBit} s; half-typed words as suggested ${t.suggested} s; trigram ${t.kn} s, Onboard ${t.onboard} s, most frequent ${t.uni} s)`);
  }
  // neighbour quality: do words of a closed class find each other among their 10 static neighbours?
  const groups: Record<string, string[]> = {
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    numbers: ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "hundred"],
    colours: ["red", "blue", "green", "yellow", "black", "white", "brown", "gray", "orange", "purple", "pink"],
    pronouns: ["he", "she", "they", "we", "you", "him", "her", "them", "us", "me"],
    family: ["father", "mother", "brother", "sister", "son", "daughter", "wife", "husband", "uncle", "aunt"],
    "time units": ["second", "minute", "hour", "day", "week", "month", "year", "century"],
  };
  const space = neighbourSpace(engine);
  const neighbourRows: NeighbourRow[] = [];
  for (const [name, members] of Object.entries(groups)) {
    const inIndex = members.filter((w) => space.index.rowOf.has(w));
    if (inIndex.length < 3) {
      neighbourRows.push({ group: name, words: inIndex.length, of: members.length, share: Number.NaN, nearestInGroup: Number.NaN, chance: Number.NaN });
      continue;
    }
    let share = 0;
    let firstIn = 0;
    for (const w of inIndex) {
      const list = await space.search({ query: w, mode: "static", layer: 0, metric: "cosine", k: 10 });
      const words = list.neighbours.map((n) => n.word);
      const same = words.filter((x) => inIndex.includes(x) && x !== w).length;
      share += same / Math.min(10, inIndex.length - 1);
      if (words.length > 0 && inIndex.includes(words[0])) firstIn++;
    }
    const n = inIndex.length;
    neighbourRows.push({ group: name, words: n, of: members.length, share: n ? share / n : 0, nearestInGroup: n ? firstIn / n : 0, chance: n > 1 ? (n - 1) / space.index.words.length : 0 });
  }
  await engine.dispose();
  await eightBit?.dispose();
  // the typist's yardstick (typistEval.ts), with the same baselines
  const typist = await typistRows({ model: values.model!, corpus, words: typistWords, sources: heldoutSources(corpus), suggesters: TYPIST_SUGGESTERS, kn, onboard: onboard ?? null }, say);
  const typistMd = typistTable(typist, typistWords);

  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const table = [
    "| held-out source | model | token CE (nats) | word PPL | top-1 next word | top-5 next word | top-1 half-typed word | top-5 half-typed word |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.source} (${r.words.toLocaleString("en")} words, ${r.positions} positions) | ${r.model} | ${r.tokenCE === undefined ? "" : r.tokenCE.toFixed(3)} | ${r.wordPPL === undefined ? "" : r.wordPPL.toFixed(1)} | ${pct(r.top1)} | ${pct(r.top5)} | ${r.partialTop1 === undefined ? "" : pct(r.partialTop1)} | ${r.partialTop5 === undefined ? "" : pct(r.partialTop5)} |`,
    ),
  ].join("\n");
  const halfLine =
    "\n\nHalf-typed word: the first half of the next word (at least one letter) typed after the context; a hit when the completed word is the word. The model completes it as the editor does (Engine.suggest; a suggestion that starts a new word leaves the half as typed), the baselines keep their candidates that start with the half.";
  const shown = rows.filter((r) => r.shownTop1 !== undefined).map((r) => `${r.source} ${pct(r.shownTop1!)} / ${pct(r.shownTop5!)}`);
  const onboardLine = onboard
    ? `\n\nOnboard: Debian onboard-data's en_US.lm (unigram and bigram counts), ranked as its engine does (a bigram on the previous word interpolated with unigrams, absolute discounting), compared without regard to case (its lists are for typing); the other rows compare exactly. With nothing typed, the keyboard itself lists only words seen after the previous word (top-1 / top-5: ${shown.join(", ")}).`
    : `\n\nOnboard: not measured (${(onboardLm as Error).message}).`;
  const agreement = rows.filter((r) => r.sameTop1 !== undefined).map((r) => `${r.source} ${(100 * r.sameTop1!).toFixed(2)} %`);
  const agreementLine = agreement.length ? `\n\nThe 8-bit search suggests the float32 search's top word at ${agreement.join(", ")} of the positions.` : "";
  const neighbourTable = [
    "| group | words in the index | their group among the 10 nearest | nearest neighbour in the group | chance |",
    "|---|---:|---:|---:|---:|",
    ...neighbourRows.map((r) =>
      Number.isNaN(r.share)
        ? `| ${r.group} | ${r.words} of ${r.of} | (fewer than 3 are single-token words) | | |`
        : `| ${r.group} | ${r.words} of ${r.of} | ${pct(r.share)} | ${pct(r.nearestInGroup)} | ${pct(r.chance)} |`,
    ),
  ].join("\n");
  const quantization = drift.length
    ? { runs: drift.length, meanMaxLogitChange: drift.reduce((a, d) => a + d.logit, 0) / drift.length, maxLogitChange: Math.max(...drift.map((d) => d.logit)), maxProbabilityChange: Math.max(...drift.map((d) => d.p)) }
    : undefined;
  const driftLine = quantization
    ? `\n\nOver ${quantization.runs} one-token runs after 64 tokens of held-out text, the 8-bit weights changed the largest logit of a run by ${quantization.meanMaxLogitChange.toFixed(2)} on average (${quantization.maxLogitChange.toFixed(2)} at most) and no probability by more than ${quantization.maxProbabilityChange.toFixed(3)}.`
    : "";
  const result = { model: values.model, seconds: Math.round((performance.now() - t0) / 1000), timings, onboard: onboardLm instanceof Error ? { error: onboardLm.message } : { model: "onboard-data en_US.lm" }, rows, ...(quantization ? { quantization } : {}), neighbours: neighbourRows, typist: { words: typistWords, rows: typist }, memory: { compression, long } };
  const md = `${table}${halfLine}${onboardLine}${agreementLine}${driftLine}\n\n${neighbourTable}\n\n${typistMd}\n\n${memoryMd}\n`;
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else process.stdout.write(md);
  if (values.write) {
    writeFileSync(join(values.model!, "eval.json"), JSON.stringify(result, null, 2) + "\n");
    writeFileSync(join(values.model!, "eval.md"), md);
  }
}

/**
 * --typist-only --write: the typist's table replaced in eval.md (it stands before the memory tables) and
 * its rows in eval.json; the rest of both stays.
 */
function writeTypistOnly(model: string, typist: { words: number; rows: TypistRow[] }, typistMd: string): void {
  const { jsonPath, mdPath, json, md } = readEvalFiles(model, "--typist-only");
  const memoryAt = md.indexOf(COMPRESSION_HEADER);
  if (memoryAt < 0) throw new Error(`${mdPath}: no memory tables to put the typist's table before`);
  const at = md.indexOf(TYPIST_HEADER);
  const before = at >= 0 && at < memoryAt ? md.slice(0, at) : md.slice(0, memoryAt);
  writeFileSync(jsonPath, JSON.stringify({ ...json, typist }, null, 2) + "\n");
  writeFileSync(mdPath, `${before}${typistMd}\n\n${md.slice(memoryAt)}`);
}

/** A model's eval.json and eval.md, which a partial run (`flag` --write) updates in part. */
function readEvalFiles(model: string, flag: string): { jsonPath: string; mdPath: string; json: Record<string, unknown>; md: string } {
  const jsonPath = join(model, "eval.json");
  const mdPath = join(model, "eval.md");
  if (!existsSync(jsonPath) || !existsSync(mdPath)) throw new Error(`${model}: ${flag} --write updates eval.json and eval.md; run the whole eval once first`);
  return { jsonPath, mdPath, json: JSON.parse(readFileSync(jsonPath, "utf8")) as Record<string, unknown>, md: readFileSync(mdPath, "utf8") };
}

/**
 * --memory-only --write: the memory's part of eval.json and eval.md replaced (the rest of both stays, with
 * the same model); eval.md's memory tables are its last part.
 */
function writeMemoryOnly(model: string, memory: { compression: unknown; long: unknown }, memoryMd: string): void {
  const { jsonPath, mdPath, json, md } = readEvalFiles(model, "--memory-only");
  const at = md.indexOf(COMPRESSION_HEADER);
  if (at < 0) throw new Error(`${mdPath}: no memory tables to replace`);
  writeFileSync(jsonPath, JSON.stringify({ ...json, memory }, null, 2) + "\n");
  writeFileSync(mdPath, `${md.slice(0, at)}${memoryMd}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`eval: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
