// The webviews' store (webview/common/store.ts): updates replace the state and tell the subscribers what
// changed, in order, even when a subscriber's drawing sets off another update; and the state a view gets
// cannot be written (the @ts-expect-error lines fail `tsc -p .` the day they compile).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createStore, type DeepReadonly } from "../../webview/common/store";
import { restore, type ReadState } from "../../webview/neighbours/state";

interface S {
  ui: { row: number; list: string };
  words: string[];
  loading: boolean;
}
type C = "all" | "row";

const initial = (): S => ({ ui: { row: 0, list: "pooled" }, words: ["a"], loading: false });

test("get returns the state; update replaces the fields it names, keeps the others, and makes a new object", () => {
  const store = createStore<S, C>(initial());
  const before = store.get();
  store.update({ loading: true }, "all");
  const after = store.get();
  assert.notEqual(after, before, "a new object, so that a reference comparison tells what changed");
  assert.equal(before.loading, false, "the old state is left as it was");
  assert.equal(after.loading, true);
  assert.equal(after.ui, before.ui, "fields the patch does not name keep their objects");
  store.update((s) => ({ ui: { ...s.ui, row: s.ui.row + 2 } }), "row");
  assert.deepEqual(store.get().ui, { row: 2, list: "pooled" });
});

test("subscribers hear every update with the new state and the change, in order; unsubscribing stops it", () => {
  const store = createStore<S, C>(initial());
  const heard: string[] = [];
  const stop = store.subscribe((s, c) => heard.push(`first ${c} ${s.ui.row}`));
  store.subscribe((s, c) => heard.push(`second ${c} ${s.ui.row}`));
  store.update({ ui: { row: 1, list: "static" } }, "row");
  stop();
  store.update({ loading: true }, "all");
  assert.deepEqual(heard, ["first row 1", "second row 1", "second all 1"]);
});

test("an update made while the subscribers run is told after the current round, so none hears them out of order", () => {
  const store = createStore<S, C>(initial());
  const saved: number[] = [];
  // render first: drawing focuses a row, whose focus handler calls an action
  store.subscribe((s, c) => {
    if (c === "all") store.update({ ui: { ...s.ui, row: 7 } }, "row");
  });
  store.subscribe((s) => saved.push(s.ui.row));
  store.update({ words: ["b"] }, "all");
  // every subscriber of a round hears the same state; the update made in it comes as the next round
  assert.deepEqual(saved, [0, 7], "the saver never hears the older row after the newer one");
  assert.equal(store.get().ui.row, 7);
  store.update({ loading: true }, "row");
  assert.deepEqual(saved, [0, 7, 7], "the store tells again after a round is over");
});

test("a subscriber that throws does not leave the store stuck", () => {
  const store = createStore<S, C>(initial());
  let calls = 0;
  const stop = store.subscribe(() => {
    calls++;
    throw new Error("draw failed");
  });
  assert.throws(() => store.update({ loading: true }, "all"), /draw failed/);
  stop();
  const heard: C[] = [];
  store.subscribe((_s, c) => heard.push(c));
  store.update({ loading: false }, "row");
  assert.deepEqual(heard, ["row"]);
  assert.equal(calls, 1);
});

// Never called: what tsc must refuse. A view gets the state as DeepReadonly.
export function _aViewCannotWrite(s: DeepReadonly<S>, n: ReadState): void {
  // @ts-expect-error a field of the state
  s.loading = true;
  // @ts-expect-error a nested field
  s.ui.row = 3;
  // @ts-expect-error an array of the state
  s.words.push("x");
  // @ts-expect-error an element of it
  s.words[0] = "y";
  // @ts-expect-error the neighbours view's own state: the row in focus
  n.ui.row = 1;
  // @ts-expect-error and the screen the extension sent, at any depth
  n.screen!.pooled.list!.neighbours[0].word = "z";
  // reading is fine, and the state saved with setState restores to a plain UiState
  const ui = restore({ row: n.ui.row });
  ui.row = 2;
}
