// The messaging kit both webview boundaries use: ids, replies, the ready gate, requests with timeouts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Channel, RequestTimeout, type Envelope } from "../../src/shared/messaging";

test("messages are numbered; a reply names the message it answers; nothing is posted before ready", () => {
  const posted: Envelope<string>[] = [];
  const c = new Channel<string, string>((m) => posted.push(m), { ready: false });
  assert.equal(c.send("dropped"), false);
  assert.deepEqual(posted, []);
  c.setReady(true);
  assert.equal(c.send("a"), true);
  c.send("b", 7);
  assert.deepEqual(posted, [{ messageId: 1, body: "a" }, { messageId: 2, inReplyTo: 7, body: "b" }]);
  c.setReady(false);
  assert.equal(c.send("c"), false, "a hidden webview gets nothing until it says ready again");
});

test("a request resolves with its reply, times out without one, and is rejected on close", async () => {
  const posted: Envelope<string>[] = [];
  const c = new Channel<string, string>((m) => posted.push(m));
  const r = c.request("ready", 1000);
  c.receive({ messageId: 40, body: "unrelated" });
  c.receive({ messageId: 41, inReplyTo: posted[0].messageId, body: "state" });
  assert.equal((await r).body, "state");
  await assert.rejects(c.request("ready", 20), RequestTimeout);
  const open = c.request("ready", 1000);
  c.close();
  await assert.rejects(open, /closed/);
  await assert.rejects(c.request("x", 10), /not ready/);
});
