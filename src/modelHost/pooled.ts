// Pooled word vectors (models/recipe/pooled.py): each lexicon word's hidden state at one layer, averaged
// over its occurrences in the training text, shipped beside the model as pooled.json (the words and how
// the vectors were made) and pooled.bin (int8 rows [count, dims], then float32 little-endian per-row
// scales [count]: value = int8 * scale). Node only: the model host and the CLI read it.
// A folder without these files (a bring-your-own model) has no pooled space; a malformed one gives one line
// naming the file and the field, and only the pooled space is lost.
import { statSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { vectorTable, type VectorTable } from "./neighbours";
import { ModelFolderError, readJson, readRegularFile } from "./modelFolder";

export const POOLED_FORMAT = "lm-lens-pooled";
export const POOLED_VERSION = 1;
export const POOLED_JSON = "pooled.json";
export const POOLED_BIN = "pooled.bin";
/** more rows than any lexicon this extension ships or reads */
const MAX_ROWS = 1 << 20;
const MAX_DIMS = 1 << 16;
const MAX_BIN_BYTES = 1 << 30;

/** pooled.json or pooled.bin cannot be used; the message names the file and the field. */
export class PooledFormatError extends ModelFolderError {}
/** The model folder has no pooled.json: the pooled space does not exist for this model. */
export class PooledUnavailableError extends ModelFolderError {}
/** A query word the pooled index does not hold: said as such, never answered with a guess. */
export class UnknownWordError extends TypeError {}

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

const PooledJson = v.looseObject({
  format: v.literal(POOLED_FORMAT),
  version: v.literal(POOLED_VERSION),
  count: int(1, MAX_ROWS),
  dims: int(1, MAX_DIMS),
  layer: int(0, 4096),
  /** concat only: the layer of its "before" half when it is not "layer" (which is then the last token's) */
  beforeLayer: v.optional(int(0, 4096)),
  variant: v.picklist(["before", "last", "concat"]),
  centred: v.boolean(),
  /** top principal directions removed from the centred rows ("all-but-the-top"); baked into the rows */
  dropTop: v.optional(int(0, MAX_DIMS)),
  /** every row scaled to length 1 before quantising, so that a sum weighs its words equally */
  unitRows: v.optional(v.boolean()),
  scale: v.literal("row"),
  tokensRead: int(0, Number.MAX_SAFE_INTEGER),
  minCount: int(1, Number.MAX_SAFE_INTEGER),
  words: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(MAX_ROWS)),
  counts: v.pipe(v.array(int(1, Number.MAX_SAFE_INTEGER)), v.maxLength(MAX_ROWS)),
});
export type PooledMeta = v.InferOutput<typeof PooledJson>;

/** What the vectors must fit: the model's width and depth (config.json). */
export interface PooledExpect {
  nEmbd: number;
  nLayer: number;
}

function fail(file: string, field: string, what: string): never {
  throw new PooledFormatError(`${file}: "${field}" ${what}`, file);
}

/** The first schema issue as `"field" expected X, got Y`. */
function schemaError(file: string, issues: readonly v.BaseIssue<unknown>[]): never {
  const issue = issues[0];
  const field = issue.path?.map((p) => String(p.key)).join(".") || "(the whole file)";
  if (issue.input === undefined) fail(file, field, "is missing");
  const got = typeof issue.input === "string" ? JSON.stringify(issue.input.slice(0, 40)) : JSON.stringify(issue.input)?.slice(0, 40);
  fail(file, field, issue.expected ? `should be ${issue.expected}, not ${got}` : issue.message);
}

/** Check pooled.json's fields against each other and the model; the metadata or one line saying what is wrong. */
export function parsePooledMeta(json: unknown, file: string, expect: PooledExpect): PooledMeta {
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail(file, "(the whole file)", "should be a JSON object");
  const r = v.safeParse(PooledJson, json);
  if (!r.success) schemaError(file, r.issues);
  const m = r.output;
  if (m.words.length !== m.count) fail(file, "words", `holds ${m.words.length} words but "count" says ${m.count}`);
  if (m.counts.length !== m.count) fail(file, "counts", `holds ${m.counts.length} numbers but "count" says ${m.count}`);
  const seen = new Set<string>();
  m.words.forEach((w, i) => {
    if (seen.has(w)) fail(file, `words.${i}`, `repeats ${JSON.stringify(w.slice(0, 40))}`);
    seen.add(w);
  });
  const low = m.counts.findIndex((c) => c < m.minCount);
  if (low >= 0) fail(file, `counts.${low}`, `is ${m.counts[low]}, fewer than "minCount" ${m.minCount}`);
  const width = m.variant === "concat" ? 2 * expect.nEmbd : expect.nEmbd;
  if (m.dims !== width) fail(file, "dims", `is ${m.dims}, but a "${m.variant}" vector of this model (n_embd ${expect.nEmbd}) has ${width}: the file belongs to another model`);
  if (m.layer > expect.nLayer) fail(file, "layer", `is ${m.layer}, but the model has hidden states 0 to ${expect.nLayer}`);
  if (m.beforeLayer !== undefined && m.variant !== "concat") fail(file, "beforeLayer", `is for a "concat" vector, not a "${m.variant}" one`);
  if (m.beforeLayer !== undefined && m.beforeLayer > expect.nLayer) fail(file, "beforeLayer", `is ${m.beforeLayer}, but the model has hidden states 0 to ${expect.nLayer}`);
  return m;
}

/** The int8 rows and per-row scales as float32 rows [count, dims]; one line on a wrong length or a bad scale. */
export function decodePooledRows(bin: Uint8Array, meta: Pick<PooledMeta, "count" | "dims" | "words">, file: string): Float32Array {
  const { count, dims } = meta;
  const want = count * dims + 4 * count;
  if (bin.length !== want) fail(file, "length", `is ${bin.length} bytes, but ${count} rows of ${dims} int8 values and ${count} float32 scales take ${want}`);
  const q = new Int8Array(bin.buffer, bin.byteOffset, count * dims);
  const scales = new DataView(bin.buffer, bin.byteOffset + count * dims, 4 * count);
  const out = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) {
    const s = scales.getFloat32(4 * i, true);
    if (!Number.isFinite(s) || s <= 0) fail(file, `scale ${i}`, `(of “${meta.words[i].slice(0, 40)}”) is ${s}, not a positive finite number`);
    const o = i * dims;
    for (let j = 0; j < dims; j++) out[o + j] = q[o + j] * s;
  }
  return out;
}

export class PooledIndex {
  /** the row of each word as written */
  readonly rowOf = new Map<string, number>();
  /** the rows of each lower-cased word: "tuesday" -> Tuesday, TUESDAY */
  private readonly byLower = new Map<string, number[]>();

  constructor(
    readonly meta: PooledMeta,
    /** [count, dims] */
    readonly table: VectorTable,
    readonly file: string,
  ) {
    meta.words.forEach((w, i) => {
      this.rowOf.set(w, i);
      const k = w.toLowerCase();
      const rows = this.byLower.get(k);
      if (rows) rows.push(i);
      else this.byLower.set(k, [i]);
    });
  }

  get count(): number {
    return this.meta.count;
  }

  /** The word's row: as written if the index holds it, else its most frequent case variant (pooled.py's rule). */
  resolve(word: string): number | undefined {
    const exact = this.rowOf.get(word);
    if (exact !== undefined) return exact;
    const rows = this.byLower.get(word.toLowerCase());
    if (!rows) return undefined;
    return rows.reduce((best, r) => (this.meta.counts[r] > this.meta.counts[best] ? r : best));
  }

  /** The rows of a word in every case ("January", "january"), which a list of its neighbours leaves out. */
  variants(word: string): readonly number[] {
    return this.byLower.get(word.toLowerCase()) ?? [];
  }

  /** The one line that says a word is not here. */
  unknown(word: string): UnknownWordError {
    return new UnknownWordError(`“${word}” is not in the pooled word index (${this.count.toLocaleString("en")} words seen at least ${this.meta.minCount} times in the training text)`);
  }

  /**
   * "pooled.bin: hidden_states.2, the state before the word and at its last token (centred), averaged over 3,000,000 training tokens";
   * a concat of two layers says both ("hidden_states.4 before the word and hidden_states.3 at its last token"), and
   * removed principal directions are said after "centred".
   */
  describe(): string {
    const m = this.meta;
    const two = m.variant === "concat" && m.beforeLayer !== undefined && m.beforeLayer !== m.layer;
    const what = two
      ? `hidden_states.${m.beforeLayer} before the word and hidden_states.${m.layer} at its last token`
      : `hidden_states.${m.layer}, ${m.variant === "before" ? "the state before the word" : m.variant === "last" ? "the state at its last token" : "the state before the word and at its last token"}`;
    const post = m.centred ? ` (centred${m.dropTop ? `, top ${m.dropTop} principal direction${m.dropTop === 1 ? "" : "s"} removed` : ""})` : "";
    return `pooled.bin: ${what}${post}, averaged over ${m.tokensRead.toLocaleString("en")} training tokens`;
  }
}

/** Whether a model folder ships pooled vectors (a pooled.json is there). */
export function hasPooled(dir: string): boolean {
  try {
    return statSync(join(dir, POOLED_JSON)).isFile();
  } catch {
    return false;
  }
}

/** Read a model folder's pooled vectors. PooledUnavailableError without pooled.json; PooledFormatError when malformed. */
export function readPooled(dir: string, expect: PooledExpect): PooledIndex {
  const jsonPath = join(dir, POOLED_JSON);
  const binPath = join(dir, POOLED_BIN);
  if (!hasPooled(dir)) throw new PooledUnavailableError(`${dir}: this model folder has no pooled word vectors (${POOLED_JSON} and ${POOLED_BIN}, made by models/recipe/pooled.py), so the pooled space is unavailable`, jsonPath);
  const meta = parsePooledMeta(readJson(jsonPath), jsonPath, expect);
  const rows = decodePooledRows(readRegularFile(binPath, MAX_BIN_BYTES), meta, binPath);
  return new PooledIndex(meta, vectorTable(rows, meta.dims), binPath);
}
