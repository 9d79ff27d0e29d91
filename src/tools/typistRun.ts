// npm run eval:typist: the typist's yardstick alone (typistEval.ts), for tuning and for the card.
//   node dist/typist.js [--model DIR] [--corpus DIR] [--words N] [--sources a,b] [--suggesters lm,lm-nomem,trigram,onboard] [--json]
// npm run eval runs the same measure as part of the whole evaluation.
import { parseArgs } from "node:util";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../modelHost/engine";
import { DEFAULT_SETTINGS } from "../core/settings";
import { KneserNeyTrigram, splitPreTokens } from "./ngram";
import { OnboardPredictor, fetchOnboardModel } from "./onboard";
import { lmLensTypist, onboardTypist, trigramTypist, typeAll, typistTable, typistTexts, type TypistRow } from "./typistEval";
import { acceptedShare, savings } from "./typist";

const ROOT = join(__dirname, "..");

export function readDocs(path: string): string[] {
  return readFileSync(path, "utf8").replace(/\n$/, "").split("\n\x1e\n").filter((d) => d.trim().length > 0);
}

export const TYPIST_SUGGESTERS = ["lm", "lm-nomem", "trigram", "onboard"] as const;

/** The typist's rows for these sources; `say` reports progress. */
export async function typistRows(
  opts: { model: string; corpus: string; words: number; sources: string[]; suggesters: readonly string[]; kn?: KneserNeyTrigram; onboard?: OnboardPredictor | null },
  say: (line: string) => void,
): Promise<TypistRow[]> {
  const engine = await Engine.load(opts.model, { threads: 1 });
  let kn = opts.kn;
  if (!kn && opts.suggesters.includes("trigram")) {
    const trainDir = join(opts.corpus, "train");
    const docs = readdirSync(trainDir).filter((f) => f.endsWith(".txt")).flatMap((f) => readDocs(join(trainDir, f)));
    kn = KneserNeyTrigram.train(docs.map(splitPreTokens));
  }
  let onboard = opts.onboard;
  if (onboard === undefined && opts.suggesters.includes("onboard")) {
    const lm = fetchOnboardModel(join(ROOT, ".cache", "onboard"));
    onboard = lm instanceof Error ? null : OnboardPredictor.parse(readFileSync(lm, "utf8"));
    if (lm instanceof Error) say(`no Onboard row: ${lm.message}`);
  }
  const rows: TypistRow[] = [];
  try {
    for (const source of opts.sources) {
      const path = join(opts.corpus, "heldout", `${source}.txt`);
      if (!existsSync(path)) {
        say(`${source}: no held-out file at ${path}`);
        continue;
      }
      const texts = typistTexts(readDocs(path), opts.words);
      for (const name of opts.suggesters) {
        let make;
        if (name === "lm") make = (i: number) => lmLensTypist(engine, DEFAULT_SETTINGS, `typist-${source}-${i}`);
        else if (name === "lm-nomem") make = () => lmLensTypist(engine, { ...DEFAULT_SETTINGS, memoryTokens: 0 });
        else if (name === "trigram" && kn) make = () => trigramTypist(kn);
        else if (name === "onboard" && onboard) make = () => onboardTypist(onboard);
        else continue;
        const { tally, ms } = await typeAll(texts, make);
        const label = { lm: "LM Lens", "lm-nomem": "LM Lens, no memory", trigram: "Kneser-Ney trigram", onboard: "Onboard keyboard (list of 3)" }[name]!;
        rows.push({ source, suggester: label, tally, ms });
        say(`${source} ${label}: ${(100 * savings(tally)).toFixed(1)} % keys saved, ${(100 * acceptedShare(tally)).toFixed(1)} % of ${tally.shown} shown accepted (${tally.chars} chars, ${(ms / 1000).toFixed(1)} s, ${(ms / Math.max(1, tally.keys)).toFixed(2)} ms a key)`);
      }
    }
  } finally {
    await engine.dispose();
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: join(ROOT, "models", "lm-lens-5m") },
      corpus: { type: "string", default: join(ROOT, "models", "recipe", ".cache", "corpus") },
      words: { type: "string", default: "1000" },
      sources: { type: "string" },
      suggesters: { type: "string", default: TYPIST_SUGGESTERS.join(",") },
      json: { type: "boolean", default: false },
    },
  });
  const heldout = join(values.corpus!, "heldout");
  if (!existsSync(heldout)) throw new Error(`no corpus at ${values.corpus} (run npm run eval once, or models/recipe/corpus.py)`);
  const sources = values.sources ? values.sources.split(",") : readdirSync(heldout).filter((f) => f.endsWith(".txt")).map((f) => f.slice(0, -4)).sort();
  const words = Number(values.words);
  const rows = await typistRows({ model: values.model!, corpus: values.corpus!, words, sources, suggesters: values.suggesters!.split(",") }, (l) => process.stderr.write(`typist: ${l}\n`));
  if (values.json) process.stdout.write(JSON.stringify({ words, rows }) + "\n");
  else process.stdout.write(typistTable(rows, words) + "\n");
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`typist: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
