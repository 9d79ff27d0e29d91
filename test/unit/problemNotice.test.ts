// What the user is told when the model cannot be used: once per problem, naming the setting, with the
// buttons that fix it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ModelHostClient, type HostStatus } from "../../src/client/modelHostClient";
import { problemNotice, ProblemNotices } from "../../src/ui/problemNotice";
import { effectiveModelPath, modelPathScope } from "../../src/core/settings";
import { ROOT, SUGGEST } from "./helpers";

const error: HostStatus = { state: "error", message: "/home/u/nope: model folder not found", file: "/home/u/nope" };
const failed: HostStatus = { state: "failed", message: "the model host failed 5 times in 120 s; not restarting (the model host exited (SIGKILL))" };

test("a model that cannot be loaded: the message names the setting and the path, with Open Settings and Restart Model", () => {
  const n = problemNotice(error, "~/nope")!;
  assert.match(n.message, /lmLens\.modelPath/);
  assert.match(n.message, /\/home\/u\/nope: model folder not found/);
  assert.deepEqual(n.actions, ["Open Settings", "Restart Model"]);
  // without a setting the shipped model failed: the setting is not blamed
  assert.doesNotMatch(problemNotice(error, "")!.message, /lmLens\.modelPath/);
});

test("a host that stopped after repeated crashes: the notice offers Restart Model", () => {
  const n = problemNotice(failed, "")!;
  assert.match(n.message, /^LM Lens stopped: the model host failed 5 times/);
  assert.equal(n.actions[0], "Restart Model");
  for (const s of [{ state: "idle" }, { state: "loading", modelPath: "/m" }, { state: "restarting", attempt: 1, delayMs: 500, reason: "x" }] as HostStatus[]) {
    assert.equal(problemNotice(s, ""), undefined, s.state);
  }
});

test("each problem is shown once, however often it is reported, and again after a restart or a ready model", () => {
  const notices = new ProblemNotices();
  assert.ok(notices.next(error, "~/nope"), "first report");
  assert.equal(notices.next(error, "~/nope"), undefined, "the same problem again");
  assert.equal(notices.next({ state: "loading", modelPath: "/m" }, "~/nope"), undefined);
  assert.equal(notices.next(error, "~/nope"), undefined, "still the same problem");
  assert.ok(notices.next(failed, "~/nope"), "another problem");
  notices.reset();
  assert.ok(notices.next(failed, "~/nope"), "after a restart");
  notices.next({ state: "idle" }, "");
  assert.ok(notices.next(failed, "~/nope"), "after the model was started afresh");
});

test("Open Settings goes to the scope whose lmLens.modelPath applies", () => {
  const all = { globalValue: "~/a", workspaceValue: "~/b", workspaceFolderValue: "~/c" };
  assert.equal(modelPathScope(all, true), "workspaceFolder");
  assert.equal(modelPathScope({ globalValue: "~/a", workspaceValue: "~/b" }, true), "workspace");
  assert.equal(modelPathScope({ globalValue: "~/a" }, true), "user");
  assert.equal(modelPathScope({}, true), undefined);
  // untrusted: the workspace's values do not apply, so the user's own setting is the one to fix
  assert.equal(modelPathScope(all, false), "user");
  // the same choice as the value that applies
  for (const trusted of [true, false]) {
    const scope = modelPathScope(all, trusted)!;
    assert.equal(effectiveModelPath(all, trusted), all[`${scope === "user" ? "global" : scope}Value` as keyof typeof all].trim());
  }
});

test("a missing model folder, as the client reports it: one notice for many requests", async () => {
  const missing = join(tmpdir(), "lmlens-no-such-model-folder");
  const notices = new ProblemNotices();
  const shown: string[] = [];
  const onStatus = (s: HostStatus) => {
    const n = notices.next(s, missing);
    if (n) shown.push(n.message);
  };
  const c = new ModelHostClient({ hostScript: join(ROOT, "dist", "modelHost.js"), modelPath: missing, threads: 1, onStatus });
  try {
    for (let i = 0; i < 3; i++) await assert.rejects(c.request("suggest", { text: "the hair was", offset: 0, options: SUGGEST }));
    await assert.rejects(c.ensureReady(), "Show Model Info's request");
    assert.equal(shown.length, 1, shown.join("\n"));
    assert.ok(shown[0].includes(`${missing}: model folder not found`), shown[0]);
  } finally {
    c.dispose();
  }
});
