// No import cycle in src/ or webview/: type-only imports count, since a cycle of types still ties two
// modules into one (the protocols once imported each other). Every relative import and re-export of a
// TypeScript file is followed; packages are left out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "./helpers";

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** `import … from "./x"`, `export … from "./x"`, `import "./x"` and `import("./x")`, across lines */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

function importsOf(file: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    const base = resolve(dirname(file), m[1]);
    const hit = [base, `${base}.ts`, join(base, "index.ts")].find((p) => p.endsWith(".ts") && existsSync(p));
    if (hit) out.push(hit);
  }
  return out;
}

/** Every cycle's modules (Tarjan's strongly connected components of more than one module, or a module importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

test("the cycle finder finds a cycle of types, and none in a chain", () => {
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]])), []);
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])), [["a", "b", "c"]]);
  assert.deepEqual(importsOf(join(ROOT, "src", "x.ts"), 'import type { A } from "./shared/vocabulary";\nexport { b } from\n  "./shared/schema";'), [
    join(ROOT, "src", "shared", "vocabulary.ts"),
    join(ROOT, "src", "shared", "schema.ts"),
  ]);
});

function cyclesUnder(...dirs: string[]): string[] {
  const files = dirs.flatMap((d) => tsFiles(join(ROOT, d)));
  const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, "utf8"))]));
  return cycles(graph).map((c) => c.map((f) => relative(ROOT, f)).join(" ↔ "));
}

test("no import cycle in src/", () => {
  assert.deepEqual(cyclesUnder("src"), []);
});

test("no import cycle in webview/", () => {
  assert.deepEqual(cyclesUnder("webview"), []);
});
