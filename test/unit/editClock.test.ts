// A suggestion's time, counted from the keystroke that asked for it (as the extension hears of it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDIT_MAX_AGE_MS, EditClock } from "../../src/core/editClock";

test("a suggestion's time counts from the edit that made its version, when that edit is recent", () => {
  const clock = new EditClock();
  clock.edited("a", 7, 1000);
  // VS Code asked 60 ms after the keystroke, the answer came 20 ms later
  assert.deepEqual(clock.timing("a", 7, 1060, 1080), { totalMs: 80, waitMs: 60 });
  // another version (a cursor move, then an explicit request): from the request
  assert.deepEqual(clock.timing("a", 8, 1060, 1080), { totalMs: 20, waitMs: 0 });
  // another document, or an old edit
  assert.deepEqual(clock.timing("b", 7, 1060, 1080), { totalMs: 20, waitMs: 0 });
  assert.deepEqual(clock.timing("a", 7, 1000 + EDIT_MAX_AGE_MS, 1000 + EDIT_MAX_AGE_MS + 5), { totalMs: 5, waitMs: 0 });
  clock.forget("a");
  assert.deepEqual(clock.timing("a", 7, 1060, 1080), { totalMs: 20, waitMs: 0 });
});
