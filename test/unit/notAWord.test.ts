// A neighbours query with no word the model knows ("中文", an emoji, a symbol in this English model) is
// answered "not a word the model knows", never with a list: through the real model host and the view's
// controller, as the view shows it, and through the CLI (one line on stderr, exit code not 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ModelHostClient } from "../../src/client/modelHostClient";
import { NeighboursController } from "../../src/ui/neighboursController";
import type { NeighboursScreen, NeighboursToWebviewMessage } from "../../src/shared/neighboursProtocol";
import { HostError } from "../../src/shared/hostProtocol";
import { MODEL_DIR, ROOT } from "./helpers";

const CLI = join(ROOT, "dist", "cli.js");

test("the neighbours view: “中文” and “king - 中文” say “not a word the model knows”, with no list in any space; a known word lists again", async () => {
  const client = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1, requestTimeoutMs: 60000 });
  const posted: NeighboursToWebviewMessage[] = [];
  const controller = new NeighboursController({ client, post: (m) => posted.push(structuredClone(m)), copy: () => undefined, openTour: () => undefined, save: () => undefined, log: () => undefined, debounceMs: 1 });
  let id = 1;
  const say = (body: unknown) => controller.onMessage({ messageId: id++, body });
  const last = (): NeighboursScreen => posted[posted.length - 1].body.data;
  try {
    controller.setVisible(true);
    say({ type: "ready" });
    for (const text of ["中文", "king - 中文"]) {
      say({ type: "query", origin: "typed", text });
      await controller.idle();
      const s = last();
      assert.equal(s.notAWord, "“中文” is not a word the model knows (its training text has no such word, and its vocabulary spells it byte by byte)");
      for (const l of [s.pooled, s.static, s.contextual]) assert.deepEqual(l, { loading: false }, "no list, no error per space, nothing loading");
    }
    // the host itself refuses it in every space, with its own code
    for (const mode of ["pooled", "static"] as const) {
      await assert.rejects(client.request("neighbours", { query: "中文", mode, layer: 0, metric: "cosine", k: 5 }), (e: HostError) => e.code === "notAWord");
    }
    say({ type: "query", origin: "typed", text: "house" });
    await controller.idle();
    assert.equal(last().notAWord, undefined);
    assert.ok((last().pooled.list?.neighbours.length ?? 0) > 0 && (last().static.list?.neighbours.length ?? 0) > 0);
    // an emoji or a symbol is refused as it is typed, in the same words
    say({ type: "query", origin: "typed", text: "😀" });
    assert.match(last().queryError ?? "", /^“😀” is not a word the model knows/);
  } finally {
    controller.dispose();
    client.dispose();
  }
});

test("lm-lens neighbours “中文”: one line on stderr, exit code 1, no list, in every space; a word split into whole-character tokens still has neighbours in the static space", () => {
  for (const args of [["中文"], ["--space", "static", "中文"], ["--space", "contextual", "中文"], ["--json", "king - 中文"], ["😀"]]) {
    const r = spawnSync(process.execPath, [CLI, "neighbours", "--model", MODEL_DIR, ...args], { encoding: "utf8", timeout: 60000 });
    assert.notEqual(r.status, 0, args.join(" "));
    assert.equal(r.stdout, "", "no list");
    assert.equal(r.stderr.split("\n").filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /is not a word the model knows/);
  }
  const apex = spawnSync(process.execPath, [CLI, "neighbours", "--model", MODEL_DIR, "--space", "static", "--json", "apex"], { encoding: "utf8", timeout: 60000 });
  assert.equal(apex.status, 0, apex.stderr);
  assert.ok((JSON.parse(apex.stdout) as { neighbours: unknown[] }).neighbours.length > 0);
});
