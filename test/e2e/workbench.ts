// Driving the code-server workbench as a user does, for the end-to-end suites: the quick input, files,
// commands, the ghost text, the editor's lines, webview frames and screenshots.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Frame, type Page } from "playwright-core";
import { ROOT, type CodeServer } from "./codeServer";

export const SHOTS = join(ROOT, "test", "e2e", "screenshots");
mkdirSync(SHOTS, { recursive: true });
export const GHOST = ".ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text";

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Ctrl+G to a line, the cursor at its end. */
export async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.keyboard.press("Control+G");
  await page.waitForFunction(`document.activeElement !== null && document.activeElement.closest(".quick-input-widget") !== null`, undefined, { timeout: 10000 });
  await page.locator(".quick-input-widget .quick-input-box input").first().fill(`:${line}`, { timeout: 5000 });
  await page.keyboard.press("Enter");
  await settledEditorFocus(page);
  await page.keyboard.press("End");
}

/** What the extension logged (LM Lens's lines, warnings and errors): the first thing to read when a step fails. */
export function ourLogLines(logs: string | undefined): string[] {
  return (logs ?? "").split("\n").filter((l) => /LM Lens|lm-lens|lmLens|\[(warning|error)\]/i.test(l));
}

/**
 * A subtest that, when it fails, leaves a screenshot (`${prefix}-${name}`) and prints the extension's last
 * log lines. `label`: what the failure line adds after the step's name (the theme).
 */
export function evidenceStep(
  t: { test: (name: string, fn: () => Promise<void>) => Promise<void> },
  name: string,
  fn: () => Promise<void>,
  at: { page: () => Page | undefined; prefix: string; label?: string; logLines: () => string[] },
): Promise<void> {
  return t.test(name, async () => {
    try {
      await fn();
    } catch (e) {
      const page = at.page();
      const path = page ? await shot(page, `${at.prefix}-${name.replace(/\W+/g, "-").slice(0, 40)}`).catch(() => "(none)") : "(none)";
      process.stderr.write(`[e2e] step failed: ${name}${at.label ? ` (${at.label})` : ""}; screenshot: ${path}\n[e2e] the extension's last log lines:\n${at.logLines().slice(-30).join("\n")}\n`);
      throw e;
    }
  });
}

/** Chromium on the workbench of a started code-server, once its status bar is drawn. */
export async function openWorkbench(server: CodeServer): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(FOCUS_LOG);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await page.waitForSelector(".statusbar-item", { timeout: 60000 });
  return { browser, page };
}

/**
 * Kept in the page: the last focus changes and who asked for them (the stack of each focus() call), key
 * presses and clicks. Printed when a quick input closes under the test, the one flake whose cause the
 * screenshot cannot show.
 */
const FOCUS_LOG = `(() => {
  const log = (window.__focusLog = []);
  const t0 = performance.now();
  const push = (line) => { log.push((performance.now() - t0).toFixed(0) + " " + line); if (log.length > 200) log.shift(); };
  const where = (e) => !e || !e.closest ? "" : e.closest(".quick-input-widget") ? "quick input" : e.closest(".monaco-editor") ? "editor" : e.closest(".webview, iframe") ? "webview" : e.closest(".part") ? e.closest(".part").className.split(" ").slice(0, 2).join(".") : "";
  const desc = (e) => !e || !e.tagName ? String(e) : e.tagName.toLowerCase() + "." + (typeof e.className === "string" ? e.className.split(" ").slice(0, 2).join(".") : "") + " [" + where(e) + "]";
  const focus = HTMLElement.prototype.focus;
  HTMLElement.prototype.focus = function (...args) {
    push("focus() " + desc(this) + " from " + (new Error().stack || "").split("\\n").slice(2, 8).map((l) => l.trim().replace(/^at /, "").replace(/ \\(.*$/, "")).join(" < "));
    return focus.apply(this, args);
  };
  document.addEventListener("focusin", (e) => push("focusin " + desc(e.target)), true);
  window.addEventListener("blur", () => push("window blur"));
  document.addEventListener("keydown", (e) => push("key " + e.key + " on " + desc(e.target)), true);
  document.addEventListener("mousedown", (e) => push("mousedown on " + desc(e.target)), true);
})()`;

/** The quick input's text field holds the focus (what is typed next goes there, not into the editor). */
const QUICK_INPUT_FOCUSED = `document.activeElement !== null && document.activeElement.closest(".quick-input-widget") !== null && document.activeElement.tagName === "INPUT"`;
/** A text editor holds the focus (what is typed next goes into it). */
export const EDITOR_FOCUSED = `document.activeElement !== null && document.activeElement.closest(".monaco-editor") !== null`;

/** Wait until a text editor holds the focus. */
export async function editorFocus(page: Page, timeout = 15000): Promise<void> {
  await page.waitForFunction(EDITOR_FOCUSED, undefined, { timeout });
}

/**
 * The focus has settled in a text editor: the same element has held it for `quietMs`. A click on a tab
 * moves the focus several times, partly after the click has returned (tab, editor, tab, editor); a key
 * pressed before that ends can open a quick input that the last move then closes.
 */
export async function settledEditorFocus(page: Page, quietMs = 250, timeout = 15000): Promise<void> {
  await page.waitForFunction(
    `(() => {
      const e = document.activeElement;
      if (!e || !e.closest(".monaco-editor")) return (window.__settled = undefined), false;
      const s = window.__settled;
      if (!s || s.e !== e) return (window.__settled = { e, since: performance.now() }), false;
      return performance.now() - s.since >= ${quietMs};
    })()`,
    undefined,
    { timeout, polling: 50 },
  );
}

/** Click an editor's tab (the first group's, when two show it) and wait until its text holds the focus, settled. */
export async function editorTab(page: Page, name: string): Promise<void> {
  await page.locator(".tab", { hasText: name }).first().click();
  await settledEditorFocus(page);
}

/** Open the quick input with a key (Ctrl+P, Ctrl+Shift+P). */
async function quickInput(page: Page, key: string): Promise<void> {
  await page.keyboard.press(key);
  try {
    await page.waitForFunction(QUICK_INPUT_FOCUSED, undefined, { timeout: 5000 });
  } catch {
    // the key went to a webview or a control that kept it: give the focus back to the workbench and try again
    await page.keyboard.press("Escape");
    await page.locator(".monaco-workbench .part.statusbar").first().click({ position: { x: 600, y: 5 } }).catch(() => undefined);
    await page.keyboard.press(key);
    await page.waitForFunction(QUICK_INPUT_FOCUSED, undefined, { timeout: 30000 });
  }
}

/**
 * Open the quick input with `key`, put `text` in its field and wait until the row `row` is focused. The
 * text is filled into the field itself, not typed: if the quick input closes under the test (anything
 * that takes the focus closes it), no keystroke lands in the editor behind it. A quick input that
 * closed is opened again, once, and what the page's focus did is printed.
 */
async function quickPick(page: Page, key: string, text: string, row: string, timeout = 15000): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await quickInput(page, key);
    try {
      await page.locator(".quick-input-widget .quick-input-box input").first().fill(text, { timeout: 5000 });
      await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${row}"]`, { timeout });
      return;
    } catch (e) {
      const open = await page.evaluate<boolean>(QUICK_INPUT_FOCUSED).catch(() => false);
      const log = await page.evaluate<string[]>("(window.__focusLog || []).slice(-60)").catch(() => []);
      process.stderr.write(`[e2e] no row "${row}" after "${text}" (attempt ${attempt}; the quick input ${open ? "is still open" : "has closed"}); the page's last focus changes:\n${log.join("\n")}\n`);
      if (attempt >= 2) throw e;
      await page.keyboard.press("Escape");
      await page.waitForTimeout(300);
    }
  }
}

export async function openFile(page: Page, name: string): Promise<void> {
  // Enter opens the focused row: wait until the filter has put the file there
  await quickPick(page, "Control+P", name, name);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`.tab.active[aria-label*="${name}"]`, { timeout: 15000 });
  // typing before the editor holds the focus loses keystrokes (a CI run once lost the first "t"); a
  // notebook keeps the focus on its cell list until a cell is clicked, so it is not waited for
  if (!name.endsWith(".ipynb")) await editorFocus(page);
  await page.waitForTimeout(300);
}

export async function runCommand(page: Page, title: string): Promise<void> {
  // the command palette's field starts with ">": what follows it is the command's title
  await quickPick(page, "Control+Shift+P", `>${title}`, title, 10000);
  await page.keyboard.press("Enter");
}

/**
 * Click the LM Lens status bar item and choose `entry` from its menu by keyboard (its filter, then Enter).
 * The click leaves the focus on the item, where the menu gives it back: it goes back to the active editor
 * unless the entry took it elsewhere.
 */
export async function statusMenu(page: Page, entry: string): Promise<void> {
  await page.locator(".statusbar-item", { hasText: "LM Lens" }).first().click();
  await page.waitForFunction(QUICK_INPUT_FOCUSED, undefined, { timeout: 10000 });
  await page.locator(".quick-input-widget .quick-input-box input").first().fill(entry, { timeout: 5000 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${entry}"]`, { timeout: 10000 });
  await page.keyboard.press("Enter");
  await page.mouse.move(640, 300);
  await page.waitForTimeout(300);
  if (await page.evaluate<boolean>(`document.activeElement !== null && document.activeElement.closest(".statusbar") !== null`)) {
    await page.locator(".tab.active").first().click();
    await settledEditorFocus(page);
  }
}

export async function ghostText(page: Page, timeout = 20000): Promise<string> {
  await page.waitForSelector(GHOST, { state: "visible", timeout });
  return (await page.locator(GHOST).allTextContents()).join("").replace(/\u00a0/g, " ");
}

/** The text of the editor's lines, without any ghost text on screen. */
export async function editorLines(page: Page): Promise<string[]> {
  // (run in the page: the test's own TypeScript has no DOM types)
  return page.evaluate<string[]>(`Array.from(document.querySelectorAll(".editor-instance .monaco-editor .view-line"), (l) => {
    const c = l.cloneNode(true);
    c.querySelectorAll('[class*="ghost-text"]').forEach((g) => g.remove());
    return (c.textContent || "").replace(/\\u00a0/g, " ");
  })`);
}

export async function currentLine(page: Page): Promise<string> {
  return (await editorLines(page)).at(-1) ?? "";
}

/** Type, wait for the ghost text (a space and a word), accept it with Tab: the last line then reads `line` + the ghost text. */
export async function typeAndAccept(page: Page, typed: string, line: string, shotName?: string): Promise<string> {
  await page.keyboard.type(typed, { delay: 60 });
  const ghost = await ghostText(page);
  if (shotName) await shot(page, shotName);
  assert.match(ghost, /^ \p{L}+/u, `ghost text ${JSON.stringify(ghost)}`);
  await page.keyboard.press("Tab");
  await page.waitForTimeout(300);
  // the next suggestion may already show after the accepted word: hide it before reading the line
  await page.keyboard.press("Escape");
  await page.waitForTimeout(200);
  assert.equal(await currentLine(page), line + ghost);
  return ghost;
}

/** The first frame (webviews are nested frames) with at least `min` elements matching `selector`. */
export async function findFrame(page: Page, selector: string, min = 1, timeout = 30000, pollMs = 100): Promise<Frame> {
  const t0 = Date.now();
  for (;;) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator(selector).count()) >= min) return f;
      } catch {
        // a frame that went away
      }
    }
    if (Date.now() - t0 > timeout) throw new Error(`no frame with ${min} x ${selector} appeared`);
    await page.waitForTimeout(pollMs);
  }
}
