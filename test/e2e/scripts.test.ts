// End-to-end: issue 28's "every script" and "tidy and shareable", in a real VS Code (code-server) through
// a real browser, with the real model, in a light and a dark theme: a Chinese + emoji + Arabic line's
// tokens shown as whole characters (never U+FFFD), a fragment's bytes on hover; the heatmap exported as a
// PNG that carries its caption, text and colour scale; the neighbours view's search box typed into quickly
// ten times after Ctrl+A and Backspace with no letter lost, and "中文" answered "not a word the model
// knows"; the workbench after the guided tour: one group beside the story and one walkthrough tab.
// Screenshots: scripts-attention, scripts-export (the exported PNG itself), neighbours-typed,
// neighbours-not-a-word, tour-workbench; each with the theme's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { startCodeServer, type CodeServer } from "./codeServer";
import { SHOTS, evidenceStep, findFrame, openFile, openWorkbench, ourLogLines, runCommand, shot } from "./workbench";
import { editorGroups, openTour, tourStep } from "./walkthrough";

const MIXED = "The 中文 text 👍🏽 and مرحبا end.";
/** words typed into the cleared search box, one per try */
const WORDS = ["walked", "garden", "winter", "silver", "people", "bright", "letter", "market", "window", "travel"];

/** A PNG's width and height, from its header. */
function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  assert.equal(b.subarray(1, 4).toString("latin1"), "PNG");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

for (const theme of (process.env.E2E_THEMES ?? "light,dark").split(",") as ("light" | "dark")[]) {
  test(`every script, the exports, the search box and the tour's workbench (${theme} theme)`, async (t) => {
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    const step = (name: string, fn: () => Promise<void>) => evidenceStep(t, name, fn, { page: () => page, prefix: `failure-scripts-${theme}`, label: theme, logLines: () => ourLogLines(server?.logs()) });
    try {
      server = await startCodeServer({ theme });
      writeFileSync(join(server.workspace, "scripts.txt"), `${MIXED}\n`);
      ({ browser, page } = await openWorkbench(server));

      await step("a Chinese + emoji + Arabic line: each character a group of chips showing it whole, never U+FFFD; a fragment says its bytes", async () => {
        await openFile(page!, "scripts.txt");
        await page!.keyboard.press("Control+Home");
        await page!.keyboard.press("Shift+End");
        await runCommand(page!, "LM Lens: Show Attention");
        const frame = await findFrame(page!, ".tokens .token", 10, 45000);
        await frame.locator("canvas.heatmap").first().waitFor({ state: "visible" });
        const chips = await frame.locator(".tokens .token .text").allTextContents();
        assert.ok(chips.every((c) => !c.includes("\uFFFD")), chips.join(" | "));
        // the chips read the line (white space made visible as ·)
        assert.equal(chips.join("").replace(/·/g, " "), MIXED);
        for (const whole of ["中", "文", "👍🏽", "م", "ر"]) assert.ok(chips.includes(whole), `“${whole}” shows whole: ${chips.join(" | ")}`);
        // 中's three tokens: the first shows it, the other two join it; each says which part and its bytes
        const i = chips.indexOf("中");
        const titles = await Promise.all([0, 1, 2].map((k) => frame.locator(`#tok-${i + k}`).getAttribute("title")));
        // (after the bytes, the tip gives the token's share of the chosen token's attention)
        assert.match(titles[0] ?? "", /part 1 of 3 of "中" .*bytes e4(;|$)/);
        assert.match(titles[1] ?? "", /part 2 of 3 of "中" .*bytes b8(;|$)/);
        assert.ok(await frame.locator(`#tok-${i + 1}.group-rest`).count(), "the second token joins the first's chip");
        // the heatmap's sentence names tokens by their characters too
        await frame.locator(`#tok-${i + 1}`).click();
        await page!.waitForTimeout(500);
        const summary = (await frame.locator(".summary").first().textContent()) ?? "";
        assert.match(summary, /“中 \(2\/3\)” \(token \d+\) looks most at/, summary);
        assert.ok(!summary.includes("\uFFFD"), summary);
        await page!.waitForTimeout(300);
        await shot(page!, `scripts-attention-${theme}`);
      });

      await step("the heatmap exported as PNG and SVG carries the caption, the text and the colour scale", async () => {
        const frame = await findFrame(page!, ".tokens .token", 10);
        const canvas = await frame.locator("canvas.heatmap").first().boundingBox();
        await frame.locator("vscode-button", { hasText: /^PNG$/ }).first().click();
        // code-server's save dialog is a quick input holding the suggested path in the workspace: Enter saves there
        await page!.locator(".quick-input-widget").first().waitFor({ state: "visible", timeout: 15000 });
        await page!.waitForTimeout(300);
        await page!.keyboard.press("Enter");
        let file: string | undefined;
        for (let i = 0; i < 60 && !file; i++) {
          file = readdirSync(server!.workspace).find((f) => /^attention-.*\.png$/.test(f));
          if (!file) await page!.waitForTimeout(250);
        }
        assert.ok(file, "the PNG was saved in the workspace");
        const path = join(server!.workspace, file);
        await page!.waitForTimeout(500);
        const copy = join(SHOTS, `scripts-export-${theme}.png`);
        copyFileSync(path, copy);
        const size = pngSize(copy);
        t.diagnostic(`exported PNG ${file}: ${size.width} × ${size.height} px, ${statSync(copy).size} bytes (the heatmap on screen: ${canvas?.width.toFixed(0)} × ${canvas?.height.toFixed(0)} CSS px)`);
        // the picture with a title above it and the scale below it: taller than the heatmap alone
        assert.ok(canvas && size.height > canvas.height + 60, `${size.height} px high for a heatmap of ${canvas?.height} px`);
        // the SVG says the same in text: caption, the text analysed, the scale; its axes name characters whole
        await frame.locator("vscode-button", { hasText: /^SVG$/ }).first().click();
        await page!.locator(".quick-input-widget").first().waitFor({ state: "visible", timeout: 15000 });
        await page!.waitForTimeout(300);
        await page!.keyboard.press("Enter");
        let svg: string | undefined;
        for (let i = 0; i < 60 && !svg; i++) {
          svg = readdirSync(server!.workspace).find((f) => /^attention-.*\.svg$/.test(f));
          if (!svg) await page!.waitForTimeout(250);
        }
        assert.ok(svg, "the SVG was saved in the workspace");
        await page!.waitForTimeout(300);
        const text = readFileSync(join(server!.workspace, svg), "utf8");
        for (const said of ["lm-lens-5m · scripts.txt:1 · layer 1, average of 4 heads", "“The 中文 text 👍🏽 and مرحبا end.”", "attention weight", ">中 (1/3)<", ">👍🏽 (1/8)<"]) assert.ok(text.includes(said), `the SVG says ${said}`);
        assert.ok(!text.includes("\uFFFD"), "no U+FFFD in the SVG");
      });

      await step("typing quickly into the cleared search box, ten times: no letter is lost", async () => {
        await runCommand(page!, "LM Lens: Show Embedding Neighbours");
        const frame = await findFrame(page!, "vscode-text-field.search", 1, 45000);
        await frame.locator("ol.rows li .word").first().waitFor({ state: "attached", timeout: 45000 }).catch(() => undefined);
        const field = frame.locator("vscode-text-field.search");
        const typed: string[] = [];
        for (const word of WORDS) {
          await field.click();
          await page!.keyboard.press("Control+A");
          await page!.keyboard.press("Backspace");
          await page!.keyboard.type(word);
          await page!.waitForTimeout(300);
          typed.push(await field.evaluate((f) => (f as unknown as { value: string }).value));
          await page!.keyboard.press("Enter");
          await frame.locator(".status", { hasText: `“${word}”` }).first().waitFor({ timeout: 15000 });
        }
        t.diagnostic(`typed: ${typed.join(", ")}`);
        assert.deepEqual(typed, WORDS);
        await page!.waitForTimeout(500);
        await shot(page!, `neighbours-typed-${theme}`);
      });

      await step("neighbours of “中文”: “not a word the model knows”, and no list", async () => {
        const frame = await findFrame(page!, "vscode-text-field.search");
        const field = frame.locator("vscode-text-field.search");
        await field.click();
        await page!.keyboard.press("Control+A");
        await page!.keyboard.press("Backspace");
        await page!.keyboard.type("中文");
        await page!.keyboard.press("Enter");
        const message = frame.locator(".not-a-word-message");
        await message.waitFor({ state: "visible", timeout: 15000 });
        assert.match((await message.textContent()) ?? "", /^“中文” is not a word the model knows/);
        assert.equal(await frame.locator(".columns").isVisible(), false, "no list");
        assert.equal(await frame.locator(".map-section").isVisible(), false, "no map");
        await page!.waitForTimeout(300);
        await shot(page!, `neighbours-not-a-word-${theme}`);
      });

      await step("after the guided tour the workbench holds the story, one group beside it and one walkthrough tab", async () => {
        await page!.keyboard.press("Escape");
        await openTour(page!);
        await tourStep(page!, "Open the sample story", "Open the story");
        await page!.locator(".tab", { hasText: "Untitled" }).first().waitFor({ state: "visible", timeout: 15000 });
        await page!.waitForTimeout(800);
        await openTour(page!);
        await tourStep(page!, "Watch the model predict the next word", "Why this word?");
        await findFrame(page!, '.tokens .token:has-text("still")', 1, 45000);
        await page!.waitForTimeout(800);
        await openTour(page!);
        await tourStep(page!, "See which earlier words a head attends to", "Show the head");
        await findFrame(page!, '.tokens .token:has-text("keys")', 1, 45000);
        await page!.waitForTimeout(800);
        await openTour(page!);
        await tourStep(page!, "Words are vectors", "Show the neighbours of");
        await page!.waitForTimeout(1500);
        await openTour(page!);
        await tourStep(page!, "How the layers make the prediction", "Show the rollout");
        await findFrame(page!, '.tokens .token:has-text("met")', 1, 45000);
        await page!.waitForTimeout(800);
        // the panel's own Tour button, as a reader goes back to the walkthrough from it
        const frame = await findFrame(page!, '.tokens .token:has-text("met")');
        await frame.locator("vscode-button", { hasText: /^Tour$/ }).first().click();
        await page!.locator(".gettingStartedContainer").first().waitFor({ state: "visible", timeout: 15000 });
        await page!.waitForTimeout(1000);
        const groups = await editorGroups(page!);
        t.diagnostic(`editor groups after the tour: ${JSON.stringify(groups)}`);
        await shot(page!, `tour-workbench-${theme}`);
        const walkthroughs = groups.flat().filter((l) => /walkthrough|welcome|Look inside LM Lens/i.test(l));
        assert.equal(walkthroughs.length, 1, `one walkthrough tab: ${JSON.stringify(groups)}`);
        assert.equal(groups.length, 2, `the story's group and one beside it: ${JSON.stringify(groups)}`);
        assert.ok(groups.some((g) => g.some((l) => /Untitled/.test(l))), "the story is open");
      });
    } finally {
      await browser?.close();
      await server?.stop();
    }
  });
}
