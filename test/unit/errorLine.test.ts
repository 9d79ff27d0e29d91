// The one error line: escaped, short, and never a throw, whatever it describes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeValue, errorLine, errorMessage, quoted } from "../../src/shared/errorLine";

test("errorLine: a newline, an escape sequence and a right-to-left override are shown as escapes, on one line", () => {
  assert.equal(errorLine("/tmp/a\nb: not found"), "/tmp/a\\nb: not found");
  assert.equal(errorLine("\u001b[31mred\u001b[0m"), "\\x1b[31mred\\x1b[0m");
  assert.equal(errorLine("file\u202Etxt.exe"), "file\\u202etxt.exe");
  assert.equal(errorLine("caf\u00e9 \u{1F600}"), "caf\u00e9 \u{1F600}", "printable text is kept as it is");
});

test("errorLine: a 100,000-character message is cut to the limit and says its length", () => {
  const line = errorLine("x".repeat(100000));
  assert.ok(line.length < 440, `${line.length}`);
  assert.match(line, /… \(100000 characters\)$/);
  assert.equal(errorLine("\u{1F600}".repeat(300), 401).endsWith("\u{1F600}… (600 characters)"), true, "never half a surrogate pair");
});

test("quoted and describeValue: short, escaped, and never a throw", () => {
  assert.equal(quoted('a"b\n'), '"a\\"b\\n"');
  assert.match(quoted("q".repeat(1000)), /^"q{60}"… \(1000 characters\)$/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const trap = new Proxy({}, { getPrototypeOf: () => { throw new Error("trap"); } });
  assert.equal(describeValue(5n), "the BigInt 5n");
  assert.equal(describeValue(cyclic), "an object");
  assert.equal(describeValue(new Array(1e9)), "an array of 1000000000 entries");
  assert.equal(describeValue(trap), "a value that cannot be described");
  assert.equal(describeValue("x".repeat(100)), "a string of 100 characters");
  assert.equal(errorMessage(new Error("a\nb")), "a\\nb");
  assert.equal(errorMessage(7n), "the BigInt 7n");
});
