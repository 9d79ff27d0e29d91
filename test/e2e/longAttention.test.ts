// End-to-end: issue 28's "attention at any length", in a real VS Code (code-server) through a real browser,
// with the real model, in a light and a dark theme, at the workbench's default size (1280 × 800) and the
// panel's default width. For selections of 20, 48, 141 and 256 tokens:
// - the heatmap opens on a window of rows and columns around the chosen token in which every row and
//   column carries its token's name (at 20 tokens: the whole matrix), and says which rows and columns;
// - the chosen token's row is drawn over the text: each token it can see shaded by its weight, and a
//   sentence above the strip names the tokens it looks at most;
// - the keys zoom (+, −), show the whole matrix (0) and come back to the names (N); moving the chosen token
//   moves the window with it; a drag pans it; a click on the overview moves it there.
// Screenshots: attention-length-{20,48,141,256}-{theme}, attention-length-256-strip-{theme} (the row over the
// text), attention-length-256-whole-{theme}.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { startCodeServer, type CodeServer } from "./codeServer";
import { evidenceStep, findFrame, openFile, openWorkbench, ourLogLines, runCommand, shot } from "./workbench";

/** A story passage written for this test; its first words make each selection (token counts measured with `lm-lens attention --json`). */
const PASSAGE =
  "The train was late again, and Martha stood on the platform with her collar turned up against the wind. She had walked from the house in the rain, and the hair was still wet on her forehead when the lights of the engine finally appeared at the end of the line. Nobody else was waiting. The station master had gone home an hour before, leaving a lamp in the window and a note on the door that said the office would open at seven. She found a seat near the back of the second car. The heating did not work, but the carriage was dry, and she was glad of that. Outside, the fields went by in the dark, one after another, with here and there a farm where a single window still showed a light. She thought about her brother, who had written to say that he would meet her at the other end, and about the letter from the bank that she had not yet opened. At the third stop a young man got on with a dog and a bag of pears. He offered her one, and she took it, and they talked for a while about the weather and the price of coal.";
/** the first words of the passage -> tokens the panel shows (141: the passage reads "car" for "carriage") */
const LENGTHS = [
  { words: 15, tokens: 20, passage: PASSAGE },
  { words: 38, tokens: 48, passage: PASSAGE },
  { words: 112, tokens: 141, passage: PASSAGE.replace("the carriage was dry", "the car was dry") },
  { words: 206, tokens: 256, passage: PASSAGE },
];

interface Drawn {
  n: number;
  row0: number;
  col0: number;
  cell: number;
  labelled: boolean;
}

async function drawn(frame: Frame): Promise<Drawn> {
  const c = frame.locator("#view-heatmap canvas.heatmap").first();
  const [view, cell, labelled] = await Promise.all([c.getAttribute("data-view"), c.getAttribute("data-cell"), c.getAttribute("data-labelled")]);
  const [n, row0, col0] = (view ?? "0 0 0").split(" ").map(Number);
  return { n, row0, col0, cell: Number(cell), labelled: labelled === "true" };
}

async function chosen(frame: Frame): Promise<number> {
  const id = (await frame.locator(".tokens .token.chosen").first().getAttribute("id")) ?? "";
  return Number(id.replace("tok-", ""));
}

/** The frame's heatmap redrawn after an action: polled until `ok` holds (the store redraws in a frame or two). */
async function until(frame: Frame, ok: (d: Drawn) => boolean, what: string): Promise<Drawn> {
  const t0 = Date.now();
  for (;;) {
    const d = await drawn(frame);
    if (ok(d)) return d;
    if (Date.now() - t0 > 5000) throw new Error(`${what}: the heatmap shows ${JSON.stringify(d)}`);
    await frame.page().waitForTimeout(100);
  }
}

for (const theme of (process.env.E2E_THEMES ?? "light,dark").split(",") as ("light" | "dark")[]) {
  test(`attention at any length: a named window, the row over the text, zoom and pan (${theme} theme)`, async (t) => {
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    const step = (name: string, fn: () => Promise<void>) => evidenceStep(t, name, fn, { page: () => page, prefix: `failure-length-${theme}`, label: theme, logLines: () => ourLogLines(server?.logs()) });
    try {
      server = await startCodeServer({ theme });
      for (const l of LENGTHS) writeFileSync(join(server.workspace, `length${l.tokens}.txt`), l.passage.split(" ").slice(0, l.words).join(" "));
      ({ browser, page } = await openWorkbench(server));

      for (const l of LENGTHS) {
        await step(`${l.tokens} tokens: the chosen token's weights read by name, in the heatmap and over the text`, async () => {
          await openFile(page!, `length${l.tokens}.txt`);
          await page!.keyboard.press("Control+A");
          await runCommand(page!, "LM Lens: Show Attention");
          const frame = await findFrame(page!, ".tokens .token", l.tokens, 45000);
          assert.equal(await frame.locator(".tokens .token").count(), l.tokens, "the selection's tokens");
          // every head's weights (the details) arrive a moment after the first picture
          await frame.locator(".tokens .token[data-weight]").first().waitFor({ state: "attached", timeout: 30000 });
          const q = await chosen(frame);
          assert.equal(q, l.tokens - 1, "the last token is chosen");
          const d = await until(frame, (x) => x.n > 0, "a drawn heatmap");
          // a window with every row's and column's name, the chosen row in it, cells as tall as a line of text
          assert.ok(d.labelled, `names on the axes: ${JSON.stringify(d)}`);
          assert.ok(d.cell >= 12, `cells of ${d.cell} px carry a name`);
          assert.ok(q >= d.row0 && q < d.row0 + d.n && q >= d.col0 && q < d.col0 + d.n, `token ${q} in the window ${JSON.stringify(d)}`);
          const where = (await frame.locator("#view-heatmap .zoom-where").textContent()) ?? "";
          if (d.n >= l.tokens) assert.match(where, new RegExp(`^all ${l.tokens} tokens`));
          else assert.match(where, new RegExp(`^rows ${d.row0}–${d.row0 + d.n - 1}, columns ${d.col0}–${d.col0 + d.n - 1} of ${l.tokens} tokens`));
          // the row over the text: every token the chosen one can see is shaded and says its weight
          const weights = await frame.evaluate<string[]>(`Array.from(document.querySelectorAll(".tokens .token"), (c) => c.dataset.weight || "")`);
          assert.equal(weights.filter((w) => w !== "").length, q + 1, "each token up to the chosen one carries its weight");
          const sum = weights.reduce((a, w) => a + (w ? Number(/^([\d.]+)%/.exec(w)![1]) : 0), 0);
          assert.ok(Math.abs(sum - 100) < 0.1 * (q + 1) + 0.5, `the row's weights add up to 100 % (${sum.toFixed(1)})`);
          const note = (await frame.locator(".strip-note").textContent()) ?? "";
          assert.match(note, /^Shaded by where “.+” \(token \d+\) looks, layer \d, average of \d heads: .*Most: “.+” \d+%, “.+” \d+%, “.+” \d+%\.$/, note);
          t.diagnostic(`${theme}, ${l.tokens} tokens: window ${JSON.stringify(d)}; ${where}; ${note}`);
          if (l.tokens === 256) {
            await page!.waitForTimeout(300);
            await shot(page!, `attention-length-${l.tokens}-strip-${theme}`);
          }
          // the heatmap in view, its zoom bar above it and its sentence below
          await frame.evaluate(`document.querySelector("#view-heatmap .legend").scrollIntoView({ block: "start" })`);
          await page!.waitForTimeout(300);
          await shot(page!, `attention-length-${l.tokens}-${theme}`);
        });
      }

      await step("256 tokens: the keys zoom, show the whole matrix and come back to the names; the window follows the chosen token", async () => {
        const frame = await findFrame(page!, ".tokens .token", 256);
        const canvas = frame.locator("#view-heatmap canvas.heatmap").first();
        await canvas.focus();
        const named = await drawn(frame);
        await page!.keyboard.press("0");
        const whole = await until(frame, (d) => d.n === 256, "the whole matrix after 0");
        assert.ok(!whole.labelled, "the whole 256-token matrix is too small for names");
        assert.match((await frame.locator("#view-heatmap .zoom-where").textContent()) ?? "", /^all 256 tokens \(too small to name/);
        assert.ok(await frame.locator("#view-heatmap .zoom-overview").isHidden(), "no overview of the whole matrix beside itself");
        await page!.waitForTimeout(300);
        await shot(page!, `attention-length-256-whole-${theme}`);
        await page!.keyboard.press("n");
        await until(frame, (d) => d.n === named.n && d.labelled, "the names again after N");
        await page!.keyboard.press("+");
        const zin = await until(frame, (d) => d.n < named.n, "fewer cells after +");
        assert.ok(zin.cell >= named.cell, "larger cells");
        await page!.keyboard.press("-");
        await until(frame, (d) => d.n > zin.n, "more cells after −");
        // thirty tokens up: the window has followed the chosen row
        for (let i = 0; i < 30; i++) await page!.keyboard.press("ArrowUp");
        const q = await chosen(frame);
        assert.equal(q, 255 - 30);
        const after = await until(frame, (d) => q >= d.row0 && q < d.row0 + d.n && q >= d.col0 && q < d.col0 + d.n, `token ${q} followed`);
        // the heatmap's sentence reads that row by name
        assert.match((await frame.locator("#view-heatmap .summary").textContent()) ?? "", new RegExp(`\\(token ${q}\\) looks most at “`));
        // a drag to the right and down shows earlier rows and columns; the overview moves the window back
        const box = (await canvas.boundingBox())!;
        await page!.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page!.mouse.down();
        await page!.mouse.move(box.x + box.width / 2 + 5 * after.cell, box.y + box.height / 2 + 5 * after.cell, { steps: 5 });
        await page!.mouse.up();
        const dragged = await until(frame, (d) => d.row0 === after.row0 - 5 && d.col0 === after.col0 - 5, "panned five cells by the drag");
        assert.equal(await chosen(frame), q, "a drag does not choose another token");
        const overview = frame.locator("#view-heatmap .zoom-overview");
        const o = (await overview.boundingBox())!;
        await overview.click({ position: { x: o.width * 0.1, y: o.height * 0.1 } });
        await until(frame, (d) => d.row0 < dragged.row0 && d.col0 < dragged.col0 && d.row0 <= 30, "moved to the overview's top left");
      });
    } finally {
      await browser?.close().catch(() => undefined);
      await server?.stop();
    }
  });
}
