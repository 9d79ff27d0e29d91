// LM Lens never uses the network: every feature runs with sockets, DNS, HTTP and fetch refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ModelHostClient } from "../../src/model/hostClient";
import { MODEL_DIR, ROOT, SUGGEST } from "./helpers";

const PRELOAD = join(ROOT, "test", "fixtures", "no-network.cjs");
const env = { ...process.env, NODE_OPTIONS: `--require ${PRELOAD}` };

test("the CLI's predict, attention and neighbours open no socket", () => {
  for (const args of [["predict", "--json", "the hair was still"], ["attention", "--json", "the hair was still red"], ["neighbours", "--json", "red"]]) {
    const r = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), ...args, "--model", MODEL_DIR], { encoding: "utf8", env, timeout: 60000 });
    assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /NETWORK ATTEMPT/);
    assert.ok(JSON.parse(r.stdout));
  }
});

test("the model host serves suggestions, attention and neighbours with the network refused", async () => {
  let stderr = "";
  const client = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: MODEL_DIR, threads: 1, env, log: (l) => (stderr += l + "\n") });
  try {
    const s = await client.request("suggest", { text: "the hair was still", offset: 0, options: SUGGEST });
    assert.ok(s.text.length > 0);
    const a = await client.request("attention", { text: "the hair was still red", maxTokens: 64 });
    assert.ok(a.tokens.length > 0);
    const n = await client.request("neighbours", { query: "red", mode: "static", layer: 0, metric: "cosine", k: 5 });
    assert.equal(n.neighbours.length, 5);
    assert.doesNotMatch(stderr, /NETWORK ATTEMPT/);
  } finally {
    client.dispose();
  }
});
