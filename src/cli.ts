// lm-lens: the command-line face of the same core and model code the extension runs.
//   lm-lens predict [--model DIR] [--top K] [--exact] [--no-memory] [--json] [TEXT]
//   lm-lens score [--model DIR] [--json] [--no-memory] [--window N] [--stride S] [--max-tokens M] FILE...
//   lm-lens attention [--model DIR] [--max-tokens N] [--exact] [--no-memory] [--json] TEXT
//   lm-lens explain [--model DIR] [--exact] [--no-memory] [--json] TEXT
//   lm-lens neighbours [--model DIR] [--space pooled|static|contextual] [--layer L] [--k K] [--metric cosine|euclidean] [--json] WORD
import { parseArgs } from "node:util";
import { statSync } from "node:fs";
import { bitsPerByte, wordPerplexity } from "./modelHost/scoreText";
import { join } from "node:path";
import { Engine } from "./modelHost/engine";
import { loadWithinDeadline } from "./modelHost/loadWatchdog";
import { explain } from "./modelHost/explain";
import { readModelFolder, readRegularFile } from "./modelHost/modelFolder";
import { charsForTokens } from "./core/attentionSource";
import { parseVectorQuery, queryWords } from "./core/vectorQuery";
import { errorMessage, escapeControls } from "./shared/errorLine";
import { NeighbourSpace, NotAWordError } from "./modelHost/neighbourSpace";
import { hasPooled, UnknownWordError } from "./modelHost/pooled";
import { MAX_ALTERNATIVES, MAX_VIEW_TOKENS, NEIGHBOUR_MODES, NEIGHBOURS_K, type NeighbourMode } from "./shared/vocabulary";
import { DEFAULT_MEMORY_TOKENS, DEFAULT_SETTINGS } from "./core/settings";
import { USAGE, usageOf } from "./cliUsage";
import { tokenGroups } from "./shared/tokenDisplay";
import { ghostText } from "./modelHost/ghostText";
import type { DocumentMemory } from "./modelHost/documentMemory";
import type { KvCache } from "./modelHost/onnxModel";


class UsageError extends Error {}

const pct = (p: number) => `${(100 * p).toFixed(p < 0.001 ? 3 : 1)} %`;

/** explain's answer as lines a person reads: the prediction, the parts, the layers, the removals that mattered most. */
function explanationText(x: Awaited<ReturnType<typeof explain>>): string {
  const lines = [`next word ${JSON.stringify(x.word)}: ${pct(x.p)} (model alone ${pct(x.modelP)}, memory alone ${pct(x.memoryP)}, memory's share ${pct(x.share)}); window: ${x.windowTokens} tokens`];
  if (x.internalsProblem) lines.push(x.internalsProblem);
  else {
    const parts = [...x.components].sort((a, b) => Math.abs(b.logit) - Math.abs(a.logit)).slice(0, 8);
    lines.push(`logit of its first token ${JSON.stringify(x.token)}: ${x.logit.toFixed(3)}; largest parts: ${parts.map((c) => `${c.name} ${c.logit >= 0 ? "+" : ""}${c.logit.toFixed(2)}`).join(", ")}`);
    for (const l of x.layers) lines.push(`after layer ${l.layer}: ${l.top.map((t) => `${JSON.stringify(t.token)} ${pct(t.p)}`).join(", ")}; ${JSON.stringify(x.token)} ${pct(l.tokenP)} (rank ${l.tokenRank})`);
  }
  const effects = [...x.removals].sort((a, b) => a.p - b.p).slice(0, 5);
  if (effects.length) lines.push(`without: ${effects.map((r) => `${JSON.stringify(r.text.trim())} -> ${pct(r.p)}`).join(", ")}`);
  lines.push(`(${x.ms.toFixed(0)} ms)`);
  return lines.join("\n") + "\n";
}

/** A file to score, or its first maxBytes bytes: one line naming it when it cannot be read as text. */
function readTextFile(path: string, maxBytes?: number): string {
  if (!statSync(path, { throwIfNoEntry: false })) throw new UsageError(`${path}: no such file`);
  try {
    return readRegularFile(path, maxBytes ?? MAX_INPUT_BYTES, { prefix: maxBytes !== undefined }).toString("utf8");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function defaultModelDir(): string {
  // dist/cli.js -> models/lm-lens-5m
  return join(__dirname, "..", "models", "lm-lens-5m");
}

function positiveInt(v: string | undefined, name: string, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  // digits only: Number() would also take "0x10", "1e3" and " 7 "
  const n = /^[0-9]{1,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer from 1 to ${max} (got ${JSON.stringify(v)})`);
  return n;
}

/** the flags each command reads; any other is refused, not silently ignored */
const FLAGS: Record<string, readonly string[]> = {
  predict: ["model", "top", "exact", "json", "no-memory"],
  score: ["model", "json", "no-memory", "window", "stride", "max-tokens"],
  attention: ["model", "max-tokens", "exact", "json", "no-memory"],
  explain: ["model", "exact", "json", "no-memory"],
  neighbours: ["model", "space", "layer", "k", "metric", "json"],
};

/** longest stdin line (predict) or text (attention -) read, in bytes; what is longer is refused with a message */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * The lines of stdin, each at most MAX_INPUT_BYTES: a longer line is skipped (its bytes are dropped
 * as they arrive, so memory stays bounded) and reported as null. readline would build the whole line
 * as one string, which past about 512 MB throws a RangeError.
 */
async function* stdinLines(): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      const piece = chunk.subarray(from, nl < 0 ? chunk.length : nl);
      if (!tooLong) {
        if (size + piece.length > MAX_INPUT_BYTES) {
          tooLong = true;
          parts = [];
          size = 0;
        } else {
          parts.push(piece);
          size += piece.length;
        }
      }
      if (nl < 0) break;
      yield tooLong ? null : Buffer.concat(parts).toString("utf8").replace(/\r$/, "");
      parts = [];
      size = 0;
      tooLong = false;
      from = nl + 1;
    }
  }
  if (tooLong) yield null;
  else if (size > 0) yield Buffer.concat(parts).toString("utf8");
}

function round(p: number): number {
  return Number(p.toPrecision(4));
}

/**
 * The K most likely next words after TEXT, and `ghost`: what the editor's ghost text would show at TEXT's
 * end under default settings (its own request, suggestRequest.ts: the gate, a phrase from the memory; ""
 * when nothing would be shown). `ms`: the list's time; `ghostMs`: the ghost text's.
 */
async function predict(engine: Engine, text: string, top: number, memoryTokens: number, kept?: DocumentMemory<KvCache>) {
  const memory = kept ? await refill(engine, kept, text) : memoryTokens > 0 && engine.hasHidden ? await engine.memories.over(text, memoryTokens) : undefined;
  const r = await engine.suggest(text, { ...DEFAULT_SETTINGS.suggest, k: top, words: 1 }, undefined, 0, memory);
  const g = await ghostText(engine, text, memory);
  return { words: r.alternatives.map((a) => ({ word: a.word, p: round(a.p) })), ghost: g.text, ms: Number(r.ms.toFixed(2)), ghostMs: Number(g.ms.toFixed(2)) };
}

/**
 * The memory kept from one stdin line to the next, synced with this line's text as the editor syncs a
 * document's (memorySync.ts): a context that goes on from the last one fills only its new tokens, one that
 * does not is read anew. A state is a function of the tokens alone (documentMemory.ts), so the answer is
 * the one a memory filled afresh over the text gives; only the time differs.
 */
async function refill(engine: Engine, memory: DocumentMemory<KvCache>, text: string): Promise<DocumentMemory<KvCache>> {
  memory.sync(0, text);
  await memory.fillAll(engine.memories.runner);
  return memory;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`stdin: more than ${MAX_INPUT_BYTES / 1024 / 1024} MiB of text (attention reads at most the first few thousand characters; pass less)`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A query word the model does not know, said in one line before the contextual index is built for nothing: 1; else 0. */
function unknownWord(space: NeighbourSpace, query: string): number {
  const parsed = parseVectorQuery(query);
  const word = parsed.ok ? queryWords(parsed.query).find((w) => !space.knows(w)) : undefined;
  if (word === undefined) return 0;
  process.stderr.write(`${new NotAWordError(word).message}\n`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    // `lm-lens help predict`: that command's usage
    process.stdout.write((command === "help" && rest[0] ? usageOf(rest[0]) : USAGE) + "\n");
    return command ? 0 : 2;
  }
  // --help or -h anywhere before a `--` asks for the command's usage, not for its work
  const flags = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (Object.hasOwn(FLAGS, command) && (flags.includes("--help") || flags.includes("-h"))) {
    process.stdout.write(usageOf(command) + "\n");
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        model: { type: "string" },
        top: { type: "string" },
        json: { type: "boolean", default: false },
        exact: { type: "boolean", default: false },
        "max-tokens": { type: "string" },
        k: { type: "string" },
        metric: { type: "string" },
        space: { type: "string" },
        layer: { type: "string" },
        "no-memory": { type: "boolean", default: false },
        window: { type: "string" },
        stride: { type: "string" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const allowed = FLAGS[command];
  if (!allowed) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  for (const [flag, value] of Object.entries(values)) {
    // booleans default to false, so a flag counts as given when it is a string or true
    if ((value === true || typeof value === "string") && !allowed.includes(flag)) throw new UsageError(`--${flag} does not apply to ${command} (it takes ${allowed.map((f) => `--${f}`).join(", ")})`);
  }
  const modelDir = values.model ?? defaultModelDir();
  if (command === "predict") {
    const top = positiveInt(values.top, "top", 5, MAX_ALTERNATIVES);
    if (positionals.length > 1) throw new UsageError("predict takes one TEXT argument (quote it)");
    const engine = await loadWithinDeadline(modelDir, () => Engine.load(modelDir, { quantize: !values.exact }));
    const memoryTokens = values["no-memory"] ? 0 : DEFAULT_MEMORY_TOKENS;
    try {
      if (positionals.length === 1) {
        const out = await predict(engine, positionals[0], top, memoryTokens);
        if (values.json) process.stdout.write(JSON.stringify(out) + "\n");
        else {
          const width = Math.max(4, ...out.words.map((w) => JSON.stringify(w.word).length));
          for (const w of out.words) process.stdout.write(`${JSON.stringify(w.word).padEnd(width)}  ${(w.p * 100).toFixed(2).padStart(6)} %\n`);
          process.stdout.write(`ghost text: ${out.ghost ? JSON.stringify(out.ghost) : "(none shown)"}\n(${out.ms} ms)\n`);
        }
        return 0;
      }
      // JSON lines on stdin, answered in order, with one memory kept between them (refill)
      const kept = memoryTokens > 0 && engine.hasHidden ? engine.memories.create(memoryTokens) : undefined;
      let failed = 0;
      let lineNo = 0;
      for await (const line of stdinLines()) {
        lineNo++;
        if (line === null) {
          failed++;
          const msg = `line ${lineNo}: longer than ${MAX_INPUT_BYTES / 1024 / 1024} MiB; skipped`;
          process.stderr.write(`lm-lens: ${msg}\n`);
          process.stdout.write(JSON.stringify({ error: msg }) + "\n");
          continue;
        }
        if (line.trim() === "") continue;
        let context: unknown;
        try {
          context = (JSON.parse(line) as { context?: unknown }).context;
        } catch {
          context = undefined;
        }
        if (typeof context !== "string") {
          failed++;
          const msg = `line ${lineNo}: expected a JSON object {"context": "..."}`;
          process.stderr.write(`lm-lens: ${msg}\n`);
          process.stdout.write(JSON.stringify({ error: msg }) + "\n");
          continue;
        }
        process.stdout.write(JSON.stringify(await predict(engine, context, top, memoryTokens, kept)) + "\n");
      }
      return failed > 0 ? 1 : 0;
    } finally {
      await engine.dispose();
    }
  }
  if (command === "score") {
    if (positionals.length === 0) throw new UsageError("score takes one or more FILE arguments");
    const window = positiveInt(values.window, "window", 256, 4096);
    const stride = positiveInt(values.stride, "stride", Math.min(128, window), window);
    const maxTokens = values["max-tokens"] === undefined ? undefined : positiveInt(values["max-tokens"], "max-tokens", 0, 1e9);
    // --max-tokens: only what is scored is read (UTF-8 holds at most 3 bytes per UTF-16 unit)
    const texts = positionals.map((f) => ({ file: f, text: readTextFile(f, maxTokens === undefined ? undefined : 3 * charsForTokens(maxTokens + 1)) }));
    const engine = await loadWithinDeadline(modelDir, () => Engine.load(modelDir));
    try {
      if (window > engine.folder.config.nPositions) throw new UsageError(`--window must be at most the model's ${engine.folder.config.nPositions} positions (got ${window})`);
      const memoryTokens = values["no-memory"] ? 0 : DEFAULT_MEMORY_TOKENS;
      const total = { tokens: 0, bytes: 0, words: 0, nll: 0 };
      const line = (file: string, s: typeof total) => ({ file, tokens: s.tokens, words: s.words, bytes: s.bytes, bitsPerByte: Number(bitsPerByte(s).toFixed(5)), wordPerplexity: Number(wordPerplexity(s).toFixed(2)) });
      const print = (o: ReturnType<typeof line>) =>
        process.stdout.write(values.json ? JSON.stringify(o) + "\n" : `${escapeControls(o.file)}: ${o.tokens} tokens, ${o.words} words, ${o.bitsPerByte.toFixed(4)} bits per byte, word perplexity ${o.wordPerplexity.toFixed(1)}\n`);
      for (const { file, text } of texts) {
        const s = await engine.score(text, { window, stride, maxTokens, memoryTokens });
        for (const k of ["tokens", "bytes", "words", "nll"] as const) total[k] += s[k];
        print(line(file, s));
      }
      print(line(`all (${texts.length} file${texts.length === 1 ? "" : "s"}${memoryTokens ? `, memory of ${memoryTokens} tokens` : ", no memory"})`, total));
      return 0;
    } finally {
      await engine.dispose();
    }
  }
  if (command === "attention") {
    if (positionals.length !== 1) throw new UsageError("attention takes one TEXT argument (quote it, or - to read it from stdin)");
    const text = positionals[0] === "-" ? await readStdin() : positionals[0];
    // the weights predict uses (attention itself always runs on float32): nextWords is predict --top 10's list
    const engine = await loadWithinDeadline(modelDir, () => Engine.load(modelDir, { quantize: !values.exact }));
    try {
      const max = positiveInt(values["max-tokens"], "max-tokens", Math.min(MAX_VIEW_TOKENS, engine.folder.config.nPositions), Math.min(MAX_VIEW_TOKENS, engine.folder.config.nPositions));
      // a long TEXT keeps its end (as "Why this word?"): the next words are those after TEXT, as predict's
      const r = await engine.attention(text, max, undefined, values["no-memory"] ? 0 : DEFAULT_MEMORY_TOKENS, "end");
      if (r.tokens.length === 0) throw new UsageError("attention: TEXT is empty (give some text, or - to read it from stdin)");
      const T = r.tokens.length;
      // [layer][head][query][key], the same numbers the panel shows
      const nested = Array.from({ length: r.nLayer }, (_, l) =>
        Array.from({ length: r.nHead }, (_, h) => Array.from({ length: T }, (_, q) => Array.from(r.attentions.subarray(((l * r.nHead + h) * T + q) * T, ((l * r.nHead + h) * T + q + 1) * T)))),
      );
      const shown = tokenGroups(r.tokens);
      // a token as the text output names it: its group's text, and which part of the group it is
      const named = (i: number) => {
        const [first, last] = shown[i].group;
        return `${JSON.stringify(shown[first].display)}${first === last ? "" : ` (token ${i - first + 1} of ${last - first + 1})`}`;
      };
      if (values.json) {
        const words = r.nextWords.map((w) => ({ word: w.word, p: round(w.p) }));
        const predictions = r.predictions.map((row) => row.map((t) => ({ token: t.token, p: round(t.p) })));
        const cut = r.cutChars ?? 0;
        // display: the tokens of one character (or emoji) grouped, on the group's first token; they concatenate to
        // the text analysed. bytes: each token's UTF-8 bytes in hex (a token may hold part of a character)
        const display = shown.map((g) => g.display);
        const bytes = r.tokens.map((t) => t.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" "));
        process.stdout.write(JSON.stringify({ tokens: r.tokens.map((t) => t.text), display, bytes, attentions: nested, truncated: r.truncated || cut > 0, ...(cut > 0 ? { cutChars: cut } : {}), nextWords: words, predictions }) + "\n");
      } else {
        const cut = r.cutChars ?? 0;
        process.stdout.write(`${T} tokens${cut > 0 ? ` (the text's first ${cut} characters left out)` : r.truncated ? ` (truncated from ${r.totalTokens ?? "more"})` : ""}: ${shown.flatMap((g, i) => (g.group[0] !== i ? [] : [`${JSON.stringify(g.display)}${g.group[1] > i ? `×${g.group[1] - i + 1}` : ""}`])).join(" ")}\n`);
        nested.forEach((layer, l) =>
          layer.forEach((head, h) => {
            const last = head[T - 1];
            const best = last.map((w, k) => [w, k] as const).sort((a, b) => b[0] - a[0])[0];
            process.stdout.write(`layer ${l + 1} head ${h + 1}: the last token attends most to ${named(best[1])} (${best[0].toFixed(3)})\n`);
          }),
        );
        process.stdout.write(`next words: ${r.nextWords.map((w) => `${JSON.stringify(w.word)} ${(100 * w.p).toFixed(1)} %`).join(", ")}\n`);
      }
      return 0;
    } finally {
      await engine.dispose();
    }
  }
  if (command === "explain") {
    if (positionals.length !== 1) throw new UsageError("explain takes one TEXT argument (quote it, or - to read it from stdin)");
    const text = positionals[0] === "-" ? await readStdin() : positionals[0];
    if (text.trim() === "") throw new UsageError("explain: TEXT is empty; give the text whose next word to explain");
    const engine = await loadWithinDeadline(modelDir, () => Engine.load(modelDir, { quantize: !values.exact }));
    try {
      const memory = values["no-memory"] || !engine.model.io.hasHidden ? undefined : await engine.memories.over(text, DEFAULT_MEMORY_TOKENS);
      const x = await explain(engine, text, { options: DEFAULT_SETTINGS.suggest, memory });
      const fixed = (n: number) => Number(n.toFixed(6));
      if (values.json) {
        const { words: _, ms, ...rest } = x;
        const out = {
          ...rest,
          p: round(x.p),
          modelP: round(x.modelP),
          memoryP: round(x.memoryP),
          share: round(x.share),
          logit: fixed(x.logit),
          components: x.components.map((c) => ({ name: c.name, logit: fixed(c.logit) })),
          layers: x.layers.map((l) => ({ layer: l.layer, top: l.top.map((t) => ({ token: t.token, p: round(t.p) })), tokenP: round(l.tokenP), tokenRank: l.tokenRank })),
          removals: x.removals.map((r) => ({ ...r, p: round(r.p) })),
          ms: Number(ms.toFixed(1)),
        };
        process.stdout.write(JSON.stringify(out) + "\n");
      } else {
        process.stdout.write(explanationText(x));
      }
      return 0;
    } finally {
      await engine.dispose();
    }
  }
  if (command === "neighbours") {
    if (positionals.length !== 1) throw new UsageError("neighbours takes one WORD argument (quote a phrase or a sum)");
    const k = positiveInt(values.k, "k", NEIGHBOURS_K.default, NEIGHBOURS_K.max);
    const metric = values.metric ?? "cosine";
    if (metric !== "cosine" && metric !== "euclidean") throw new UsageError(`--metric must be cosine or euclidean (got ${JSON.stringify(metric)})`);
    const folder = readModelFolder(modelDir);
    const mode = (values.space ?? (hasPooled(folder.dir) ? "pooled" : "static")) as NeighbourMode;
    if (!NEIGHBOUR_MODES.includes(mode)) throw new UsageError(`--space must be ${NEIGHBOUR_MODES.join(", ")} (got ${JSON.stringify(values.space)})`);
    if (values.layer !== undefined && mode !== "contextual") throw new UsageError("--layer applies to --space contextual only");
    if (values.space === undefined && mode === "static") process.stderr.write(`lm-lens: ${folder.dir} has no pooled word vectors (pooled.json); these are the static space's neighbours\n`);
    let r;
    if (mode === "contextual") {
      const engine = await loadWithinDeadline(modelDir, () => Engine.load(modelDir));
      try {
        const nLayer = engine.folder.config.nLayer;
        const layer = values.layer === undefined ? Math.ceil(nLayer / 2) : /^[0-9]{1,4}$/.test(values.layer) && Number(values.layer) <= nLayer ? Number(values.layer) : NaN;
        if (Number.isNaN(layer)) throw new UsageError(`--layer must be an integer from 0 to ${nLayer} (got ${JSON.stringify(values.layer)})`);
        const space = NeighbourSpace.create(engine.folder, engine.model);
        const word = unknownWord(space, positionals[0]);
        if (word) return word;
        while (!(await space.buildIndex(60000)).done);
        r = await space.search({ query: positionals[0], mode, layer, metric, k });
      } finally {
        await engine.dispose();
      }
    } else {
      // pooled and static neighbours need the model's files, not an inference session
      try {
        r = await NeighbourSpace.create(folder, null).search({ query: positionals[0], mode, layer: 0, metric, k });
      } catch (e) {
        if (!(e instanceof UnknownWordError || e instanceof NotAWordError)) throw e;
        // not an answer, and not a usage error: one line, exit code 1
        process.stderr.write(`${errorMessage(e)}\n`);
        return 1;
      }
    }
    // euclidean: larger is still nearer, as for cosine
    const neighbours = r.neighbours.map((n) => ({ word: n.word, similarity: Number((metric === "cosine" ? n.score : -n.score).toFixed(4)) }));
    if (values.json) {
      process.stdout.write(JSON.stringify({ query: positionals[0], space: mode, ...(mode !== "static" ? { layer: r.layer } : {}), neighbours }) + "\n");
    } else {
      const how = r.terms.flatMap((t) => t.words).map((w) =>
        w.count !== undefined ? `${w.word}: mean of ${w.count} uses` : `${w.word} = ${w.tokens.length === 1 ? "row" : `mean of ${w.tokens.length} tokens`} ${w.tokens.map((t) => JSON.stringify(t)).join(" + ")}`,
      );
      process.stdout.write(`${escapeControls(r.query)}  (${how.join("; ")}; ${r.indexSize} words, ${r.source})\n`);
      const width = Math.max(4, ...neighbours.map((n) => n.word.length));
      for (const n of neighbours) process.stdout.write(`${n.word.padEnd(width)}  ${metric === "cosine" ? n.similarity.toFixed(4) : `${(-n.similarity).toFixed(4)} (distance)`}\n`);
    }
    return 0;
  }
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}

// a closed pipe (`lm-lens ... | head`) ends the output quietly
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // one short line, escaped: a path or an argument may hold a newline, an escape sequence or 100 KB (errorLine.ts)
    // a usage error is followed by the usage of the command given (all of it when the command is unknown)
    process.stderr.write(`lm-lens: ${errorMessage(e)}\n${e instanceof UsageError ? `${usageOf(process.argv[2] ?? "")}\n` : ""}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
