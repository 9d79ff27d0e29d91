// The rooms' import rules (.ci/eslint.config.mjs) fail on a wrong import and pass a right one: each case
// is linted as if it were a file in that room.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ESLint } from "eslint";
import { ROOT } from "./helpers";

const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, ".ci", "eslint.config.mjs") });

async function restricted(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return r.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const WRONG: [string, string, RegExp][] = [
  ["src/ui/fixture.ts", 'import { Engine } from "../modelHost/engine";\nexport const e = Engine;', /only through src\/client\/ and src\/shared/],
  ["src/ui/fixture.ts", 'import * as ort from "onnxruntime-node";\nexport const o = ort;', /only src\/modelHost\/onnxModel\.ts/],
  ["src/extension.ts", 'import { OnnxModel } from "./modelHost/onnxModel";\nexport const o = OnnxModel;', /only through src\/client\/ and src\/shared/],
  ["src/modelHost/fixture.ts", 'import * as vscode from "vscode";\nexport const v = vscode;', /only src\/extension\.ts, src\/config\.ts and src\/ui\//],
  ["src/modelHost/fixture.ts", 'import { ModelHostClient } from "../client/modelHostClient";\nexport const c = ModelHostClient;', /never imports the extension host/],
  ["src/modelHost/engineLike.ts", 'import * as ort from "onnxruntime-node";\nexport const o = ort;', /only src\/modelHost\/onnxModel\.ts/],
  ["src/modelHost/fixture.ts", 'import { KneserNeyTrigram } from "../tools/ngram";\nexport const k = KneserNeyTrigram;', /never imported by the product/],
  ["src/client/fixture.ts", 'import { Engine } from "../modelHost/engine";\nexport const e = Engine;', /only through src\/client\/ and src\/shared/],
  ["src/client/fixture.ts", 'import * as vscode from "vscode";\nexport const v = vscode;', /only src\/extension\.ts, src\/config\.ts and src\/ui\//],
  ["src/client/fixture.ts", 'import { StatusBar } from "../ui/statusBar";\nexport const s = StatusBar;', /never imports it/],
  ["src/core/fixture.ts", 'import { readFileSync } from "node:fs";\nexport const r = readFileSync;', /pure: no Node-only modules/],
  ["src/shared/fixture.ts", 'import { Engine } from "../modelHost/engine";\nexport const e = Engine;', /import nothing from the rooms of one process/],
  ["src/shared/neighboursProtocol.ts", 'import type { NeighboursRequest } from "./hostProtocol";\nexport type R = NeighboursRequest;', /never another protocol/],
  ["src/shared/hostProtocol.ts", 'import { MAX_VIEW_TOKENS } from "./attentionProtocol";\nexport const m = MAX_VIEW_TOKENS;', /never another protocol/],
  ["src/shared/attentionProtocol.ts", 'export type { NeighbourList } from "./neighboursProtocol";', /never another protocol/],
  ["src/modelHost/fixture.ts", 'import type { NeighbourList } from "../shared/neighboursProtocol";\nexport type L = NeighbourList;', /never imports a webview's protocol/],
  ["src/modelHost/onnxModel.ts", 'import { MAX_VIEW_TOKENS } from "../shared/attentionProtocol";\nexport const m = MAX_VIEW_TOKENS;', /never imports a webview's protocol/],
  ["webview/attention/fixture.ts", 'import { AttentionPanel } from "../../src/ui/attentionPanel";\nexport const a = AttentionPanel;', /only through src\/shared\//],
];

for (const [file, code, message] of WRONG) {
  test(`a wrong import fails: ${file}: ${code.split("\n")[0]}`, async () => {
    const errors = await restricted(file, code);
    assert.ok(errors.some((m) => message.test(m)), `expected ${message}, got ${JSON.stringify(errors)}`);
  });
}

test("the right imports pass", async () => {
  assert.deepEqual(await restricted("src/ui/fixture.ts", 'import { HostError } from "../shared/hostProtocol";\nexport const h = HostError;'), []);
  assert.deepEqual(await restricted("src/modelHost/onnxModel.ts", 'import * as ort from "onnxruntime-node";\nexport const o = ort;'), []);
  assert.deepEqual(await restricted("src/modelHost/fixture.ts", 'import { windowStart } from "../core/contextWindow";\nexport const w = windowStart;'), []);
  assert.deepEqual(await restricted("src/shared/neighboursProtocol.ts", 'import { NEIGHBOURS_K } from "./vocabulary";\nimport { intIn } from "./schema";\nimport type { Envelope } from "./messaging";\nexport const k = [NEIGHBOURS_K, intIn] as unknown as Envelope<number>;'), []);
  assert.deepEqual(await restricted("src/modelHost/fixture.ts", 'import { HostError } from "../shared/hostProtocol";\nimport type { NeighbourList } from "../shared/vocabulary";\nexport const h: NeighbourList | typeof HostError = HostError;'), []);
  assert.deepEqual(await restricted("webview/attention/fixture.ts", 'import { colorScale } from "../../src/shared/colorScale";\nexport const c = colorScale;'), []);
});
