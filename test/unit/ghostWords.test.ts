// The ghost text is always words (issue 27): never a run of white space, never a piece of a word that
// neither the lexicon nor the document knows; and lm-lens predict's `ghost` is what the editor shows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { MODEL_DIR, ROOT, sharedEngine } from "./helpers";
import { ghostText } from "../../src/modelHost/ghostText";
import { newWordAccept } from "../../src/modelHost/nextWord";
import { DEFAULT_SETTINGS } from "../../src/core/settings";

const CLI = join(ROOT, "dist", "cli.js");
const encode = (s: string) => new TextEncoder().encode(s);

/** Why a ghost text after `context` is not a run of whole known words ("" when it is one, or empty). */
function notWords(ghost: string, context: string, known: (w: string) => boolean): string {
  if (ghost === "") return "";
  if (/\n/.test(ghost)) return "a line break";
  if (/\s\s/.test(ghost)) return "a run of white space";
  if (/^\s/.test(ghost) && /\s$/.test(context)) return "white space after white space";
  if (/^\s*$/.test(ghost)) return "only white space";
  if ([...ghost].length < 2) return "one character (it saves no key)";
  // the word being completed joins the ghost's first piece
  const typed = /\p{L}+$/u.exec(context)?.[0] ?? "";
  const words = (typed + ghost).match(/\p{L}+/gu) ?? [];
  const inContext = new Set((context.toLowerCase().match(/\p{L}+/gu) ?? []));
  for (const w of words) if (!known(w.toLowerCase()) && !inContext.has(w.toLowerCase())) return `"${w}" is neither in the lexicon nor in the text`;
  return "";
}

test("a new word: at most one space before it, none after white space, no line break, a known word of letters", () => {
  const known = (w: string) => ["up", "coffee"].includes(w);
  // after a word: " up"; "up" cannot follow a word directly, but the rule does not judge that
  assert.equal(newWordAccept(0, false, known)(encode(" up")), true);
  assert.equal(newWordAccept(0, false, known)(encode("  up")), false);
  // after a double space (typed, pending): no more white space
  assert.equal(newWordAccept(2, true, known)(encode("  up")), true);
  assert.equal(newWordAccept(2, true, known)(encode("   up")), false);
  assert.equal(newWordAccept(0, false, known)(encode("\nup")), false);
  // a piece of a word: refused; a number or a word with an apostrophe is not judged by the lexicon
  assert.equal(newWordAccept(0, false, known)(encode(" co")), false);
  assert.equal(newWordAccept(0, false, known)(encode(" 2024")), true);
});

test("the ghost text after a double space, after punctuation, inside a word and after a memory's word is words", async () => {
  const engine = await sharedEngine();
  const lexicon = (engine as unknown as { lexicon: { has(w: string): boolean } }).lexicon;
  const story = "We drink coffee every morning. The coffee comes from a small farm in the hills, and the farmer, Mr. Okonkwo, roasts it himself. ";
  const contexts = [
    "It was a good day.  ",
    "The results were clear.  We",
    `${story}We said hello and `,
    `${story}Mr. Okon`,
    `${story}Every morning we drink cof`,
    "Hello, world. Then,",
    "See the manual (section 3).",
    "The value is 42;",
    "Install the package:\n",
    "It costs $5 -",
  ];
  for (const context of contexts) {
    const memory = await engine.memories.over(context, DEFAULT_SETTINGS.memoryTokens);
    const g = await ghostText(engine, context, memory);
    assert.equal(notWords(g.text, context, (w) => lexicon.has(w)), "", `after ${JSON.stringify(context)}: ghost ${JSON.stringify(g.text)}`);
  }
});

test("inside a Markdown code fence predict's ghost text is empty, and after the fence it is words again", async () => {
  const engine = await sharedEngine();
  const fence = "Install it like this:\n\n```sh\nnpm install the";
  assert.equal((await ghostText(engine, fence)).text, "");
  const after = `${fence}\n\`\`\`\n\nThen open the`;
  // (the gate off: the point is the fence, not how sure the model is of the next word)
  const g = await ghostText(engine, after, undefined, { ...DEFAULT_SETTINGS, suggest: { ...DEFAULT_SETTINGS.suggest, minConfidence: 0 } });
  assert.notEqual(g.text, "");
  assert.equal((await ghostText(engine, fence, undefined, { ...DEFAULT_SETTINGS, suggest: { ...DEFAULT_SETTINGS.suggest, minConfidence: 0 } })).text, "", "inside the fence even with the gate off");
});

test("the ghost text offers a name the document used before, completed from its first letters", async () => {
  const engine = await sharedEngine();
  const text = "The report was written by Okonkwo. Everyone agreed with Okonkwo. Later that year, Okon";
  const memory = await engine.memories.over(text, DEFAULT_SETTINGS.memoryTokens);
  const g = await ghostText(engine, text, memory);
  assert.equal(g.text, "kwo");
});

test("a phrase the document repeats is offered whole, word by word as the memory is sure of it; the model alone offers one word", async () => {
  const engine = await sharedEngine();
  const text = "Our team maintains the distributed build cache service for the whole company. Yesterday the distributed build cache service was down. We restarted the distributed";
  const memory = await engine.memories.over(text, DEFAULT_SETTINGS.memoryTokens);
  const g = await ghostText(engine, text, memory);
  assert.match(g.text, /^ build cache service\b/, g.text);
  assert.ok(g.text.split(" ").length - 1 <= 6, "at most six words");
  const alone = await ghostText(engine, text);
  assert.equal(alone.text.trim().split(/\s+/).length, 1, alone.text);
});

test("the confidence gate hides an unlikely new word from the ghost text, not from the list", async () => {
  const engine = await sharedEngine();
  const context = "She looked out of the window and saw";
  const open = await ghostText(engine, context, undefined, { ...DEFAULT_SETTINGS, suggest: { ...DEFAULT_SETTINGS.suggest, minConfidence: 0 } });
  assert.notEqual(open.text, "");
  const gated = await ghostText(engine, context, undefined, { ...DEFAULT_SETTINGS, suggest: { ...DEFAULT_SETTINGS.suggest, minConfidence: 0.99 } });
  assert.equal(gated.text, "");
  const list = await engine.suggest(context, { ...DEFAULT_SETTINGS.suggest, k: 3, minConfidence: 0.99 });
  assert.equal(list.alternatives.length, 3, "the list is not gated");
});

test("predict --json gives the ghost text the editor shows, the same as the in-process request", async () => {
  const engine = await sharedEngine();
  const contexts = ["The hair was still", "It was a good day.  ", "the quick brown fox jum"];
  const r = spawnSync(process.execPath, [CLI, "predict", "--json", "--model", MODEL_DIR], { input: contexts.map((c) => JSON.stringify({ context: c })).join("\n") + "\n", encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { words: { word: string }[]; ghost: string });
  for (let i = 0; i < contexts.length; i++) {
    const memory = await engine.memories.over(contexts[i], DEFAULT_SETTINGS.memoryTokens);
    const g = await ghostText(engine, contexts[i], memory);
    assert.equal(out[i].ghost, g.text, contexts[i]);
    assert.equal(typeof out[i].ghost, "string");
  }
  // a ghost text that is shown is the list's first word (with default settings the gate only hides it)
  for (const o of out) if (o.ghost) assert.ok(o.ghost.startsWith(o.words[0].word), `${o.ghost} / ${o.words[0].word}`);
});
