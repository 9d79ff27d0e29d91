// The status bar item: what the model host is doing (loading / ready / paused / error), the last
// suggestion's latency, and a click that pauses or resumes suggestions.
import * as vscode from "vscode";
import type { HostStatus } from "../client/modelHostClient";
import type { SuggestionTiming } from "../core/editClock";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private host: HostStatus = { state: "idle" };
  private paused = false;
  /** the last suggestion's times (undefined: none in this editor yet) */
  private last: { timing: SuggestionTiming; modelMs: number | undefined } | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem("lmLens.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "LM Lens";
    this.item.command = "lmLens.toggleSuggestions";
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
    const click = this.paused ? "Click to resume suggestions." : "Click to pause suggestions.";
    if (this.paused) {
      item.text = "$(debug-pause) LM Lens: paused";
      item.tooltip = `LM Lens suggestions are paused. ${click}`;
      item.accessibilityInformation = { label: "LM Lens: suggestions paused" };
      return;
    }
    switch (s.state) {
      case "idle":
        item.text = "$(lightbulb) LM Lens";
        item.tooltip = `LM Lens: the model loads on first use. ${click}`;
        break;
      case "loading":
        item.text = "$(sync~spin) LM Lens: loading";
        item.tooltip = `LM Lens is loading the model from ${s.modelPath}`;
        break;
      case "ready": {
        const last = this.last;
        item.text = `$(lightbulb) LM Lens: ready${last ? ` ${formatMs(last.timing.totalMs)} ms` : ""}`;
        item.tooltip = `LM Lens: ${s.info.name} (${s.info.nLayer} layers, ${s.info.nHead} heads, vocabulary ${s.info.vocabSize}).${last ? ` ${latencyLine(last.timing, last.modelMs)}` : ""} ${click}`;
        break;
      }
      case "restarting":
        item.text = "$(sync~spin) LM Lens: restarting";
        item.tooltip = `LM Lens: ${s.reason}; restarting (attempt ${s.attempt})`;
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
        break;
      case "error":
        item.text = "$(error) LM Lens: model error";
        item.tooltip = `LM Lens: ${s.message}`;
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
        break;
      case "failed":
        item.text = "$(error) LM Lens: stopped";
        item.tooltip = `LM Lens: ${s.message}. Run "LM Lens: Restart Model" to try again.`;
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
        break;
    }
    // the label says what the text says, and for a suggestion what the tooltip says of its time
    const label = item.text.replace(/\$\([^)]*\)\s*/g, "");
    item.accessibilityInformation = { label: s.state === "ready" && this.last ? `${label}. ${latencyLine(this.last.timing, this.last.modelMs)}` : label };
  }

  dispose(): void {
    this.item.dispose();
  }
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
