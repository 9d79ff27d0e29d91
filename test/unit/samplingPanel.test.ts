// "Why this word?"'s temperature and top-k, extension side, through the real model host: a Why view carries
// the user's sampling settings for the panel's controls to start at; only a "useSampling" message within the
// settings' bounds (package.json's, core/settings.ts's LIMITS) writes them, and the webview is told what the
// suggestion reads then; a selection's view has no controls.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { quietController } from "./controllerDeps";
import { requestFor, type SourceDocument } from "../../src/ui/attentionRequest";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { DEFAULT_SETTINGS, LIMITS, type Settings } from "../../src/core/settings";
import { validateFromWebview, type SamplingSettings, type StateMessage } from "../../src/shared/attentionProtocol";
import { MODEL_DIR, ROOT } from "./helpers";

const host = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1 });
after(() => host.dispose());

const TEXT = "She opened the door and";

function doc(text: string): SourceDocument {
  return { uri: "file:///work/door.txt", name: "door.txt", version: 1, getText: (a, b) => text.slice(Math.max(0, a), Math.max(0, b)), positionAt: (o) => ({ line: 0, character: o }) };
}

const editor = (d: SourceDocument, start: number, end = start) => ({ document: d, selection: { start, end, active: end }, line: { start: 0, end: TEXT.length } });

test("useSampling: only a temperature in [0, 2] and an integer top-k in [1, 20] are accepted", () => {
  assert.deepEqual([LIMITS.temperature, LIMITS.topK], [{ min: 0, max: 2 }, { min: 1, max: 20 }], "package.json's bounds");
  for (const ok of [{ temperature: 0, topK: 1 }, { temperature: 2, topK: 20 }, { temperature: 0.75, topK: 5 }]) assert.deepEqual(validateFromWebview({ type: "useSampling", ...ok }), { type: "useSampling", ...ok });
  for (const bad of [
    { temperature: 2.5, topK: 5 },
    { temperature: -0.1, topK: 5 },
    { temperature: 1, topK: 0 },
    { temperature: 1, topK: 21 },
    { temperature: 1, topK: 2.5 },
    { temperature: Number.NaN, topK: 5 },
    { temperature: Infinity, topK: 5 },
    { temperature: "1", topK: 5 },
    { temperature: 1 },
    { temperature: 1, topK: 5, extra: true },
  ])
    assert.equal(validateFromWebview({ type: "useSampling", ...bad }), undefined, JSON.stringify(bad));
});

test("a Why view carries the user's temperature and top-k; a valid useSampling writes them once and the webview hears what the suggestion reads", async () => {
  let settings: Settings = { ...DEFAULT_SETTINGS, suggest: { ...DEFAULT_SETTINGS.suggest, temperature: 0.4, topK: 7 } };
  const written: SamplingSettings[] = [];
  const { controller, posted, logs } = quietController({
    client: host,
    memoryFor: () => ({ none: "Document memory: off" }),
    settings: () => settings,
    setSampling: (s) => {
      written.push(s);
      settings = { ...settings, suggest: { ...settings.suggest, ...s } };
      return { temperature: settings.suggest.temperature, topK: settings.suggest.topK };
    },
  });
  const d = doc(TEXT);
  await controller.run(requestFor(editor(d, TEXT.length), "whyThisWord", 256, undefined)!);
  const state = posted.find((m): m is StateMessage => m.type === "state")!;
  assert.deepEqual(state.data.sampling, { temperature: 0.4, topK: 7 }, "the controls start at the user's setting");
  assert.ok((controller.current.view?.nextWords.length ?? 0) >= 5, "the list the shares are drawn over");
  let id = 10;
  const say = (body: unknown) => controller.onMessage({ messageId: id++, body });
  say({ type: "useSampling", temperature: 2.5, topK: 3 });
  say({ type: "useSampling", temperature: 1, topK: 30 });
  await sleep(0);
  assert.deepEqual(written, [], "out of bounds: nothing written");
  assert.equal(logs.filter((l) => l.startsWith("attention panel: ignored a malformed message")).length, 2);
  say({ type: "useSampling", temperature: 1.25, topK: 3 });
  await sleep(0);
  assert.deepEqual(written, [{ temperature: 1.25, topK: 3 }], "written once");
  assert.deepEqual(posted.at(-1), { type: "sampling", data: { temperature: 1.25, topK: 3 } }, "the webview is told what the suggestion now uses");
  assert.deepEqual(controller.current.view?.sampling, { temperature: 1.25, topK: 3 }, "a reloaded webview gets it back");
  // a selection's view: no sampling controls
  await controller.run(requestFor(editor(d, 0, TEXT.length), "selection", 256, undefined)!);
  assert.equal(controller.current.view?.sampling, undefined);
});
