// The Python references that two unit test files compare with, and the committed fixtures that stand in
// for them on a machine without Debian's python3-torch, python3-onnx, python3-numpy and python3-regex
// (`npm ci && npm test` on a fresh machine installs only npm packages).
//
//  * scoreOnnx.test.ts: models/recipe/score_onnx.py, an independent numpy evaluation of model.onnx with its
//    own BPE. Fixture: score.json (its bits per byte on score-text.md, and its token ids of BPE_TEXTS).
//  * byoModel.test.ts: models/recipe/export.py --plain and --plain --no-cache, the bring-your-own exports
//    (each ~21 MB, too big to commit). Fixture: each export's graph without its weights (plain/ and
//    nocache/model.skeleton.onnx: every node, input, output and initializer's name and shape, ~45 kB) and
//    its small files; the test puts the weights back from the shipped model.onnx, whose initializers are
//    the same tensors (the same checkpoint, the same torch.onnx.export).
//
// Where the Python packages are there (LM_LENS_TEST_PYTHON, default /usr/bin/python3, can import them),
// the tests run the recipe, use its output, and fail if the committed fixture differs from it: the fixture
// cannot go stale where CI runs (.ci/run installs the packages and sets LM_LENS_REQUIRE_PYTHON=1, which
// makes a missing package a failure instead of a fallback). Without them the tests check the same things
// against the fixture. Each test file prints one line saying which way it checked.
//
// Regenerate the fixtures (needs the Python packages), e.g. after the model is retrained:
//     npm run fixtures:python
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { onnx } from "onnx-proto";

const ROOT = join(__dirname, "..", "..");
/** the shipped model (not LM_LENS_TEST_MODEL: the fixtures are made from this one) */
const MODEL_DIR = join(ROOT, "models", "lm-lens-5m");
export const FIXTURES = join(ROOT, "test", "fixtures", "python-reference");
export const REGENERATE = "npm run fixtures:python";
const RECIPE = join(ROOT, "models", "recipe");
const CHECKPOINT = join(RECIPE, "checkpoints", "lm-lens-5m.pt");

const PY = (process.env.LM_LENS_TEST_PYTHON?.trim() || "/usr/bin/python3").split(/\s+/);
export const PYTHON_NAME = PY.join(" ");

function python(args: string[], timeout = 300000) {
  return spawnSync(PY[0], [...PY.slice(1), ...args], { encoding: "utf8", timeout, maxBuffer: 1 << 28, env: { ...process.env, OMP_NUM_THREADS: "1" } });
}

/** Why the Python cannot serve as the reference (it is missing or cannot import a module), or undefined. */
export function pythonMissing(modules: string[]): string | undefined {
  const r = python(["-c", `import ${modules.join(", ")}`], 60000);
  if (r.error) return `${PYTHON_NAME}: ${r.error.message}`;
  if (r.status !== 0) return `${PYTHON_NAME}: ${r.stderr.trim().split("\n").pop()}`;
  return undefined;
}

/**
 * Whether to check against the live Python recipe (true) or the committed fixture (false).
 * LM_LENS_REQUIRE_PYTHON=1 (CI) turns a missing package into an error.
 */
export function useLivePython(modules: string[]): { live: boolean; why?: string } {
  const why = pythonMissing(modules);
  if (why && process.env.LM_LENS_REQUIRE_PYTHON === "1") throw new Error(`LM_LENS_REQUIRE_PYTHON=1 but ${why} (apt-get install python3-torch python3-onnx python3-regex, as .ci/run does)`);
  return why ? { live: false, why } : { live: true };
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function run(args: string[], what: string): string {
  const r = python(args);
  if (r.error || r.status !== 0) throw new Error(`${what} failed with ${PYTHON_NAME}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------------
// score_onnx.py

export const SCORE_TEXT = join(FIXTURES, "score-text.md");
export const MAX_TOKENS = 3000;

/** score-text.md (a copy of the top of README.md, kept fixed so that README edits do not change it) and odd texts */
export function bpeTexts(): string[] {
  return [
    readFileSync(SCORE_TEXT, "utf8"),
    "IT'S the 'quoted' text's end 've  \n\n  x\t\ty  \r\nwindows\r\n",
    "caf\u00e9 \u4e2d\u6587 \u{1F600}\u{1F44D}\u200d\u{1F525} e\u0301 \u0661\u0662 a\u00a0b\u3000c\ufeffd\u2028e\u0085f\x1cg\x0bh",
    "foo<|endoftext|>bar <|endoftext|><|endoftext|> 12345678901234567890 3.14e-10 a->b::c",
  ];
}

export interface ScoreLine {
  file: string;
  tokens: number;
  words: number;
  bytes: number;
  bitsPerByte: number;
  wordPerplexity: number;
}

export interface ScoreReference {
  made: string;
  /** the files the numbers depend on */
  sha256: { "model.onnx": string; "tokenizer.json": string };
  maxTokens: number;
  /** score_onnx.py --max-tokens MAX_TOKENS score-text.md (its first line; file relative to the repository) */
  score: ScoreLine;
  /** score_onnx.py --ids, one list per bpeTexts() entry */
  ids: number[][];
}

const SCORE_JSON = join(FIXTURES, "score.json");

/** Run score_onnx.py (numpy, onnx, regex) for everything the fixture holds. */
export function scoreFromPython(): ScoreReference {
  const script = join(RECIPE, "score_onnx.py");
  const out = run([script, "--model", MODEL_DIR, "--max-tokens", String(MAX_TOKENS), SCORE_TEXT], "score_onnx.py");
  const score = JSON.parse(out.trim().split("\n")[0]) as ScoreLine;
  score.file = relative(ROOT, SCORE_TEXT);
  const dir = mkdtempSync(join(tmpdir(), "lm-lens-bpe-"));
  try {
    const files = bpeTexts().map((t, i) => {
      const f = join(dir, `t${i}.txt`);
      writeFileSync(f, t, "utf8");
      return f;
    });
    const ids = run([script, "--model", MODEL_DIR, "--ids", ...files], "score_onnx.py --ids").trim().split("\n").map((l) => JSON.parse(l) as number[]);
    return {
      made: `models/recipe/score_onnx.py --model models/lm-lens-5m --max-tokens ${MAX_TOKENS} ${score.file}, and --ids; regenerate with ${REGENERATE}`,
      sha256: { "model.onnx": sha256(join(MODEL_DIR, "onnx", "model.onnx")), "tokenizer.json": sha256(join(MODEL_DIR, "tokenizer.json")) },
      maxTokens: MAX_TOKENS,
      score,
      ids,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function committedScore(): ScoreReference {
  return JSON.parse(readFileSync(SCORE_JSON, "utf8")) as ScoreReference;
}

/** Where the live reference and the fixture differ (numpy's sums may differ in the last printed digit elsewhere). */
export function scoreDifferences(live: ScoreReference, fixture: ScoreReference): string[] {
  const d: string[] = [];
  for (const k of ["model.onnx", "tokenizer.json"] as const) if (live.sha256[k] !== fixture.sha256[k]) d.push(`sha256 of ${k}`);
  if (live.maxTokens !== fixture.maxTokens) d.push("maxTokens");
  for (const k of ["file", "tokens", "words", "bytes"] as const) if (live.score[k] !== fixture.score[k]) d.push(`score.${k}: ${live.score[k]} vs ${fixture.score[k]}`);
  if (Math.abs(live.score.bitsPerByte - fixture.score.bitsPerByte) > 2e-5) d.push(`score.bitsPerByte: ${live.score.bitsPerByte} vs ${fixture.score.bitsPerByte}`);
  if (live.ids.length !== fixture.ids.length || live.ids.some((ids, i) => JSON.stringify(ids) !== JSON.stringify(fixture.ids[i]))) d.push("ids");
  return d;
}

/** Without Python: the fixture must have been made from the shipped model and tokenizer. */
export function fixtureMismatch(fixture: ScoreReference, files: (keyof ScoreReference["sha256"])[]): string[] {
  const path = { "model.onnx": join(MODEL_DIR, "onnx", "model.onnx"), "tokenizer.json": join(MODEL_DIR, "tokenizer.json") };
  return files.filter((f) => sha256(path[f]) !== fixture.sha256[f]).map((f) => `${relative(ROOT, path[f])} is not the file test/fixtures/python-reference/score.json was made from`);
}

// ---------------------------------------------------------------------------------------------------
// export.py --plain / --plain --no-cache

export const EXPORTS = {
  plain: ["--plain", "--words", join(MODEL_DIR, "words.txt")],
  nocache: ["--plain", "--no-cache"],
} as const;
export type ExportName = keyof typeof EXPORTS;
/** files of an export folder that are the shipped model's own (export.py copies them) */
const SHIPPED_COPIES = ["tokenizer.json", "words.txt"];
const SKELETON = "model.skeleton.onnx";

/** Run export.py for one export into dir (named as the test names it: the folder name goes into config.json). */
export function exportFromPython(name: ExportName, dir: string): void {
  run([join(RECIPE, "export.py"), "--checkpoint", CHECKPOINT, "--tokenizer", join(MODEL_DIR, "tokenizer.json"), "--out", dir, ...EXPORTS[name]], `export.py ${EXPORTS[name].join(" ")}`);
}

/** The graph with every initializer's data left out (names, types and shapes kept), as protobufjs writes it. */
export function skeletonOf(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  for (const t of m.graph?.initializer ?? []) t.rawData = new Uint8Array(0);
  return onnx.ModelProto.encode(m).finish();
}

function initializerData(bytes: Uint8Array): Map<string, onnx.ITensorProto> {
  return new Map((onnx.ModelProto.decode(bytes).graph?.initializer ?? []).map((t) => [t.name ?? "", t]));
}

const sameDims = (a: onnx.ITensorProto, b: onnx.ITensorProto) => JSON.stringify((a.dims ?? []).map(Number)) === JSON.stringify((b.dims ?? []).map(Number)) && a.dataType === b.dataType;

/** The export's model.onnx: the skeleton with each initializer's data from the shipped model.onnx (same name, type and shape). */
export function assemble(skeleton: Uint8Array, shipped: Uint8Array): Uint8Array {
  const weights = initializerData(shipped);
  const m = onnx.ModelProto.decode(skeleton);
  for (const t of m.graph?.initializer ?? []) {
    const w = weights.get(t.name ?? "");
    if (!w || !sameDims(t, w) || (w.rawData?.length ?? 0) === 0) throw new Error(`${t.name}: the shipped model.onnx has no initializer of this name, type and shape (is ${relative(ROOT, FIXTURES)} from another model? ${REGENERATE})`);
    t.rawData = w.rawData;
  }
  return onnx.ModelProto.encode(m).finish();
}

/** An export folder made from the fixture and the shipped model: what export.py would write. */
export function exportFromFixture(name: ExportName, dir: string): void {
  const from = join(FIXTURES, name);
  mkdirSync(join(dir, "onnx"), { recursive: true });
  for (const f of readdirSync(from)) {
    if (f === SKELETON) writeFileSync(join(dir, "onnx", "model.onnx"), assemble(readFileSync(join(from, f)), readFileSync(join(MODEL_DIR, "onnx", "model.onnx"))));
    else copyFileSync(join(from, f), join(dir, f));
  }
  for (const f of SHIPPED_COPIES) if (name === "plain" || f !== "words.txt") copyFileSync(join(MODEL_DIR, f), join(dir, f));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

/** How a folder made by export.py differs from the one made from the fixture (empty: the same files, byte for byte, model.onnx as ONNX). */
export function exportDifferences(real: string, fromFixture: string): string[] {
  const d: string[] = [];
  const a = filesUnder(real);
  const b = filesUnder(fromFixture);
  if (JSON.stringify(a) !== JSON.stringify(b)) d.push(`files: ${a.join(", ")} vs ${b.join(", ")}`);
  for (const f of a.filter((x) => b.includes(x))) {
    const x = readFileSync(join(real, f));
    const y = readFileSync(join(fromFixture, f));
    if (f === join("onnx", "model.onnx")) {
      if (!Buffer.from(skeletonOf(x)).equals(Buffer.from(skeletonOf(y)))) d.push(`${f}: the graph (nodes, inputs, outputs, initializer names and shapes)`);
      const wy = initializerData(y);
      for (const [n, t] of initializerData(x)) if (!Buffer.from(t.rawData ?? []).equals(Buffer.from(wy.get(n)?.rawData ?? []))) d.push(`${f}: the weights of ${n}`);
    } else if (!x.equals(y)) d.push(f);
  }
  return d;
}

/** Write the fixtures from the live Python recipe. */
function write(): void {
  mkdirSync(FIXTURES, { recursive: true });
  // one field a line, each text's ids on one line
  const ref = scoreFromPython();
  const { ids, ...rest } = ref;
  const top = JSON.stringify(rest, null, 2).replace(/\n}$/, "");
  writeFileSync(SCORE_JSON, `${top},\n  "ids": [\n${ids.map((l) => `    ${JSON.stringify(l)}`).join(",\n")}\n  ]\n}\n`);
  assert.deepEqual(committedScore(), ref);
  const work = mkdtempSync(join(tmpdir(), "lm-lens-fixtures-"));
  try {
    for (const name of Object.keys(EXPORTS) as ExportName[]) {
      const dir = join(work, name);
      exportFromPython(name, dir);
      const to = join(FIXTURES, name);
      rmSync(to, { recursive: true, force: true });
      mkdirSync(to, { recursive: true });
      for (const f of filesUnder(dir)) {
        if (f === join("onnx", "model.onnx")) writeFileSync(join(to, SKELETON), skeletonOf(readFileSync(join(dir, f))));
        else if (!SHIPPED_COPIES.includes(f)) copyFileSync(join(dir, f), join(to, f));
        else if (!readFileSync(join(dir, f)).equals(readFileSync(join(MODEL_DIR, f)))) throw new Error(`${name}/${f} is not the shipped ${f}`);
      }
      const check = join(work, `${name}-check`, name);
      exportFromFixture(name, check);
      const d = exportDifferences(dir, check);
      if (d.length) throw new Error(`${name}: the fixture does not give back the export: ${d.join("; ")}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`fixtures: wrote ${relative(ROOT, FIXTURES)} with ${PYTHON_NAME}`);
}

if (process.argv.includes("--write") && process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) {
  const why = pythonMissing(["numpy", "onnx", "regex", "torch"]);
  if (why) {
    console.error(`fixtures: need Debian's python3-torch, python3-onnx and python3-regex: ${why}`);
    process.exit(1);
  }
  if (!existsSync(SCORE_TEXT)) throw new Error(`${SCORE_TEXT} is missing`);
  write();
}
