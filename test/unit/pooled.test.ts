// The pooled word vectors: the shipped pooled.json/pooled.bin as the reader sees them, and every way a
// malformed pair is refused with one line naming the file and the field, while the other spaces keep working.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasPooled, PooledFormatError, PooledUnavailableError, readPooled, type PooledMeta } from "../../src/modelHost/pooled";
import { readModelFolder } from "../../src/modelHost/modelFolder";
import { NeighbourSpace } from "../../src/modelHost/neighbourSpace";
import { MODEL_DIR } from "./helpers";

const shippedFolder = readModelFolder(MODEL_DIR);
const EXPECT = { nEmbd: shippedFolder.config.nEmbd, nLayer: shippedFolder.config.nLayer };
const work = mkdtempSync(join(tmpdir(), "lm-lens-pooled-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A small valid pair: 3 words of the given width. */
function small(dims = 2 * EXPECT.nEmbd): { meta: PooledMeta; bin: Buffer } {
  const words = ["alpha", "beta", "Gamma"];
  const meta: PooledMeta = { format: "lm-lens-pooled", version: 1, count: 3, dims, layer: 2, variant: "concat", centred: true, scale: "row", tokensRead: 1000, minCount: 3, words, counts: [9, 5, 3] };
  const bin = Buffer.alloc(3 * dims + 12);
  for (let i = 0; i < 3 * dims; i++) bin.writeInt8(((i * 37) % 255) - 127, i);
  for (let i = 0; i < 3; i++) bin.writeFloatLE(0.01 * (i + 1), 3 * dims + 4 * i);
  return { meta, bin };
}

let n = 0;
/** A folder with only pooled files (readPooled needs nothing else). */
function folder(json: unknown, bin?: Buffer): string {
  const dir = join(work, `f${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "pooled.json"), typeof json === "string" ? json : JSON.stringify(json));
  if (bin) writeFileSync(join(dir, "pooled.bin"), bin);
  return dir;
}

function refused(dir: string, file: "pooled.json" | "pooled.bin", field: RegExp): string {
  let err: unknown;
  try {
    readPooled(dir, EXPECT);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof Error, "refused");
  const msg = err.message;
  assert.equal(msg.split("\n").length, 1, `one line: ${msg}`);
  assert.ok(msg.startsWith(join(dir, file)), `names the file: ${msg}`);
  assert.match(msg, field);
  return msg;
}

test("the shipped pooled vectors: every word once, counts at least minCount, rows that match the model", () => {
  assert.ok(hasPooled(MODEL_DIR));
  const p = readPooled(MODEL_DIR, EXPECT);
  const m = p.meta;
  assert.equal(p.table.count, m.count);
  assert.equal(p.table.dim, m.dims);
  assert.equal(m.dims, m.variant === "concat" ? 2 * EXPECT.nEmbd : EXPECT.nEmbd);
  assert.ok(m.layer >= 0 && m.layer <= EXPECT.nLayer);
  assert.equal(new Set(m.words).size, m.count);
  assert.ok(m.counts.every((c) => c >= m.minCount));
  // words.txt order is kept (most frequent first), so the first pooled word is an early words.txt line
  const lexicon = readFileSync(join(MODEL_DIR, "words.txt"), "utf8").split("\n").map((l) => l.split("\t")[0]);
  const at = m.words.slice(0, 50).map((w) => lexicon.indexOf(w));
  assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1])), "in words.txt order");
  assert.ok(readFileSync(join(MODEL_DIR, "pooled.bin")).length < 9.5e6, "the shipped file stays small");
  // case: a word as written when present, else its most frequent case variant
  const the = p.resolve("the");
  assert.equal(the !== undefined && m.words[the], "the");
  const upper = p.resolve("THE");
  assert.ok(upper !== undefined && m.words[upper].toLowerCase() === "the");
  assert.equal(p.resolve("qqqzzzx"), undefined);
  assert.match(p.unknown("qqqzzzx").message, new RegExp(`^“qqqzzzx” is not in the pooled word index \\(${m.count.toLocaleString("en")} words seen at least ${m.minCount} times in the training text\\)$`));
});

test("a small valid pair is read: int8 times its row's scale", () => {
  const { meta, bin } = small();
  const p = readPooled(folder(meta, bin), EXPECT);
  assert.equal(p.count, 3);
  assert.equal(p.table.data[0], Math.fround(bin.readInt8(0) * bin.readFloatLE(3 * meta.dims)));
  assert.equal(p.table.data[2 * meta.dims + 5], Math.fround(bin.readInt8(2 * meta.dims + 5) * bin.readFloatLE(3 * meta.dims + 8)));
  // "gamma" is "Gamma"; the most frequent variant wins when several exist
  assert.equal(p.resolve("gamma"), 2);
  assert.deepEqual(p.variants("GAMMA"), [2]);
  assert.match(p.describe(), /^pooled\.bin: hidden_states\.2, the state before the word and at its last token \(centred\), averaged over 1,000 training tokens$/);
});

test("issue 29's recipe fields: a concat of two layers, top directions removed, unit rows; described as such", () => {
  const { meta, bin } = small();
  const p = readPooled(folder({ ...meta, layer: 3, beforeLayer: 4, dropTop: 2, unitRows: true }, bin), EXPECT);
  assert.equal(p.meta.beforeLayer, 4);
  assert.match(p.describe(), /^pooled\.bin: hidden_states\.4 before the word and hidden_states\.3 at its last token \(centred, top 2 principal directions removed\), averaged over 1,000 training tokens$/);
  const same = readPooled(folder({ ...meta, beforeLayer: 2, dropTop: 1 }, bin), EXPECT);
  assert.match(same.describe(), /^pooled\.bin: hidden_states\.2, the state before the word and at its last token \(centred, top 1 principal direction removed\),/);
  refused(folder({ ...meta, beforeLayer: EXPECT.nLayer + 1 }, bin), "pooled.json", new RegExp(`"beforeLayer" is ${EXPECT.nLayer + 1}, but the model has hidden states 0 to ${EXPECT.nLayer}`));
  refused(folder({ ...meta, dropTop: -1 }, bin), "pooled.json", /"dropTop" /);
  refused(folder({ ...meta, unitRows: "yes" }, bin), "pooled.json", /"unitRows" should be boolean/);
  const half = small(EXPECT.nEmbd);
  refused(folder({ ...half.meta, variant: "before", beforeLayer: 1 }, half.bin), "pooled.json", /"beforeLayer" is for a "concat" vector, not a "before" one/);
});

test("pooled.json errors name the field: wrong format, version, types, NaN, counts, duplicates, another model's width", () => {
  const { meta, bin } = small();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...meta, format: "something" }, /"format" should be "lm-lens-pooled"/],
    [{ ...meta, version: 2 }, /"version" should be 1/],
    [{ ...meta, dims: "512" }, /"dims" should be number/],
    [{ ...meta, dims: 1.5 }, /"dims" /],
    [{ ...meta, count: Number.NaN }, /"count" /], // JSON writes NaN as null
    [{ ...meta, layer: -1 }, /"layer" /],
    [{ ...meta, variant: "mean" }, /"variant" should be/],
    [{ ...meta, scale: "global" }, /"scale" should be "row"/],
    [{ ...meta, minCount: undefined }, /"minCount" is missing/],
    [{ ...meta, words: ["alpha", "beta"] }, /"words" holds 2 words but "count" says 3/],
    [{ ...meta, counts: [9, 5] }, /"counts" holds 2 numbers but "count" says 3/],
    [{ ...meta, counts: [9, 5, 2] }, /"counts\.2" is 2, fewer than "minCount" 3/],
    [{ ...meta, words: ["alpha", "beta", "alpha"] }, /"words\.2" repeats "alpha"/],
    [{ ...meta, words: ["alpha", 7, "c"] }, /"words\.1" should be string/],
    [{ ...meta, variant: "before" }, /"dims" is 512, but a "before" vector of this model \(n_embd 256\) has 256: the file belongs to another model/],
    [{ ...meta, layer: EXPECT.nLayer + 1 }, new RegExp(`"layer" is ${EXPECT.nLayer + 1}, but the model has hidden states 0 to ${EXPECT.nLayer}`)],
  ];
  for (const [json, field] of cases) refused(folder(json, bin), "pooled.json", field);
  refused(folder("{ not json", bin), "pooled.json", /not valid JSON/);
  refused(folder([1, 2], bin), "pooled.json", /"\(the whole file\)" should be a JSON object/);
});

test("pooled.bin errors name the file and what is wrong: missing, wrong length, a NaN or zero scale", () => {
  const { meta, bin } = small();
  refused(folder(meta), "pooled.bin", /file not found/);
  refused(folder(meta, bin.subarray(0, bin.length - 1)), "pooled.bin", new RegExp(`"length" is ${bin.length - 1} bytes, but 3 rows of ${meta.dims} int8 values and 3 float32 scales take ${bin.length}`));
  refused(folder(meta, Buffer.concat([bin, Buffer.alloc(4)])), "pooled.bin", /"length" is/);
  const nan = Buffer.from(bin);
  nan.writeFloatLE(Number.NaN, 3 * meta.dims + 4);
  refused(folder(meta, nan), "pooled.bin", /"scale 1" \(of “beta”\) is NaN, not a positive finite number/);
  const zero = Buffer.from(bin);
  zero.writeFloatLE(0, 3 * meta.dims + 8);
  refused(folder(meta, zero), "pooled.bin", /"scale 2" \(of “Gamma”\) is 0/);
});

/** A model folder like the shipped one (its files linked, not copied) with the given pooled files. */
function modelWith(pooled: { json?: string | object; bin?: Buffer }): string {
  const dir = join(work, `m${n++}`);
  mkdirSync(join(dir, "onnx"), { recursive: true });
  for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "words.txt", "onnx/model.onnx"]) symlinkSync(join(MODEL_DIR, f), join(dir, f));
  if (pooled.json !== undefined) writeFileSync(join(dir, "pooled.json"), typeof pooled.json === "string" ? pooled.json : JSON.stringify(pooled.json));
  if (pooled.bin) writeFileSync(join(dir, "pooled.bin"), pooled.bin);
  return dir;
}

test("a model folder without pooled files, or with broken ones, loses only the pooled space", async () => {
  const req = { query: "king", layer: 0, metric: "cosine" as const, k: 5 };
  const byo = modelWith({});
  assert.equal(hasPooled(byo), false);
  const space = NeighbourSpace.create(readModelFolder(byo), null);
  await assert.rejects(space.search({ ...req, mode: "pooled" }), (e: Error) => e instanceof PooledUnavailableError && /this model folder has no pooled word vectors \(pooled\.json and pooled\.bin, made by models\/recipe\/pooled\.py\), so the pooled space is unavailable$/.test(e.message));
  assert.equal((await space.search({ ...req, mode: "static" })).neighbours.length, 5, "the static space still answers");

  const { meta, bin } = small();
  const broken = modelWith({ json: { ...meta, count: 4 }, bin });
  const space2 = NeighbourSpace.create(readModelFolder(broken), null);
  await assert.rejects(space2.search({ ...req, mode: "pooled" }), (e: Error) => e instanceof PooledFormatError && e.message.includes(join(broken, "pooled.json")) && /"words" holds 3 words but "count" says 4/.test(e.message));
  // said again, from memory, without another read
  copyFileSync(join(MODEL_DIR, "pooled.json"), join(broken, "pooled.json"));
  await assert.rejects(space2.search({ ...req, mode: "pooled" }), PooledFormatError);
  assert.equal((await space2.search({ ...req, mode: "static" })).neighbours.length, 5);
});

test("pooled search: an unknown word is an error, never a list; the query's own word is left out in every case", async () => {
  const space = NeighbourSpace.create(shippedFolder, null);
  const p = space.pooled();
  await assert.rejects(space.search({ query: "qqqzzzx", mode: "pooled", layer: 0, metric: "cosine", k: 10 }), /^TypeError: “qqqzzzx” is not in the pooled word index/);
  await assert.rejects(space.search({ query: "king - qqqzzzx", mode: "pooled", layer: 0, metric: "cosine", k: 10 }), /“qqqzzzx” is not in the pooled word index/);
  const r = await space.search({ query: "January", mode: "pooled", layer: 0, metric: "cosine", k: 10 });
  assert.equal(r.mode, "pooled");
  assert.equal(r.layer, p.meta.layer);
  assert.equal(r.indexSize, p.count);
  assert.equal(r.neighbours.length, 10);
  for (const h of r.neighbours) assert.notEqual(h.word.toLowerCase(), "january");
  assert.equal(r.terms[0].words[0].count, p.meta.counts[p.resolve("January")!]);
  assert.equal(r.map.x.length, 11);
  for (let i = 1; i < r.neighbours.length; i++) assert.ok(r.neighbours[i - 1].score >= r.neighbours[i].score);
});
