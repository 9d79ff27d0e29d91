// The status bar item: what the model host is doing (loading / ready / paused / error), whether this
// editor's language gets suggestions, the last suggestion's latency, the user's own figures in its tooltip,
// and a click that opens LM Lens's menu (statusMenu.ts).
import * as vscode from "vscode";
import type { HostStatus } from "../client/modelHostClient";
import type { SuggestionTiming } from "../core/editClock";
import { describeFigures, figureLines, type TallyFigures } from "../core/suggestionTally";

export const STATUS_MENU_COMMAND = "lmLens.statusMenu";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private host: HostStatus = { state: "idle" };
  private paused = false;
  /** the last suggestion's times (undefined: none in this editor yet) */
  private last: { timing: SuggestionTiming; modelMs: number | undefined } | undefined;
  /** the active editor's language when it gets no suggestions (its name); undefined: it gets them, or no editor */
  private offIn: string | undefined;
  /** lmLens.enable */
  private enabled = true;
  private figures: TallyFigures | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem("lmLens.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "LM Lens";
    this.item.command = STATUS_MENU_COMMAND;
    this.render();
    this.item.show();
  }

  setHost(s: HostStatus): void {
    this.host = s;
    this.render();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.render();
  }

  /** Suggestions are off everywhere (lmLens.enable), or in the active editor's language (its name). */
  setSuggestionsOff(enabled: boolean, offIn: string | undefined): void {
    this.enabled = enabled;
    this.offIn = offIn;
    this.render();
  }

  setFigures(f: TallyFigures): void {
    this.figures = f;
    this.render();
  }

  /**
   * A suggestion's time from the keystroke to the answer, and the model host's share of it (undefined:
   * the rest of an earlier suggestion, no model run); undefined: none to show (another editor is active).
   */
  setLatency(timing: SuggestionTiming | undefined, modelMs?: number): void {
    this.last = timing && { timing, modelMs };
    this.render();
  }

  private render(): void {
    const s = this.host;
    const item = this.item;
    item.backgroundColor = undefined;
    const click = "Click for LM Lens's menu.";
    const shown = this.figures && this.figures.shown > 0 ? this.figures : undefined;
    /** the accessible label's sentence, and the tooltip's list (short lines: the hover breaks long ones anywhere) */
    const figures = shown && describeFigures(shown);
    const figureList: Block = shown && { head: "Since this window opened:", items: figureLines(shown) };
    if (this.paused || (s.state === "idle" || s.state === "ready") && (!this.enabled || this.offIn)) {
      // suggestions are not shown here, whatever the model does: say why (pause first: it is the user's last word)
      const [text, line] = this.paused
        ? ["$(debug-pause) LM Lens: paused", "LM Lens suggestions are paused."]
        : !this.enabled
          ? ["$(circle-slash) LM Lens: off", "LM Lens suggestions are off (lmLens.enable)."]
          : [`$(circle-slash) LM Lens: off for ${this.offIn}`, `LM Lens suggestions are off for ${this.offIn}: the menu turns them on.`];
      item.text = text;
      item.tooltip = tooltip(line, figureList, click);
      item.accessibilityInformation = { label: sentences(text.replace(/\$\([^)]*\)\s*/g, ""), figures), role: "button" };
      return;
    }
    const last = this.last;
    switch (s.state) {
      case "idle":
        item.text = "$(lightbulb) LM Lens";
        item.tooltip = tooltip("LM Lens: the model loads on first use.", figureList, click);
        break;
      case "loading":
        item.text = "$(sync~spin) LM Lens: loading";
        item.tooltip = tooltip(`LM Lens is loading the model from ${s.modelPath}`, click);
        break;
      case "ready":
        item.text = `$(lightbulb) LM Lens: ready${last ? ` ${formatMs(last.timing.totalMs)} ms` : ""}`;
        item.tooltip = tooltip(`LM Lens: ${s.info.name} (${s.info.nLayer} layers, ${s.info.nHead} heads, vocabulary ${s.info.vocabSize}).`, last && latencyBlock(last.timing, last.modelMs), figureList, click);
        break;
      case "restarting":
        item.text = "$(sync~spin) LM Lens: restarting";
        item.tooltip = tooltip(`LM Lens: ${s.reason}; restarting (attempt ${s.attempt})`);
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
        break;
      case "error":
        item.text = "$(error) LM Lens: model error";
        item.tooltip = tooltip(`LM Lens: ${s.message}`);
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
        break;
      case "failed":
        item.text = "$(error) LM Lens: stopped";
        item.tooltip = tooltip(`LM Lens: ${s.message}. Run "LM Lens: Restart Model" to try again.`);
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
        break;
    }
    // the label says what the text says, and what the tooltip says of the last suggestion's time and the figures
    const label = item.text.replace(/\$\([^)]*\)\s*/g, "");
    const ready = s.state === "ready";
    item.accessibilityInformation = { label: sentences(label, ready && last ? latencyLine(last.timing, last.modelMs) : undefined, ready || s.state === "idle" ? figures : undefined), role: "button" };
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** the parts that are there, each ended as a sentence */
function sentences(...parts: (string | false | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .map((p) => (/[.!?]$/.test(p) ? p : `${p}.`))
    .join(" ");
}

/** a paragraph, or a line and a list under it */
type Block = string | { head: string; items: string[] } | undefined;

/**
 * The tooltip: the blocks that are there, their text as text (a model's name is not Markdown). Escaped here,
 * not with appendText, which turns every space into a non-breaking one, so the hover breaks lines in words.
 */
function tooltip(...blocks: Block[]): vscode.MarkdownString {
  const text = (t: string) => t.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, "\\$&").replace(/\s+/g, " ");
  const parts = blocks.filter((b) => b !== undefined).map((b) => (typeof b === "string" ? text(b) : [text(b.head), ...b.items.map((i) => `- ${text(i)}`)].join("\n")));
  return new vscode.MarkdownString(parts.join("\n\n"));
}

/** latencyLine's parts as short lines, for the tooltip */
function latencyBlock(t: SuggestionTiming, modelMs: number | undefined): Block {
  return {
    head: `Last suggestion: ${formatMs(t.totalMs)} ms from the keystroke to the answer`,
    items: [`VS Code asked ${formatMs(t.waitMs)} ms after the keystroke`, modelMs === undefined ? "the rest of an earlier suggestion: no model run" : `the model took ${formatMs(modelMs)} ms`],
  };
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/**
 * The last suggestion's time in words: the whole of it, from the edit reaching the extension (what VS Code
 * does before that, and the drawing after, it cannot see), then its parts.
 */
function latencyLine(t: SuggestionTiming, modelMs: number | undefined): string {
  const model = modelMs === undefined ? "the rest of an earlier suggestion, no model run" : `the model took ${formatMs(modelMs)} ms`;
  return `Last suggestion: ${formatMs(t.totalMs)} ms from the keystroke (as LM Lens heard of it) to the answer: VS Code asked ${formatMs(t.waitMs)} ms after it, ${model}.`;
}
