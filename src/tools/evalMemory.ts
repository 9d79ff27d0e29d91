// The document memory's part of npm run eval (eval.ts calls it), on the held-out split only, and there on
// the first half of each file (the memory's θ, λ and gate are tuned on the second halves: tuneMemory.ts):
//   compression   every held-out file's first `tokens` tokens: bits per byte of the model alone and with its
//                 memory (lm-lens score's code), and of `xz -9e` on the same bytes
//   long contexts next-word accuracy after contexts of up to 20,000 characters of held-out documents,
//                 through `lm-lens predict` on stdin, with and without the memory: the next whole word
//                 (top-1, top-5), and a half-typed word completed (top-1)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "../modelHost/engine";
import { bitsPerByte } from "../modelHost/scoreText";
import { DEFAULT_MEMORY_TOKENS } from "../core/settings";

export interface CompressionRow {
  source: string;
  tokens: number;
  bytes: number;
  bpbModel: number;
  bpbMemory: number;
  bpbXz: number;
}

export interface LongContextRow {
  source: string;
  positions: number;
  /** mean characters of context */
  contextChars: number;
  top1: number;
  top5: number;
  partialTop1: number;
  top1NoMemory: number;
  top5NoMemory: number;
  partialTop1NoMemory: number;
}

/** bits per byte of xz -9e on a text (its container overhead included, as a user would measure it) */
function xzBitsPerByte(text: string): number {
  const bytes = Buffer.from(text, "utf8");
  const out = execFileSync("xz", ["-9e", "-c", "-T1"], { input: bytes, maxBuffer: 1 << 28 });
  return (8 * out.length) / bytes.length;
}

/**
 * Where the memory's tuning (tuneMemory.ts) starts reading a held-out file: the line after its middle. The
 * eval reads only what lies before it.
 */
export function tuningStart(text: string): number {
  const i = text.indexOf("\n", Math.floor(text.length / 2));
  return i < 0 ? text.length : i + 1;
}

/** A held-out file's first half: the part of it that the memory's tuning never reads. */
function untuned(path: string): string {
  const text = readFileSync(path, "utf8");
  return text.slice(0, tuningStart(text));
}

export async function evalCompression(engine: Engine, heldout: string, tokens: number, say: (l: string) => void): Promise<CompressionRow[]> {
  const rows: CompressionRow[] = [];
  for (const f of readdirSync(heldout).filter((x) => x.endsWith(".txt")).sort()) {
    const text = untuned(join(heldout, f));
    const alone = await engine.score(text, { window: 256, stride: 128, maxTokens: tokens, memoryTokens: 0 });
    const mem = await engine.score(text, { window: 256, stride: 128, maxTokens: tokens, memoryTokens: DEFAULT_MEMORY_TOKENS });
    // xz reads exactly the bytes that were scored
    const covered = engine.tokenizer.decode(engine.tokenizer.encode(text.replace(/\r\n?/g, "\n")).slice(0, tokens));
    const row = { source: f.replace(/\.txt$/, ""), tokens: alone.tokens, bytes: alone.bytes, bpbModel: bitsPerByte(alone), bpbMemory: bitsPerByte(mem), bpbXz: xzBitsPerByte(covered) };
    rows.push(row);
    say(`memory: ${row.source}: ${row.bpbModel.toFixed(4)} -> ${row.bpbMemory.toFixed(4)} bits/byte (xz -9e ${row.bpbXz.toFixed(4)})`);
  }
  return rows;
}

/** Held-out documents split as in the corpus files (records separated by \n\x1e\n). */
function documents(text: string): string[] {
  return text.replace(/\n$/, "").split("\n\x1e\n");
}

interface Position {
  context: string;
  target: string;
}

/**
 * Word boundaries with at least `minChars` of the same document before them, evenly spread over the
 * file's long documents; the context is the document's text before the word, at most maxChars of it.
 */
function longPositions(docs: string[], want: number, minChars: number, maxChars: number): Position[] {
  const all: Position[] = [];
  for (const d of docs) {
    if (d.length < minChars + 100) continue;
    for (const m of d.matchAll(/(?<=\s)[\p{L}\p{N}]+/gu)) {
      if (m.index! < minChars) continue;
      const before = d.slice(Math.max(0, m.index! - maxChars), m.index!);
      // the context ends at the word before, as in the eval's short contexts (the space belongs to the word)
      const context = before.endsWith("\n") ? before : before.replace(/[ \t]+$/, "");
      all.push({ context, target: m[0] });
    }
  }
  const stride = Math.max(1, Math.floor(all.length / want));
  return all.filter((_, i) => i % stride === 0).slice(0, want);
}

const lead = (w: string) => /^\s*([\p{L}\p{N}]+)/u.exec(w)?.[1] ?? "";

/** predict's answers (top 5) for contexts, as JSON lines through the CLI */
function predictAll(cli: string, model: string, contexts: string[], memory: boolean): string[][] {
  const r = spawnSync(process.execPath, [cli, "predict", "--top", "5", "--model", model, ...(memory ? [] : ["--no-memory"])], {
    input: contexts.map((c) => JSON.stringify({ context: c })).join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`predict failed: ${r.stderr.slice(0, 400)}`);
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => ((JSON.parse(l) as { words?: { word: string }[] }).words ?? []).map((w) => w.word));
}

export function evalLongContexts(cli: string, model: string, heldout: string, sources: readonly string[], perSource: number, say: (l: string) => void): LongContextRow[] {
  const rows: LongContextRow[] = [];
  for (const source of sources) {
    const path = join(heldout, `${source}.txt`);
    if (!existsSync(path)) continue;
    const pos = longPositions(documents(untuned(path)), perSource, 4000, 20000);
    if (pos.length === 0) continue;
    const contexts = pos.map((p) => p.context);
    // the first half of the word typed (at least one letter): the suggestion completes it
    const partial = pos.map((p) => `${p.context}${p.context.endsWith("\n") ? "" : " "}${p.target.slice(0, Math.max(1, Math.floor(p.target.length / 2)))}`);
    const score = (memory: boolean) => {
      const words = predictAll(cli, model, contexts, memory);
      const done = predictAll(cli, model, partial, memory);
      let top1 = 0;
      let top5 = 0;
      let part = 0;
      pos.forEach((p, i) => {
        const leads = words[i].map(lead);
        if (leads[0] === p.target) top1++;
        if (leads.includes(p.target)) top5++;
        const typed = p.target.slice(0, Math.max(1, Math.floor(p.target.length / 2)));
        if (done[i][0] !== undefined && lead(typed + done[i][0]) === p.target) part++;
      });
      return { top1: top1 / pos.length, top5: top5 / pos.length, partial: part / pos.length };
    };
    const on = score(true);
    const off = score(false);
    const row = {
      source,
      positions: pos.length,
      contextChars: contexts.reduce((a, c) => a + c.length, 0) / contexts.length,
      top1: on.top1,
      top5: on.top5,
      partialTop1: on.partial,
      top1NoMemory: off.top1,
      top5NoMemory: off.top5,
      partialTop1NoMemory: off.partial,
    };
    rows.push(row);
    say(`memory: ${source}: long contexts top-1 ${(100 * row.top1NoMemory).toFixed(1)} -> ${(100 * row.top1).toFixed(1)} %, top-5 ${(100 * row.top5NoMemory).toFixed(1)} -> ${(100 * row.top5).toFixed(1)} %, half-typed ${(100 * row.partialTop1NoMemory).toFixed(1)} -> ${(100 * row.partialTop1).toFixed(1)} %`);
  }
  return rows;
}

/** the first cell of the memory's first table (eval.ts's --memory-only --write finds the tables by it) */
export const COMPRESSION_HEADER = "| held-out file (first tokens)";

export function memoryTables(compression: CompressionRow[], long: LongContextRow[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const c = [
    `${COMPRESSION_HEADER} | bits/byte, model alone | with its memory | xz -9e | model / xz | with memory / xz |`,
    "|---|---:|---:|---:|---:|---:|",
    ...compression.map((r) => `| ${r.source} (${r.tokens.toLocaleString("en")} tokens, ${r.bytes.toLocaleString("en")} bytes) | ${r.bpbModel.toFixed(4)} | ${r.bpbMemory.toFixed(4)} | ${r.bpbXz.toFixed(4)} | ${(r.bpbModel / r.bpbXz).toFixed(3)} | ${(r.bpbMemory / r.bpbXz).toFixed(3)} |`),
  ];
  const all = long.reduce((a, r) => ({ n: a.n + r.positions, t1: a.t1 + r.top1 * r.positions, t5: a.t5 + r.top5 * r.positions, p: a.p + r.partialTop1 * r.positions, t1o: a.t1o + r.top1NoMemory * r.positions, t5o: a.t5o + r.top5NoMemory * r.positions, po: a.po + r.partialTop1NoMemory * r.positions }), { n: 0, t1: 0, t5: 0, p: 0, t1o: 0, t5o: 0, po: 0 });
  const l = [
    "| long contexts (lm-lens predict on stdin) | positions | mean context | top-1 | top-5 | half-typed top-1 | top-1, no memory | top-5, no memory | half-typed, no memory |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...long.map((r) => `| ${r.source} | ${r.positions} | ${Math.round(r.contextChars).toLocaleString("en")} chars | ${pct(r.top1)} | ${pct(r.top5)} | ${pct(r.partialTop1)} | ${pct(r.top1NoMemory)} | ${pct(r.top5NoMemory)} | ${pct(r.partialTop1NoMemory)} |`),
    ...(all.n ? [`| all | ${all.n} | | ${pct(all.t1 / all.n)} | ${pct(all.t5 / all.n)} | ${pct(all.p / all.n)} | ${pct(all.t1o / all.n)} | ${pct(all.t5o / all.n)} | ${pct(all.po / all.n)} |`] : []),
  ];
  return `${c.join("\n")}\n\n${l.join("\n")}`;
}
