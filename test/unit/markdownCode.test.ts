// Code in Markdown (fences, front matter) gets no prose suggestion: CommonMark's fence rules, and a bounded read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cursorInMarkdownCode, insideMarkdownCode, MARKDOWN_SCAN_CHARS } from "../../src/core/markdownCode";

test("inside an open ``` or ~~~ fence; after it closes, prose again", () => {
  assert.equal(insideMarkdownCode("Some prose and"), false);
  assert.equal(insideMarkdownCode("Intro\n\n```python\ndef f(x):\n    return x"), true);
  assert.equal(insideMarkdownCode("Intro\n\n```python\ndef f(x):\n```\nThe function"), false);
  assert.equal(insideMarkdownCode("~~~\ncode\n~~~\n\nback to"), false);
  assert.equal(insideMarkdownCode("~~~\ncode and"), true);
  // CRLF and lone CR line ends
  assert.equal(insideMarkdownCode("a\r\n```\r\ncode"), true);
  assert.equal(insideMarkdownCode("a\r```\rcode\r```\rprose"), false);
});

test("a fence closes only with the same character, at least as long, with nothing after it", () => {
  assert.equal(insideMarkdownCode("````\n```\nstill code"), true, "a shorter fence does not close");
  assert.equal(insideMarkdownCode("````\n`````\nprose"), false, "a longer one does");
  assert.equal(insideMarkdownCode("```\n~~~\nstill code"), true, "tildes do not close backticks");
  assert.equal(insideMarkdownCode("~~~\n```\nstill code"), true, "backticks do not close tildes");
  assert.equal(insideMarkdownCode("```\n``` not a close\nstill code"), true, "a closing fence has no info string");
  assert.equal(insideMarkdownCode("```\n```   \nprose"), false, "trailing spaces are allowed");
});

test("up to three spaces of indent; four spaces is not a fence", () => {
  assert.equal(insideMarkdownCode("   ```\ncode"), true);
  assert.equal(insideMarkdownCode("    ```\nnot code"), false);
  assert.equal(insideMarkdownCode("```\ncode\n    ```\nstill code"), true, "an indented close is code");
  assert.equal(insideMarkdownCode("```\ncode\n   ```\nprose"), false);
});

test("two backticks, or backticks in a backtick fence's info string, are not a fence", () => {
  assert.equal(insideMarkdownCode("``\nprose"), false);
  assert.equal(insideMarkdownCode("```inline``` code span\nprose"), false);
  assert.equal(insideMarkdownCode("~~~ info with ` tick\ncode"), true, "a tilde fence's info may hold backticks");
});

test("the opening fence's own line (its info string) counts as code; text on the line after a close does not", () => {
  assert.equal(insideMarkdownCode("prose\n```"), true);
  assert.equal(insideMarkdownCode("prose\n```pyth"), true);
  assert.equal(insideMarkdownCode("```\ncode\n```"), true, "the cursor at the end of the closing fence's line");
  assert.equal(insideMarkdownCode("```\ncode\n```\n"), false, "on the line after it");
});

test("YAML front matter: from --- on the first line to the closing --- or ...", () => {
  assert.equal(insideMarkdownCode("---\ntitle: The"), true);
  assert.equal(insideMarkdownCode("---"), true, "typing the opening line");
  assert.equal(insideMarkdownCode("---\ntitle: A\n---\n\nThe story"), false);
  assert.equal(insideMarkdownCode("---\ntitle: A\n...\nThe story"), false);
  assert.equal(insideMarkdownCode("\n---\ntitle: A"), false, "only on the document's first line");
  assert.equal(insideMarkdownCode("Prose\n\n---\n\nMore prose"), false, "a thematic break is not front matter");
  assert.equal(insideMarkdownCode("---\ntitle: A\n"), true);
  assert.equal(insideMarkdownCode("---\ntitle: A", false), false, "not at the document's start: no front matter");
  // a fence after the front matter is still seen
  assert.equal(insideMarkdownCode("---\na: 1\n---\n```\ncode"), true);
});

test("the bounded read: a cursor deep in a large document reads only MARKDOWN_SCAN_CHARS before it", () => {
  const prose = "Some words of prose on a line.\n".repeat(200_000); // about 6 MB
  let read = 0;
  const reader = (doc: string) => (a: number, b: number) => {
    read += b - a;
    return doc.slice(a, b);
  };
  const big = prose + "```js\nconst x = 1;\n";
  assert.equal(cursorInMarkdownCode(reader(big), big.length), true);
  assert.ok(read <= MARKDOWN_SCAN_CHARS, `${read} characters read`);
  const closed = big + "```\nand then";
  assert.equal(cursorInMarkdownCode(reader(closed), closed.length), false);
  // the slice starts mid-line: that partial line is dropped, so the "```" at the end of "ab```" cannot read as a fence
  const cut = "ab```\n" + "prose line\n".repeat(5957) + "mores";
  assert.equal(cut.length - MARKDOWN_SCAN_CHARS, 2, "the slice starts at the backticks");
  assert.equal(cursorInMarkdownCode(reader(cut), cut.length), false);
  // a front matter is looked for only when the slice starts the document
  assert.equal(cursorInMarkdownCode(reader("---\ntitle: x"), 12), true);
  const longFront = "---\n" + "k: v\n".repeat(20000) + "end";
  assert.equal(cursorInMarkdownCode(reader(longFront), longFront.length), false);
  // one line longer than the slice: prose
  assert.equal(cursorInMarkdownCode(reader("a".repeat(MARKDOWN_SCAN_CHARS + 10)), MARKDOWN_SCAN_CHARS + 10), false);
});
