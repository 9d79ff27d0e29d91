// Lint rules (patterns start with **/ because this file lives in .ci/ and is used from the root), including
// the rooms of ARCHITECTURE.md, which say where code runs:
//   src/extension.ts, src/config.ts, src/ui/   the extension host: the only code that imports vscode; it
//                                              reaches the model host only through src/client/
//   src/client/                                the extension host's client of the model host (spawn, restart,
//                                              status): no vscode, never src/modelHost; speaks src/shared/
//   src/modelHost/                             the model-host process (also run in process by the CLI, eval
//                                              and bench): never vscode, src/ui or src/client; only
//                                              src/modelHost/onnxModel.ts imports onnxruntime-node
//   src/core/, src/shared/                     pure code used by more than one process: no vscode, no
//                                              onnxruntime, nothing Node-only, nothing from the other rooms
//   src/shared/*Protocol.ts                    one protocol per boundary: each imports the vocabulary
//                                              (vocabulary.ts) and the helpers (schema.ts, messaging.ts),
//                                              never another protocol; the model host never imports a
//                                              webview's protocol (attentionProtocol, neighboursProtocol)
//   src/tools/                                 eval, bench and baselines: never imported by the extension
//   webview/                                   the browser: reaches the extension only through src/shared/
// test/unit/lintBoundaries.test.ts shows that a wrong import fails.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

const noVscode = { name: "vscode", message: "only src/extension.ts, src/config.ts and src/ui/ import vscode" };
const noOrt = { name: "onnxruntime-node", message: "only src/modelHost/onnxModel.ts imports onnxruntime-node" };
const noTools = { group: ["**/tools/*"], message: "src/tools/ (eval, bench, baselines) is never imported by the product" };
const noHost = { group: ["**/modelHost/*"], message: "the extension host reaches the model host only through src/client/ and src/shared/" };
const noUi = { group: ["**/ui/*", "**/client/*", "**/config", "**/extension"], message: "the model host never imports the extension host's code" };
const noWebviewProtocol = { regex: "(^|/)(attention|neighbours)Protocol(\\.ts)?$", message: "the model host never imports a webview's protocol: what the model computes is src/shared/vocabulary.ts's" };
const pure = [
  { group: ["node:*", "fs", "path", "child_process", "os", "worker_threads"], message: "src/core and src/shared are pure: no Node-only modules" },
  { group: ["**/modelHost/*", "**/client/*", "**/ui/*", "**/tools/*", "**/config", "**/extension", "**/cli"], message: "src/core and src/shared import nothing from the rooms of one process" },
];
const noOtherProtocol = { regex: "Protocol(\\.ts)?$", message: "a protocol imports the vocabulary and the helpers, never another protocol" };

export default tseslint.config(
  { ignores: ["**/dist/**", "**/out/**", "**/node_modules/**", "**/models/**", "**/test/e2e/screenshots/**", "**/.cache/**"] },
  { files: ["**/*.ts", "**/*.mjs"], extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-restricted-imports": ["error", { paths: [noVscode, noOrt] }],
    } },
  { files: ["**/src/extension.ts", "**/src/config.ts", "**/src/ui/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noOrt], patterns: [noHost, noTools] }] } },
  { files: ["**/src/client/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: [noHost, noTools, { group: ["**/ui/*", "**/config", "**/extension"], message: "src/client/ is below src/ui/: it never imports it" }] }] } },
  { files: ["**/test/integration/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noOrt] }] } },
  { files: ["**/src/modelHost/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: [noUi, noTools, noWebviewProtocol] }] } },
  { files: ["**/src/modelHost/onnxModel.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode], patterns: [noUi, noTools, noWebviewProtocol] }] } },
  { files: ["**/src/cli.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: [noUi, noTools] }] } },
  { files: ["**/src/tools/bench*.ts", "**/test/unit/**/*.ts", "**/test/robust/**/*.ts", "**/test/fixtures/**/*.ts", "**/test/e2e/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode] }] } },
  { files: ["**/src/core/**/*.ts", "**/src/shared/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: pure }] } },
  { files: ["**/src/shared/*Protocol.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: [...pure, noOtherProtocol] }] } },
  { files: ["**/webview/**/*.ts"], languageOptions: { globals: { ...globals.browser } },
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: [
      { group: ["node:*"], message: "webviews run in a browser" },
      { regex: "(^|/)src/(?!shared/)", message: "webviews reach the extension only through src/shared/" },
    ] }] } },
);
