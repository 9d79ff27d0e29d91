// Lint rules (patterns start with **/ because this file lives in .ci/ and is used from the root), including the module boundaries of ../shared/HOUSE_STYLE.md: only src/extension.ts,
// src/config.ts and src/ui/ import vscode; only src/model/onnxModel.ts imports onnxruntime-node;
// src/core/ and src/shared/ import neither (nor any Node-only module); webview/ reaches the extension only
// through src/shared/protocol.ts.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

const noVscode = { name: "vscode", message: "only src/extension.ts, src/config.ts and src/ui/ import vscode" };
const noOrt = { name: "onnxruntime-node", message: "only src/model/onnxModel.ts imports onnxruntime-node" };

export default tseslint.config(
  { ignores: ["**/dist/**", "**/out/**", "**/node_modules/**", "**/models/**", "**/test/e2e/screenshots/**", "**/.cache/**"] },
  { files: ["**/*.ts", "**/*.mjs"], extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-restricted-imports": ["error", { paths: [noVscode, noOrt] }],
    } },
  { files: ["**/src/extension.ts", "**/src/config.ts", "**/src/ui/**/*.ts", "**/test/integration/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noOrt] }] } },
  { files: ["**/src/model/onnxModel.ts", "**/src/tools/bench*.ts", "**/test/unit/**/*.ts", "**/test/e2e/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode] }] } },
  { files: ["**/src/core/**/*.ts", "**/src/shared/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: [
      { group: ["node:*", "fs", "path", "child_process", "os", "worker_threads"], message: "src/core and src/shared are pure: no Node-only modules" },
      { group: ["**/model/*", "**/ui/*", "**/config"], message: "src/core and src/shared import nothing from the rest of src" },
    ] }] } },
  { files: ["**/webview/**/*.ts"], languageOptions: { globals: { ...globals.browser } },
    rules: { "no-restricted-imports": ["error", { paths: [noVscode, noOrt], patterns: [
      { group: ["node:*"], message: "webviews run in a browser" },
      { regex: "(^|/)src/(?!shared/)", message: "webviews reach the extension only through src/shared/" },
    ] }] } },
);
