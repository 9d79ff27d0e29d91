// End-to-end: the editor's manners from issue 27, in a real VS Code (code-server) through a real browser,
// with the real model: a phrase the document repeats is offered by its memory, and Ctrl+Right takes it
// word by word (each word with its space),
// and moves the cursor by a word where there is none; the user's figures in the status bar's tooltip
// after an accept; the status bar's menu, suggestions turned off (and on) for a language from it; no ghost
// text in a Markdown code fence while prose gets one. Screenshots in a light and a dark theme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { startCodeServer, type CodeServer } from "./codeServer";
import { GHOST, currentLine, evidenceStep, goToLineEnd, ourLogLines, editorLines, editorTab, ghostText, openFile, openWorkbench, shot, statusMenu } from "./workbench";

/** VS Code's default word separators (editor.wordSeparators): accept-next-word stops at them */
const WORD = /^[^\s`~!@#$%^&*()\-=+[{\]}\\|;:'",.<>/?]+/u;
/** the ghost text's first `n` words, each with the white space before it */
function words(ghost: string, n: number): string {
  let taken = "";
  for (let i = 0; i < n; i++) {
    const rest = ghost.slice(taken.length);
    const space = /^\s*/u.exec(rest)![0];
    taken += space + (WORD.exec(rest.slice(space.length))?.[0] ?? "");
  }
  return taken;
}

const item = (page: Page) => page.locator(".statusbar-item", { hasText: "LM Lens" }).first();

/** No ghost text within `ms` after typing. */
async function noGhost(page: Page, ms = 2000): Promise<void> {
  await page.waitForTimeout(ms);
  assert.equal(await page.locator(GHOST).count(), 0, "no ghost text");
}

/** The figures the status bar's tooltip shows, once it shows them (hovering the item). */
async function tooltipFigures(page: Page): Promise<{ text: string; shown: number; accepted: number; saved: number }> {
  await page.mouse.move(10, 10);
  await item(page).hover();
  const hover = page.locator(".workbench-hover, .monaco-hover", { hasText: "Since this window opened" }).first();
  await hover.waitFor({ state: "visible", timeout: 10000 });
  // one line each: the paragraphs and list items, as the user reads them
  const text = (await hover.locator("p, li").allTextContents()).flatMap((l) => l.split("\n")).map((l) => l.replace(/\u00a0/g, " ").trim()).filter(Boolean).join("\n");
  const m = /(\d+) suggestions? shown\n(\d+) accepted.*\n(?:.*\n)*?(\d+) keystrokes? saved/.exec(text);
  assert.ok(m, `the tooltip gives the figures: ${text}`);
  return { text, shown: Number(m[1]), accepted: Number(m[2]), saved: Number(m[3]) };
}

for (const theme of ["light", "dark"] as const) {
  /** the characters the two Ctrl+Right presses took */
  let taken = "";
  test(`the editor's manners: Ctrl+Right, the figures, the status bar's menu, Markdown fences (${theme} theme)`, async (t) => {
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    const step = (name: string, fn: () => Promise<void>) =>
      evidenceStep(t, name, fn, { page: () => page, prefix: `failure-manners-${theme}`, label: theme, logLines: () => ourLogLines(server?.logs()) });
    try {
      server = await startCodeServer({ theme });
      // written before the workbench opens (quick open lists a later file only once its search catches up)
      writeFileSync(join(server.workspace, "fence.md"), "# Notes\n\nSome prose first.\n\n```\n\n```\n\n");
      // a document that repeats a phrase: its memory offers the rest of it
      // (no line break at its end: the phrase is typed on a new last line, the one currentLine reads)
      writeFileSync(join(server.workspace, "phrase.txt"), "Our team maintains the distributed build cache service.\nYesterday the distributed build cache service was down.");
      ({ browser, page } = await openWorkbench(server));

      await step("a phrase the document repeats is offered whole, and Ctrl+Right takes it word by word, each word with its space", async () => {
        await openFile(page!, "phrase.txt");
        await goToLineEnd(page!, 2);
        await page!.keyboard.press("Enter");
        // the first keys start the model; the pause lets the document's memory sync and fill (300 ms after the last event)
        await page!.keyboard.type("We restarted the", { delay: 60 });
        await page!.waitForTimeout(2500);
        await page!.keyboard.type(" distributed", { delay: 60 });
        const typed = "We restarted the distributed";
        const ghost = await ghostText(page!);
        assert.match(ghost, /^ build cache service\b/u, `the memory's phrase: ${JSON.stringify(ghost)}`);
        const first = words(ghost, 1);
        const two = words(ghost, 2);
        assert.match(first, /^ \S/u, `the ghost text ${JSON.stringify(ghost)} starts with a space and a word`);
        assert.ok(two.length > first.length, `the ghost text ${JSON.stringify(ghost)} has a second word`);
        await page!.waitForTimeout(300);
        await shot(page!, `ctrl-right-before-${theme}`);
        await page!.keyboard.press("Control+ArrowRight");
        await page!.waitForFunction(`document.querySelectorAll(".editor-instance .monaco-editor .view-line").length > 0`);
        await page!.waitForTimeout(300);
        assert.equal(await currentLine(page!), typed + first, "one key press took the first word and its space");
        assert.equal(await ghostText(page!, 5000), ghost.slice(first.length), "the rest still shows");
        await shot(page!, `ctrl-right-after-${theme}`);
        await page!.keyboard.press("Control+ArrowRight");
        await page!.waitForTimeout(300);
        assert.equal(await currentLine(page!), typed + two, "the next press took the next word");
        taken = two;
        process.stderr.write(`[e2e] ${theme}: ghost text ${JSON.stringify(ghost)}; Ctrl+Right gave ${JSON.stringify(first)}, then ${JSON.stringify(two.slice(first.length))}\n`);
      });

      await step("without ghost text, Ctrl+Right moves the cursor by a word", async () => {
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("Home");
        await page!.waitForTimeout(300);
        assert.equal(await page!.locator(GHOST).count(), 0);
        await page!.keyboard.press("Control+ArrowRight");
        await page!.keyboard.type("X", { delay: 60 });
        await page!.keyboard.press("Escape");
        assert.match(await currentLine(page!), /^WeX restarted the/, "the cursor moved to the end of the first word");
        await page!.keyboard.press("Backspace");
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("End");
      });

      await step("after a suggestion is accepted, the status bar's tooltip shows the user's figures", async () => {
        await page!.keyboard.press("Enter");
        await page!.keyboard.type("She opened the door and", { delay: 60 });
        const ghost = await ghostText(page!);
        await page!.keyboard.press("Tab");
        await page!.waitForTimeout(300);
        await page!.keyboard.press("Escape");
        assert.equal(await currentLine(page!), "She opened the door and" + ghost);
        const f = await tooltipFigures(page!);
        assert.ok(f.shown >= 1 && f.accepted >= 1 && f.saved > 0, f.text);
        // the two Ctrl+Right presses and the Tab: the characters they inserted, less one key each
        assert.ok(f.accepted >= 2, f.text);
        assert.equal(f.saved, taken.length - 2 + ghost.length - 1, `${JSON.stringify(taken)} with two keys, ${JSON.stringify(ghost)} with one: ${f.text}`);
        await page!.waitForTimeout(300);
        await shot(page!, `status-figures-${theme}`);
        // the item's accessible label says them too
        const label = (await item(page!).locator("[aria-label]").first().getAttribute("aria-label")) ?? "";
        assert.match(label, /Since this window opened: \d+ suggestions? shown/, label);
        process.stderr.write(`[e2e] ${theme}: ${f.text.replace(/\n/g, " | ")}\n`);
        await page!.mouse.move(640, 300);
      });

      await step("a click on the status bar item opens LM Lens's menu, with every entry", async () => {
        await item(page!).click();
        const rows = page!.locator(".quick-input-list .monaco-list-row");
        await rows.first().waitFor({ state: "visible", timeout: 10000 });
        await page!.waitForTimeout(300);
        const labels = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""))).map((l) => l.split(",")[0].trim());
        await shot(page!, `status-menu-${theme}`);
        for (const entry of ["Pause Suggestions", "Turn Off Suggestions for Plain Text", "Open LM Lens Settings", "Show the Log", "Why This Word?", "Show Model Info"]) {
          assert.ok(labels.some((l) => l.includes(entry)), `${entry} among ${labels.join(" | ")}`);
        }
        assert.match((await page!.locator(".quick-input-widget .quick-input-title").first().textContent()) ?? "", /^LM Lens: \d+ shown, \d+ accepted/);
        // by keyboard: the filter, then Enter; Show Model Info gives the figures too
        await page!.locator(".quick-input-widget .quick-input-box input").first().fill("Show Model Info");
        await page!.waitForSelector('.quick-input-list .monaco-list-row.focused[aria-label*="Show Model Info"]', { timeout: 10000 });
        await page!.keyboard.press("Enter");
        const dialog = page!.locator(".monaco-dialog-box").first();
        await dialog.waitFor({ state: "visible", timeout: 15000 });
        assert.match((await dialog.textContent()) ?? "", /Since this window opened: \d+ suggestions? shown, \d+ accepted.*; \d+ keystrokes? saved\./);
        await page!.keyboard.press("Escape");
        await dialog.waitFor({ state: "hidden", timeout: 10000 });
        await page!.mouse.move(640, 300);
        await editorTab(page!, "phrase.txt");
      });

      await step("turned off for this language from the menu, the status bar says so and no ghost text shows; on again, it comes back", async () => {
        await statusMenu(page!, "Turn Off Suggestions for Plain Text");
        await item(page!).filter({ hasText: "LM Lens: off for Plain Text" }).waitFor({ state: "visible", timeout: 10000 });
        const settings = JSON.parse(readFileSync(join(server!.userData, "User", "settings.json"), "utf8")) as Record<string, unknown>;
        assert.deepEqual(settings["lmLens.disabledLanguages"], ["plaintext"], "written to the user's settings");
        await page!.keyboard.press("End");
        await page!.keyboard.press("Enter");
        await page!.keyboard.type("The hair was still", { delay: 60 });
        await noGhost(page!);
        await shot(page!, `status-off-language-${theme}`);
        // another language's editor: the status bar follows the active editor
        await openFile(page!, "fence.md");
        await item(page!).filter({ hasText: "LM Lens: ready" }).waitFor({ state: "visible", timeout: 10000 });
        await openFile(page!, "phrase.txt");
        await item(page!).filter({ hasText: "LM Lens: off for Plain Text" }).waitFor({ state: "visible", timeout: 10000 });
        await statusMenu(page!, "Turn On Suggestions for Plain Text");
        await item(page!).filter({ hasText: "LM Lens: ready" }).waitFor({ state: "visible", timeout: 10000 });
        await page!.keyboard.press("Control+End");
        await page!.keyboard.type(" and", { delay: 60 });
        assert.match(await ghostText(page!), /^ \p{L}/u, "the ghost text is back");
        await page!.keyboard.press("Escape");
      });

      await step("in Markdown, no ghost text inside a ``` fence, while prose gets one", async () => {
        await openFile(page!, "fence.md");
        await goToLineEnd(page!, 6); // the empty line inside the fence: prose there gets no suggestion either
        await page!.keyboard.type("She opened the door and", { delay: 60 });
        await noGhost(page!);
        assert.deepEqual((await editorLines(page!)).slice(4, 7), ["```", "She opened the door and", "```"]);
        await shot(page!, `markdown-fence-${theme}`);
        await goToLineEnd(page!, 8); // the empty line after the fence: prose
        await page!.keyboard.type("the hair was still", { delay: 60 });
        const ghost = await ghostText(page!);
        assert.match(ghost, /^ \p{L}/u, `prose gets a ghost text: ${JSON.stringify(ghost)}`);
        await shot(page!, `markdown-prose-${theme}`);
        await page!.keyboard.press("Escape");
      });

      await step("the extension host log has no errors from the extension", async () => {
        const ours = server!.logs().split("\n").filter((l) => /lm-lens|LM Lens|lmLens/i.test(l) && /\[error\]|Error:/i.test(l));
        assert.deepEqual(ours, [], ours.join("\n"));
      });
    } finally {
      await browser?.close();
      await server?.stop();
    }
  });
}
