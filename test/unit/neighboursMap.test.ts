// The large neighbours map's pure parts and its place beside the side bar: the zoom and pan arithmetic
// (viewport.ts: the point under the pointer stays put, zooming in and out again comes back, the picture
// always covers the view, a revealed point is inside it), the axes named by the words at their ends
// (axes.ts), and the controller's second webview, which gets the very state messages the side bar gets,
// so that both show one list with the same numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { clamp, fitTransform, fitted, MAX_ZOOM, MIN_ZOOM, panBy, panKey, reveal, toFitted, toScreen, WHOLE, zoomAt, zoomCentre, type Viewport } from "../../webview/neighbours/viewport";
import { axesCaption, axesSentences, axisEnds, mapAxes } from "../../webview/neighbours/axes";
import { NeighboursController } from "../../src/ui/neighboursController";
import { selectionWords } from "../../src/ui/selectionWords";
import { fakeModelHost } from "./fakeModelHost";
import type { NeighboursToWebviewMessage } from "../../src/shared/neighboursProtocol";
import type { NeighboursRequest } from "../../src/shared/hostProtocol";
import type { NeighbourList } from "../../src/shared/vocabulary";

const size = { w: 800, h: 500 };
const coord = fc.double({ min: -2000, max: 2000, noNaN: true });
const zoom = fc.double({ min: MIN_ZOOM, max: MAX_ZOOM, noNaN: true });
/** a viewport as clamp leaves it */
const viewport = fc.record({ zoom, ox: coord, oy: coord }).map((v) => clamp(v, size));
const close = (a: number, b: number, eps = 1e-6) => Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b));

function covers(v: Viewport): boolean {
  // the fitted picture (0..w, 0..h) at this zoom covers the whole view
  const tl = toScreen(v, 0, 0);
  const br = toScreen(v, size.w, size.h);
  return tl.x <= 1e-9 && tl.y <= 1e-9 && br.x >= size.w - 1e-6 && br.y >= size.h - 1e-6;
}

test("zooming keeps the point under the pointer where it is, and the picture always covers the view (property)", () => {
  fc.assert(
    fc.property(viewport, fc.double({ min: 0.2, max: 5, noNaN: true }), fc.double({ min: 0, max: size.w, noNaN: true }), fc.double({ min: 0, max: size.h, noNaN: true }), (v, f, px, py) => {
      const z = zoomAt(v, f, px, py, size);
      assert.ok(z.zoom >= MIN_ZOOM && z.zoom <= MAX_ZOOM);
      assert.ok(covers(z), JSON.stringify(z));
      // unless a bound or the clamp stepped in, the fitted point under the pointer is still under it
      const unclamped = v.zoom * f >= MIN_ZOOM && v.zoom * f <= MAX_ZOOM;
      const before = toFitted(v, px, py);
      const after = toFitted(z, px, py);
      const r = z.zoom / v.zoom;
      const free = { ox: px - (px - v.ox) * r, oy: py - (py - v.oy) * r };
      if (unclamped && close(free.ox, z.ox) && close(free.oy, z.oy)) {
        assert.ok(close(before.x, after.x, 1e-6) && close(before.y, after.y, 1e-6), `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      }
    }),
  );
});

test("zooming in and out again about the same point comes back to the same view (property)", () => {
  fc.assert(
    fc.property(viewport, fc.double({ min: 1, max: 4, noNaN: true }), fc.double({ min: 0, max: size.w, noNaN: true }), fc.double({ min: 0, max: size.h, noNaN: true }), (v, f, px, py) => {
      fc.pre(v.zoom * f <= MAX_ZOOM);
      const back = zoomAt(zoomAt(v, f, px, py, size), 1 / f, px, py, size);
      assert.ok(close(back.zoom, v.zoom));
      assert.ok(Math.abs(back.ox - v.ox) < 1e-6 && Math.abs(back.oy - v.oy) < 1e-6, `${JSON.stringify(v)} → ${JSON.stringify(back)}`);
    }),
  );
});

test("zoom: bounds, the centre, and what a broken number does", () => {
  assert.deepEqual(zoomCentre(WHOLE, 1 / 3, size), WHOLE, "never below the whole map");
  const z = zoomCentre(WHOLE, 2, size);
  assert.equal(z.zoom, 2);
  // the centre stays the centre
  assert.deepEqual(toFitted(z, size.w / 2, size.h / 2), { x: size.w / 2, y: size.h / 2 });
  assert.equal(zoomCentre({ zoom: 60, ox: 0, oy: 0 }, 10, size).zoom, MAX_ZOOM);
  assert.deepEqual(clamp({ zoom: NaN, ox: Infinity, oy: NaN }, size), WHOLE);
});

test("panning moves the picture by the drag, never beyond its edges; arrow keys move the view a tenth (property)", () => {
  fc.assert(
    fc.property(viewport, coord, coord, (v, dx, dy) => {
      const p = panBy(v, dx, dy, size);
      assert.equal(p.zoom, v.zoom);
      assert.ok(covers(p));
      // a move that the edges allow is taken whole
      const free = clamp({ zoom: v.zoom, ox: v.ox + dx, oy: v.oy + dy }, size);
      assert.deepEqual(p, free);
    }),
  );
  const v = zoomCentre(WHOLE, 4, size);
  assert.equal(panKey(v, "ArrowRight", size)!.ox, v.ox - 80, "the view moves right: the picture left, a tenth of the width");
  assert.equal(panKey(v, "ArrowUp", size)!.oy, v.oy + 50);
  assert.equal(panKey(v, "a", size), undefined);
  assert.deepEqual(panKey(WHOLE, "ArrowLeft", size), WHOLE, "the whole map cannot move");
});

test("revealing a point brings it inside the view's margin and moves no more than that (property)", () => {
  fc.assert(
    fc.property(viewport, fc.double({ min: 0, max: size.w, noNaN: true }), fc.double({ min: 0, max: size.h, noNaN: true }), (v, fx, fy) => {
      const r = reveal(v, fx, fy, size, 40);
      const p = toScreen(r, fx, fy);
      assert.ok(covers(r));
      // inside the view (the margin may be cut by the picture's own edge, never the point)
      assert.ok(p.x >= -1e-6 && p.x <= size.w + 1e-6 && p.y >= -1e-6 && p.y <= size.h + 1e-6, JSON.stringify({ v, p }));
      const was = toScreen(v, fx, fy);
      if (was.x >= 40 && was.x <= size.w - 40 && was.y >= 40 && was.y <= size.h - 40) assert.deepEqual(r, v, "a point in view does not move the view");
    }),
  );
});

test("the fit puts every point inside the padded view, equal scales, the second component up", () => {
  const x = [0, 1, -1, 0.5];
  const y = [0, 0.2, -0.2, 0.4];
  const f = fitTransform(x, y, size, 50);
  const pts = x.map((_, i) => fitted(f, x[i], y[i]));
  for (const p of pts) assert.ok(p.x >= 50 - 1e-9 && p.x <= size.w - 50 + 1e-9 && p.y >= 50 - 1e-9 && p.y <= size.h - 50 + 1e-9, JSON.stringify(p));
  assert.ok(close(pts[1].x - pts[2].x, 2 * f.scale) && close(pts[2].y - pts[1].y, 0.4 * f.scale), "one scale on both axes");
  assert.ok(pts[3].y < pts[0].y, "a higher second component is higher on the screen");
  assert.equal(fitTransform([], [], size).scale, 1);
});

test("each axis is named by the words furthest along it either way, the furthest first", () => {
  const words = ["king", "queen", "woman", "man", "prince", "girl"];
  const x = [0.1, 0.3, -0.9, -0.2, 0.8, -0.7];
  const y = [0.5, -0.1, 0.2, 0.0, -0.6, 0.9];
  const a = mapAxes(x, y, words, 2);
  assert.deepEqual(a.x, { low: ["woman", "girl"], high: ["prince", "queen"] });
  assert.deepEqual(a.y, { low: ["prince", "queen"], high: ["girl", "king"] });
  assert.deepEqual(axesCaption(a), { x: "left: woman, girl · right: prince, queen", y: "bottom: prince, queen · top: girl, king" });
  const s = axesSentences(x, y, words, [0.42, 0.17]);
  assert.match(s.x, /^Across \(PC1, 42% of the spread\): from woman, girl, man on the left to prince, queen, king on the right\.$/);
  assert.match(s.y, /^Up \(PC2, 17%\): from prince, queen, man at the bottom to girl, king, woman at the top\.$/);
});

test("no word names both ends; too few points name nothing (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), (values, n) => {
      const words = values.map((_, i) => `w${i}`);
      const e = axisEnds(values, words, n);
      assert.equal(e.low.length, e.high.length);
      assert.equal(e.low.length, Math.min(n, Math.floor(values.length / 2)));
      assert.ok(e.low.every((w) => !e.high.includes(w)));
      // the named low end lies at or below every unnamed value, the high end at or above
      const v = (w: string) => values[Number(w.slice(1))];
      const rest = words.filter((w) => !e.low.includes(w) && !e.high.includes(w));
      for (const w of rest) {
        assert.ok(e.low.every((l) => v(l) <= v(w)) && e.high.every((h) => v(h) >= v(w)));
      }
    }),
  );
  assert.deepEqual(axisEnds([0.3], ["alone"]), { low: [], high: [] });
  assert.deepEqual(axesSentences([0.3], [0.1], ["alone"], [1, 0]), { x: "", y: "" });
  assert.deepEqual(axisEnds([NaN, 1, 2, -1], ["a", "b", "c", "d"], 3), { low: ["d"], high: ["c"] }, "a value that is not a number names nothing");
});

// ---- the controller's second webview (the large map)

function list(req: NeighboursRequest): NeighbourList {
  const words = ["alpha", "beta", "gamma"].slice(0, req.k);
  return {
    query: req.query,
    mode: req.mode,
    layer: req.mode === "contextual" ? req.layer : req.mode === "pooled" ? 2 : 0,
    metric: req.metric,
    k: req.k,
    terms: [{ sign: 1, words: [{ word: req.query, tokens: [` ${req.query}`] }] }],
    neighbours: words.map((word, i) => ({ word, score: 0.9 - i / 10 })),
    map: { x: [0, ...words.map((_, i) => i)], y: [0, ...words.map((_, i) => -i)], explained: [0.6, 0.3] },
    indexSize: 100,
    nLayer: 4,
    source: "test",
    ms: 0.5,
  };
}

function setup() {
  const side: NeighboursToWebviewMessage[] = [];
  const big: NeighboursToWebviewMessage[] = [];
  const requests: NeighboursRequest[] = [];
  let opened = 0;
  const client = fakeModelHost({
    neighbours: (p) => {
      requests.push(p);
      return list(p);
    },
    neighbourIndex: () => ({ built: 10, total: 10, done: true, ms: 1 }),
  });
  const controller = new NeighboursController({ client, post: (m) => side.push(structuredClone(m)), copy: () => undefined, openTour: () => undefined, openMap: () => void opened++, save: () => undefined, log: () => undefined, debounceMs: 1 });
  const viewer = controller.addViewer((m) => big.push(structuredClone(m)));
  let id = 1;
  const sideSays = (body: unknown) => controller.onMessage({ messageId: id++, body });
  const bigSays = (body: unknown) => viewer.onMessage({ messageId: id++, body });
  const settle = async () => {
    await sleep(10);
    await controller.idle();
  };
  return { controller, viewer, side, big, requests, sideSays, bigSays, settle, opened: () => opened };
}

test("the large map gets the side bar's state messages, the same screen each time, and asks the model nothing of its own", async () => {
  const t = setup();
  t.controller.setVisible(true);
  t.sideSays({ type: "ready" });
  assert.equal(t.big.length, 0, "nothing before the large map says ready");
  t.bigSays({ type: "ready" });
  assert.equal(t.big.length, 1);
  assert.equal(t.big[0].inReplyTo, 2, "the screen, in reply to its ready");
  const text = "The old king sat by the fire.";
  const at = text.indexOf("king");
  t.controller.selectionChanged({ words: selectionWords(text, 0, at, at)!, source: "story.txt:1" });
  await t.settle();
  const requestsBefore = t.requests.length;
  assert.equal(requestsBefore, 3, "pooled, static, contextual: once, for both webviews");
  // every state after the ready replies went to both, the same
  const sideStates = t.side.slice(1).map((m) => m.body.data);
  const bigStates = t.big.slice(1).map((m) => m.body.data);
  assert.deepEqual(bigStates, sideStates);
  const last = bigStates[bigStates.length - 1];
  assert.equal(last.query?.text, "king");
  assert.equal(last.pooled.list?.neighbours.length, 3);

  // the map's list is one choice: either webview makes it, both show it
  t.bigSays({ type: "setMapList", list: "contextual" });
  assert.equal(t.side[t.side.length - 1].body.data.mapList, "contextual");
  assert.equal(t.big[t.big.length - 1].body.data.mapList, "contextual");
  assert.equal(t.requests.length, requestsBefore, "choosing the map's list asks the model nothing");
  t.sideSays({ type: "setMapList", list: "nonsense" });
  assert.equal(t.big[t.big.length - 1].body.data.mapList, "contextual", "a malformed choice is ignored");

  // a word picked in the large map's list becomes the side bar's query too
  t.bigSays({ type: "query", origin: "neighbour", text: "alpha" });
  await t.settle();
  assert.equal(t.side[t.side.length - 1].body.data.query?.text, "alpha");
  assert.deepEqual(t.big[t.big.length - 1].body.data, t.side[t.side.length - 1].body.data);

  // the side bar's button opens the large map
  t.sideSays({ type: "openMap" });
  assert.equal(t.opened(), 1);

  // hidden: nothing is posted until it says ready again; closed: nothing more at all
  t.viewer.setVisible(false);
  const n = t.big.length;
  t.sideSays({ type: "setMapList", list: "static" });
  assert.equal(t.big.length, n);
  t.bigSays({ type: "ready" });
  assert.equal(t.big[t.big.length - 1].body.data.mapList, "static");
  t.viewer.dispose();
  t.sideSays({ type: "setMapList", list: "pooled" });
  assert.equal(t.big.length, n + 1);
  assert.equal(t.side[t.side.length - 1].body.data.mapList, "pooled");
  t.controller.dispose();
});

test("the layer picker applies to the contextual list only: the map of the contextual list shows the chosen layer", async () => {
  const t = setup();
  t.controller.setVisible(true);
  t.sideSays({ type: "ready" });
  t.bigSays({ type: "ready" });
  t.sideSays({ type: "query", origin: "typed", text: "king" });
  await t.settle();
  const before = t.requests.length;
  t.sideSays({ type: "setOptions", options: { k: 10, metric: "cosine", layer: 1 } });
  await t.settle();
  const asked = t.requests.slice(before);
  assert.deepEqual(asked.map((r) => [r.mode, r.layer]), [["contextual", 1]], "one request, the contextual list at the chosen layer");
  const screen = t.big[t.big.length - 1].body.data;
  assert.equal(screen.options.layer, 1);
  assert.equal(screen.contextual.list?.layer, 1);
  assert.equal(screen.pooled.list?.layer, 2, "the pooled list keeps the recipe's layer");
  t.controller.dispose();
});
