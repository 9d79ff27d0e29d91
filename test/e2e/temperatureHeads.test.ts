// End-to-end: issue 28's "temperature you can watch" and "all heads at once", in a real VS Code
// (code-server) through a real browser, with the real model, in a light and a dark theme. In "Why this
// word?" the temperature and top-k, moved by keyboard, redraw each word's chance of being the suggestion
// beside the model's probability (greedy at 0; at 1 the probabilities over the top k; at 2 flatter), the
// user's settings untouched until "Use for suggestions" writes them; the Lines view draws every head of
// the layer at once, one colour each, and a head's checkbox takes its lines away.
// Screenshots: sampling-t0, sampling-t1-k5, sampling-t2-k3, lines-all-heads, lines-three-heads; each
// with the theme's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { startCodeServer, type CodeServer } from "./codeServer";
import { evidenceStep, findFrame, ghostText, openFile, openWorkbench, ourLogLines, runCommand, shot } from "./workbench";

/** "12.3%" as 12.3; "<0.1%" as 0 */
const pct = (s: string) => (s.startsWith("<") ? 0 : parseFloat(s));

/** The list's rows: each word, the model's probability and its chance of being picked (percent, as shown). */
async function rows(frame: Frame): Promise<{ word: string; model: number; picked: number }[]> {
  const items = frame.locator("ol.bars li.sampled:not(.head)");
  const n = await items.count();
  const out: { word: string; model: number; picked: number }[] = [];
  for (let i = 0; i < n; i++) {
    const li = items.nth(i);
    out.push({ word: (await li.locator(".word").textContent()) ?? "", model: pct((await li.locator(".p").first().textContent()) ?? ""), picked: pct((await li.locator(".p.share").textContent()) ?? "") });
  }
  return out;
}

/** The shares the suggestion samples from at temperature t among the first k, worked from the model's figures as shown. */
function expectedShares(model: readonly number[], t: number, k: number): number[] {
  const w = model.map((p, i) => (i < k ? Math.pow(p, 1 / t) : 0));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => (100 * x) / total);
}

function userSettings(server: CodeServer): Record<string, unknown> {
  const file = join(server.userData, "User", "settings.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
}

for (const theme of (process.env.E2E_THEMES ?? "light,dark").split(",") as ("light" | "dark")[]) {
  test(`Why this word?'s temperature and top-k, and every head's lines (${theme} theme)`, async (t) => {
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    const step = (name: string, fn: () => Promise<void>) => evidenceStep(t, name, fn, { page: () => page, prefix: `failure-temperature-${theme}`, label: theme, logLines: () => ourLogLines(server?.logs()) });
    try {
      server = await startCodeServer({ theme });
      writeFileSync(join(server.workspace, "door.txt"), "");
      ({ browser, page } = await openWorkbench(server));
      let frame: Frame | undefined;

      await step("Why this word? lists the next words with the model's probability and, at temperature 0, 100 % for the first", async () => {
        await openFile(page!, "door.txt");
        await page!.keyboard.type("She opened the door and", { delay: 50 });
        await ghostText(page!);
        await runCommand(page!, "LM Lens: Why This Word?");
        frame = await findFrame(page!, "ol.bars li.sampled:not(.head)", 5, 45000);
        await frame.locator("section.sampling").waitFor({ state: "visible" });
        assert.equal(await frame.locator("label[for=sampling-temperature]").textContent(), "Temperature");
        assert.equal(await frame.locator("label[for=sampling-topk]").textContent(), "Top-k");
        assert.equal(await frame.locator("#sampling-temperature-value").textContent(), "0 (greedy)", "the user's setting: greedy");
        const r = await rows(frame);
        assert.equal(r[0].picked, 100, "temperature 0: the first word is always the suggestion");
        assert.ok(r.slice(1).every((x) => x.picked === 0), JSON.stringify(r));
        assert.ok(r[0].model < 100 && r[0].model > 0, "the model's own probability stays beside it");
        assert.match((await frame.locator("#sampling-note").textContent()) ?? "", /^Your suggestions use temperature 0 \(greedy\)/);
        assert.equal(await frame.locator("button.use-sampling").isDisabled(), true, "nothing to use: the controls are the user's setting");
        await frame.locator("section.sampling").scrollIntoViewIfNeeded();
        await page!.waitForTimeout(300);
        await shot(page!, `sampling-t0-${theme}`);
      });

      await step("by keyboard, temperature 1 (top-k 5): each word's chance is its probability over the first five; temperature 2, top-k 3: flatter, over three", async () => {
        const range = frame!.locator("#sampling-temperature");
        await range.focus();
        for (let i = 0; i < 20; i++) await page!.keyboard.press("ArrowRight");
        assert.equal(await frame!.locator("#sampling-temperature-value").textContent(), "1.00");
        let r = await rows(frame!);
        let want = expectedShares(r.map((x) => x.model), 1, 5);
        r.forEach((x, i) => assert.ok(Math.abs(x.picked - want[i]) <= 0.6, `${x.word}: picked ${x.picked} %, expected ${want[i].toFixed(2)} % (${JSON.stringify(r)})`));
        assert.ok(r.slice(5).every((x) => x.picked === 0), "past the top 5: never picked");
        const firstAt1 = r[0].picked;
        assert.ok(firstAt1 < 100 && firstAt1 > r[0].model, "renormalised over five words, the first word's chance exceeds its probability");
        assert.equal(await frame!.locator("button.use-sampling").isDisabled(), false);
        assert.match((await frame!.locator("#sampling-note").textContent()) ?? "", /nothing changes until you press “Use for suggestions”/);
        await page!.waitForTimeout(200);
        await shot(page!, `sampling-t1-k5-${theme}`);
        // top-k 3 with the arrow keys, then the temperature at its top with End
        await frame!.locator("#sampling-topk").focus();
        await page!.keyboard.press("ArrowDown");
        await page!.keyboard.press("ArrowDown");
        await range.focus();
        await page!.keyboard.press("End");
        assert.equal(await frame!.locator("#sampling-temperature-value").textContent(), "2.00");
        r = await rows(frame!);
        want = expectedShares(r.map((x) => x.model), 2, 3);
        r.forEach((x, i) => assert.ok(Math.abs(x.picked - want[i]) <= 0.6, `${x.word}: picked ${x.picked} %, expected ${want[i].toFixed(2)} % (${JSON.stringify(r)})`));
        assert.ok(r.slice(3).every((x) => x.picked === 0), "past the top 3: never picked");
        assert.ok(r[0].picked < firstAt1 || r[0].picked < 50, "a higher temperature flattens the chances");
        assert.equal(userSettings(server!)["lmLens.temperature"], undefined, "the user's setting is not touched by moving the controls");
        await page!.waitForTimeout(200);
        await shot(page!, `sampling-t2-k3-${theme}`);
      });

      await step("“Use for suggestions”, pressed by keyboard, writes lmLens.temperature 2 and lmLens.topK 3 to the user's settings", async () => {
        await frame!.locator("button.use-sampling").focus();
        await page!.keyboard.press("Enter");
        let settings: Record<string, unknown> = {};
        for (let i = 0; i < 40 && settings["lmLens.topK"] !== 3; i++) {
          await page!.waitForTimeout(250);
          settings = userSettings(server!);
        }
        assert.equal(settings["lmLens.temperature"], 2);
        assert.equal(settings["lmLens.topK"], 3);
        await frame!.locator("#sampling-note", { hasText: "Your suggestions use temperature 2.00, top-k 3" }).waitFor({ state: "visible", timeout: 10000 });
        assert.equal(await frame!.locator("button.use-sampling").isDisabled(), true);
      });

      await step("the Lines view draws every head of the layer at once, one colour each; a head's checkbox, by keyboard, takes its lines away", async () => {
        await frame!.locator("#tab-lines").click();
        const box = frame!.locator("#lines-all-heads");
        await box.waitFor({ state: "visible" });
        assert.match((await frame!.locator("label[for=lines-all-heads]").textContent()) ?? "", /^Every head of layer \d+ at once, one colour each$/);
        await box.focus();
        await page!.keyboard.press("Space");
        assert.equal(await box.isChecked(), true);
        const headLabels = await frame!.locator(".head-toggles label").allTextContents();
        assert.deepEqual(headLabels, ["Head 1", "Head 2", "Head 3", "Head 4"]);
        const lines = async () =>
          frame!.evaluate<{ head: string; stroke: string }[]>(`Array.from(document.querySelectorAll("svg.lines .weights line"), (l) => ({ head: l.getAttribute("data-head") ?? "", stroke: l.style.stroke }))`);
        let drawn = await lines();
        const heads = new Set(drawn.map((l) => l.head));
        assert.deepEqual([...heads].sort(), ["0", "1", "2", "3"], "every head has lines from the chosen token");
        const colourOf = new Map(drawn.map((l) => [l.head, l.stroke]));
        assert.equal(new Set(colourOf.values()).size, 4, `one colour per head: ${JSON.stringify([...colourOf])}`);
        assert.ok(drawn.every((l) => l.stroke === colourOf.get(l.head)), "a head's lines share its colour");
        assert.match((await frame!.locator(".all-heads-note").textContent()) ?? "", /: 4 of 4 heads drawn/);
        // the checkboxes and the lines below them, at the top of the panel
        await frame!.locator(".all-heads").evaluate((e) => e.scrollIntoView({ block: "start" }));
        await page!.waitForTimeout(300);
        await shot(page!, `lines-all-heads-${theme}`);
        await frame!.locator("#lines-head-1").focus();
        await page!.keyboard.press("Space");
        drawn = await lines();
        assert.deepEqual([...new Set(drawn.map((l) => l.head))].sort(), ["0", "2", "3"], "head 2 switched off");
        assert.match((await frame!.locator(".all-heads-note").textContent()) ?? "", /: 3 of 4 heads drawn/);
        await page!.waitForTimeout(200);
        await shot(page!, `lines-three-heads-${theme}`);
        // off: today's lines of the head chosen above, no head's colour
        await box.focus();
        await page!.keyboard.press("Space");
        drawn = await lines();
        assert.ok(drawn.length > 0 && drawn.every((l) => l.head === "" && l.stroke === ""), "one head's lines again");
      });

      await step("the extension host's log has no errors", async () => {
        const ours = server!.logs().split("\n").filter((l) => /lm-lens|LM Lens|lmLens/i.test(l) && /\[error\]|Error:|ignored a malformed|could not be written/i.test(l));
        assert.deepEqual(ours, [], ours.join("\n"));
      });
    } finally {
      await browser?.close();
      await server?.stop();
    }
  });
}
