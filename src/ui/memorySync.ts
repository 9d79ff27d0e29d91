// Keeps the model host's document memory (src/modelHost/documentMemory.ts) in step with the editor: the text
// before the cursor of the active document is sent a moment after it is opened, changed or the cursor
// moves; a closed document's memory is freed. It never starts the model: until the model is ready
// (the first suggestion starts it) nothing is sent, and the next event after that sends the text.
import * as vscode from "vscode";
import { windowStart } from "../core/contextWindow";
import { suggestsIn, type Settings } from "../core/settings";
import type { ModelHostPort } from "../client/modelHostClient";
import { HostError } from "../shared/hostProtocol";

/** quiet time after the last event before the text is sent (ms) */
const SETTLE_MS = 300;
/** tokens of context in front of the memory's first state (documentMemory.ts's FILL_CONTEXT) */
const MEMORY_CONTEXT_TOKENS = 128;

export interface MemorySyncDeps {
  client: ModelHostPort;
  settings: () => Settings;
  isPaused: () => boolean;
  log: (line: string) => void;
}

export class MemorySync implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** documents whose memory the host holds */
  private readonly synced = new Set<string>();

  constructor(private readonly deps: MemorySyncDeps) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.close(d.uri.toString())),
    );
  }

  /** The document key suggestions send (absent: the memory is off, or not held for this document). */
  keyFor(document: vscode.TextDocument): string | undefined {
    const key = document.uri.toString();
    return this.deps.settings().memoryTokens > 0 && this.synced.has(key) ? key : undefined;
  }

  /**
   * Send the active document's text now (an explicit action, such as the tour's, that reads the memory
   * at once), starting the model if it is not running yet.
   */
  async syncNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.deps.settings().memoryTokens === 0) return;
    try {
      await this.deps.client.ensureReady();
    } catch {
      return; // the status bar says why
    }
    await this.sync(true);
  }

  /** Settings changed: a memory turned off is freed; one turned on fills on the next event. */
  settingsChanged(): void {
    if (this.deps.settings().memoryTokens === 0) for (const key of [...this.synced]) this.close(key);
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, SETTLE_MS);
  }

  /** `fill`: the host fills the memory before it answers (syncNow) */
  private async sync(fill = false): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const s = this.deps.settings();
    if (!editor || s.memoryTokens === 0 || !s.enable || this.deps.isPaused() || !suggestsIn(editor.document.languageId, s)) return;
    if (this.deps.client.currentStatus.state !== "ready") return;
    const document = editor.document;
    const cursor = document.offsetAt(editor.selection.active);
    // a bounded slice before the cursor (the same character-per-token guess as the suggestion's window),
    // so that a 5 MB document costs what a small one does
    const from = windowStart(cursor, s.memoryTokens + MEMORY_CONTEXT_TOKENS);
    const text = document.getText(new vscode.Range(document.positionAt(from), editor.selection.active));
    const key = document.uri.toString();
    try {
      await this.deps.client.request("memorySync", { doc: key, offset: from, text, capacity: s.memoryTokens, ...(fill ? { fill } : {}) });
      this.synced.add(key);
    } catch (e) {
      if (e instanceof HostError && (e.code === "cancelled" || e.code === "superseded" || e.code === "stopped" || e.code === "model")) return;
      this.deps.log(`document memory: ${(e as Error).message}`);
    }
  }

  private close(key: string): void {
    if (!this.synced.delete(key)) return;
    if (this.deps.client.currentStatus.state !== "ready") return;
    this.deps.client.request("memoryClose", { doc: key }).catch(() => undefined);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
