// The neighbours map's labels never overlap: each is placed at a free spot around its point or not drawn.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { overlaps, placeLabels } from "../../webview/neighbours/labels";

const bounds = { x: 0, y: 0, w: 320, h: 256 };

test("placed labels never overlap each other or another point, and stay inside the map (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.record({ x: fc.double({ min: 0, max: 320, noNaN: true }), y: fc.double({ min: 0, max: 256, noNaN: true }), w: fc.integer({ min: 8, max: 120 }) }), { minLength: 1, maxLength: 51 }), (pts) => {
      const labels = pts.map((p) => ({ ...p, h: 14 }));
      const boxes = placeLabels(labels, bounds);
      assert.equal(boxes.length, labels.length);
      const placed = boxes.flatMap((b, i) => (b ? [{ b, i }] : []));
      for (const { b } of placed) assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= 320 && b.y + b.h <= 256, "inside");
      for (let a = 0; a < placed.length; a++) {
        for (let c = a + 1; c < placed.length; c++) assert.ok(!overlaps(placed[a].b, placed[c].b), `labels ${placed[a].i} and ${placed[c].i} overlap`);
        labels.forEach((p, j) => {
          if (j !== placed[a].i) assert.ok(!overlaps(placed[a].b, { x: p.x - 4, y: p.y - 4, w: 8, h: 8 }), `label ${placed[a].i} covers point ${j}`);
        });
      }
    }),
    { numRuns: 300 },
  );
});

test("the query's label is placed first; a crowded label is left out rather than drawn over another", () => {
  // 31 points in a tight cluster, as a k = 30 map can be
  const labels = Array.from({ length: 31 }, (_, i) => ({ x: 150 + (i % 6) * 3, y: 120 + Math.floor(i / 6) * 3, w: 50, h: 14 }));
  const boxes = placeLabels(labels, bounds);
  assert.ok(boxes[0], "the query keeps its label");
  assert.ok(boxes.some((b) => b === null), "some labels wait for hover");
  const spread = Array.from({ length: 4 }, (_, i) => ({ x: 40 + 80 * i, y: 128, w: 30, h: 14 }));
  assert.ok(placeLabels(spread, bounds).every((b) => b !== null), "points far apart all keep their labels");
});
