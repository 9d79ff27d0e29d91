// The LM Lens walkthrough driven as a user does (Welcome: Open Walkthrough..., a step's title, its button),
// and what the workbench holds after it: shared by the end-to-end suites.
import type { Page } from "playwright-core";
import { runCommand } from "./workbench";

/** The LM Lens walkthrough, opened as a user does: Welcome: Open Walkthrough... */
export async function openTour(page: Page): Promise<void> {
  // the picker's list is virtual and fills as walkthroughs load: filter first, then wait for our row (a
  // clean-clone run once waited 15 s for the row unfiltered); a picker that closed is opened once more
  for (let attempt = 0; ; attempt++) {
    await runCommand(page, "Welcome: Open Walkthrough...");
    try {
      await page.locator(".quick-input-widget .quick-input-box input").first().fill("Look inside LM Lens", { timeout: 5000 });
      await page.waitForSelector('.quick-input-list .monaco-list-row.focused[aria-label*="Look inside LM Lens"]', { timeout: 15000 });
      break;
    } catch (e) {
      if (attempt >= 1) throw e;
      await page.keyboard.press("Escape");
    }
  }
  await page.keyboard.press("Enter");
  await page.locator(".gettingStartedContainer").first().waitFor({ state: "visible", timeout: 15000 });
  await page.waitForTimeout(500);
}

/** Expand a walkthrough step by its title and press its button. */
export async function tourStep(page: Page, title: string, button: string): Promise<void> {
  const container = page.locator(".gettingStartedContainer").first();
  const step = container.locator(".getting-started-step", { hasText: title }).first();
  await step.click();
  await page.waitForTimeout(400);
  // the step's own link: another step's text may name the same command ("Why This Word?")
  await step.locator("a, .monaco-button", { hasText: button }).last().click();
}

/** The editor groups on screen and each one's tabs, by their labels. */
export async function editorGroups(page: Page): Promise<string[][]> {
  return page.evaluate<string[][]>(`Array.from(document.querySelectorAll(".part.editor .editor-group-container"), (g) =>
    Array.from(g.querySelectorAll(".tabs-container .tab"), (t) => t.getAttribute("aria-label") || t.textContent || ""))`);
}
