// The heatmap colour scale and the parsing of theme colours.
import { test } from "node:test";
import assert from "node:assert/strict";
import { colorScale, contrastRatio, luminance, over, parseCssColor, toHex } from "../../src/shared/colorScale";

test("parseCssColor reads the forms VS Code's theme variables take", () => {
  assert.deepEqual(parseCssColor("#1e1e1e"), { rgb: [30, 30, 30], alpha: 1 });
  assert.deepEqual(parseCssColor(" #FFF "), { rgb: [255, 255, 255], alpha: 1 });
  assert.deepEqual(parseCssColor("#ff000080"), { rgb: [255, 0, 0], alpha: 128 / 255 });
  assert.deepEqual(parseCssColor("#f008"), { rgb: [255, 0, 0], alpha: 136 / 255 });
  assert.deepEqual(parseCssColor("rgb(1, 2, 3)"), { rgb: [1, 2, 3], alpha: 1 });
  assert.deepEqual(parseCssColor("rgba(255, 255, 255, 0.5)"), { rgb: [255, 255, 255], alpha: 0.5 });
  assert.deepEqual(parseCssColor("rgb(0 128 255 / 25%)"), { rgb: [0, 128, 255], alpha: 0.25 });
  for (const bad of ["", "blue", "#12", "#12345", "#gggggg", "rgb(1,2)", "rgb(a,b,c)", "hsl(1,2%,3%)"]) assert.equal(parseCssColor(bad), undefined, bad);
});

test("colorScale maps 0 to the low colour and 1 to the high one, clamping outside", () => {
  const low = [255, 255, 255] as const;
  const high = [0, 100, 200] as const;
  assert.deepEqual(colorScale(0, low, high), [255, 255, 255]);
  assert.deepEqual(colorScale(1, low, high), [0, 100, 200]);
  assert.deepEqual(colorScale(0.5, low, high), [128, 178, 228]);
  assert.deepEqual(colorScale(-1, low, high), [255, 255, 255]);
  assert.deepEqual(colorScale(7, low, high), [0, 100, 200]);
  assert.deepEqual(colorScale(NaN, low, high), [255, 255, 255]);
  // monotone: more weight is never closer to the background
  let prev = -1;
  for (let v = 0; v <= 1; v += 0.05) {
    const d = 255 - colorScale(v, low, high)[0];
    assert.ok(d >= prev);
    prev = d;
  }
});

test("over, toHex, luminance and contrast", () => {
  assert.deepEqual(over({ rgb: [255, 0, 0], alpha: 0.5 }, [0, 0, 255]), [128, 0, 128]);
  assert.deepEqual(over({ rgb: [1, 2, 3], alpha: 1 }, [9, 9, 9]), [1, 2, 3]);
  assert.equal(toHex([0, 128, 255]), "#0080ff");
  assert.equal(luminance([0, 0, 0]), 0);
  assert.ok(Math.abs(luminance([255, 255, 255]) - 1) < 1e-9);
  assert.ok(Math.abs(contrastRatio([0, 0, 0], [255, 255, 255]) - 21) < 1e-9);
  assert.equal(contrastRatio([30, 30, 30], [30, 30, 30]), 1);
});
