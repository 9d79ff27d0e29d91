// The document memory (issue 19): the mixture is a distribution, the fast code agrees with the obvious
// one, nothing leaks from later text, edits invalidate, bounds hold, and the memory off is the model.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bestDot, entryDot, memoryDots, mixLogits, memoryShare, reuseDots, sameEntries, MEMORY_PARAMS, type MemoryParams, type MemoryView, type MixMemo } from "../../src/modelHost/tokenMemory";
import { DocumentMemory, FILL_STEP, safeCut, type HiddenRunner } from "../../src/modelHost/documentMemory";
import { MAX_MEMORIES } from "../../src/modelHost/documentMemories";
import { ROOT, SUGGEST, sharedEngine } from "./helpers";

const V = 64;
const D = 8;

/**
 * The mixture computed the obvious way, in float64, to check mixLogits against: the model's softmax, the
 * memory's distribution over the whole vocabulary, their weighted sum.
 */
function mixProbabilitiesReference(logits: Float32Array, h: Float32Array, view: MemoryView | null, params: MemoryParams): Float64Array {
  const V = logits.length;
  const max = Math.max(...logits);
  const p = Float64Array.from(logits, (l) => Math.exp(l - max));
  const z = p.reduce((a, b) => a + b, 0);
  for (let i = 0; i < V; i++) p[i] /= z;
  const n = view?.count ?? 0;
  if (!view || n === 0) return p;
  const scores: number[] = [];
  let best = -Infinity;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < view.dim; j++) dot += h[j] * view.keys[i * view.dim + j];
    scores.push(params.theta * dot);
    best = Math.max(best, dot);
  }
  const m = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - m));
  const ez = e.reduce((a, b) => a + b, 0);
  const mem = new Float64Array(V);
  for (let i = 0; i < n; i++) mem[view.next[i]] += e[i] / ez;
  let lam = (params.lambda * n) / (n + params.n0);
  if (params.gate) lam /= 1 + Math.exp(-params.gate.slope * (best - params.gate.at));
  return Float64Array.from(p, (pi, i) => (1 - lam) * pi + lam * mem[i]);
}

const viewArb = fc.integer({ min: 0, max: 40 }).chain((count) =>
  fc.record({
    keys: fc.float32Array({ minLength: count * D, maxLength: count * D, noNaN: true, noDefaultInfinity: true, min: -50, max: 50 }),
    next: fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: count, maxLength: count }),
    count: fc.constant(count),
  }),
);
const logitsArb = fc.float32Array({ minLength: V, maxLength: V, noNaN: true, noDefaultInfinity: true, min: -40, max: 40 });
const hArb = fc.float32Array({ minLength: D, maxLength: D, noNaN: true, noDefaultInfinity: true, min: -20, max: 20 });
const paramsArb = fc.record(
  {
    theta: fc.double({ min: 0, max: 1, noNaN: true }),
    lambda: fc.double({ min: 0, max: 0.99, noNaN: true }),
    n0: fc.integer({ min: 0, max: 1000 }),
    gate: fc.record({ slope: fc.double({ min: 0, max: 40, noNaN: true }), at: fc.double({ min: -1, max: 1, noNaN: true }) }),
  },
  { requiredKeys: ["theta", "lambda", "n0"] },
);

const asView = (v: { keys: Float32Array; next: number[]; count: number }): MemoryView => ({ keys: v.keys, next: Int32Array.from(v.next), count: v.count, dim: D });

test("the mixture is a distribution over the whole vocabulary: it sums to 1 within 1e-5", () => {
  fc.assert(
    fc.property(logitsArb, hArb, viewArb, paramsArb, (logits, h, v, params) => {
      const out = mixLogits(logits, h, asView(v), params);
      let sum = 0;
      for (const l of out) {
        assert.ok(!Number.isNaN(l));
        sum += Math.exp(l);
      }
      // logits are not probabilities: with no memory (or a share of 0 for this state) they come back as they are
      const view = asView(v);
      if (v.count === 0 || memoryShare(v.count, params, bestDot(memoryDots(view, h))) === 0) assert.equal(out, logits);
      else assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum}`);
    }),
    { numRuns: 300 },
  );
});

test("the fast mixture agrees with the slow, obvious one", () => {
  fc.assert(
    fc.property(logitsArb, hArb, viewArb, paramsArb, (logits, h, v, params) => {
      const view = asView(v);
      const fast = mixLogits(logits, h, view, params);
      const slow = mixProbabilitiesReference(logits, h, view, params);
      // fast returns logits unchanged when the memory is empty: compare as distributions
      const max = Math.max(...fast);
      const z = fast.reduce((a, l) => a + Math.exp(l - max), 0);
      for (let i = 0; i < V; i++) {
        const p = Math.exp(fast[i] - max) / z;
        assert.ok(Math.abs(p - slow[i]) <= 1e-6 + 1e-4 * slow[i], `token ${i}: ${p} vs ${slow[i]}`);
      }
    }),
    { numRuns: 300 },
  );
});

test("a safe cut is a token boundary: the text before and after it tokenize as the whole does", async () => {
  const e = await sharedEngine();
  const text = readFileSync(join(ROOT, "media", "tour", "sample.txt"), "utf8");
  for (const at of [40, 120, 200, 333]) {
    const cut = safeCut(text, at);
    assert.ok(cut > 0 && cut <= at);
    const whole = e.tokenizer.encode(text);
    assert.deepEqual([...e.tokenizer.encode(text.slice(0, cut)), ...e.tokenizer.encode(text.slice(cut))], whole);
  }
});

/** A memory of the real model, with a runner that counts the tokens it runs. */
async function realMemory(capacity = 4096) {
  const e = await sharedEngine();
  const m = e.memories.create(capacity);
  let ran = 0;
  const runner: HiddenRunner<unknown> = {
    hidden: async (cache, tokens) => {
      ran += tokens.length;
      const r = await e.model.run(cache as never, tokens, { finalHidden: true });
      return { cache: r.cache, states: r.finalHidden! };
    },
    truncate: (cache, n) => e.model.truncate(cache as never, n),
  };
  return { e, m: m as unknown as DocumentMemory<unknown>, runner, ran: () => ran };
}

const STORY = readFileSync(join(ROOT, "media", "tour", "sample.txt"), "utf8");
const LONG = Array.from({ length: 6 }, () => STORY).join("\n");

test("no leakage: what a query at a point reads never depends on the text after that point", async () => {
  const { m, runner } = await realMemory();
  const end = LONG.length - 500;
  m.sync(0, LONG.slice(0, end));
  await m.fillAll(runner);
  const a = m.view(end - 100)!;
  // the same text, and more after it
  m.sync(0, LONG);
  await m.fillAll(runner);
  const b = m.view(end - 100)!;
  assert.equal(a.count, b.count);
  assert.deepEqual(Array.from(a.next), Array.from(b.next));
  for (let i = 0; i < a.keys.length; i++) assert.ok(Math.abs(a.keys[i] - b.keys[i]) < 1e-4);
  // every entry's next token ends by the query point
  for (let i = 0; i < a.count; i++) assert.ok(m.placeOf(end - 100, i)!.end <= end - 100);
});

test("no leakage in scoring: a token's probability does not depend on itself or on later text", async () => {
  const e = await sharedEngine();
  const text = STORY.repeat(3);
  const whole = await e.score(text, { window: 64, stride: 32, memoryTokens: 4096 });
  // the same text with a different last word: the tokens before it score the same
  const cut = text.lastIndexOf(" ");
  const a = await e.score(text.slice(0, cut), { window: 64, stride: 32, memoryTokens: 4096 });
  const b = await e.score(text.slice(0, cut) + " zebra", { window: 64, stride: 32, memoryTokens: 4096 });
  assert.ok(b.tokens > a.tokens);
  assert.ok(b.nll > a.nll);
  // a repeated text is predicted far better with the memory than without it
  const alone = await e.score(text, { window: 64, stride: 32, memoryTokens: 0 });
  assert.ok(whole.nll < 0.8 * alone.nll, `memory ${whole.nll} vs alone ${alone.nll}`);
});

test("an edit drops only what lies after it, and the refilled memory equals a fresh one", async () => {
  const { m, runner, ran } = await realMemory();
  m.sync(0, LONG);
  await m.fillAll(runner);
  const full = m.states;
  assert.equal(full, m.tokens);
  // change a word in the middle
  const at = LONG.indexOf("orchard", Math.floor(LONG.length / 2));
  const edited = LONG.slice(0, at) + "garden" + LONG.slice(at + "orchard".length);
  m.sync(0, edited);
  assert.ok(m.states < full && m.states > 0, `states after the edit ${m.states}`);
  const before = ran();
  await m.fillAll(runner);
  assert.ok(ran() - before < LONG.length, "only the text after the edit is run again");
  const fresh = await realMemory();
  fresh.m.sync(0, edited);
  await fresh.m.fillAll(fresh.runner);
  const x = m.view(edited.length)!;
  const y = fresh.m.view(edited.length)!;
  assert.equal(x.count, y.count);
  assert.deepEqual(Array.from(x.next), Array.from(y.next));
  let worst = 0;
  for (let i = 0; i < x.keys.length; i++) worst = Math.max(worst, Math.abs(x.keys[i] - y.keys[i]));
  assert.ok(worst < 1e-3, `largest difference ${worst}`);
});

test("typing on at the end re-reads the last word, not its window, and the memory equals a fresh one", async () => {
  const { m, runner, ran } = await realMemory();
  const typed = LONG.slice(0, 1500);
  m.sync(0, typed);
  await m.fillAll(runner);
  const before = ran();
  const word = " orchards and the lighthouse";
  for (let i = 1; i <= word.length; i++) {
    m.sync(0, typed + word.slice(0, i));
    await m.fillAll(runner);
  }
  // without the window kept (cut back to the kept tokens), each key would run its 128 tokens of context again
  const perKey = (ran() - before) / word.length;
  assert.ok(perKey < 8, `tokens run per key ${perKey}`);
  const fresh = await realMemory();
  fresh.m.sync(0, typed + word);
  await fresh.m.fillAll(fresh.runner);
  const x = m.view(typed.length + word.length)!;
  const y = fresh.m.view(typed.length + word.length)!;
  assert.equal(x.count, y.count);
  assert.deepEqual(Array.from(x.next), Array.from(y.next));
  let worst = 0;
  for (let i = 0; i < x.keys.length; i++) worst = Math.max(worst, Math.abs(x.keys[i] - y.keys[i]));
  assert.ok(worst < 1e-3, `largest difference ${worst}`);
});

test("CRLF line ends: the memory reads \\n and its places are the document's own offsets", async () => {
  const { m, runner } = await realMemory();
  const crlf = STORY.replace(/\n/g, "\r\n");
  m.sync(0, crlf);
  await m.fillAll(runner);
  const lf = await realMemory();
  lf.m.sync(0, STORY);
  await lf.m.fillAll(lf.runner);
  const a = m.view(crlf.length)!;
  const b = lf.m.view(STORY.length)!;
  assert.deepEqual(Array.from(a.next), Array.from(b.next));
  const red = crlf.indexOf("red hair");
  const i = Array.from({ length: a.count }, (_, k) => k).find((k) => m.placeOf(crlf.length, k)!.start === red - 1);
  assert.ok(i !== undefined, "the token \" red\" is found at its CRLF offset");
});

test("bounds: a 5 MB document keeps at most capacity + 128 tokens and their states", async () => {
  const e = await sharedEngine();
  const big = LONG.repeat(Math.ceil(5e6 / LONG.length)).slice(0, 5e6);
  const t0 = performance.now();
  const info = e.memories.sync("file:///big.txt", 0, big, 512);
  assert.ok(info.tokens <= 512 + 128, `tokens ${info.tokens}`);
  while (e.memories.pending) await e.memories.fillStep();
  const after = e.memories.info().find((d) => d.doc === "file:///big.txt")!;
  assert.equal(after.states, after.tokens);
  assert.ok(after.bytes <= (512 + 128) * (e.folder.config.nEmbd * 4 + 16), `bytes ${after.bytes}`);
  assert.ok(performance.now() - t0 < 60_000);
  e.memories.close("file:///big.txt");
  assert.equal(e.memories.info().length, 0);
});

test("the memory off gives exactly the model's numbers; on, it raises a word the document used before", async () => {
  const e = await sharedEngine();
  const text = STORY.trimEnd();
  const p = { ...SUGGEST, k: 10, words: 1 };
  const plain = await e.suggest(text, { ...p, useCache: false });
  const off = await e.suggestInText(text, { ...p, useCache: false }, 0);
  assert.deepEqual(off.alternatives, plain.alternatives);
  assert.equal(off.memoryEntries, 0);
  const on = await e.suggestInText(text, { ...p, useCache: false }, 4096);
  assert.ok(on.memoryEntries > 50);
  assert.notDeepEqual(on.alternatives, plain.alternatives);
  // the words listed are still a distribution's best: probabilities fall and stay below 1 in sum
  const sum = on.alternatives.reduce((a, w) => a + w.p, 0);
  assert.ok(sum <= 1 + 1e-9);
  for (let i = 1; i < on.alternatives.length; i++) assert.ok(on.alternatives[i].p <= on.alternatives[i - 1].p + 1e-12);
  // a document's memory through the host's path gives the same numbers as the CLI's
  e.memories.sync("file:///story.txt", 0, text, 4096);
  while (e.memories.pending) await e.memories.fillStep();
  const viaDoc = await e.suggest(text, { ...p, useCache: false }, undefined, 0, "file:///story.txt");
  assert.deepEqual(viaDoc.alternatives, on.alternatives);
  e.memories.close("file:///story.txt");
});

test("a ninth open document gets a memory too: the least recently used one is freed, never the one just synced", async () => {
  const e = await sharedEngine();
  const docs = Array.from({ length: MAX_MEMORIES + 3 }, (_, i) => `file:///doc${i}.txt`);
  for (const d of docs) {
    e.memories.sync(d, 0, `${d} says: the hair was still red.`, 256);
    assert.ok(e.memories.get(d), `${d} has a memory right after its sync`);
    await e.memories.fill(d);
    assert.ok(e.memories.get(d)!.states > 0, `${d}'s memory is filled`);
  }
  const held = e.memories.info().map((m) => m.doc);
  assert.deepEqual(held.sort(), docs.slice(-MAX_MEMORIES).sort(), "the eight most recently synced are held");
  for (const d of docs) e.memories.close(d);
});

test("MEMORY_PARAMS are a proper mixture", () => {
  assert.ok(MEMORY_PARAMS.lambda > 0 && MEMORY_PARAMS.theta > 0 && MEMORY_PARAMS.n0 >= 0);
  // the largest share there can be (a full memory whose best match is the same direction, cosine 1) leaves
  // the model a part, and the smallest (the opposite direction) is not 0
  assert.ok(MEMORY_PARAMS.unit);
  const most = memoryShare(1e9, MEMORY_PARAMS, 1);
  assert.ok(most > 0 && most < 0.9, `largest share ${most}`);
  assert.ok(memoryShare(1e9, MEMORY_PARAMS, -1) > 0);
});

test("a state's memo reuses dot products only for the very states it was matched against (stamps), through edits, fills and trims", async () => {
  // every state this fake model computes is new (a counter), so a stale stamp would show as other keys
  let counter = 0;
  const runner: HiddenRunner<null> = {
    hidden: async (_cache, tokens) => ({ cache: null, states: Float32Array.from({ length: tokens.length * D }, (_, i) => ++counter + i / 8) }),
  };
  const encode = (text: string) => ({ ids: Array.from(text, (c) => c.charCodeAt(0)), ends: Array.from(text, (_, i) => i + 1) });
  const word = fc.stringMatching(/^[a-e]{1,6}$/);
  const matched = { views: 0, reused: 0, missing: 0 };
  const op = fc.oneof(
    fc.record({ kind: fc.constant("type" as const), words: fc.array(word, { minLength: 1, maxLength: 80, size: "max" }) }),
    fc.record({ kind: fc.constant("edit" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), words: fc.array(word, { maxLength: 3 }) }),
    fc.record({ kind: fc.constant("fill" as const), steps: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant("view" as const), at: fc.double({ min: 0.3, max: 1, noNaN: true }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 30, size: "max" }), hArb, async (ops, h) => {
      const m = new DocumentMemory<null>(encode, D, 24, undefined);
      let text = "";
      const memos: MixMemo[] = [];
      for (const o of ops) {
        if (o.kind === "type") text += " " + o.words.join(" ");
        else if (o.kind === "edit") {
          const at = Math.floor(o.at * text.length);
          text = text.slice(0, at) + o.words.join(" ") + text.slice(at);
        } else if (o.kind === "fill") for (let i = 0; i < o.steps; i++) await m.fillStep(runner);
        if (o.kind !== "view" && o.kind !== "fill") m.sync(0, text);
        if (o.kind !== "view") continue;
        const view = m.view(Math.floor(o.at * (text.length + 1)));
        if (!view) continue;
        const direct = Float32Array.from({ length: view.count }, (_, i) => entryDot(view, h, i));
        for (const memo of memos) {
          const { dots, missing } = reuseDots(memo, view);
          const isMissing = new Set(missing);
          for (let i = 0; i < view.count; i++) if (!isMissing.has(i)) assert.equal(dots[i], direct[i], `entry ${i} reused a stale dot product`);
          matched.reused += view.count - missing.length;
          matched.missing += missing.length;
          if (sameEntries(memo, view)) assert.deepEqual(Array.from(memo.dots), Array.from(direct));
        }
        memos.push({ stamps: view.stamps!.slice(), dots: direct, logits: new Float32Array(0) });
      }
      matched.views += memos.length;
    }),
    { numRuns: 300 },
  );
  // the walk met real views, entries reused, and entries computed again after edits and trims
  assert.ok(matched.views > 100 && matched.reused > 100 && matched.missing > 100, JSON.stringify(matched));
});

test("typing word by word, a state's mix memo gives the mixture a fresh mixing gives", async () => {
  const e = await sharedEngine();
  const m = e.memories.create(4096);
  const ends = Array.from(LONG.matchAll(/\S+/g), (x) => x.index! + x[0].length).slice(-12);
  // one model state, mixed again as the memory grows word by word (as the step memo's states are)
  const ids = e.tokenizer.encode(LONG.slice(0, ends[0]));
  const r = await e.model.run(null, ids.slice(-128), { finalHidden: true });
  const h = r.finalHidden!.slice(r.finalHidden!.length - e.folder.config.nEmbd);
  const state: { logits: Float32Array; mix?: MixMemo } = { logits: r.logits };
  let served = 0;
  for (const end of ends) {
    m.sync(0, LONG.slice(0, end));
    await m.fillAll(e.memories.runner);
    const view = m.view(end)!;
    const before = state.mix;
    const memoed = await e.memories.mix(state, h, view);
    if (before && reuseDots(before, view).missing.length < view.count) served++;
    const fresh = await e.memories.mix({ logits: r.logits }, h, view);
    let worst = 0;
    for (let i = 0; i < fresh.length; i++) worst = Math.max(worst, Math.abs(memoed[i] - fresh[i]));
    assert.ok(worst < 1e-4, `largest log-probability difference ${worst}`);
    // the same entries: the same array back
    assert.equal(await e.memories.mix(state, h, m.view(end)!), memoed);
  }
  assert.ok(served >= ends.length - 1, `the memo served ${served} of ${ends.length}`);
});

test("a memory filled a block at a time (the CLI) holds the states one filled in small steps (the editor) holds, and no step is long", async () => {
  const a = await realMemory();
  const b = await realMemory();
  a.m.sync(0, LONG);
  b.m.sync(0, LONG);
  await a.m.fillAll(a.runner);
  // a keystroke's suggestion waits behind at most one step: the context in front of each block too is read in small steps
  let longest = 0;
  for (let n = await b.m.fillStep(b.runner); n > 0; n = await b.m.fillStep(b.runner)) longest = Math.max(longest, n);
  assert.ok(longest <= FILL_STEP, `a step ran ${longest} tokens (at most ${FILL_STEP})`);
  assert.ok(b.ran() > 0 && a.ran() <= b.ran());
  const x = a.m.view(LONG.length)!;
  const y = b.m.view(LONG.length)!;
  assert.equal(x.count, y.count);
  assert.ok(x.count > 300);
  let worst = 0;
  for (let i = 0; i < x.keys.length; i++) worst = Math.max(worst, Math.abs(x.keys[i] - y.keys[i]));
  assert.ok(worst < 1e-3, `largest difference ${worst}`);
});
