// Issue 20's word-vector check, through the real CLI on the shipped files: for at least 12 of the 18
// held-out query words of models/recipe/word_groups.json, `lm-lens neighbours --k 10` (the default space)
// lists another word of the same group. The held-out words were never used to choose the layer or variant
// (pooled.py chooses on the tuning members only).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MODEL_DIR, ROOT } from "./helpers";

const CLI = join(ROOT, "dist", "cli.js");
const GROUPS = (JSON.parse(readFileSync(join(ROOT, "models", "recipe", "word_groups.json"), "utf8")) as { groups: Record<string, { tuning: string[]; heldout: string[] }> }).groups;

test("at least 12 of the 18 held-out queries have a group mate among their 10 nearest in the default space", (t) => {
  let hits = 0;
  let queries = 0;
  const lines: string[] = [];
  for (const [name, g] of Object.entries(GROUPS)) {
    const members = [...g.tuning, ...g.heldout].map((w) => w.toLowerCase());
    for (const q of g.heldout) {
      queries++;
      const r = spawnSync(process.execPath, [CLI, "neighbours", "--json", "--k", "10", q, "--model", MODEL_DIR], { encoding: "utf8", timeout: 60000 });
      if (r.status !== 0) {
        // a word the index does not hold counts as a miss, and must say so in one line
        assert.match(r.stderr, /is not in the pooled word index/, r.stderr);
        lines.push(`- ${q} (${name}): not in the index`);
        continue;
      }
      const out = JSON.parse(r.stdout) as { space: string; neighbours: { word: string }[] };
      assert.equal(out.space, "pooled", "the default space of the shipped model");
      assert.equal(out.neighbours.length, 10);
      const near = out.neighbours.map((n) => n.word);
      const ok = near.some((w) => w.toLowerCase() !== q.toLowerCase() && members.includes(w.toLowerCase()));
      hits += ok ? 1 : 0;
      lines.push(`${ok ? "+" : "-"} ${q} (${name}): ${near.join(", ")}`);
    }
  }
  t.diagnostic(`held out: ${hits} of ${queries}`);
  for (const l of lines) t.diagnostic(l);
  assert.equal(queries, 18, "word_groups.json holds 18 held-out queries");
  assert.ok(hits >= 12, `${hits} of ${queries} held-out queries have a group mate among their 10 nearest:\n${lines.join("\n")}`);
});
