// PCA by power iteration: the directions of known data, orthogonality, explained variance, determinism.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pca } from "../../src/modelHost/pca";

const close = (a: number, b: number, eps = 1e-6) => Math.abs(a - b) <= eps;

test("points on a line: one component along it, all of the variance, the second one empty", () => {
  const rows = [-2, -1, 0, 1, 2].map((t) => [1 + 3 * t, 2 + 4 * t, -1]);
  const r = pca(rows, 2);
  const [u, v] = r.components;
  assert.ok(close(Math.abs(u[0]), 0.6) && close(Math.abs(u[1]), 0.8) && close(u[2], 0), `${[...u]}`);
  assert.ok(u[1] > 0, "orientation: the largest entry is positive");
  assert.ok(close(r.explained[0], 1));
  assert.ok(close(r.variances[1], 0) && [...v].every((x) => x === 0));
  // coordinates: t * 5 along the line (variance 5^2 * 2 = 50)
  assert.ok(close(r.variances[0], 50, 1e-6), `${r.variances[0]}`);
  for (let i = 0; i < 5; i++) assert.ok(close(r.coords[2 * i], (i - 2) * 5, 1e-6));
  [1, 2, -1].forEach((m, j) => assert.ok(close(r.mean[j], m, 1e-12)));
});

test("an axis-aligned ellipse: components along the axes, variances and shares of the total", () => {
  const rows: number[][] = [];
  for (let k = 0; k < 12; k++) {
    const a = (2 * Math.PI * k) / 12;
    rows.push([0, 3 * Math.cos(a), Math.sin(a), 0]);
  }
  const r = pca(rows, 2);
  assert.ok(close(Math.abs(r.components[0][1]), 1, 1e-6));
  assert.ok(close(Math.abs(r.components[1][2]), 1, 1e-6));
  assert.ok(close(r.variances[0], 4.5) && close(r.variances[1], 0.5), `${r.variances}`);
  assert.ok(close(r.explained[0], 0.9) && close(r.explained[1], 0.1));
});

test("components are unit length and orthogonal; coordinates are projections of the centred rows", () => {
  let s = 7;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const rows = Array.from({ length: 30 }, () => Array.from({ length: 16 }, rand));
  const r = pca(rows, 3);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((acc, x, i) => acc + x * b[i], 0);
  for (let i = 0; i < 3; i++) {
    assert.ok(close(dot(r.components[i], r.components[i]), 1, 1e-9));
    for (let j = 0; j < i; j++) assert.ok(Math.abs(dot(r.components[i], r.components[j])) < 1e-6, `components ${i} and ${j}`);
  }
  assert.ok(r.variances[0] >= r.variances[1] && r.variances[1] >= r.variances[2]);
  const centred = rows[4].map((x, j) => x - r.mean[j]);
  assert.ok(close(r.coords[4 * 3 + 1], dot(centred, r.components[1]), 1e-9));
  // the variance along a component is the variance of the coordinates
  const c0 = rows.map((_, i) => r.coords[i * 3]);
  assert.ok(close(c0.reduce((a, x) => a + x * x, 0) / rows.length, r.variances[0], 1e-6));
});

test("deterministic: the same rows give the same map, bit for bit", () => {
  const rows = Array.from({ length: 11 }, (_, i) => Array.from({ length: 256 }, (_, j) => Math.sin(i * 0.7 + j * 0.13) * (1 + (j % 5))));
  const a = pca(rows);
  const b = pca(rows.map((r) => Float32Array.from(r)).map((r) => Array.from(r)));
  const c = pca(rows);
  assert.deepEqual(a.coords, c.coords);
  // float32 rounding of the input moves coordinates only slightly
  for (let i = 0; i < a.coords.length; i++) assert.ok(Math.abs(a.coords[i] - b.coords[i]) < 1e-4);
});

test("degenerate input: no rows, one row, identical rows, bad arguments", () => {
  assert.equal(pca([]).coords.length, 0);
  const one = pca([[1, 2, 3]]);
  assert.deepEqual([...one.coords], [0, 0]);
  assert.deepEqual(one.explained, [0, 0]);
  const same = pca([[1, 1], [1, 1], [1, 1]]);
  assert.deepEqual([...same.coords], [0, 0, 0, 0, 0, 0]);
  assert.throws(() => pca([[1, 2], [1]]), RangeError);
  assert.throws(() => pca([[1]], 0), RangeError);
});

test("the Gram form (fewer rows than dimensions) and the covariance form give the same components", () => {
  let s = 11;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const rows = Array.from({ length: 6 }, () => Array.from({ length: 8 }, rand));
  const gram = pca(rows, 3);
  // each row twice: the same covariance, but now more rows than dimensions
  const cov = pca([...rows, ...rows], 3);
  for (let c = 0; c < 3; c++) {
    assert.ok(close(gram.variances[c], cov.variances[c], 1e-9), `variance ${c}`);
    // close eigenvalues (0.88, 0.82 here) converge slowly: equal to the iteration's tolerance
    for (let j = 0; j < 8; j++) assert.ok(close(gram.components[c][j], cov.components[c][j], 1e-4), `component ${c}[${j}]`);
  }
  for (let i = 0; i < 6 * 3; i++) assert.ok(close(gram.coords[i], cov.coords[i], 1e-4));
  // more components than the data has: zero vectors with no variance
  const few = pca(rows.slice(0, 3), 3);
  assert.ok(close(few.variances[2], 0) && few.components[2].every((v) => v === 0));
});
