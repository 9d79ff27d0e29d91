// Issue 29's word-vector check: the 30 held-out analogies of models/recipe/analogies.json (common ones,
// man:woman::brother:sister, good:better::bad:worse, ..., never used to choose the recipe), searched as the
// neighbours view and `lm-lens neighbours "b - a + c"` search them (NeighbourSpace.search, the default
// pooled space, the 5 nearest, the query's words left out). The shipped vectors must find d at least as
// often as pooled.py measured when it wrote them (pooled.json "analogies.heldout.top5"), so a regenerated
// pooled.bin that does worse than its own record, or a change to the search that loses analogies, fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readModelFolder } from "../../src/modelHost/modelFolder";
import { NeighbourSpace } from "../../src/modelHost/neighbourSpace";
import { UnknownWordError } from "../../src/modelHost/pooled";
import { EXAMPLE_SUM, EXAMPLE_SUM_ANSWER } from "../../src/core/vectorQuery";
import { MODEL_DIR, ROOT } from "./helpers";

interface Analogy {
  category: string;
  analogy: [string, string, string, string];
}
const SET = JSON.parse(readFileSync(join(ROOT, "models", "recipe", "analogies.json"), "utf8")) as { heldout: Analogy[]; tuning: Analogy[] };
const POOLED = JSON.parse(readFileSync(join(MODEL_DIR, "pooled.json"), "utf8")) as { analogies?: { heldout?: { top5?: number } } };
/**
 * The floor: what pooled.py measured on the rows it wrote, less one (it computes in float64, the extension
 * in float32, which can swap two near neighbours at the fifth place). Vectors written before pooled.py
 * recorded analogies (the ones of issue 20, 17 of 30 through the CLI) are held to 16.
 */
const RECORDED = POOLED.analogies?.heldout?.top5;
const FLOOR = RECORDED !== undefined ? RECORDED - 1 : 16;

test("the analogy set: 30 held-out analogies of four words, none a tuning one, every word in the shipped pooled index", () => {
  assert.equal(SET.heldout.length, 30);
  const tuning = new Set(SET.tuning.map((a) => a.analogy.join(" ").toLowerCase()));
  const p = NeighbourSpace.create(readModelFolder(MODEL_DIR), null).pooled();
  for (const { analogy } of SET.heldout) {
    assert.equal(analogy.length, 4);
    assert.ok(!tuning.has(analogy.join(" ").toLowerCase()), `${analogy.join(" ")} is also a tuning analogy`);
    for (const w of analogy) assert.notEqual(p.resolve(w), undefined, `“${w}” is in the pooled index`);
  }
});

test(`"b - a + c" finds d among the 5 nearest for at least as many held-out analogies as pooled.py recorded`, async (t) => {
  const space = NeighbourSpace.create(readModelFolder(MODEL_DIR), null);
  let hits = 0;
  let top1 = 0;
  const lines: string[] = [];
  for (const { category, analogy } of SET.heldout) {
    const [a, b, c, d] = analogy;
    const query = `${b} - ${a} + ${c}`;
    const r = await space.search({ query, mode: "pooled", layer: 0, metric: "cosine", k: 5 }).catch((e: unknown) => {
      // a word the index does not hold is a miss (the first test says which)
      if (e instanceof UnknownWordError) return undefined;
      throw e;
    });
    if (!r) {
      lines.push(`- ${query} = ${d} (${category}): not in the index`);
      continue;
    }
    const near = r.neighbours.map((n) => n.word);
    const low = near.map((w) => w.toLowerCase());
    const ok = low.includes(d.toLowerCase());
    hits += ok ? 1 : 0;
    top1 += low[0] === d.toLowerCase() ? 1 : 0;
    lines.push(`${ok ? "+" : "-"} ${r.query} = ${d} (${category}): ${near.join(", ")}`);
  }
  t.diagnostic(`held-out analogies: top-1 ${top1}, top-5 ${hits} of ${SET.heldout.length} (pooled.py recorded ${RECORDED ?? "nothing"}; floor ${FLOOR})`);
  for (const l of lines) t.diagnostic(l);
  assert.ok(hits >= FLOOR, `${hits} of ${SET.heldout.length} held-out analogies find d among the 5 nearest, fewer than ${FLOOR}:\n${lines.join("\n")}`);
});

test("the search box's example sum finds its answer among the 5 nearest in the default space", async (t) => {
  const space = NeighbourSpace.create(readModelFolder(MODEL_DIR), null);
  const r = await space.search({ query: EXAMPLE_SUM, mode: "pooled", layer: 0, metric: "cosine", k: 5 });
  const near = r.neighbours.map((n) => n.word);
  t.diagnostic(`${EXAMPLE_SUM}: ${near.join(", ")}`);
  assert.ok(near.map((w) => w.toLowerCase()).includes(EXAMPLE_SUM_ANSWER), `${EXAMPLE_SUM}: ${near.join(", ")}, no ${EXAMPLE_SUM_ANSWER}`);
});
