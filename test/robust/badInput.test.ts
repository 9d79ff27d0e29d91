// Bad documents and selections, through every surface that reads text: suggestions and attention through
// the real model host (as the extension asks), the neighbours view's word picking and query, and the CLI.
// Each input gets a sensible answer or a clear message, within a bounded time, and nothing throws.
// The counts of what was tried are printed (node --test shows them as diagnostics).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { windowStart } from "../../src/core/contextWindow";
import { selectionWords } from "../../src/ui/selectionWords";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { HostError } from "../../src/shared/hostProtocol";
import { MODEL_DIR, ROOT, SUGGEST } from "../unit/helpers";

const PROSE = "She opened the door and walked into the garden, where the rain had stopped. ";
const BAD: Record<string, string> = {
  empty: "",
  "whitespace only": "   \n\t  \n\n   ",
  "a 5 MB selection": PROSE.repeat(Math.ceil((5 * 1024 * 1024) / PROSE.length)),
  "a minified 1 MB single line": "var a=1,b=function(c){return c*2+a};if(b(3)>4){a++}else{a--};".repeat(Math.ceil((1024 * 1024) / 62)),
  "binary-looking text": Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join(""),
  "emoji and ZWJ sequences": "👩‍👩‍👧‍👦 a family, 🏳️‍🌈 a flag, 👍🏽 a thumb, and the hair was still 🧑🏿‍🦰",
  CJK: "这是一个测试。日本語のテキストです。한국어 문장입니다。the hair was still",
  "right-to-left text": "مرحبا بالعالم שלום עולם the hair was still",
  "combining marks": "e\u0301e\u0301 Z\u0334\u0321a\u0337l\u0336g\u0335o\u0338 and the hair was still",
  "lone surrogates": "abc\ud800def\udc00 the hair \udbff was still \ud800",
  CRLF: "line one\r\nline two\r\nthe hair was still\r\n",
  "control characters and NUL": "a\u0000b\u0007c\u001b[31mred\u001b[0m the hair was\u0000 still",
  "a 10,000-letter word": "x".repeat(10000),
  "punctuation only": "!!!???...,,,;;;---***",
  "a byte-order mark": "\ufeffthe hair was still",
  "mixed scripts in one line": "The hair was 红色 and مرحبا 👍 still",
};
const NAMES = Object.keys(BAD);
/** no surface may take longer than this on any input: a freeze, not a figure */
const BOUND_MS = 20000;

const client = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1 });
after(() => client.dispose());

async function bounded<T>(what: string, p: Promise<T>): Promise<T> {
  const t0 = Date.now();
  const r = await p;
  assert.ok(Date.now() - t0 < BOUND_MS, `${what} took ${Date.now() - t0} ms`);
  return r;
}

/** well-formed UTF-16: no lone surrogate */
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

test(`suggestions: ${NAMES.length} bad documents, each a bounded answer, as the inline provider asks`, async (t) => {
  for (const name of NAMES) {
    const doc = BAD[name];
    // the provider sends the window before the cursor (the end of the document here)
    const start = windowStart(doc.length, SUGGEST.maxContextTokens);
    const r = await bounded(name, client.request("suggest", { text: doc.slice(start), offset: start, options: { ...SUGGEST, k: 3 } }));
    assert.equal(typeof r.text, "string", name);
    assert.ok(wellFormed(r.text), `${name}: the suggestion is well-formed text`);
    assert.ok(r.contextTokens <= SUGGEST.maxContextTokens, name);
    // a word longer than any word is not completed; an empty document gets a first word
    if (name === "a 10,000-letter word") assert.equal(r.text, "", `${name}: nothing to suggest`);
  }
  t.diagnostic(`suggestions: ${NAMES.length} bad inputs tried`);
});

test(`attention: ${NAMES.length} bad selections, each truncated to the budget or empty, rows still probabilities`, async (t) => {
  for (const name of NAMES) {
    const r = await bounded(name, client.request("attention", { text: BAD[name], maxTokens: 256 }));
    const T = r.tokens.length;
    assert.ok(T <= 256, `${name}: ${T} tokens`);
    if (BAD[name].length > 256 * 64) assert.equal(r.truncated, true, `${name}: says it was cut`);
    if (BAD[name] === "") assert.equal(T, 0);
    for (let row = 0; row < r.nLayer * r.nHead * T; row += Math.max(1, Math.floor(T / 3))) {
      let sum = 0;
      for (let k = 0; k < T; k++) sum += r.attentions[row * T + k];
      assert.ok(Math.abs(sum - 1) < 1e-3, `${name}: row ${row} sums to ${sum}`);
    }
    const d = await bounded(name, client.request("attentionDetails", { detailsId: r.detailsId }));
    assert.equal(d.predictions.length, T);
    for (const w of d.nextWords) assert.ok(wellFormed(w.word) && w.p > 0 && w.p <= 1, `${name}: next word ${JSON.stringify(w.word)}`);
  }
  t.diagnostic(`attention: ${NAMES.length} bad inputs tried`);
});

test(`neighbours: the words of ${NAMES.length} bad selections are picked in bounded time, and each query answers or says why`, async (t) => {
  let queries = 0;
  for (const name of NAMES) {
    const doc = BAD[name];
    const t0 = Date.now();
    const words = selectionWords(doc, 0, 0, doc.length);
    assert.ok(Date.now() - t0 < BOUND_MS, `${name}: picking words took ${Date.now() - t0} ms`);
    assert.ok(!words || words.words.length <= 12, name);
    for (const w of words?.words.slice(0, 2) ?? []) {
      for (const mode of ["pooled", "static"] as const) {
        queries++;
        try {
          const list = await bounded(name, client.request("neighbours", { query: w.text, mode, layer: 0, metric: "cosine", k: 5 }));
          assert.ok(list.neighbours.length <= 5);
        } catch (e) {
          // a word the model cannot embed, or does not know (CJK, emoji), or the pooled index does not hold, is a clear refusal, not a crash
          assert.ok(e instanceof HostError && (e.code === "input" || e.code === "notAWord") && e.message.length > 0, `${name}: ${(e as Error).message}`);
        }
      }
    }
  }
  // typed queries of the same inputs: refused with a message when they are not a query, never a crash
  for (const name of NAMES) {
    for (const mode of ["pooled", "static"] as const) {
      queries++;
      try {
        await bounded(name, client.request("neighbours", { query: BAD[name].slice(0, 200), mode, layer: 0, metric: "cosine", k: 5 }));
      } catch (e) {
        assert.ok(e instanceof HostError && (e.code === "input" || e.code === "notAWord") && e.message.length > 0, `${name}: ${(e as Error).message}`);
      }
    }
  }
  t.diagnostic(`neighbours: ${NAMES.length} bad selections, ${queries} queries tried`);
});

test(`CLI: ${NAMES.length} bad inputs to predict (stdin) and attention (- reads stdin), each a clean exit`, (t) => {
  const CLI = join(ROOT, "dist", "cli.js");
  for (const name of NAMES) {
    const t0 = Date.now();
    const p = spawnSync(process.execPath, [CLI, "predict", "--model", MODEL_DIR], { input: JSON.stringify({ context: BAD[name] }) + "\n", encoding: "utf8", timeout: BOUND_MS, maxBuffer: 1 << 26 });
    assert.equal(p.status, 0, `${name}: ${p.stderr}`);
    const out = JSON.parse(p.stdout) as { words: { word: string }[] };
    assert.ok(Array.isArray(out.words), name);
    const a = spawnSync(process.execPath, [CLI, "attention", "--json", "--model", MODEL_DIR, "-"], { input: BAD[name], encoding: "utf8", timeout: BOUND_MS, maxBuffer: 1 << 26 });
    if (BAD[name] === "") {
      // nothing to analyse: one clear line and the usage error's exit code, not an exception
      assert.equal(a.status, 2, `${name}: ${a.stderr}`);
      assert.match(a.stderr.split("\n")[0], /^lm-lens: attention: TEXT is empty/);
    } else {
      assert.equal(a.status, 0, `${name}: ${a.stderr}`);
      const j = JSON.parse(a.stdout) as { tokens: string[] };
      assert.ok(j.tokens.length <= 512, name);
    }
    assert.ok(Date.now() - t0 < 2 * BOUND_MS, `${name}: ${Date.now() - t0} ms`);
  }
  t.diagnostic(`CLI: ${NAMES.length} bad inputs x 2 commands tried`);
});

test("the extension never edits a document: no edit API appears in its source", () => {
  // text reaches a document only when the user accepts a suggestion, which VS Code itself inserts
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) files.push(p);
    }
  };
  walk(join(ROOT, "src"));
  const editApi = /\b(applyEdit|WorkspaceEdit|insertSnippet|TextEdit\.(replace|insert|delete)|\.edit\s*\(\s*(async\s*)?\(?\s*\w+\s*\)?\s*=>)/;
  for (const f of files) assert.doesNotMatch(readFileSync(f, "utf8"), editApi, f);
  assert.ok(files.length > 20);
});
