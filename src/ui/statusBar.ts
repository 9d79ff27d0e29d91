// The status bar item: what the model host is doing (loading / ready / paused / error), the last
// suggestion's latency, and a click that pauses or resumes suggestions.
import * as vscode from "vscode";
import type { HostStatus } from "./hostClient";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private host: HostStatus = { state: "idle" };
  private paused = false;
  private lastMs: number | undefined;
  /** of lastMs, the time the model host spent */
  private lastModelMs: number | undefined;

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

  /** A suggestion's whole time from VS Code's request to the answer (ms), and the model host's share of it. */
  setLatency(ms: number, modelMs?: number): void {
    this.lastMs = ms;
    this.lastModelMs = modelMs;
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
        const ms = this.lastMs === undefined ? "" : ` ${this.lastMs < 10 ? this.lastMs.toFixed(1) : Math.round(this.lastMs)} ms`;
        item.text = `$(lightbulb) LM Lens: ready${ms}`;
        item.tooltip = `LM Lens: ${s.info.name} (${s.info.nLayer} layers, ${s.info.nHead} heads, vocabulary ${s.info.vocabSize}).${this.lastMs === undefined ? "" : ` Last suggestion: ${this.lastMs.toFixed(1)} ms from the editor's request to the answer${this.lastModelMs === undefined ? "" : ` (the model ${this.lastModelMs.toFixed(1)} ms)`}.`} ${click}`;
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
    item.accessibilityInformation = { label: item.text.replace(/\$\([^)]*\)\s*/g, "") };
  }

  dispose(): void {
    this.item.dispose();
  }
}
