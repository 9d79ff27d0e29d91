// The webviews' import graph, read from the import statements of webview/**/*.ts: no cycle among them, and
// no view (a module under a views/ folder, or render.ts, the store's subscriber) reaches, directly or
// through other modules, the actions (actions.ts, the one module that changes the state) or the VS Code
// API (common/vscodeApi.ts): views draw the state they are given and report what the user does through the
// functions they are handed. And no webview file grows past 500 lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { findCycle, importGraph } from "./importGraph";

const WEBVIEW = resolve(__dirname, "..", "..", "webview");
const MAX_LINES = 500;

/** the import chain from `from` to the first module that `bad` accepts, or undefined */
function reaches(graph: Map<string, string[]>, from: string, bad: (f: string) => boolean): string[] | undefined {
  const seen = new Set<string>([from]);
  const queue: string[][] = [[from]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    for (const g of graph.get(chain[chain.length - 1]) ?? []) {
      if (seen.has(g)) continue;
      if (bad(g)) return [...chain, g];
      seen.add(g);
      queue.push([...chain, g]);
    }
  }
  return undefined;
}

const isView = (root: string, f: string) => relative(root, f).split(sep).includes("views") || basename(f) === "render.ts";
const writesOrTalks = (f: string) => basename(f) === "actions.ts" || basename(f) === "vscodeApi.ts";

/** what is wrong with the tree below `root`, one line each */
function problems(root: string): string[] {
  const graph = importGraph(root);
  const rel = (chain: string[]) => chain.map((f) => relative(root, f)).join(" → ");
  const out: string[] = [];
  const cycle = findCycle(graph);
  if (cycle) out.push(`import cycle: ${rel(cycle)}`);
  for (const f of [...graph.keys()].sort()) {
    if (!isView(root, f)) continue;
    const chain = reaches(graph, f, writesOrTalks);
    if (chain) out.push(`a view reaches ${basename(chain[chain.length - 1])}: ${rel(chain)}`);
  }
  for (const f of graph.keys()) {
    const lines = readFileSync(f, "utf8").split("\n").length;
    if (lines > MAX_LINES) out.push(`${relative(root, f)} has ${lines} lines (at most ${MAX_LINES})`);
  }
  return out;
}

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "webview-imports-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

function withFixture(files: Record<string, string>, check: (found: string[]) => void): void {
  const root = fixture(files);
  try {
    check(problems(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test("the webviews have no import cycle, no view reaches the actions or the VS Code API, and no file passes 500 lines", () => {
  const graph = importGraph(WEBVIEW);
  assert.ok(graph.size >= 20, `read ${graph.size} webview files`);
  assert.ok([...graph.keys()].some((f) => isView(WEBVIEW, f)), "found the view modules");
  assert.deepEqual(problems(WEBVIEW), []);
});

test("a cycle is found, whatever kind of import closes it", () => {
  withFixture(
    {
      "a/actions.ts": 'import { render } from "./render";\nexport const go = () => render();\n',
      "a/render.ts": 'import { drawX } from "./views/x";\nexport const render = () => drawX();\n',
      "a/views/x.ts": 'export { go } from "../actions";\nexport const drawX = () => 0;\n',
    },
    (found) => {
      const cycle = found.find((p) => p.startsWith("import cycle"));
      assert.ok(cycle, found.join("\n"));
      for (const f of ["a/actions.ts", "a/render.ts", join("a", "views", "x.ts")]) assert.ok(cycle.includes(f), cycle);
    },
  );
  withFixture({ "b/one.ts": 'import type { T } from "./two";\nexport type U = T;\n', "b/two.ts": 'export type T = number;\nexport const f = () => import("./one");\n' }, (found) =>
    assert.ok(found.some((p) => p.startsWith("import cycle")), "a type import and a dynamic import close a cycle too"),
  );
});

test("a view that reaches the actions or the VS Code API, even through another module, is named with its chain", () => {
  withFixture(
    {
      "w/actions.ts": "export const act = () => 0;\n",
      "w/helper.ts": 'import { act } from "./actions";\nexport const h = act;\n',
      "w/views/list.ts": 'import { h } from "../helper";\nexport const v = h;\n',
      "w/views/clean.ts": "export const c = 1;\n",
      "w/render.ts": 'import { send } from "./common/vscodeApi";\nexport const r = send;\n',
      "w/common/vscodeApi.ts": "export const send = () => 0;\n",
    },
    (found) => {
      assert.ok(found.includes(`a view reaches actions.ts: ${join("w", "views", "list.ts")} → w/helper.ts → w/actions.ts`), found.join("\n"));
      assert.ok(found.includes(`a view reaches vscodeApi.ts: w/render.ts → ${join("w", "common", "vscodeApi.ts")}`), found.join("\n"));
      assert.equal(found.length, 2, "the clean view and the actions' own imports are not reported");
    },
  );
});

test("a file past 500 lines is named", () => {
  withFixture({ "big/main.ts": "export const x = 1;\n".repeat(MAX_LINES) }, (found) => assert.deepEqual(found, [`${join("big", "main.ts")} has ${MAX_LINES + 1} lines (at most ${MAX_LINES})`]));
});
