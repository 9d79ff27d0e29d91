// The heatmap's window on a long matrix (webview/attention/viewport.ts): the chosen token and the column
// read always show, a zoom keeps the cell under the pointer where it was, panning stops at the edges, and
// the window's own words say which rows and columns it holds.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { clampViewport, describeViewport, follow, isWhole, MIN_CELLS, pan, zoomStep, zoomTo } from "../../webview/attention/viewport";

const inside = (v: { n: number; row0: number; col0: number }, T: number) =>
  v.n >= Math.min(T, MIN_CELLS) && v.n <= T && v.row0 >= 0 && v.col0 >= 0 && v.row0 + v.n <= T && v.col0 + v.n <= T;

const arb = fc.integer({ min: 1, max: 300 }).chain((T) =>
  fc.record({
    T: fc.constant(T),
    n: fc.integer({ min: -5, max: T + 50 }),
    row0: fc.integer({ min: -20, max: T + 20 }),
    col0: fc.integer({ min: -20, max: T + 20 }),
    q: fc.integer({ min: 0, max: T - 1 }),
    k: fc.integer({ min: 0, max: T - 1 }),
  }),
);

test("every viewport is made to fit the matrix, whatever it was asked (property)", () => {
  fc.assert(
    fc.property(arb, ({ T, n, row0, col0 }) => {
      assert.ok(inside(clampViewport({ n, row0, col0 }, T), T));
    }),
  );
  assert.deepEqual(clampViewport({ n: NaN, row0: Infinity, col0: -Infinity }, 40), { n: 40, row0: 0, col0: 0 });
  assert.deepEqual(clampViewport({ n: 10, row0: 3, col0: 3 }, 0), { n: 0, row0: 0, col0: 0 });
});

test("following a token shows its row and the column read, and moves nothing that already shows (property)", () => {
  fc.assert(
    fc.property(arb, ({ T, n, row0, col0, q, k }) => {
      const before = clampViewport({ n, row0, col0 }, T);
      const v = follow(before, T, q, k);
      assert.ok(inside(v, T));
      assert.equal(v.n, before.n, "following never zooms");
      assert.ok(q >= v.row0 && q < v.row0 + v.n, `row ${q} shows in ${JSON.stringify(v)}`);
      assert.ok(k >= v.col0 && k < v.col0 + v.n, `column ${k} shows in ${JSON.stringify(v)}`);
      if (q >= before.row0 && q < before.row0 + before.n) assert.equal(v.row0, before.row0, "a row already shown keeps the window's rows");
      if (k >= before.col0 && k < before.col0 + before.n) assert.equal(v.col0, before.col0, "a column already shown keeps the window's columns");
    }),
  );
});

test("a 256-token view opens on the chosen last token with the tokens it reads just before it", () => {
  // 20 cells carry names at the default panel width; the last token is chosen
  const v = follow({ n: 20, row0: 0, col0: 0 }, 256, 255);
  assert.deepEqual(v, { n: 20, row0: 236, col0: 236 });
  // a token in the middle: its row in the middle, its own column three quarters across
  const m = follow({ n: 20, row0: 0, col0: 0 }, 256, 141);
  assert.equal(m.row0, 131);
  assert.equal(141 - m.col0, 14);
});

test("zooming keeps the cell under the pointer where it was, and steps reach both ends (property)", () => {
  fc.assert(
    fc.property(arb, fc.integer({ min: 1, max: 300 }), ({ T, n, row0, col0, q, k }, to) => {
      const v = clampViewport({ n, row0, col0 }, T);
      if (q < v.row0 || q >= v.row0 + v.n || k < v.col0 || k >= v.col0 + v.n) return;
      const z = zoomTo(v, T, to, { q, k });
      assert.ok(inside(z, T));
      // the anchor still shows (the edges may shift it by what clamping takes)
      assert.ok(q >= z.row0 && q < z.row0 + z.n && k >= z.col0 && k < z.col0 + z.n, `anchor ${q},${k} in ${JSON.stringify(z)}`);
    }),
  );
  // zooming in from the whole matrix reaches the fewest cells, and out again the whole, in a few steps
  let v = clampViewport({ n: 256, row0: 0, col0: 0 }, 256);
  const ins: number[] = [];
  while (v.n > MIN_CELLS) {
    v = zoomStep(v, 256, "in", { q: 200, k: 180 });
    ins.push(v.n);
    assert.ok(v.row0 <= 200 && 200 < v.row0 + v.n);
  }
  assert.ok(ins.length <= 12, `${ins.length} steps in: ${ins}`);
  while (!isWhole(v, 256)) v = zoomStep(v, 256, "out");
  assert.deepEqual(v, { n: 256, row0: 0, col0: 0 });
});

test("panning moves by whole cells and stops at the matrix's edges", () => {
  const v = { n: 20, row0: 100, col0: 90 };
  assert.deepEqual(pan(v, 256, 5, -10), { n: 20, row0: 105, col0: 80 });
  assert.deepEqual(pan(v, 256, 1000, -1000), { n: 20, row0: 236, col0: 0 });
  assert.deepEqual(pan({ n: 20, row0: 0, col0: 0 }, 20, 3, 3), { n: 20, row0: 0, col0: 0 }, "the whole matrix does not pan");
});

test("the window says which rows and columns it holds", () => {
  assert.equal(describeViewport({ n: 20, row0: 236, col0: 230 }, 256), "rows 236–255, columns 230–249 of 256 tokens");
  assert.equal(describeViewport({ n: 20, row0: 0, col0: 0 }, 20), "all 20 tokens");
  assert.equal(describeViewport({ n: 0, row0: 0, col0: 0 }, 0), "");
});
