// The project's import graph, read from the import statements of its TypeScript files (import, import
// type, export … from, import()): type-only imports count, since a cycle of types still ties two modules
// into one. Shared by importCycles.test.ts (src/ and webview/) and webviewImports.test.ts (the views' rules).
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";

/** every .ts file below `dir` (declaration files left out) */
export function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** file → the files below `root` it imports, by relative path; packages are left out */
export function importGraph(root: string): Map<string, string[]> {
  const files = tsFiles(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(f, "utf8"), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => resolve(dirname(f), name))
      .flatMap((p) => [p, `${p}.ts`, join(p, "index.ts")].filter((c) => known.has(c)).slice(0, 1));
    graph.set(f, [...new Set(targets)]);
  }
  return graph;
}

/** one cycle of the graph as a path that ends where it starts, or undefined */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === "done") return undefined;
    if (state.get(f) === "open") return [...path.slice(path.indexOf(f)), f];
    state.set(f, "open");
    path.push(f);
    for (const g of graph.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(f, "done");
    return undefined;
  };
  for (const f of [...graph.keys()].sort()) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return undefined;
}
