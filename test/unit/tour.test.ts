// The guided tour tells a new user what the model does on the sample story. Each claim in its text is
// checked here against the shipped model, so that a retrained model cannot silently make the tour wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { neighbourSpace } from "../../src/modelHost/neighbourSpace";
import { ROOT, SUGGEST, sharedEngine, WORD } from "./helpers";

// the tour's constants, read from its source (src/ui/tour.ts imports vscode, which a unit test cannot load)
const tourSource = readFileSync(join(ROOT, "src", "ui", "tour.ts"), "utf8");
const constant = (name: string) => {
  const m = new RegExp(`${name}: "([^"]+)"`).exec(tourSource);
  assert.ok(m, `TOUR.${name} in src/ui/tour.ts`);
  return m[1];
};
const subjectMatch = /subject: \{ looking: "([^"]+)", target: "([^"]+)", layer: (\d+), head: (\d+) \}/.exec(tourSource);
assert.ok(subjectMatch, "TOUR.subject in src/ui/tour.ts");
const SUBJECT = { looking: subjectMatch[1], target: subjectMatch[2], layer: Number(subjectMatch[3]), head: Number(subjectMatch[4]) };
const sample = readFileSync(join(ROOT, "media", "tour", "sample.txt"), "utf8").replace(/\s+$/, "");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  contributes: { commands: { command: string }[]; walkthroughs: { id: string; steps: { id: string; description: string; media: { markdown: string }; completionEvents?: string[] }[] }[] };
};
const md = (name: string) => readFileSync(join(ROOT, "media", "tour", `${name}.md`), "utf8");
/** the two words the neighbours page says are near TOUR.neighbourWord (the end-to-end suite reads them the same way) */
const neighbourClaim = () => Array.from(md("neighbours").matchAll(/such as "(\w+)" and "(\w+)"/g)).flatMap((m) => m.slice(1));

test("every walkthrough step has its page, a command link that exists, and a completion event", () => {
  const tour = pkg.contributes.walkthroughs.find((w) => w.id === "lmLens.tour");
  assert.ok(tour);
  const commands = new Set(pkg.contributes.commands.map((c) => c.command));
  assert.deepEqual(tour.steps.map((s) => s.id), ["sample", "suggestions", "memory", "attention", "neighbours", "temperature", "layers"]);
  for (const step of tour.steps) {
    assert.ok(readFileSync(join(ROOT, step.media.markdown), "utf8").length > 200, step.media.markdown);
    const links = Array.from(step.description.matchAll(/\(command:([\w.]+)/g), (m) => m[1]);
    assert.ok(links.length > 0, `${step.id} links to a command`);
    for (const c of links) assert.ok(commands.has(c) || c.startsWith("workbench."), `${step.id}: ${c} is a contributed command`);
    assert.ok((step.completionEvents ?? []).length > 0, `${step.id} can be completed`);
  }
  // the sentences the steps select are in the sample story
  for (const s of [constant("subjectSentence"), constant("rolloutSentence")]) assert.ok(sample.includes(s), s);
  assert.match(sample, new RegExp(`\\b${constant("neighbourWord")}\\b`));
  assert.ok(sample.endsWith("the hair was still"));
});

test("step 'suggestions': after the sample, the model offers whole words, one of them a common short word the page names", async () => {
  const engine = await sharedEngine();
  const s = await engine.suggest(sample, { ...SUGGEST, k: 5 });
  const words = s.alternatives.map((a) => a.word.trim());
  assert.equal(words.length, 5);
  for (const w of words) assert.match(w, WORD);
  const named = Array.from(md("suggestions").matchAll(/such as "(\w+)", "(\w+)" or "(\w+)"/g)).flatMap((m) => m.slice(1));
  assert.equal(named.length, 3, "the page names three words");
  assert.ok(words.some((w) => named.includes(w)), `the model offers ${words.join(", ")}; the page names ${named.join(", ")}`);
});

test("step 'memory': after the story the document memory brings the word up, the model alone would not suggest it, and Why this word? points at its line", async () => {
  const engine = await sharedEngine();
  const word = ` ${constant("memoryWord")}`;
  const p = { ...SUGGEST, k: 5, useCache: false };
  const alone = (await engine.suggestInText(sample, p, 0)).alternatives;
  const withMemory = (await engine.suggestInText(sample, p, 4096)).alternatives;
  const show = (l: { word: string; p: number }[]) => l.map((w) => `${w.word} ${(100 * w.p).toFixed(1)} %`).join(", ");
  assert.ok(withMemory.some((w) => w.word === word), `with the memory: ${show(withMemory)}`);
  assert.notEqual(alone[0].word, word, `the model alone: ${show(alone)}`);
  const pAlone = alone.find((w) => w.word === word)?.p ?? 0;
  assert.ok(withMemory.find((w) => w.word === word)!.p > pAlone);
  // Why this word? (the CLI's attention reads the same memory): the word's readout points at the line
  const a = await engine.attention(sample, 256, undefined, 4096);
  const r = a.memory?.words.find((w) => w.word === word);
  assert.ok(r, `the readout covers "${word}" as the suggestion or the word the memory raised most: ${a.memory?.words.map((w) => w.word).join(", ")}`);
  assert.ok(r.pMemory > r.pModel, `memory ${r.pMemory} against the model's ${r.pModel}`);
  const lineOf = (offset: number) => sample.slice(0, offset).split("\n").length - 1;
  const line = sample.split("\n").findIndex((l) => l.includes(constant("memoryLine")));
  assert.ok(line >= 0, "the story has the line");
  assert.equal(lineOf(r.places[0].start), line, `the heaviest place is on line ${lineOf(r.places[0].start) + 1}: ${JSON.stringify(sample.split("\n")[lineOf(r.places[0].start)])}`);
  assert.ok(md("memory").includes(`"${constant("memoryWord")}"`), "the page names the word");
});

test("step 'attention': in the named head the verb looks most at its subject, past the nearer noun", async () => {
  const engine = await sharedEngine();
  const a = await engine.attention(constant("subjectSentence"), 256);
  const T = a.tokens.length;
  const texts = a.tokens.map((t) => t.text);
  const q = texts.lastIndexOf(SUBJECT.looking);
  const k = texts.indexOf(SUBJECT.target);
  assert.ok(q > 0 && k >= 0 && k < q);
  const at = ((SUBJECT.layer * a.nHead + SUBJECT.head) * T + q) * T;
  const row = Array.from(a.attentions.subarray(at, at + T));
  const best = row.indexOf(Math.max(...row));
  assert.equal(best, k, `layer ${SUBJECT.layer + 1}, head ${SUBJECT.head + 1}: "${SUBJECT.looking}" looks most at "${texts[best]}" (${row[best].toFixed(2)}), not "${SUBJECT.target}" (${row[k].toFixed(2)})`);
  // "cabinet" lies between them: the head skips the nearer noun
  const cabinet = a.text.indexOf(" cabinet");
  assert.ok(cabinet > a.tokens[k].start && cabinet < a.tokens[q].start);
  // the page and the walkthrough say the same head, in the panel's numbering (from 1)
  const name = `layer ${SUBJECT.layer + 1}, head ${SUBJECT.head + 1}`;
  assert.ok(md("attention").includes(name), `attention.md names ${name}`);
  const step = pkg.contributes.walkthroughs[0].steps.find((s) => s.id === "attention")!;
  assert.ok(step.description.includes(name), `the walkthrough step names ${name}`);
});

test("step 'neighbours': the words the page names are among the ten static neighbours of the word", async () => {
  const engine = await sharedEngine();
  const word = constant("neighbourWord");
  const list = await neighbourSpace(engine).search({ query: word, mode: "static", layer: 0, metric: "cosine", k: 10 });
  const got = list.neighbours.map((n) => n.word);
  const named = neighbourClaim();
  assert.equal(named.length, 2, "the page names two words");
  for (const c of named) assert.ok(got.includes(c), `"${c}" among ${got.join(", ")}`);
});
