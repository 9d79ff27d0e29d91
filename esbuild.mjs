// Builds everything into dist/: the extension and the model host (Node, CommonJS), the CLI and the
// eval/bench scripts (Node), and one browser bundle per webview.
import * as esbuild from "esbuild";
import { mkdirSync, cpSync, existsSync } from "node:fs";

const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");
const external = ["vscode", "onnxruntime-node"];
const node = { bundle: true, platform: "node", format: "cjs", target: "node20", external, sourcemap: !production, minify: production, logLevel: "info" };

const builds = [
  { ...node, entryPoints: { extension: "src/extension.ts", modelHost: "src/modelHost/main.ts" }, outdir: "dist" },
  { ...node, entryPoints: { cli: "src/cli.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node" } },
  // the benchmark's transformers.js peer is a dev dependency, loaded from node_modules at run time
  { ...node, entryPoints: { eval: "src/tools/eval.ts", bench: "src/tools/bench.ts", tuneMemory: "src/tools/tuneMemory.ts", checkExplain: "src/tools/checkExplain.ts", typist: "src/tools/evalTypist.ts" }, outdir: "dist", external: [...external, "@huggingface/transformers"] },
  { ...node, entryPoints: { integration: "test/integration/suite.ts" }, outdir: "dist/test" },
];
for (const entry of ["attention", "neighbours"]) {
  if (existsSync(`webview/${entry}/main.ts`)) {
    builds.push({ bundle: true, platform: "browser", format: "iife", target: "es2022", sourcemap: !production, minify: production, logLevel: "info",
      entryPoints: { [entry]: `webview/${entry}/main.ts` }, outdir: "dist/webview" });
  }
}

mkdirSync("dist/webview", { recursive: true });
// the toolkit's web components are loaded by the webviews from dist/, never from a CDN
if (existsSync("node_modules/@vscode/webview-ui-toolkit/dist/toolkit.min.js")) {
  cpSync("node_modules/@vscode/webview-ui-toolkit/dist/toolkit.min.js", "dist/webview/toolkit.min.js");
}
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
