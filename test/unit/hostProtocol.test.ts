// The model host's wire: a request is an envelope whose body names a method and its params, checked against
// that method's schema; a reply answers it by inReplyTo. (hostile.test.ts sends bad params through the real
// host; this checks the envelope around them.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { isHostReply, parseRequest } from "../../src/shared/hostProtocol";

test("parseRequest: a well-formed envelope gives its id and checked body", () => {
  const r = parseRequest({ messageId: 4, body: { method: "memoryClose", params: { doc: "file:///a.txt" } } });
  assert.deepEqual(r, { ok: true, id: 4, request: { method: "memoryClose", params: { doc: "file:///a.txt" } } });
  assert.deepEqual(parseRequest({ messageId: 5, body: { method: "hang", params: {} } }, ["hang"]), { ok: true, id: 5, request: { method: "hang", params: {} } });
});

test("parseRequest: a malformed request is refused in one line, with the id to answer it under when it has one", () => {
  const cases: [unknown, number | undefined, RegExp][] = [
    [null, undefined, /needs a non-negative integer messageId/],
    [{ id: 1, method: "memoryInfo", params: {} }, undefined, /needs a non-negative integer messageId/],
    [{ messageId: -1, body: { method: "memoryInfo", params: {} } }, undefined, /messageId/],
    [{ messageId: 2 }, 2, /needs a body with a method/],
    [{ messageId: 2, body: { method: 7 } }, 2, /needs a body with a method/],
    [{ messageId: 3, body: { method: "hang", params: {} } }, 3, /unknown method "hang"/],
    [{ messageId: 3, body: { method: "memoryClose", params: { doc: 7 } } }, 3, /memoryClose: doc: expected string, got 7/],
    [{ messageId: 3, body: { method: "memoryClose", params: {} } }, 3, /memoryClose: doc is missing/],
  ];
  for (const [m, id, says] of cases) {
    const r = parseRequest(m);
    assert.equal(r.ok, false, JSON.stringify(m));
    if (r.ok) continue;
    assert.equal(r.id, id, JSON.stringify(m));
    assert.match(r.message, says);
  }
});

test("isHostReply: an answer to a request, with a result or an error that has a code and a message", () => {
  assert.equal(isHostReply({ messageId: 1, inReplyTo: 4, body: { ok: true, result: null } }), true);
  assert.equal(isHostReply({ messageId: 1, inReplyTo: 4, body: { ok: false, error: { code: "input", message: "bad" } } }), true);
  const bad: unknown[] = [
    { id: 4, ok: true, result: null },
    { messageId: 1, body: { ok: true, result: null } },
    { messageId: 1, inReplyTo: -4, body: { ok: true } },
    { messageId: 1, inReplyTo: 4, body: { ok: "yes" } },
    { messageId: 1, inReplyTo: 4, body: { ok: false, error: "bad" } },
    { messageId: 1, inReplyTo: 4, body: { ok: false, error: { code: "input" } } },
    { messageId: 1, started: 4 },
  ];
  for (const m of bad) assert.equal(isHostReply(m), false, JSON.stringify(m));
});

test("parseRequest: a refusal never throws, whatever the value (a BigInt, a cycle, a sparse array of 10^9, a throwing getter), and stays one short line", () => {
  const cyclic: Record<string, unknown> = { text: "x", options: {} };
  cyclic.offset = cyclic;
  const trap = new Proxy({}, { get: () => { throw new Error("trap"); }, getPrototypeOf: () => { throw new Error("trap"); } });
  const cases: [unknown, RegExp][] = [
    [{ messageId: 1, body: { method: "memorySync", params: { doc: "d", offset: 5n, text: "x", capacity: 8 } } }, /memorySync: offset: expected number, got the BigInt 5n/],
    [{ messageId: 1, body: { method: "suggest", params: cyclic } }, /suggest: offset: expected number, got an object/],
    [{ messageId: 1, body: { method: "memoryInfo", params: new Array(1e9) } }, /got an array of 1000000000 entries/],
    [{ messageId: 1, body: { method: "memoryClose", params: { doc: trap } } }, /a request that cannot be read \(trap\)/],
    [{ messageId: 1, body: trap }, /./],
    [{ messageId: 1, body: { method: "memoryClose", params: { doc: "\u001b[2J\n".repeat(50000) } } }, /memoryClose: doc: expected <=4096, got a string of 250000 characters/],
  ];
  for (const [m, says] of cases) {
    const r = parseRequest(m);
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.match(r.message, says);
    assert.ok(r.message.length <= 500 && ![...r.message].some((c) => c.charCodeAt(0) < 0x20), r.message);
  }
});
