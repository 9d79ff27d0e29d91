// One token after many caches in one run (batchSteps.ts, explain's removals) gives each row what its own
// run gives: the same logits and final hidden state, and a cache that the next step reads as its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BatchState } from "../../src/modelHost/batchSteps";
import { sharedEngine } from "./helpers";

test("a batch of caches of different lengths: each row's logits and hidden state are its own run's, two steps on, on both weights", async () => {
  const e = await sharedEngine();
  assert.ok(BatchState.supported(e.model));
  const texts = ["the hair was still", "If the configuration file is missing, the server starts with the default", "A", "print(x)\n"];
  const caches = [];
  for (const t of texts) caches.push((await e.model.run(null, e.tokenizer.encode(t))).cache);
  const [red, dot] = [e.tokenizer.encode(" red")[0], e.tokenizer.encode(".")[0]];
  for (const fast of [false, true]) {
    const first = await BatchState.of(e.model, caches).step(red, fast, true);
    const second = await first.next!.step(dot, fast, true);
    let worst = 0;
    for (let b = 0; b < texts.length; b++) {
      const one = await e.model.run(caches[b], [red], { fast, finalHidden: true });
      const two = await e.model.run(one.cache, [dot], { fast, finalHidden: true });
      for (const [x, y] of [
        [first.rows[b].logits, one.logits],
        [second.rows[b].logits, two.logits],
        [second.rows[b].h!, two.finalHidden!.slice(-e.folder.config.nEmbd)],
      ] as const) {
        assert.equal(x.length, y.length);
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
      }
    }
    assert.ok(worst < 1e-3, `${fast ? "8-bit" : "float32"}: largest difference ${worst}`);
    // the rows really differ: a batch that gave every row the same answer would fail here
    assert.notDeepEqual(Array.from(first.rows[0].logits.subarray(0, 50)), Array.from(first.rows[1].logits.subarray(0, 50)));
  }
});
