// The CLI as a user runs it: node dist/cli.js (built by `npm run build`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { MODEL_DIR, ROOT } from "./helpers";

const CLI = join(ROOT, "dist", "cli.js");
function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [CLI, ...args, "--model", MODEL_DIR], { input, encoding: "utf8", timeout: 60000 });
}

test("predict --json prints the top words with probabilities, the ghost text and the times it took", () => {
  const r = cli(["predict", "--json", "--top", "5", "the hair was still"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { words: { word: string; p: number }[]; ghost: string; ms: number; ghostMs: number };
  assert.equal(out.words.length, 5);
  for (const w of out.words) assert.ok(typeof w.word === "string" && w.p > 0 && w.p <= 1);
  assert.equal(typeof out.ghost, "string");
  // the times are figures for the typist's check and the bench, not asserted here (the machine is shared)
  assert.ok(out.ms > 0 && Number.isFinite(out.ms) && out.ghostMs >= 0 && Number.isFinite(out.ghostMs));
});

test("predict completes a partial word", () => {
  const r = cli(["predict", "--json", "the quick brown fox jum"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { words: { word: string }[] };
  assert.match(out.words[0].word, /^\p{L}+$/u);
});

test("predict reads JSON lines on stdin and answers in order, bad lines included", () => {
  const lines = ['{"context": "The jury said"}', "not json", '{"context": "the quick brown fox jum"}', '{"context": ""}'];
  const r = cli(["predict"], lines.join("\n") + "\n");
  assert.equal(r.status, 1, "a bad line makes the exit code non-zero");
  const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { words?: { word: string }[]; error?: string; ms?: number });
  assert.equal(out.length, 4);
  assert.ok(out[0].words && out[0].words[0].word.startsWith(" "));
  assert.match(out[1].error ?? "", /line 2/);
  assert.match(out[2].words![0].word, /^\p{L}+$/u);
  assert.ok(Array.isArray(out[3].words));
  assert.match(r.stderr, /line 2: expected a JSON object/);
});

test("predict on stdin keeps the memory between lines: each answer is the one predict gives that text alone", () => {
  // a name the model cannot guess, raised by the memory; the second line goes on from the first (its
  // memory is filled only on from there), the third starts anew (read afresh)
  const first = "Dr. Okonkwo Abernathy-Quill opened the clinic. Later that year, Dr. Okonkwo";
  const lines = [first, `${first} Abernathy-Quill hired two nurses, and Dr. Okonkwo`, "The jury said"];
  const r = cli(["predict", "--json", "--top", "3"], lines.map((context) => JSON.stringify({ context })).join("\n") + "\n");
  assert.equal(r.status, 0, r.stderr);
  const answers = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { words: { word: string; p: number }[]; ghost: string });
  assert.equal(answers.length, 3);
  assert.match(answers[1].words[0].word, /^ Aber/, "the memory raises the name the text used before");
  lines.forEach((text, i) => {
    const alone = JSON.parse(cli(["predict", "--json", "--top", "3", text]).stdout) as { words: unknown; ghost: string };
    assert.deepEqual({ words: answers[i].words, ghost: answers[i].ghost }, { words: alone.words, ghost: alone.ghost }, `line ${i + 1}`);
  });
});

test("attention --json gives [layer][head][query][key] over the tokens of the text", () => {
  const r = cli(["attention", "--json", "the hair was still red"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { tokens: string[]; attentions: number[][][][] };
  assert.deepEqual(out.tokens.join(""), "the hair was still red");
  const T = out.tokens.length;
  for (const layer of out.attentions) for (const head of layer) {
    assert.equal(head.length, T);
    for (const row of head) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  }
});

test("errors are one clear line on stderr with a non-zero exit code", () => {
  const missing = spawnSync(process.execPath, [CLI, "predict", "--model", "/nonexistent/model", "x"], { encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^lm-lens: \/nonexistent\/model: model folder not found\n$/);
  const bad = spawnSync(process.execPath, [CLI, "predict", "--top", "zero", "x"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--top must be an integer/);
  assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/, "no stack trace");
  const unknown = spawnSync(process.execPath, [CLI, "frobnicate"], { encoding: "utf8" });
  assert.equal(unknown.status, 2);
});

test("attention --json gives the numbers the panel shows (the model host's answer to the panel)", async () => {
  const { ModelHostClient } = await import("../../src/client/modelHostClient");
  const text = "She opened the door and looked at the garden.";
  const r = cli(["attention", "--json", text]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { tokens: string[]; attentions: number[][][][] };
  const client = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1 });
  try {
    const panel = await client.request("attention", { text, maxTokens: 256 });
    assert.deepEqual(out.tokens, panel.tokens.map((t) => t.text));
    const T = panel.tokens.length;
    let max = 0;
    for (let l = 0; l < panel.nLayer; l++)
      for (let h = 0; h < panel.nHead; h++)
        for (let q = 0; q < T; q++)
          for (let k = 0; k < T; k++) max = Math.max(max, Math.abs(out.attentions[l][h][q][k] - panel.attentions[((l * panel.nHead + h) * T + q) * T + k]));
    assert.ok(max < 1e-6, `max difference ${max}`);
    // the rest of the panel's view follows in a second answer; an answer for an older request is refused
    const details = await client.request("attentionDetails", { detailsId: panel.detailsId });
    assert.equal(details.rollout.length, T * T);
    assert.equal(details.predictions.length, T);
    assert.ok(details.nextWords.length > 0 && details.nextWords.every((w) => w.p > 0 && w.p <= 1 && w.word.trim().length > 0));
    const newer = await client.request("attention", { text: "the hair was still", maxTokens: 256 });
    await assert.rejects(client.request("attentionDetails", { detailsId: panel.detailsId }), (e: Error & { code?: string }) => e.code === "superseded");
    assert.equal((await client.request("attentionDetails", { detailsId: newer.detailsId })).predictions.length, newer.tokens.length);
  } finally {
    client.dispose();
  }
});

test("--help or -h on any command prints that command's usage on stdout and exits 0; a usage error shows that command's usage", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30000 });
  for (const command of ["predict", "score", "attention", "explain", "neighbours"]) {
    for (const flag of ["--help", "-h"]) {
      const r = run([command, flag]);
      assert.equal(r.status, 0, `${command} ${flag}: ${r.stderr}`);
      assert.equal(r.stderr, "");
      assert.match(r.stdout, new RegExp(`^usage:\\n  lm-lens ${command} \\[`));
      // only this command's usage
      for (const other of ["predict", "score", "attention", "explain", "neighbours"].filter((c) => c !== command)) assert.doesNotMatch(r.stdout, new RegExp(`lm-lens ${other} \\[`));
    }
  }
  // after other arguments too, and without loading the model
  const late = run(["attention", "--json", "some text", "--help"]);
  assert.equal(late.status, 0);
  assert.match(late.stdout, /"display" the same tokens as\s+text to show/);
  assert.match(run(["help", "score"]).stdout, /^usage:\n {2}lm-lens score \[/);
  const all = run(["--help"]);
  assert.equal(all.status, 0);
  for (const c of ["predict", "score", "attention", "explain", "neighbours"]) assert.match(all.stdout, new RegExp(`lm-lens ${c} \\[`));
  assert.match(all.stdout, /lm-lens COMMAND --help \(or -h\): that command's usage/);
  const bad = run(["predict", "--top", "x", "the"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^lm-lens: --top must be an integer from 1 to 50 \(got "x"\)\nusage:\n {2}lm-lens predict \[/);
  assert.doesNotMatch(bad.stderr, /lm-lens score \[/);
});
