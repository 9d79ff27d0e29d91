// The end-to-end checks of "Why this word?"'s explanation in the guided tour's step 2, and a wait for the
// neighbours view to follow the selection: kept beside e2e.test.ts so that it stays a readable length.
import assert from "node:assert/strict";
import type { Frame, Page } from "playwright-core";
import { shot } from "./workbench";

/**
 * The panel is named after the ghost text's word; the explanation of that word follows in three sections,
 * the token strip underlined, the last layer the model's answer; "Show all" opens by keyboard. Screenshots:
 * tour-2-why, tour-2-why-explained, tour-2-why-parts, tour-2-why-layers (each with the theme's name).
 */
export async function checkWhyThisWord(page: Page, frame: Frame, theme: string): Promise<void> {
  // the ghost text's word first: the panel is named after it
  const title = (await frame.locator("h1").first().textContent()) ?? "";
  const word = /^Why “(\p{L}+)”\?/u.exec(title)?.[1];
  assert.ok(word, `the panel is named after the ghost text's word: ${JSON.stringify(title)}`);
  await page.waitForTimeout(400);
  await shot(page, `tour-2-why-${theme}`);
  // the explanation follows: the words that mattered, the parts of the model, the layers
  await frame.locator(".explain .why-part h3").nth(2).waitFor({ state: "visible", timeout: 45000 });
  assert.deepEqual(await frame.locator(".explain .why-part h3").allTextContents(), ["The words that mattered", "What each part of the model added", "What each layer would say"]);
  assert.ok((await frame.locator(".tokens .token .effect").count()) >= 3, "the token strip shows what each word's removal does");
  assert.match((await frame.locator(".explain .lens li.answer .layer-name").textContent()) ?? "", /^Layer 4: the model's answer/);
  assert.equal(await frame.locator("section.explain h2").first().textContent(), `Why “${word}”?`, "the explanation is of the ghost text's word");
  assert.equal(await frame.locator("section.explain .notice").count(), 0, "no notice that the ghost text showed another word");
  await frame.locator("section.explain").scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await shot(page, `tour-2-why-explained-${theme}`);
  // all the parts, by keyboard: the "Show all" button opens the list
  await frame.locator(".explain button.link-button", { hasText: "parts" }).focus();
  await page.keyboard.press("Enter");
  await frame.locator(".explain .bars.signed li").nth(20).waitFor({ state: "visible", timeout: 5000 });
  await frame.locator(".explain .why-part").nth(1).scrollIntoViewIfNeeded();
  await shot(page, `tour-2-why-parts-${theme}`);
  await frame.locator(".explain .lens").scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  await shot(page, `tour-2-why-layers-${theme}`);
}

/** The neighbours view's words once it shows every word of `named` (up to 15 s: it follows the selection, and the previous step's words may show for a moment). */
export async function neighbourWords(page: Page, nframe: Frame, named: readonly string[]): Promise<string[]> {
  let words: string[] = [];
  for (let waited = 0; waited < 15000; waited += 250) {
    words = await nframe.locator("ol.rows li .word").allTextContents();
    if (named.every((c) => words.includes(c))) break;
    await page.waitForTimeout(250);
  }
  return words;
}
