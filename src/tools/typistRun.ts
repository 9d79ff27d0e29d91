// The typist's rows for some held-out sources and suggesters (typistEval.ts, typistCli.ts): what
// npm run eval and dist/typist.js (evalTypist.ts) run.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../modelHost/engine";
import { DEFAULT_SETTINGS, type Settings } from "../core/settings";
import { KneserNeyTrigram, splitPreTokens } from "./ngram";
import { OnboardPredictor, fetchOnboardModel } from "./onboard";
import { lmLensTypist, onboardTypist, trigramTypist, typeAll, typistTexts, type TypistRow } from "./typistEval";
import { acceptedShare, savings } from "./typist";
import { PredictProcess, cliTypist, median } from "./typistCli";

const ROOT = join(__dirname, "..");

export function readDocs(path: string): string[] {
  return readFileSync(path, "utf8").replace(/\n$/, "").split("\n\x1e\n").filter((d) => d.trim().length > 0);
}

/** The held-out sources of a corpus (its heldout/*.txt), sorted. */
export function heldoutSources(corpus: string): string[] {
  return readdirSync(join(corpus, "heldout")).filter((f) => f.endsWith(".txt")).map((f) => f.slice(0, -4)).sort();
}

export const TYPIST_SUGGESTERS = ["lm", "lm-nomem", "trigram", "onboard"] as const;
/** through lm-lens predict on stdin: its ghost field, its top word (typistCli.ts) */
export const CLI_SUGGESTERS = ["cli-ghost", "cli-top"] as const;

/** The typist's rows for these sources; `say` reports progress. */
export async function typistRows(
  opts: { model: string; corpus: string; words: number; sources: string[]; suggesters: readonly string[]; kn?: KneserNeyTrigram; onboard?: OnboardPredictor | null; settings?: Settings },
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
  let predict: PredictProcess | undefined;
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
        const settings = opts.settings ?? DEFAULT_SETTINGS;
        if (name === "lm") make = (i: number) => lmLensTypist(engine, settings, `typist-${source}-${i}`);
        else if (name === "lm-nomem") make = () => lmLensTypist(engine, { ...settings, memoryTokens: 0 });
        else if (name === "trigram" && kn) make = () => trigramTypist(kn);
        else if (name === "onboard" && onboard) make = () => onboardTypist(onboard);
        else if (name === "cli-ghost" || name === "cli-top") {
          predict ??= new PredictProcess(join(ROOT, "dist", "cli.js"), opts.model);
          const p = predict;
          make = () => cliTypist(p, name === "cli-ghost" ? "ghost" : "top");
        } else continue;
        const asked = predict?.answers.length ?? 0;
        const { tally, ms } = await typeAll(texts, make);
        const label = { lm: "LM Lens", "lm-nomem": "LM Lens, no memory", trigram: "Kneser-Ney trigram", onboard: "Onboard keyboard (list of 3)", "cli-ghost": "lm-lens predict, ghost", "cli-top": "lm-lens predict, top word" }[name]!;
        const answers = predict?.answers.slice(asked) ?? [];
        rows.push({ source, suggester: label, tally, ms, ...(name.startsWith("cli") ? { medianMs: median(answers.map((a) => (name === "cli-ghost" ? a.ghostMs : a.ms))), medianWallMs: median(answers.map((a) => a.wallMs)) } : {}) });
        say(`${source} ${label}: ${(100 * savings(tally)).toFixed(1)} % keys saved, ${(100 * acceptedShare(tally)).toFixed(1)} % of ${tally.shown} shown accepted (${tally.chars} chars, ${(ms / 1000).toFixed(1)} s, ${(ms / Math.max(1, tally.keys)).toFixed(2)} ms a key${rows.at(-1)?.medianMs !== undefined ? `, median answer ${rows.at(-1)!.medianMs!.toFixed(1)} ms, ${rows.at(-1)!.medianWallMs!.toFixed(1)} ms from line to answer` : ""})`);
      }
    }
  } finally {
    await engine.dispose();
    await predict?.close();
  }
  return rows;
}
