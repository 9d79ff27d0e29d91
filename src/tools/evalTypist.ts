// npm run eval:typist: the typist's yardstick alone (typistEval.ts), for tuning and for the card.
//   node dist/typist.js [--model DIR] [--corpus DIR] [--words N] [--sources a,b]
//                       [--suggesters lm,lm-nomem,trigram,onboard,cli-ghost,cli-top] [--min-confidence X] [--json]
// npm run eval runs the same measure (without the cli-* rows) as part of the whole evaluation.
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TYPIST_SUGGESTERS, heldoutSources, typistRows } from "./typistRun";
import { typistTable } from "./typistEval";
import { DEFAULT_SETTINGS } from "../core/settings";

const ROOT = join(__dirname, "..");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: join(ROOT, "models", "lm-lens-5m") },
      corpus: { type: "string", default: join(ROOT, "models", "recipe", ".cache", "corpus") },
      words: { type: "string", default: "1000" },
      sources: { type: "string" },
      suggesters: { type: "string", default: TYPIST_SUGGESTERS.join(",") },
      json: { type: "boolean", default: false },
      "min-confidence": { type: "string" },
    },
  });
  const heldout = join(values.corpus!, "heldout");
  if (!existsSync(heldout)) throw new Error(`no corpus at ${values.corpus} (run npm run eval once, or models/recipe/corpus.py)`);
  const sources = values.sources ? values.sources.split(",") : heldoutSources(values.corpus!);
  const words = Number(values.words);
  const gate = values["min-confidence"] === undefined ? undefined : Number(values["min-confidence"]);
  const settings = gate === undefined ? DEFAULT_SETTINGS : { ...DEFAULT_SETTINGS, suggest: { ...DEFAULT_SETTINGS.suggest, minConfidence: gate } };
  const rows = await typistRows({ model: values.model!, corpus: values.corpus!, words, sources, suggesters: values.suggesters!.split(","), settings }, (l) => process.stderr.write(`typist: ${l}\n`));
  if (values.json) process.stdout.write(JSON.stringify({ words, rows }) + "\n");
  else process.stdout.write(typistTable(rows, words) + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`typist: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
