// The messaging kit of every boundary: ids, replies, the ready gate, requests with timeouts, the "started"
// notice that starts a timeout, cancellation on both ends, and close.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CancelSource, Channel, isCancellation, isNotice, RequestCancelled, RequestTimeout, type Envelope, type Notice } from "../../src/shared/messaging";

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

test("CancelSource: listeners fire once on cancel, and at once when already cancelled", () => {
  const s = new CancelSource();
  let fired = 0;
  const sub = s.token.onCancellationRequested(() => fired++);
  s.token.onCancellationRequested(() => fired++).dispose();
  assert.equal(s.token.isCancellationRequested, false);
  s.cancel();
  s.cancel();
  assert.equal(fired, 1);
  assert.equal(s.token.isCancellationRequested, true);
  s.token.onCancellationRequested(() => fired++);
  assert.equal(fired, 2);
  sub.dispose();
});

/** two channels joined back to back, as the extension and the model host are: what one posts, the other receives */
function pair() {
  const wire: unknown[] = [];
  const asked: Envelope<string>[] = [];
  const client: Channel<string, string> = new Channel<string, string>(
    (m) => (wire.push(m), asked.push(m)),
    { notify: (n) => (wire.push(n), server.receive(n)) },
  );
  const server: Channel<string, string> = new Channel<string, string>(
    (m) => (wire.push(m), client.receive(m)),
    { notify: (n) => (wire.push(n), client.receive(n)) },
  );
  return { client, server, wire, asked };
}

test("a request timed from its start waits while queued; the started notice starts its timeout", async () => {
  const { client, server, asked } = pair();
  const r = client.request("slow", { timeoutMs: 30, timeoutFrom: "started" });
  await sleep(60);
  assert.equal(client.pending, 1, "queued for longer than the timeout, and still waiting");
  server.accept(asked[0].messageId);
  server.started(asked[0].messageId);
  await assert.rejects(r, RequestTimeout);
  assert.equal(client.pending, 0);
  const s = client.request("quick", { timeoutMs: 1000, timeoutFrom: "started" });
  server.started(asked[1].messageId);
  server.send("answer", asked[1].messageId);
  assert.deepEqual(await s, { messageId: 3, inReplyTo: asked[1].messageId, body: "answer" }, "notices are numbered with the messages");
});

test("a cancelled request rejects at once, and the other end's token for it fires", async () => {
  const { client, server, wire, asked } = pair();
  const source = new CancelSource();
  const r = client.request("work", { timeoutMs: 1000, token: source.token });
  const served = server.accept(asked[0].messageId);
  let fired = 0;
  served.onCancellationRequested(() => fired++);
  source.cancel();
  await assert.rejects(r, (e: RequestCancelled) => e instanceof RequestCancelled && e.code === "cancelled");
  assert.equal(served.isCancellationRequested, true);
  assert.equal(fired, 1);
  assert.deepEqual(wire.at(-1), { messageId: 2, cancel: 1 });
  server.send("late", asked[0].messageId);
  assert.equal(client.pending, 0, "a late reply is dropped");
  // a token cancelled before asking: nothing is posted
  const n = wire.length;
  await assert.rejects(client.request("never", { timeoutMs: 1000, token: source.token }), RequestCancelled);
  assert.equal(wire.length, n);
});

test("a reply releases the request served: a cancel after it fires nothing", () => {
  const { server } = pair();
  const token = server.accept(5);
  server.send("done", 5);
  server.receive({ messageId: 9, cancel: 5 });
  assert.equal(token.isCancellationRequested, false);
});

test("failOldest rejects the oldest waiting request; close rejects the rest with its error", async () => {
  const { client } = pair();
  const first = client.request("a", 1000);
  const second = client.request("b", 1000);
  const third = client.request("c", 1000);
  client.failOldest(new Error("frozen"));
  await assert.rejects(first, /frozen/);
  assert.equal(client.pending, 2);
  client.close(new Error("the host crashed"));
  await assert.rejects(second, /the host crashed/);
  await assert.rejects(third, /the host crashed/);
  assert.equal(client.pending, 0);
  client.failOldest(new Error("nothing waits"));
});

test("isNotice: one request id, started or cancelled, and no body", () => {
  const good: Notice[] = [{ messageId: 1, started: 0 }, { messageId: 2, cancel: 7 }];
  for (const n of good) assert.equal(isNotice(n), true, JSON.stringify(n));
  const bad: unknown[] = [null, [], "x", { messageId: 1 }, { messageId: 1, started: 2, cancel: 3 }, { messageId: -1, started: 2 }, { messageId: 1, started: "2" }, { messageId: 1, started: 1.5 }, { messageId: 1, started: 2, body: "x" }, { started: 2 }];
  for (const n of bad) assert.equal(isNotice(n), false, JSON.stringify(n));
});

test("isCancellation: a cancelled or superseded error, or anything after our own cancel", () => {
  const s = new CancelSource();
  assert.equal(isCancellation({ code: "cancelled" }, s.token), true);
  assert.equal(isCancellation({ code: "superseded" }, s.token), true);
  assert.equal(isCancellation(new RequestCancelled(), s.token), true);
  assert.equal(isCancellation(new Error("model"), s.token), false);
  assert.equal(isCancellation(null, s.token), false);
  s.cancel();
  assert.equal(isCancellation(new Error("model"), s.token), true);
});

test("a cancel for a request that is not being served is dropped: a later request under that id is served, not cancelled", () => {
  const { server } = pair();
  for (let i = 0; i < 1000; i++) server.receive({ messageId: 10000 + i, cancel: i });
  const token = server.accept(7);
  assert.equal(token.isCancellationRequested, false);
  server.receive({ messageId: 20000, cancel: 7 });
  assert.equal(token.isCancellationRequested, true, "a cancel for a request being served still fires");
});
