// End-to-end: issue 28's "a map worth looking at", in a real VS Code (code-server) through a real browser,
// with the real model, in a light and a dark theme. The Neighbours view at k = 50 opens its map large, in
// an editor tab: 51 points, the same words and scores as the side bar's list (the same state messages),
// every point's label read through the keyboard list (each row highlights its point and shows its label
// and score), zoom by key and by Ctrl+wheel changing the scale, axes named by their words, and the large
// map following the side bar's next query. The side bar's layer picker names the contextual column's layer.
// Screenshots: neighbours-map-k50-{theme} (the whole map), neighbours-map-k50-zoomed-{theme}.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Frame, Page } from "playwright-core";
import { startCodeServer, type CodeServer } from "./codeServer";
import { evidenceStep, findFrame, openFile, openWorkbench, ourLogLines, runCommand, shot } from "./workbench";

const K = 50;

/** Type a query into the side bar's search box and wait for its lists. */
async function search(page: Page, side: Frame, word: string): Promise<void> {
  const field = side.locator("vscode-text-field.search");
  await field.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(word);
  await page.keyboard.press("Enter");
  await side.locator(".status", { hasText: `“${word}”` }).first().waitFor({ timeout: 20000 });
}

/** Screen distance between the query's point and the first neighbour's, and the map's zoom. */
async function scale(map: Frame): Promise<{ zoom: number; d: number }> {
  // a string, run in the page as it is (the test's own TypeScript has no DOM types, and its compiler's helpers are not there)
  return map.evaluate<{ zoom: number; d: number }>(`(() => {
    const svg = document.querySelector("svg.big-map");
    const a = svg.querySelector('g.point[data-index="0"] circle:not(.ring)');
    const b = svg.querySelector('g.point[data-index="1"] circle:not(.ring)');
    const d = a && b ? Math.hypot(Number(a.getAttribute("cx")) - Number(b.getAttribute("cx")), Number(a.getAttribute("cy")) - Number(b.getAttribute("cy"))) : NaN;
    return { zoom: Number(svg.getAttribute("data-zoom")), d };
  })()`);
}

for (const theme of (process.env.E2E_THEMES ?? "light,dark").split(",") as ("light" | "dark")[]) {
  test(`the neighbours map, large, at k = ${K} (${theme} theme)`, async (t) => {
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    const step = (name: string, fn: () => Promise<void>) => evidenceStep(t, name, fn, { page: () => page, prefix: `failure-neighbours-map-${theme}`, label: theme, logLines: () => ourLogLines(server?.logs()) });
    let side: Frame | undefined;
    let map: Frame | undefined;
    try {
      server = await startCodeServer({ theme });
      ({ browser, page } = await openWorkbench(server));

      await step(`the side bar at k = ${K}: ${K} neighbours in each list; the layer picker names the contextual column's layer`, async () => {
        // the command is offered while an editor is open
        await openFile(page!, "story.txt");
        await runCommand(page!, "LM Lens: Show Embedding Neighbours");
        side = await findFrame(page!, "vscode-text-field.search", 1, 45000);
        await search(page!, side, "king");
        // k is a native range: set it as a drag would, then let it go
        await side.locator("#k").evaluate((k, v) => {
          (k as unknown as { value: string }).value = String(v);
          k.dispatchEvent(new Event("input", { bubbles: true }));
          k.dispatchEvent(new Event("change", { bubbles: true }));
        }, K);
        await side.locator(".column.pooled ol.rows li").nth(K - 1).waitFor({ state: "attached", timeout: 30000 });
        await side.locator(".column.contextual ol.rows li").nth(K - 1).waitFor({ state: "attached", timeout: 90000 });
        assert.equal(await side.locator(".column.pooled ol.rows li").count(), K);
        const layer = await side.locator("#layer").evaluate((d) => (d as unknown as { value: string }).value);
        const heading = (await side.locator(".column.contextual h2").textContent()) ?? "";
        t.diagnostic(`layer picker ${layer}; contextual heading “${heading}”`);
        assert.equal(heading, `Contextual · layer ${layer}`);
        assert.doesNotMatch((await side.locator(".column.pooled h2").textContent()) ?? "", /layer/, "the pooled heading names no layer the picker does not set");
      });

      await step("“Open large map” opens an editor tab with the side bar's list: 51 points, the same words and scores", async () => {
        await side!.locator("vscode-button.open-map").click();
        await page!.locator(".tab", { hasText: "LM Lens: Neighbours map" }).first().waitFor({ state: "visible", timeout: 15000 });
        map = await findFrame(page!, "svg.big-map g.point", K + 1, 30000);
        assert.equal(await map.locator("svg.big-map g.point").count(), K + 1);
        assert.equal(await map.locator("ol.points li").count(), K + 1);
        assert.equal(await map.locator(".big-title").textContent(), "Neighbours of “king”");
        assert.match((await map.locator(".big-sub").textContent()) ?? "", new RegExp(`^pooled .* · k = ${K} · cosine similarity`));
        // the same numbers as the side bar's pooled list (the map's list), row by row
        const sideWords = await side!.locator(".column.pooled ol.rows li .word").allTextContents();
        const sideScores = await side!.locator(".column.pooled ol.rows li .value").allTextContents();
        const mapWords = await map.locator("ol.points li .word").allTextContents();
        const mapScores = await map.locator("ol.points li .value").allTextContents();
        assert.deepEqual(mapWords, ["king", ...sideWords]);
        assert.deepEqual(mapScores.slice(1), sideScores);
        // the axes in the space's own words: each end named by words of the map
        const axes = await map.locator(".axes p").allTextContents();
        t.diagnostic(`axes: ${axes.join(" / ")}`);
        assert.match(axes[0], /^Across \(PC1, \d+% of the spread\): from \p{L}+, \p{L}+, \p{L}+ on the left to \p{L}+, \p{L}+, \p{L}+ on the right\.$/u);
        assert.match(axes[1], /^Up \(PC2, \d+%\): from .+ at the bottom to .+ at the top\.$/u);
        const ends = await map.locator(".axis-end").allTextContents();
        assert.equal(ends.length, 4);
        for (const e of ends) assert.ok(e.replace(/[←→↑↓,]/g, " ").trim().split(/\s+/).every((w) => mapWords.includes(w)), `${e} names words of the map`);
      });

      await step("every point's label is reachable: the keyboard list highlights each point and shows its label and score", async () => {
        const words = await map!.locator("ol.points li .word").allTextContents();
        const scores = await map!.locator("ol.points li .value").allTextContents();
        const atWhole = await map!.locator("svg.big-map g.point text.label").allTextContents();
        t.diagnostic(`labels drawn on the whole map: ${atWhole.length} of ${K + 1}`);
        await map!.locator("ol.points li").first().click();
        const read: string[] = [];
        for (let i = 0; i <= K; i++) {
          if (i > 0) await page!.keyboard.press("ArrowDown");
          const highlighted = map!.locator("svg.big-map g.point.highlighted text.label");
          await map!.locator(`svg.big-map g.point.highlighted[data-index="${i}"]`).waitFor({ state: "attached", timeout: 5000 });
          const label = (await highlighted.textContent()) ?? "";
          const info = (await map!.locator(".point-info").textContent()) ?? "";
          assert.equal(label, words[i], `point ${i}'s label`);
          assert.ok(await highlighted.isVisible(), `point ${i}'s label is on screen`);
          if (i > 0) assert.ok(info.startsWith(`${i}. ${words[i]}: similarity ${scores[i]}`), `point ${i}: ${info}`);
          else assert.ok(info.startsWith(`query “${words[0]}”`), info);
          read.push(label);
        }
        assert.deepEqual(read, words);
        assert.equal(new Set(read).size, K + 1);
      });

      await step("zoom changes the scale (the + key, the button, Ctrl+wheel) and shows labels that had no room; 0 shows the whole map again", async () => {
        await map!.locator("vscode-button.zoom-whole").click();
        await page!.waitForTimeout(200);
        const atWhole = await map!.locator("svg.big-map g.point text.label").allTextContents();
        const s0 = await scale(map!);
        assert.equal(s0.zoom, 1);
        await map!.locator(".big-map-host").focus();
        await page!.keyboard.press("+");
        await page!.waitForTimeout(200);
        const s1 = await scale(map!);
        assert.ok(Math.abs(s1.zoom - 1.5) < 1e-3, `zoom ${s1.zoom}`);
        assert.ok(Math.abs(s1.d / s0.d - 1.5) < 0.01, `the distance between two points grows with the zoom: ${s0.d} → ${s1.d}`);
        await map!.locator("vscode-button.zoom-in").click();
        await page!.waitForTimeout(200);
        const s2 = await scale(map!);
        assert.ok(Math.abs(s2.zoom - 2.25) < 1e-3, `zoom ${s2.zoom}`);
        const box = await map!.locator(".big-map-host").boundingBox();
        assert.ok(box);
        // about the densest part of the map: a neighbour unlabelled on the whole map
        const inside = await map!.evaluate<number>(`(() => {
          const svg = document.querySelector("svg.big-map");
          const w = Number(svg.getAttribute("width")), h = Number(svg.getAttribute("height"));
          const g = [...svg.querySelectorAll("g.point.unlabelled")].find((p) => {
            const c = p.querySelector("circle");
            const x = Number(c.getAttribute("cx")), y = Number(c.getAttribute("cy"));
            return x > 40 && x < w - 40 && y > 40 && y < h - 40;
          });
          return g ? Number(g.getAttribute("data-index")) : -1;
        })()`);
        const unlabelled = inside >= 0 ? await map!.locator(`svg.big-map g.point[data-index="${inside}"] circle`).first().boundingBox() : null;
        const target = unlabelled ? { x: unlabelled.x + unlabelled.width / 2, y: unlabelled.y + unlabelled.height / 2 } : { x: box.x + box.width / 2, y: box.y + box.height / 2 };
        await page!.mouse.move(target.x, target.y);
        await page!.keyboard.down("Control");
        await page!.mouse.wheel(0, -400);
        await page!.keyboard.up("Control");
        await page!.waitForTimeout(300);
        const s3 = await scale(map!);
        assert.ok(s3.zoom > s2.zoom * 1.5, `Ctrl+wheel zooms in: ${s2.zoom} → ${s3.zoom}`);
        assert.ok(s3.d > s2.d * 1.5);
        const zoomedLabels = await map!.locator("svg.big-map g.point text.label").allTextContents();
        const newly = zoomedLabels.filter((w) => !atWhole.includes(w));
        t.diagnostic(`zoom ${s3.zoom.toFixed(2)}: ${zoomedLabels.length} labels in view, ${newly.length} of them unlabelled on the whole map (${newly.join(", ")})`);
        assert.ok(newly.length > 0, "zooming in shows labels that had no room on the whole map");
        // a drag pans: the query's point moves with the pointer
        const before = await map!.locator('svg.big-map g.point[data-index="0"] circle:not(.ring)').getAttribute("cx");
        await page!.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page!.mouse.down();
        await page!.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 10, { steps: 5 });
        await page!.mouse.up();
        await page!.waitForTimeout(200);
        const after = await map!.locator('svg.big-map g.point[data-index="0"] circle:not(.ring)').getAttribute("cx").catch(() => null);
        t.diagnostic(`drag: the query's point from x ${before} to ${after}`);
        if (before !== null && after !== null) assert.notEqual(after, before);
        await page!.waitForTimeout(300);
        await shot(page!, `neighbours-map-k50-zoomed-${theme}`);
        await map!.locator(".big-map-host").focus();
        await page!.keyboard.press("0");
        await page!.waitForTimeout(200);
        assert.equal((await scale(map!)).zoom, 1);
        // the whole map, the query highlighted, for the picture
        await map!.locator("ol.points li").first().click();
        await page!.waitForTimeout(500);
        await shot(page!, `neighbours-map-k50-${theme}`);
      });

      await step("the large map follows the side bar's next query", async () => {
        await search(page!, side!, "queen");
        await map!.locator(".big-title", { hasText: "Neighbours of “queen”" }).waitFor({ timeout: 20000 });
        await map!.locator("ol.points li").nth(K).waitFor({ state: "attached", timeout: 20000 });
        assert.equal(await map!.locator("svg.big-map g.point").count(), K + 1);
        const sideWords = await side!.locator(".column.pooled ol.rows li .word").allTextContents();
        assert.deepEqual((await map!.locator("ol.points li .word").allTextContents()).slice(1), sideWords);
        assert.equal((await scale(map!)).zoom, 1, "a new query's map shows whole");
      });
    } finally {
      await browser?.close();
      await server?.stop();
    }
  });
}
