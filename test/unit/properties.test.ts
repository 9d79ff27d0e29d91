// Property-based tests (fast-check) on arbitrary input: the tokenizer round-trips, the next-word engine
// never throws and keeps completions inside the typed word, and page text is always escaped.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedEngine, SUGGEST } from "./helpers";
import { splitPending } from "../../src/modelHost/wordUnits";
import { escapeHtml } from "../../src/ui/webviewPage";

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

test("encoding a long text in memoised chunks gives exactly the library's ids for the whole text", async () => {
  const engine = await sharedEngine();
  const tok = engine.tokenizer;
  // pieces that stress the pre-tokenizer's cuts: runs of spaces, tabs, newlines, contractions, digits,
  // punctuation, non-ASCII, a special token's text, lone surrogates
  const piece = fc.constantFrom(" ", "  ", "   ", "\t", "\n", "\r\n", " \n", "'s", "'ll", " don't", "the", " hair", "42", " 3.14", "(", ")", ",", ".", "--", "é", " 東京", "😀", "\u00a0", "\u3000", "<|endoftext|>", "\ud800", "\udc00", "_id", " x");
  const text = fc.oneof(
    fc.array(piece, { minLength: 60, maxLength: 300 }).map((a) => a.join("")),
    fc.string({ unit: "binary", minLength: 256, maxLength: 600 }),
    fc.string({ unit: fc.constantFrom(" ", "a", "b", "\t", "\n", "'", "1", "é", "."), minLength: 256, maxLength: 600 }),
  );
  fc.assert(
    fc.property(text, (s) => {
      assert.deepEqual(tok.encode(s), tok.encodeWhole(s));
      assert.deepEqual(tok.encode(s), tok.encodeWhole(s), "the second time, from the memo");
    }),
    { numRuns: RUNS * 5 },
  );
  // and real text: the typing fixture, cut at every 97th character
  const real = readFileSync(join(__dirname, "..", "fixtures", "typing.txt"), "utf8");
  for (let end = 300; end < real.length; end += 97) assert.deepEqual(tok.encode(real.slice(0, end)), tok.encodeWhole(real.slice(0, end)));
});

test("the tokens that agree with typed bytes are exactly those a scan of the vocabulary finds", async () => {
  const engine = await sharedEngine();
  const table = engine.table;
  const enc = new TextEncoder();
  const typed = fc.oneof(fc.constantFrom(" still", " st", "s", " the", "ing", " ", "  ", "東", "\u00e9", ".", "('"), fc.string({ unit: "binary", minLength: 1, maxLength: 6 }));
  fc.assert(
    fc.property(typed, fc.nat(3), (s, cut) => {
      const all = enc.encode(s);
      const rest = all.subarray(Math.min(cut, all.length - 1));
      const scan: number[] = [];
      for (let t = 0; t < table.size; t++) {
        const b = table.bytes[t];
        if (table.special[t] || b.length === 0) continue;
        const n = Math.min(b.length, rest.length);
        let ok = true;
        for (let i = 0; i < n; i++) if (b[i] !== rest[i]) ok = false;
        if (ok) scan.push(t);
      }
      assert.deepEqual(Array.from(table.agreeing(rest)), scan);
    }),
    { numRuns: RUNS * 2 },
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
