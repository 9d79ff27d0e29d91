// No import cycle in src/ or webview/ (importGraph.ts reads the graph; type-only imports count, since the
// protocols once imported each other through types).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { findCycle, importGraph } from "./importGraph";
import { ROOT } from "./helpers";

test("the cycle finder finds a cycle of types, and none in a chain", () => {
  assert.equal(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]])), undefined);
  assert.deepEqual(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])), ["a", "b", "c", "a"]);
  const dir = mkdtempSync(join(tmpdir(), "import-graph-"));
  try {
    writeFileSync(join(dir, "x.ts"), 'import type { A } from "./vocabulary";\nexport { b } from\n  "./schema";');
    writeFileSync(join(dir, "vocabulary.ts"), "export type A = number;\n");
    writeFileSync(join(dir, "schema.ts"), "export const b = 1;\n");
    assert.deepEqual(importGraph(dir).get(join(dir, "x.ts")), [join(dir, "vocabulary.ts"), join(dir, "schema.ts")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function cycleUnder(dir: string): string | undefined {
  return findCycle(importGraph(join(ROOT, dir)))?.map((f) => relative(ROOT, f)).join(" → ");
}

test("no import cycle in src/", () => {
  assert.equal(cycleUnder("src"), undefined);
});

test("no import cycle in webview/", () => {
  assert.equal(cycleUnder("webview"), undefined);
});
