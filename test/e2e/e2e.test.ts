// End-to-end: the packaged extension in a real VS Code (code-server) driven through a real browser,
// checked as a user would, in a light and a dark theme. Screenshots go to test/e2e/screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT, startCodeServer, type CodeServer } from "./codeServer";

const SHOTS = join(ROOT, "test", "e2e", "screenshots");
mkdirSync(SHOTS, { recursive: true });
const GHOST = ".ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text";

async function shot(page: Page, name: string): Promise<string> {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press("Control+P");
  await page.waitForSelector(".quick-input-widget input", { state: "visible" });
  await page.keyboard.type(name);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`, { timeout: 30000 });
  await page.keyboard.press("Enter");
  await page.waitForSelector(`.tab[aria-label*="${name}"]`, { timeout: 15000 });
  await page.click(".monaco-editor .view-lines");
}

async function ghostText(page: Page, timeout = 20000): Promise<string> {
  await page.waitForSelector(GHOST, { state: "visible", timeout });
  return (await page.locator(GHOST).allTextContents()).join("").replace(/\u00a0/g, " ");
}

async function currentLine(page: Page): Promise<string> {
  return (await page.locator(".monaco-editor .view-line").last().textContent() ?? "").replace(/\u00a0/g, " ");
}

for (const theme of ["light", "dark"] as const) {
  test(`LM Lens in a real VS Code (${theme} theme)`, async (t) => {
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let step = "start";
    let page: Page | undefined;
    try {
      server = await startCodeServer({ theme });
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
      });
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
      await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
      await page.waitForSelector(".statusbar-item", { timeout: 60000 });

      await t.test("typing 'the hair was still' shows ghost text, and Tab inserts it", async () => {
        step = "ghost text";
        await openFile(page!, "notes.txt");
        await page!.keyboard.type("the hair was still", { delay: 60 });
        const ghost = await ghostText(page!);
        await shot(page!, `ghost-text-${theme}`);
        assert.match(ghost, /^ \p{L}+/u, `ghost text ${JSON.stringify(ghost)}`);
        await page!.keyboard.press("Tab");
        await page!.waitForTimeout(300);
        assert.equal(await currentLine(page!), "the hair was still" + ghost);
      });

      await t.test("typing a partial word shows the rest of that word", async () => {
        step = "partial word";
        await page!.keyboard.press("Enter");
        await page!.keyboard.type("the quick brown fox jum", { delay: 60 });
        const ghost = await ghostText(page!);
        await shot(page!, `partial-word-${theme}`);
        assert.match(ghost, /^\p{L}+/u, `ghost text ${JSON.stringify(ghost)} continues the word`);
      });

      await t.test("the status bar item reports ready, and clicking it pauses suggestions", async () => {
        step = "status bar";
        const item = page!.locator(".statusbar-item", { hasText: "LM Lens" }).first();
        await item.waitFor({ state: "visible" });
        assert.match((await item.textContent()) ?? "", /LM Lens: ready/);
        await item.click();
        await page!.locator(".statusbar-item", { hasText: "LM Lens: paused" }).first().waitFor({ state: "visible" });
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("Enter");
        await page!.keyboard.type("She opened the door and", { delay: 60 });
        await page!.waitForTimeout(1500);
        assert.equal(await page!.locator(GHOST).count(), 0, "no ghost text while paused");
        await shot(page!, `paused-${theme}`);
        await page!.locator(".statusbar-item", { hasText: "LM Lens" }).first().click();
        await page!.locator(".statusbar-item", { hasText: "LM Lens: ready" }).first().waitFor({ state: "visible" });
      });

      await t.test("the extension host log has no errors from the extension", async () => {
        step = "logs";
        const logs = server!.logs();
        const ours = logs.split("\n").filter((l) => /lm-lens|LM Lens|lmLens/i.test(l) && /\[error\]|Error:/i.test(l));
        assert.deepEqual(ours, [], ours.join("\n"));
        assert.match(logs, /model ready/, "our output channel logged the model load");
      });
    } catch (e) {
      const path = page ? await shot(page, `failure-${theme}-${step.replace(/\W+/g, "-")}`).catch(() => "(none)") : "(none)";
      process.stderr.write(`\n[e2e] failed at step "${step}" (${theme}); screenshot: ${path}\n[e2e] extension host log:\n${server?.logs() ?? ""}\n`);
      throw e;
    } finally {
      await browser?.close();
      await server?.stop();
    }
  });
}
