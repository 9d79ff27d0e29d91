// npm run check:explain: does every view answer one question the same way, and is the explanation
// exact? On contexts cut from the held-out split (word boundaries, inside words, after whole words):
//   - explain's word and probability against predict --top 1 (Engine.suggestInText, as the CLI calls it)
//     and the first of the attention panel's next words (Engine.attention, as attention --json), with
//     and without the document memory: agreement within 1e-4;
//   - the parts of the first token's logit against the model's own float32 logit: within 1e-3;
//   - without the memory, the removal with the largest effect against predict on the text without that
//     span (its probability there, from a list of 50): within 1e-3;
//   - explain's time on 20,000-character texts, the memory filled over the whole text first (as the CLI).
//   node dist/checkExplain.js [--model DIR] [--corpus DIR] [--contexts N] [--json]
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Engine } from "../modelHost/engine";
import { explain } from "../modelHost/explain";
import { DEFAULT_MEMORY_TOKENS, DEFAULT_SETTINGS } from "../core/settings";
import { mulberry32 } from "../modelHost/nextWord";
import { HostError } from "../shared/hostProtocol";

const ROOT = join(__dirname, "..");
const SOURCES = ["docs", "linux-doc", "postgresql-doc", "rust-doc"];
const CONTEXT_CHARS = 2000;
const LONG_CHARS = 20000;

interface Row {
  source: string;
  memory: boolean;
  kind: string;
  word: string;
  p: number;
  predictP: number;
  panelP: number;
  sameWord: boolean;
  logitGap: number;
  removalGap?: number;
  /** the word is not in predict's 50 after the shorter text: its probability is checked against the fiftieth's */
  removalBelowList?: boolean;
  ms: number;
}

/** A context ending at a random point of the text: after a space, inside a word, or right after a word. */
function contexts(text: string, n: number, seed: number): { context: string; kind: string }[] {
  const rand = mulberry32(seed);
  const out: { context: string; kind: string }[] = [];
  for (let tries = 0; out.length < n && tries < 100 * n; tries++) {
    const at = CONTEXT_CHARS + Math.floor(rand() * (text.length - CONTEXT_CHARS - 1));
    const kind = ["boundary", "inside", "after"][out.length % 3];
    let end = at;
    if (kind === "boundary") end = text.indexOf(" ", at) + 1;
    else if (kind === "after") end = text.slice(at).search(/[\p{L}](?=\s)/u) + at + 1;
    else {
      const m = /\s([\p{L}]{5,})/u.exec(text.slice(at));
      if (!m) continue;
      end = at + m.index + 1 + Math.ceil(m[1].length / 2);
    }
    if (end <= CONTEXT_CHARS) continue;
    const context = text.slice(end - CONTEXT_CHARS, end);
    if (!/\S/.test(context)) continue;
    out.push({ context, kind });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: "string" }, corpus: { type: "string" }, contexts: { type: "string" }, json: { type: "boolean", default: false } } });
  const modelDir = values.model ?? join(ROOT, "models", "lm-lens-5m");
  const corpus = values.corpus ?? join(ROOT, "models", "recipe", ".cache", "work", "corpus");
  const n = Number(values.contexts ?? 12);
  const engine = await Engine.load(modelDir);
  const options = DEFAULT_SETTINGS.suggest;
  const rows: Row[] = [];
  const long: number[] = [];
  let noWord = 0;
  try {
    for (const [si, source] of SOURCES.entries()) {
      const text = readFileSync(join(corpus, "heldout", `${source}.txt`), "utf8");
      for (const { context, kind } of contexts(text, n, 1000 + si)) {
        for (const memory of [true, false]) {
          const tokens = memory ? DEFAULT_MEMORY_TOKENS : 0;
          const predicted = await engine.suggestInText(context, { ...options, k: 1, words: 1 }, tokens);
          const panel = await engine.attention(context, 512, undefined, tokens, "end");
          const t0 = performance.now();
          const m = memory ? await engine.memories.over(context, DEFAULT_MEMORY_TOKENS) : undefined;
          let x;
          try {
            x = await explain(engine, context, { options, ...(m ? { memory: m } : {}) });
          } catch (e) {
            // no word to explain: predict and the panel must have none either
            if (!(e instanceof HostError) || predicted.alternatives.length > 0 || panel.nextWords.length > 0) throw e;
            noWord++;
            continue;
          }
          const ms = performance.now() - t0;
          const sum = x.components.reduce((a, c) => a + c.logit, 0);
          const row: Row = { source, memory, kind, word: x.word, p: x.p, predictP: predicted.alternatives[0]?.p ?? NaN, panelP: panel.nextWords[0]?.p ?? NaN, sameWord: x.word === predicted.alternatives[0]?.word && x.word === panel.nextWords[0]?.word, logitGap: Math.abs(sum - x.logit), ms };
          if (!memory && x.removals.length > 0) {
            const biggest = [...x.removals].sort((a, b) => Math.abs(b.p - x.p) - Math.abs(a.p - x.p))[0];
            const cut = context.slice(0, biggest.start) + context.slice(biggest.end);
            const list = await engine.suggestInText(cut, { ...options, k: 50, words: 1 }, 0);
            const same = list.alternatives.find((w) => w.word === x.word);
            // a word below predict's fiftieth is checked against that bound
            const last = list.alternatives[list.alternatives.length - 1]?.p ?? 0;
            row.removalGap = same ? Math.abs(same.p - biggest.p) : Math.max(0, biggest.p - last);
            if (!same) row.removalBelowList = true;
          }
          rows.push(row);
        }
      }
    }
    const text = readFileSync(join(corpus, "heldout", "docs.txt"), "utf8");
    for (let i = 0; i < 5; i++) {
      const end = LONG_CHARS + Math.floor(((i + 1) / 6) * (text.length - LONG_CHARS));
      const context = text.slice(end - LONG_CHARS, end);
      const t0 = performance.now();
      const m = await engine.memories.over(context, DEFAULT_MEMORY_TOKENS);
      await explain(engine, context, { options, memory: m });
      long.push(performance.now() - t0);
    }
  } finally {
    await engine.dispose();
  }
  const gap = (r: Row) => Math.max(Math.abs(r.p - r.predictP), Math.abs(r.p - r.panelP));
  const summary = {
    contexts: rows.length,
    noWordAnywhere: noWord,
    sameWord: rows.filter((r) => r.sameWord).length,
    pWithin1e4: rows.filter((r) => gap(r) <= 1e-4).length,
    maxPGap: Math.max(...rows.map(gap)),
    logitWithin1e3: rows.filter((r) => r.logitGap <= 1e-3).length,
    maxLogitGap: Math.max(...rows.map((r) => r.logitGap)),
    removalsChecked: rows.filter((r) => r.removalGap !== undefined).length,
    removalWithin1e3: rows.filter((r) => r.removalGap !== undefined && r.removalGap <= 1e-3).length,
    removalBelowList: rows.filter((r) => r.removalBelowList).length,
    maxRemovalGap: Math.max(...rows.filter((r) => r.removalGap !== undefined).map((r) => r.removalGap!)),
    medianMs: median(rows.map((r) => r.ms)),
    long20kMs: long.map((x) => Math.round(x)),
  };
  if (values.json) process.stdout.write(JSON.stringify({ summary, rows }) + "\n");
  else {
    for (const r of rows.filter((r) => !r.sameWord || gap(r) > 1e-4 || r.logitGap > 1e-3 || (r.removalGap ?? 0) > 1e-3)) process.stdout.write(`differs: ${JSON.stringify(r)}\n`);
    process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

main().catch((e: unknown) => {
  process.stderr.write(`checkExplain: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = 1;
});
