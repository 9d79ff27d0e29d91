// npm run package [-- --target linux-x64|linux-arm64|win32-x64|win32-arm64|darwin-arm64|darwin-x64]
// Builds a platform-specific .vsix with @vscode/vsce from a staging folder that holds exactly what the
// extension needs at run time, as package.json's "files" lists it: dist/'s entry points and webview
// bundles, media/, the shipped model's run-time files, and onnxruntime-node with only the target
// platform's native binaries (the npm package carries every platform's, ~290 MB); README.md beside them.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { arch, platform } from "node:os";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { target: { type: "string", default: `${platform()}-${arch()}` }, out: { type: "string" } } });
const target = values.target;
const [os, cpu] = target.split("-");
const TARGETS = ["linux-x64", "linux-arm64", "win32-x64", "win32-arm64", "darwin-arm64", "darwin-x64"];
if (!TARGETS.includes(target)) {
  console.error(`package: unknown target ${target} (one of ${TARGETS.join(", ")})`);
  process.exit(2);
}
const ortBin = join(root, "node_modules", "onnxruntime-node", "bin", "napi-v6", os, cpu);
if (!existsSync(ortBin)) {
  console.error(`package: onnxruntime-node ${JSON.parse(readFileSync(join(root, "node_modules/onnxruntime-node/package.json"), "utf8")).version} ships no binary for ${os}/${cpu}`);
  process.exit(1);
}
// package.json's "files" lists what the .vsix ships (vsce packages exactly those, with README.md and
// package.json); test/unit/manifest.test.ts checks it against what the extension loads
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
for (const need of pkg.files) {
  if (/[*?[\]{}!]/.test(need)) {
    console.error(`package: ${need}: package.json's files are plain paths here, no patterns`);
    process.exit(1);
  }
  if (!existsSync(join(root, need))) {
    console.error(`package: ${need} (package.json's files) is missing${need.startsWith("dist/") ? "; run npm run build first" : ""}`);
    process.exit(1);
  }
}

const stage = join(root, ".cache", "package", target);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const copy = (rel, filter) => cpSync(join(root, rel), join(stage, rel), { recursive: true, filter });
copy("README.md");
for (const entry of pkg.files) {
  const mod = /^node_modules\/([^/]+)\/?$/.exec(entry)?.[1];
  if (!mod) {
    copy(entry, (src) => !src.endsWith(".map"));
    continue;
  }
  // onnxruntime-node with only the target platform's native binaries
  copy(join("node_modules", mod), (src) => {
    const rel = src.slice(join(root, "node_modules", mod).length);
    if (/[\\/]bin[\\/]napi-v6[\\/]/.test(rel)) return rel.split(/[\\/]/).length <= 4 || rel.includes(`${os}${"/"}${cpu}`) || rel.includes(`${os}\\${cpu}`);
    return !/[\\/](script|lib)[\\/]?/.test(rel) && !rel.endsWith(".map") && !rel.endsWith(".d.ts");
  });
}
// onnxruntime-node's own dependencies other than onnxruntime-common serve only its install script
const ortPkgPath = join(stage, "node_modules", "onnxruntime-node", "package.json");
const ortPkg = JSON.parse(readFileSync(ortPkgPath, "utf8"));
ortPkg.dependencies = { "onnxruntime-common": ortPkg.dependencies["onnxruntime-common"] };
delete ortPkg.scripts;
writeFileSync(ortPkgPath, JSON.stringify(ortPkg, null, 2));
delete pkg.devDependencies;
delete pkg.scripts;
pkg.dependencies = { "onnxruntime-node": pkg.dependencies["onnxruntime-node"] };
writeFileSync(join(stage, "package.json"), JSON.stringify(pkg, null, 2));

const out = values.out ?? join(root, `lm-lens-${target}-${pkg.version}.vsix`);
const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
try {
  execFileSync(process.execPath, [vsce, "package", "--target", target, "--allow-missing-repository", "--no-rewrite-relative-links", "--skip-license", "--out", out], { cwd: stage, stdio: "inherit" });
} catch {
  console.error("package: vsce failed (its message is above)");
  process.exit(1);
}
const size = statSync(out).size;
console.log(`package: ${out} (${(size / 1e6).toFixed(1)} MB)`);
