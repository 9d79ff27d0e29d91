// Property-based tests (fast-check) on arbitrary input: the tokenizer round-trips, the next-word engine
// never throws and keeps completions inside the typed word, and page text is always escaped.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { sharedEngine, SUGGEST } from "./helpers";
import { splitPending } from "../../src/core/wordSearch";
import { escapeHtml } from "../../src/core/webviewPage";

const RUNS = Number(process.env.LM_LENS_PROPERTY_RUNS ?? 200);

test("the tokenizer round-trips any well-formed Unicode text exactly", async () => {
  const engine = await sharedEngine();
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (s) => {
      assert.equal(engine.tokenizer.decode(engine.tokenizer.encode(s)), s);
    }),
    { numRuns: RUNS * 5 },
  );
});

test("splitPending: context + pending is the text, and pending holds no line break", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
      const { context, pending } = splitPending(s);
      assert.equal(context + pending, s);
      assert.ok(!pending.includes("\n"));
    }),
    { numRuns: RUNS * 5 },
  );
});

test("the engine never throws on arbitrary text, and a completion only extends the typed word", async () => {
  const engine = await sharedEngine();
  const words = fc.constantFrom("the", "hair", "was", "still", "She", "door", "opened", "and", "jury", "said", "x", "42", ",", ".", "(", "\n", "  ", "é", "東京", "😀");
  const text = fc.oneof(
    fc.array(words, { maxLength: 12 }).map((w) => w.join(" ")),
    fc.array(words, { maxLength: 12 }).map((w) => w.join("")),
    fc.string({ unit: "binary", maxLength: 40 }),
  );
  await fc.assert(
    fc.asyncProperty(text, async (s) => {
      const r = await engine.suggest(s, { ...SUGGEST, k: 3 });
      assert.equal(typeof r.text, "string");
      assert.ok(!r.text.includes("\n"), "a suggestion stays on its line");
      const { pending } = splitPending(s);
      if (!r.startsNewWord && r.text.length > 0 && /[\p{L}\p{N}_]$/u.test(pending)) {
        // word characters as the engine defines them: ASCII letters, digits, "_" and any non-ASCII character
        const first = r.text.codePointAt(0) ?? 0;
        const wordStart = first > 0x7f || /^[A-Za-z0-9_]/.test(r.text);
        assert.ok(wordStart && !/\s/.test(r.text), `${JSON.stringify(s)} -> ${JSON.stringify(r.text)} continues the word`);
      }
    }),
    { numRuns: RUNS },
  );
});

test("escapeHtml leaves no markup in any string", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 100 }), (s) => {
      const out = escapeHtml(s);
      assert.ok(!/[<>"']/.test(out), out);
      assert.equal(out.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&"), s);
    }),
    { numRuns: RUNS * 5 },
  );
});
