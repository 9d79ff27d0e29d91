// The attention panel and the ghost text read one distribution: with a document's memory synced in the
// real model host, the panel's next words (through the real controller) carry the memory's readout, whose
// first word is the list's first word and the ghost text's, and whose places lie on the story's lines.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { quietController } from "./controllerDeps";
import { requestFor, type EditorSnapshot, type SourceDocument } from "../../src/ui/attentionRequest";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { DEFAULT_SETTINGS } from "../../src/core/settings";
import { MODEL_DIR, ROOT } from "./helpers";

const host = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1 });
after(() => host.dispose());

const STORY = [
  "The Orchard",
  "",
  "Mara had red hair, as red as the apples her father grew.",
  "She left the village when she was nineteen and worked in the city.",
  "In the old house by the river, the keys to the cabinet were on the table.",
  "When she came back at last, the orchard was smaller than she remembered,",
  "and the house was quiet.",
  "",
  "Her brother met her at the gate. He looked at her for a long time",
  "and said that the hair was still",
].join("\n");
const URI = "file:///work/orchard.txt";

function doc(text: string): SourceDocument {
  return {
    uri: URI,
    name: "orchard.txt",
    version: 1,
    getText: (start, end) => text.slice(start, end),
    positionAt: (offset) => {
      const before = text.slice(0, offset).split("\n");
      return { line: before.length - 1, character: before[before.length - 1].length };
    },
  };
}

/** the model loaded and the story's memory filled (the host fills it between requests) */
async function synced(): Promise<void> {
  await host.request("memorySync", { doc: URI, offset: 0, text: STORY, capacity: DEFAULT_SETTINGS.memoryTokens });
  for (let i = 0; i < 300; i++) {
    const [m] = await host.request("memoryInfo", {});
    if (m && m.tokens > 0 && m.states >= m.tokens - 1) return;
    await sleep(50);
  }
  assert.fail("the memory did not fill");
}

test("Why this word? with a synced memory: the details carry the memory, its first word is the list's and the ghost text's", async () => {
  await synced();
  const settings = { ...DEFAULT_SETTINGS };
  const d = doc(STORY);
  const ghost = await host.request("suggest", { text: STORY, offset: 0, options: { ...settings.suggest, words: 1 }, doc: URI });
  assert.ok(ghost.memoryEntries > 0, "the ghost text read the memory");
  const { controller, posted, logs } = quietController({ client: host, memoryFor: () => ({ doc: URI }), settings: () => settings });
  const editor: EditorSnapshot = { document: d, selection: { start: STORY.length, end: STORY.length, active: STORY.length }, line: { start: STORY.lastIndexOf("\n") + 1, end: STORY.length } };
  await controller.run(requestFor(editor, "whyThisWord", settings.maxAttentionTokens, { uri: URI, offset: STORY.length, text: ghost.text })!);
  controller.dispose();
  assert.deepEqual(logs, []);
  const details = posted.find((b) => b.type === "details");
  assert.ok(details?.type === "details", "the details were posted");
  const { memory, memoryPlaces, nextWords, noMemory } = details.data;
  assert.equal(noMemory, undefined);
  assert.ok(memory, "the details carry the memory");
  assert.ok(memory.entries > 50, `${memory.entries} entries read`);
  assert.ok(memory.share > 0 && memory.share < 1);
  assert.equal(memory.words[0].word, nextWords[0].word, "the memory's first word is the list's first word");
  assert.ok(ghost.text.startsWith(nextWords[0].word), `the ghost text ${JSON.stringify(ghost.text)} starts with the list's first word`);
  assert.equal(nextWords[0].p, ghost.alternatives[0].p, "one distribution: the list's probability is the ghost text's");
  const w = memory.words[0];
  // one set of numbers per word: the memory section's are the list's own whole-word figures
  assert.equal(w.pMixed, nextWords[0].p);
  assert.equal(w.pModel, nextWords[0].modelP);
  assert.equal(w.pMemory, nextWords[0].memoryP);
  assert.notEqual(w.pMixed, w.pModel, "the memory moved this word's probability");
  // every place lies on the story's lines, with the story's own text at its range
  assert.ok(memoryPlaces && memoryPlaces.length >= memory.top.length);
  const lines = STORY.split("\n");
  for (const p of memoryPlaces) {
    assert.ok(!("gone" in p), "nothing was edited");
    assert.equal(STORY.slice(p.start, p.end), p.text);
    assert.ok(p.before.endsWith(STORY.slice(Math.max(0, p.start - 3), p.start).split("\n").at(-1)!), JSON.stringify(p));
    assert.ok(lines[p.line].includes(p.text.trim()), `line ${p.line + 1} holds ${JSON.stringify(p.text)}`);
  }
  const top = memory.top[0];
  assert.ok(top.weight > 0 && top.end <= STORY.length);
});

test("Show Attention with a synced memory: the memory's weights over the earlier text; a document with no memory says so", async () => {
  await synced();
  const settings = { ...DEFAULT_SETTINGS };
  const run = async (uri: string) => {
    const { controller, posted } = quietController({ client: host, memoryFor: () => ({ doc: uri }), settings: () => settings, log: (l) => assert.fail(l) });
    const start = STORY.lastIndexOf("\n") + 1;
    const editor: EditorSnapshot = { document: doc(STORY), selection: { start, end: STORY.length, active: STORY.length }, line: { start, end: STORY.length } };
    await controller.run(requestFor(editor, "selection", settings.maxAttentionTokens, undefined)!);
    controller.dispose();
    const details = posted.find((b) => b.type === "details");
    assert.ok(details?.type === "details");
    return details.data;
  };
  const withMemory = await run(URI);
  assert.ok(withMemory.memory && withMemory.memory.top.length > 0, "the heaviest places");
  const weights = withMemory.memory.top.map((p) => p.weight);
  assert.deepEqual(weights, [...weights].sort((a, b) => b - a), "heaviest first");
  assert.ok(withMemory.memory.top.every((p) => withMemory.memoryPlaces?.some((l) => l.start === p.start && l.end === p.end && !("gone" in l))));
  // a key the model host holds no memory for: one line, no readout
  const none = await run("file:///work/never-synced.txt");
  assert.equal(none.memory, undefined);
  assert.match(none.noMemory ?? "", /nothing earlier/);
});
