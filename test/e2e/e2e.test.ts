// End-to-end: the packaged extension in a real VS Code (code-server) driven through a real browser,
// checked as a user would, in a light and a dark theme. Screenshots go to test/e2e/screenshots/.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ROOT, startCodeServer, type CodeServer } from "./codeServer";
import { checkWhyThisWord, neighbourWords } from "./whyThisWord";
import { openTour, tourStep } from "./walkthrough";
import { GHOST, currentLine, evidenceStep, ourLogLines, editorLines, editorTab, findFrame, ghostText, openFile, openWorkbench, runCommand, settledEditorFocus, shot, statusMenu, typeAndAccept } from "./workbench";

/** The frame of our attention webview, once its token strip has tokens. */
const attentionFrame = (page: Page) => findFrame(page, ".tokens .token");

/** The extension's "first heatmap" log lines, in order: one per attention request (command -> drawn). */
const HEATMAP_LINE = /attention: \d+ tokens, first heatmap (\d+) ms after the command/;
function heatmapLines(server: CodeServer): string[] {
  return server.logs().split("\n").filter((l) => HEATMAP_LINE.test(l));
}
/** every request's figure of this run, for the summary the suite prints (the README quotes them) */
const heatmapFigures: { theme: string; what: string; ms: number; line: string }[] = [];
/** Wait for the figure of the request made after `before` lines were logged, and keep it. */
async function heatmapFigure(page: Page, server: CodeServer, before: number, theme: string, what: string): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const lines = heatmapLines(server);
    if (lines.length > before) {
      const line = lines[before];
      heatmapFigures.push({ theme, what, ms: Number(HEATMAP_LINE.exec(line)![1]), line: line.replace(/^.*attention: /, "") });
      process.stderr.write(`[e2e] ${theme}, ${what}: ${line.replace(/^.*attention: /, "")}\n`);
      return line;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no first-heatmap figure for ${what}`);
}

for (const theme of ["light", "dark"] as const) {
  let page: Page | undefined;
  let current: CodeServer | undefined;
  /** a subtest that leaves a screenshot when it fails */
  const step = (t: { test: (name: string, fn: () => Promise<void>) => Promise<void> }, name: string, fn: () => Promise<void>) =>
    evidenceStep(t, name, fn, { page: () => page, prefix: `failure-${theme}`, label: theme, logLines: () => ourLogLines(current?.logs()) });
  test(`LM Lens in a real VS Code (${theme} theme)`, async (t) => {
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let stage = "start";
    try {
      server = await startCodeServer({ theme });
      current = server;
      ({ browser, page } = await openWorkbench(server));

      await step(t, "typing 'the hair was still' shows ghost text, and Tab inserts it", async () => {
        stage = "ghost text";
        await openFile(page!, "notes.txt");
        await typeAndAccept(page!, "the hair was still", "the hair was still", `ghost-text-${theme}`);
      });

      await step(t, "typing a partial word shows the rest of that word", async () => {
        stage = "partial word";
        await page!.keyboard.press("Enter");
        await page!.keyboard.type("I will be there tomor", { delay: 60 });
        const ghost = await ghostText(page!);
        await shot(page!, `partial-word-${theme}`);
        assert.match(ghost, /^\p{L}+/u, `ghost text ${JSON.stringify(ghost)} continues the word`);
        // with VS Code's default editor settings the word popup would cover it; in plain text it stays closed
        assert.equal(await page!.locator(".editor-widget.suggest-widget.visible").count(), 0, "no word popup over the ghost text");
        // with text selected there is no suggestion, not even when asked for (typing would replace the selection)
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("Home");
        await page!.keyboard.press("Shift+End");
        await page!.keyboard.press("Alt+Backslash");
        await page!.waitForTimeout(1500);
        assert.equal(await page!.locator(GHOST).count(), 0, "no ghost text while text is selected");
        await page!.keyboard.press("End");
      });

      await step(t, "the status bar item reports ready, and its menu pauses suggestions", async () => {
        stage = "status bar";
        const item = page!.locator(".statusbar-item", { hasText: "LM Lens" }).first();
        await item.waitFor({ state: "visible" });
        assert.match((await item.textContent()) ?? "", /LM Lens: ready/);
        await statusMenu(page!, "Pause Suggestions");
        await page!.locator(".statusbar-item", { hasText: "LM Lens: paused" }).first().waitFor({ state: "visible" });
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("Enter");
        await page!.keyboard.type("She opened the door and", { delay: 60 });
        await page!.waitForTimeout(1500);
        assert.equal(await page!.locator(GHOST).count(), 0, "no ghost text while paused");
        await shot(page!, `paused-${theme}`);
        await statusMenu(page!, "Resume Suggestions");
        await page!.locator(".statusbar-item", { hasText: "LM Lens: ready" }).first().waitFor({ state: "visible" });
      });

      await step(t, "Show Attention on a selected sentence renders the token strip and the heatmap", async () => {
        stage = "attention";
        await page!.keyboard.press("Escape");
        await openFile(page!, "story.txt");
        await page!.keyboard.press("Control+Home");
        await page!.keyboard.press("Shift+End");
        const before = heatmapLines(server!).length;
        await runCommand(page!, "LM Lens: Show Attention");
        const frame = await attentionFrame(page!);
        await heatmapFigure(page!, server!, before, theme, "first open, a sentence");
        const tokens = await frame.locator(".tokens .token, .tokens [data-index]").allTextContents();
        assert.ok(tokens.length >= 10, `${tokens.length} tokens`);
        assert.ok(tokens.some((t) => t.includes("platform")), tokens.join(" "));
        const box = await frame.locator("canvas.heatmap").first().boundingBox();
        assert.ok(box && box.width > 100 && box.height > 100, "the heatmap is drawn");
        await page!.waitForTimeout(500);
        await shot(page!, `attention-${theme}`);
        // the other views render too
        for (const [tab, name] of [["All heads", "grid"], ["Lines", "lines"], ["Rollout", "rollout"]] as const) {
          await frame.locator("vscode-panel-tab", { hasText: tab }).first().click();
          await page!.waitForTimeout(400);
          await shot(page!, `attention-${name}-${theme}`);
        }
        assert.ok((await frame.locator(".grid canvas").count()) >= 4, "a small heatmap for every layer and head");
        assert.ok((await frame.locator(".lines-host svg line, .lines-host svg path").count()) > 0, "the lines view draws lines");
        await frame.locator("vscode-panel-tab", { hasText: "Heatmap" }).first().click();
      });

      await step(t, "a token chosen in the panel is marked in the editor, and the mark does not grow when text is typed at its edge", async () => {
        stage = "token mark";
        const frame = await attentionFrame(page!);
        // the first token, "The": chosen, it stays marked in the editor
        await frame.locator(".tokens .token").first().click();
        // the decorations an extension sets are drawn as elements with a "ced-" class; the widest is the mark
        const markWidth = () => page!.evaluate(`Math.max(0, ...Array.from(document.querySelectorAll('.monaco-editor .view-overlays [class*="ced-"], .monaco-editor .view-lines [class*="ced-"]'), (e) => e.getBoundingClientRect().width))`) as Promise<number>;
        /** the mark's width once it has stopped changing (the editor draws decorations in passes) */
        const settledWidth = async () => {
          let last = -1;
          for (let i = 0; i < 40; i++) {
            const w = await markWidth();
            if (w > 0 && w === last) return w;
            last = w;
            await page!.waitForTimeout(150);
          }
          return last;
        };
        const w0 = await settledWidth();
        assert.ok(w0 > 12, `the mark covers "The" (${w0} px)`);
        await editorTab(page!, "story.txt");
        await page!.keyboard.press("Control+Home");
        await page!.keyboard.press("Control+ArrowRight");
        await page!.keyboard.type("xyz");
        try {
          await page!.waitForTimeout(300);
          assert.match((await editorLines(page!))[0] ?? "", /^Thexyz train/);
          const w1 = await settledWidth();
          process.stderr.write(`[e2e] ${theme}: the chosen token's mark is ${w0.toFixed(1)} px wide, ${w1.toFixed(1)} px after "xyz" was typed at its edge\n`);
          assert.ok(Math.abs(w1 - w0) < 2, `the mark was ${w0.toFixed(1)} px wide and is ${w1.toFixed(1)} px after typing at its edge`);
        } finally {
          // the next steps read the story as it was, saved: the typing is undone (Escape first: a ghost text may show)
          await page!.keyboard.press("Escape");
          for (let i = 0; i < 3 && !/^The train/.test((await editorLines(page!))[0] ?? ""); i++) {
            await page!.keyboard.press("Control+Z");
            await page!.waitForTimeout(200);
          }
          await page!.keyboard.press("Escape");
          await settledEditorFocus(page!);
        }
        assert.match((await editorLines(page!))[0] ?? "", /^The train/, "the story is as it was");
        assert.equal(await page!.locator('.tab.dirty[aria-label*="story.txt"]').count(), 0, "the story has no unsaved change");
      });

      await step(t, "a 128-token paragraph shows its heatmap quickly (time from the command to the heatmap)", async () => {
        stage = "attention timing";
        await editorTab(page!, "story.txt");
        await openFile(page!, "paragraph.txt");
        await page!.keyboard.press("Control+A");
        const before = heatmapLines(server!).length;
        await runCommand(page!, "LM Lens: Show Attention");
        const t0 = Date.now();
        const frame = await findFrame(page!, ".tokens .token", 100, 30000, 20);
        await frame.locator("canvas.heatmap").first().waitFor({ state: "visible" });
        const ms = Date.now() - t0;
        process.stderr.write(`[e2e] ${theme}: ${await frame.locator(".tokens .token").count()} tokens, heatmap seen by the harness ${ms} ms after the command\n`);
        // the extension's own figure for this request: from the command to the webview's report that it drew the view
        const line = await heatmapFigure(page!, server!, before, theme, "a 128-token paragraph");
        assert.match(line, /1[23]\d tokens/, "this request's figure, not an earlier one");
        await shot(page!, `attention-paragraph-${theme}`);
      });

      await step(t, "a selection containing markup shows as text and runs nothing", async () => {
        stage = "hostile text";
        let dialogs = 0;
        page!.on("dialog", (d) => {
          dialogs++;
          void d.dismiss();
        });
        // back to the first editor group (the panel has the focus), then to notes.txt
        await editorTab(page!, "story.txt");
        await openFile(page!, "notes.txt");
        await page!.keyboard.press("Control+End");
        await page!.keyboard.press("Enter");
        await page!.keyboard.type("<img src=x onerror=alert(1)>", { delay: 20 });
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("Shift+Home");
        await runCommand(page!, "LM Lens: Show Attention");
        await page!.waitForTimeout(1500);
        const frame = await attentionFrame(page!);
        await frame.locator(".tokens .token", { hasText: "src" }).first().waitFor({ timeout: 15000 });
        const chips = await frame.locator(".tokens .token").allTextContents();
        assert.ok(chips.some((c) => c.startsWith("<")) && chips.some((c) => c.includes("onerror") || c.includes("error")), `the markup shows as tokens: ${chips.join(" ")}`);
        assert.equal(await frame.locator("img").count(), 0, "no <img> element was created");
        await page!.waitForTimeout(1000);
        assert.equal(dialogs, 0, "no alert ran");
        await shot(page!, `hostile-text-${theme}`);
      });

      await step(t, "the LM Lens side panel lists neighbours for a selected word", async () => {
        stage = "neighbours";
        await editorTab(page!, "story.txt");
        await page!.keyboard.press("Control+Home");
        // select the word "train" on the first line
        await page!.keyboard.press("Control+ArrowRight");
        await page!.keyboard.press("Control+Shift+ArrowRight");
        await runCommand(page!, "LM Lens: Show Embedding Neighbours");
        const frame = await findFrame(page!, "ol.rows li .word", 5, 45000);
        const words = await frame.locator("ol.rows li .word").allTextContents();
        assert.ok(words.length >= 5, words.join(", "));
        assert.ok(words.every((w) => w.length > 0 && !w.startsWith(" ")), words.join(", "));
        await page!.waitForTimeout(800);
        await shot(page!, `neighbours-${theme}`);
        // k = 30: the map's labels never overlap (the ones without room show on hover and focus)
        await frame.locator("#k").fill("30");
        await frame.locator("ol.rows").first().locator("li").nth(29).waitFor({ state: "attached", timeout: 30000 });
        await frame.locator("svg.map .point").nth(30).waitFor({ state: "attached", timeout: 30000 });
        await page!.waitForTimeout(800);
        // in one evaluation: the map is redrawn whole when a list arrives or the width changes
        await frame.evaluate(`document.querySelector("svg.map")?.scrollIntoView({ block: "nearest" })`);
        await page!.waitForTimeout(200);
        await shot(page!, `neighbours-k30-${theme}`);
        const labels = await frame.evaluate<{ shown: number; hidden: number; overlaps: string[] }>(`(() => {
          const shown = [...document.querySelectorAll("svg.map .point text.label")].filter((t) => getComputedStyle(t).visibility !== "hidden");
          const boxes = shown.map((t) => ({ word: t.textContent, r: t.getBoundingClientRect() }));
          const overlaps = [];
          for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
            const p = boxes[a].r, q = boxes[b].r;
            if (p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5) overlaps.push(boxes[a].word + " / " + boxes[b].word);
          }
          return { shown: shown.length, hidden: document.querySelectorAll("svg.map .point text.hidden-label").length, overlaps };
        })()`);
        assert.equal(labels.shown + labels.hidden, 31, "the query and 30 neighbours on the map");
        assert.ok(labels.shown >= 5, `${labels.shown} labels shown`);
        assert.deepEqual(labels.overlaps, [], "no two labels overlap");
        t.diagnostic(`map at k = 30 (${theme}): ${labels.shown} labels shown, ${labels.hidden} on hover`);
        await frame.locator("#k").fill("10");
        // follow the editor: select another word and time the list (the extension logs it)
        // the keys go to the editor only once it holds the focus (the view's field had it)
        await editorTab(page!, "story.txt");
        await page!.keyboard.press("Control+Home");
        await page!.keyboard.press("Control+Shift+ArrowRight");
        let line: string | undefined;
        for (let i = 0; i < 40 && !line; i++) {
          line = server!.logs().split("\n").filter((l) => /neighbours: list for "The" sent to the view \d+ ms/.test(l)).at(-1);
          if (!line) await page!.waitForTimeout(250);
        }
        assert.ok(line, "the neighbours list followed the selection");
        process.stderr.write(`[e2e] ${theme}: ${line.replace(/^.*neighbours: /, "")}\n`);
      });

      await step(t, "awkward documents: CRLF line ends, several cursors, a read-only editor, a notebook cell", async () => {
        stage = "awkward documents";
        await page!.keyboard.press("Escape");
        // CRLF: the ghost text shows and Tab inserts it; the file stays CRLF
        await openFile(page!, "crlf.txt");
        await page!.keyboard.press("Control+End");
        await typeAndAccept(page!, " still", "the garden was still");
        assert.ok((await page!.locator(".statusbar-item", { hasText: "CRLF" }).count()) > 0, "still CRLF");
        // several cursors: what is typed goes to each; nothing else is inserted while a suggestion shows
        await page!.keyboard.press("End");
        await page!.keyboard.press("Enter");
        await page!.keyboard.press("Enter");
        await runCommand(page!, "Add Cursor Above");
        await page!.waitForTimeout(300);
        await page!.keyboard.type("She opened the door and", { delay: 60 });
        await page!.waitForTimeout(1500);
        await shot(page!, `several-cursors-${theme}`);
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("Escape");
        await page!.waitForTimeout(500);
        const lines = await editorLines(page!);
        assert.equal(lines.filter((l) => l === "She opened the door and").length, 2, lines.join(" | "));
        // read-only: no suggestion is offered for a document that cannot change, attention still works
        await openFile(page!, "story.txt");
        await runCommand(page!, "Toggle Active Editor Read-only in Session");
        await page!.waitForTimeout(500);
        await page!.keyboard.press("Control+End");
        await page!.keyboard.type("x", { delay: 60 });
        assert.doesNotMatch(await currentLine(page!), /x$/, "a read-only document takes no text");
        await page!.keyboard.press("Control+Home");
        await page!.keyboard.press("Shift+End");
        await runCommand(page!, "LM Lens: Show Attention");
        await findFrame(page!, '.tokens .token:has-text("platform")');
        await runCommand(page!, "Toggle Active Editor Read-only in Session");
        // a notebook's cell gets suggestions like any document
        await openFile(page!, "cells.ipynb");
        const cell = page!.locator(".notebook-editor .cell-editor-container .monaco-editor .view-line", { hasText: "the hair was" }).first();
        await cell.waitFor({ state: "visible", timeout: 30000 });
        await cell.click();
        await page!.keyboard.press("End");
        await page!.keyboard.type(" still", { delay: 60 });
        const cellGhost = await ghostText(page!);
        assert.match(cellGhost, /^ \p{L}+/u, `ghost text in a cell ${JSON.stringify(cellGhost)}`);
        await shot(page!, `notebook-cell-${theme}`);
        await page!.keyboard.press("Escape");
        await page!.keyboard.press("Escape");
        await runCommand(page!, "View: Revert and Close Editor");
        await page!.waitForTimeout(500);
      });

      await step(t, "the guided tour can be followed step by step, and each step does what it says", async () => {
        stage = "tour";
        await page!.keyboard.press("Escape");
        await openTour(page!);
        await shot(page!, `tour-start-${theme}`);
        // 1. the sample story opens as an untitled document, cursor after "the hair was still", ghost text showing
        await tourStep(page!, "Open the sample story", "Open the story");
        await page!.locator(".tab", { hasText: "Untitled" }).first().waitFor({ state: "visible", timeout: 15000 });
        const ghost = await ghostText(page!);
        assert.match(ghost, /^ \p{L}+/u, `ghost text ${JSON.stringify(ghost)} after the story`);
        assert.match(await currentLine(page!), /the hair was still/);
        await shot(page!, `tour-1-story-${theme}`);
        // 2. Why this word? from the walkthrough: the panel opens on the story with the candidates listed
        await openTour(page!);
        let before = heatmapLines(server!).length;
        await tourStep(page!, "Watch the model predict the next word", "Why this word?");
        let frame = await findFrame(page!, '.tokens .token:has-text("still")');
        await heatmapFigure(page!, server!, before, theme, "tour: Why this word?");
        // the candidates arrive a moment after the heatmap: the alternatives at the position before the
        // suggestion, the suggested word marked, its tokens marked in the strip, "still"'s row chosen
        await frame.locator(".bars li .word").first().waitFor({ state: "visible", timeout: 30000 });
        assert.match((await frame.locator(".next h2").first().textContent()) ?? "", /^Next word after “….*still”: the suggestion and its alternatives$/);
        assert.match((await frame.locator(".bars li.marked .word").first().textContent()) ?? "", /^➜ \p{L}+/u, "the suggested word is marked in the list");
        assert.ok((await frame.locator(".tokens .token.ghost").count()) >= 1, "the suggested token is marked in the strip");
        assert.match((await frame.locator(".tokens .token.chosen .text").first().textContent()) ?? "", /still$/, "the row of the word before the suggestion is shown");
        await checkWhyThisWord(page!, frame, theme); // named after the ghost text's word; three sections
        // 2b. the document memory: the story's memory filled, the word it brings up, the earlier line it points to;
        // pressing that place marks the line in the editor (test/unit/tour.test.ts checks the claim against the model)
        await openTour(page!);
        before = heatmapLines(server!).length;
        await tourStep(page!, "See what the model remembers", "Why this word, with the memory?");
        frame = await findFrame(page!, ".memory-word-block", 1, 45000);
        const tourSource = readFileSync(join(ROOT, "src", "ui", "tour.ts"), "utf8");
        const memoryWord = /memoryWord: "(\w+)"/.exec(tourSource)![1];
        const memoryLine = /memoryLine: "([^"]+)"/.exec(tourSource)![1];
        const storyLine = readFileSync(join(ROOT, "media", "tour", "sample.txt"), "utf8").split("\n").findIndex((l) => l.includes(memoryLine)) + 1;
        const block = frame.locator(".memory-word-block", { hasText: `“ ${memoryWord}”` }).first();
        await block.waitFor({ state: "visible", timeout: 30000 });
        const place = block.locator("button.place").first();
        assert.equal(((await place.locator(".place-line").textContent()) ?? "").trim(), String(storyLine), "the heaviest place is the story's line about her red hair");
        assert.equal(((await place.locator("mark").textContent()) ?? "").trim(), memoryWord);
        // the details and the places' lines arrive one after the other: the section may be drawn again
        for (let attempt = 0; ; attempt++) {
          try {
            await place.scrollIntoViewIfNeeded({ timeout: 5000 });
            break;
          } catch (e) {
            if (attempt >= 4) throw e;
            await page!.waitForTimeout(300);
          }
        }
        await page!.waitForTimeout(400);
        await shot(page!, `tour-memory-${theme}`);
        const marksBefore = await page!.locator('.monaco-editor [class*="ced-"]').count();
        await place.click();
        await page!.waitForFunction(`document.querySelectorAll('.monaco-editor [class*="ced-"]').length > ${marksBefore}`, undefined, { timeout: 5000 });
        await shot(page!, `tour-memory-place-${theme}`);
        // 3. the head that links "were" to its subject
        await openTour(page!);
        before = heatmapLines(server!).length;
        await tourStep(page!, "See which earlier words a head attends to", "Show the head");
        frame = await findFrame(page!, '.tokens .token:has-text("keys")');
        await heatmapFigure(page!, server!, before, theme, "tour: a head");
        await frame.locator(".summary", { hasText: "were" }).first().waitFor({ state: "visible", timeout: 30000 });
        const summary = (await frame.locator(".summary").first().textContent()) ?? "";
        assert.match(summary, /^Layer 2, head 1: “·?were” \(token \d+\) looks most at “·?keys”/, summary);
        await page!.waitForTimeout(400);
        await shot(page!, `tour-3-attention-${theme}`);
        // 4. the neighbours of "father": the words the page names (test/unit/tour.test.ts checks them against the model)
        await openTour(page!);
        await tourStep(page!, "Words are vectors", "Show the neighbours of");
        const nframe = await findFrame(page!, "ol.rows li .word", 5, 45000);
        const named = Array.from(readFileSync(join(ROOT, "media", "tour", "neighbours.md"), "utf8").matchAll(/such as "(\w+)" and "(\w+)"/g)).flatMap((m) => m.slice(1));
        assert.equal(named.length, 2);
        const words = await neighbourWords(page!, nframe, named);
        assert.ok(named.every((c) => words.includes(c)), `${named.join(", ")} among ${words.join(", ")}`);
        await shot(page!, `tour-4-neighbours-${theme}`);
        // 5. the temperature setting opens; setting it completes the step (set back to 0 after)
        await openTour(page!);
        await tourStep(page!, "Change the temperature", "Open the temperature setting");
        const input = page!.locator('.settings-editor .setting-item-contents input[type="number"], .settings-editor .setting-item-contents input').first();
        await input.waitFor({ state: "visible", timeout: 15000 });
        const setTemperature = async (v: string) => {
          await input.click();
          await page!.keyboard.press("Control+A");
          await page!.keyboard.type(v);
          await page!.keyboard.press("Tab");
          await page!.waitForTimeout(1000);
        };
        await setTemperature("1");
        await shot(page!, `tour-5-temperature-${theme}`);
        await setTemperature("0");
        // 6. attention rollout on a sentence of the story
        await openTour(page!);
        before = heatmapLines(server!).length;
        await tourStep(page!, "How the layers make the prediction", "Show the rollout");
        frame = await findFrame(page!, '.tokens .token:has-text("met")');
        await heatmapFigure(page!, server!, before, theme, "tour: rollout");
        await frame.locator("#view-rollout canvas").first().waitFor({ state: "visible", timeout: 30000 });
        await page!.waitForTimeout(600);
        await shot(page!, `tour-6-rollout-${theme}`);
        // the walkthrough shows every step as done
        await openTour(page!);
        await page!.waitForTimeout(500);
        await shot(page!, `tour-done-${theme}`);
        const done = await page!.locator('.gettingStartedContainer .getting-started-step [role="checkbox"][aria-checked="true"]').count();
        assert.equal(done, 7, `${done} of 7 steps marked done`);
      });

      await step(t, "the extension host log has no errors from the extension", async () => {
        stage = "logs";
        const logs = server!.logs();
        const ours = logs.split("\n").filter((l) => /lm-lens|LM Lens|lmLens/i.test(l) && /\[error\]|Error:/i.test(l));
        assert.deepEqual(ours, [], ours.join("\n"));
        assert.match(logs, /model ready/, "our output channel logged the model load");
      });

      await step(t, "the model host made no network system call and onnxruntime wrote no telemetry file", async () => {
        stage = "no network";
        // strace writes its log in blocks: it is whole once code-server (and strace with it) has stopped
        await server!.stop();
        assert.deepEqual(server!.telemetryFiles(), [], "onnxruntime wrote nothing under its fresh HOME");
        if (!server!.traced) return t.diagnostic("strace is not installed: the system calls were not checked (CI installs it)");
        const n = server!.modelHostNetwork();
        assert.ok(n.hosts.length >= 1, "the trace saw the model host start");
        assert.ok(n.threads > n.hosts.length, "the trace followed the model host's threads");
        assert.deepEqual(n.network, [], "no socket other than the host's IPC");
        t.diagnostic(`no network: ${n.hosts.length} model host process(es), ${n.threads} threads and children traced`);
      });
    } catch (e) {
      const path = page ? await shot(page, `failure-${theme}-${stage.replace(/\W+/g, "-")}`).catch(() => "(none)") : "(none)";
      process.stderr.write(`\n[e2e] failed at step "${stage}" (${theme}); screenshot: ${path}\n[e2e] extension host log:\n${server?.logs() ?? ""}\n`);
      throw e;
    } finally {
      await browser?.close();
      await server?.stop();
    }
  });
}

after(() => {
  // every attention request's own figure, command to first heatmap (the README quotes these)
  if (heatmapFigures.length === 0) return;
  const ms = heatmapFigures.map((f) => f.ms);
  process.stderr.write(`[e2e] first heatmap per request (${heatmapFigures.length} requests): ${Math.min(...ms)}-${Math.max(...ms)} ms\n`);
  for (const f of heatmapFigures) process.stderr.write(`[e2e]   ${f.theme}, ${f.what}: ${f.line}\n`);
});
