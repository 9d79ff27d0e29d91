// activate/deactivate only: build the services, register them, and hand every disposable to VS Code.
// No model I/O happens here: the model host starts and loads the model on first use.
import * as vscode from "vscode";
import { homedir } from "node:os";
import { affectsSettings, openModelPathSetting, readSettings } from "./config";
import { ModelHostClient, type HostStatus, type ModelHostPort } from "./client/modelHostClient";
import { AttentionPanel, type AttentionDeps } from "./ui/attentionPanel";
import { DOCUMENT_SELECTOR, NextWordProvider, type LastSuggestion } from "./ui/inlineProvider";
import { NeighboursView } from "./ui/neighboursView";
import { STATUS_MENU_COMMAND, StatusBar } from "./ui/statusBar";
import { showStatusMenu } from "./ui/statusMenu";
import { SuggestionWatch } from "./ui/suggestionWatch";
import { suggestsIn } from "./core/settings";
import { languageName } from "./core/languageSwitch";
import { describeFigures } from "./core/suggestionTally";
import { registerTour } from "./ui/tour";
import { MemorySync } from "./ui/memorySync";

import { resolveModelPath } from "./ui/modelPath";
import { problemNotice, ProblemNotices, type ProblemNotice } from "./ui/problemNotice";

export const SHIPPED_MODEL = "models/lm-lens-5m";

export interface LmLensApi {
  /** for the tests: the host client, the provider and the pause state */
  client: ModelHostClient;
  provider: NextWordProvider;
  isPaused(): boolean;
}

export function activate(context: vscode.ExtensionContext): LmLensApi {
  let settings = readSettings();
  let paused = false;
  const output = vscode.window.createOutputChannel("LM Lens", { log: true });
  const status = new StatusBar();
  const notices = new ProblemNotices();
  // the status bar's click shows the same notice again (VS Code replaces an identical one: still one toast)
  const showProblem = (n: ProblemNotice) => {
    void vscode.window.showErrorMessage(n.message, ...n.actions).then((choice) => {
      if (choice === "Open Settings") void openModelPathSetting();
      if (choice === "Restart Model") void vscode.commands.executeCommand("lmLens.restartModel");
      if (choice === "Show Log") output.show();
    });
  };

  const onStatus = (s: HostStatus) => {
    status.setHost(s);
    // one log line and one notification per distinct problem, however often it is reported
    const notice = notices.next(s, settings.modelPath);
    if (notice) {
      output.error(notice.message);
      showProblem(notice);
    }
    if (s.state === "ready") output.info(`model ready: ${s.info.dir} (${s.info.nLayer} layers, ${s.info.nHead} heads, loaded in ${s.info.loadMs.toFixed(0)} ms)`);
  };

  const client = new ModelHostClient({
    hostScript: context.asAbsolutePath("dist/modelHost.js"),
    modelPath: resolveModelPath(settings.modelPath, context.asAbsolutePath(SHIPPED_MODEL), homedir()),
    threads: 2, // the one-token session's threads (at most the cores): README, "Threads"
    quantize: settings.quantizedWeights,
    onStatus,
    log: (line) => output.info(line),
  });

  // the status bar says when this editor's language gets no suggestions (lmLens.enable, languages, disabledLanguages)
  // (only for documents the provider serves: the output panel's "Log" is no language of the user's)
  const showLanguage = () => {
    const doc = vscode.window.activeTextEditor?.document;
    const off = doc && vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0 && !suggestsIn(doc.languageId, settings);
    status.setSuggestionsOff(settings.enable, off ? languageName(doc.languageId) : undefined);
  };
  showLanguage();

  const memory = new MemorySync({ client, settings: () => settings, isPaused: () => paused, log: (line) => output.warn(line) });
  // what becomes of each suggestion: the user's own figures, kept in memory only (provider is set below, before any call)
  const watch: SuggestionWatch = new SuggestionWatch({ lastSuggestion: (): LastSuggestion | undefined => provider.last, onFigures: (f) => status.setFigures(f) });
  const provider = new NextWordProvider({
    client,
    settings: () => settings,
    isPaused: () => paused,
    onLatency: (timing, modelMs) => status.setLatency(timing, modelMs),
    log: (line) => output.warn(line),
    memoryKey: (document) => memory.keyFor(document),
    watch,
  });

  const reread = () => {
    settings = readSettings();
    memory.settingsChanged();
    showLanguage();
    client.setModel(resolveModelPath(settings.modelPath, context.asAbsolutePath(SHIPPED_MODEL), homedir()), settings.quantizedWeights);
  };

  const togglePause = () => {
    const problem = problemNotice(client.currentStatus, settings.modelPath);
    if (!paused && problem) {
      showProblem(problem);
      return;
    }
    paused = !paused;
    status.setPaused(paused);
    if (!paused) void vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
  };

  const attentionDeps: AttentionDeps = {
    extensionUri: context.extensionUri,
    extensionId: context.extension.id,
    client,
    provider,
    memory,
    settings: () => settings,
    log: (line) => output.warn(line),
  };
  context.subscriptions.push(
    output,
    status,
    memory,
    provider,
    watch,
    { dispose: () => client.dispose() },
    vscode.languages.registerInlineCompletionItemProvider(DOCUMENT_SELECTOR, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSettings(e)) reread();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(reread),
    // the last suggestion's time belongs to the editor it was measured in
    vscode.window.onDidChangeActiveTextEditor(() => {
      status.setLatency(undefined);
      showLanguage();
    }),
    // a document whose language changes (Change Language Mode) keeps its editor
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) showLanguage();
    }),
    AttentionPanel.register(attentionDeps),
    registerTour(attentionDeps),
    NeighboursView.register({ extensionUri: context.extensionUri, extensionId: context.extension.id, client, log: (line) => output.info(line) }),
    vscode.commands.registerCommand("lmLens.toggleSuggestions", togglePause),
    vscode.commands.registerCommand(STATUS_MENU_COMMAND, () => {
      // while the model cannot run, the click shows that problem's notification again (one toast, with its buttons)
      const problem = problemNotice(client.currentStatus, settings.modelPath);
      if (!paused && problem) return showProblem(problem);
      return showStatusMenu({ isPaused: () => paused, settings: () => settings, figures: () => watch.figures(), togglePause, showLog: () => output.show() });
    }),
    vscode.commands.registerCommand("lmLens.restartModel", async () => {
      notices.reset();
      client.restart();
      try {
        await client.ensureReady();
      } catch {
        // the status bar and the error message say what went wrong
      }
    }),
    vscode.commands.registerCommand("lmLens.showModelInfo", async () => {
      try {
        const info = await client.ensureReady();
        const lines = [
          `Model: ${info.name}`,
          `Folder: ${info.dir}`,
          `ONNX file: ${info.onnxPath} (${(info.onnxBytes / 1e6).toFixed(1)} MB)`,
          `Layers: ${info.nLayer}, heads: ${info.nHead}, width: ${info.nEmbd}, positions: ${info.nPositions}, vocabulary: ${info.vocabSize}`,
          `Outputs: ${[info.hasPast ? "key/value cache" : "", info.hasAttentions ? "attentions" : "", info.hasHidden ? "hidden states" : ""].filter(Boolean).join(", ") || "logits only"}`,
          ...(info.addedOutputs.length ? [`Added in memory (the export lacks them): ${info.addedOutputs.join(", ")}`] : []),
          ...(info.attentionProblem ? [`No attention view: ${info.attentionProblem}`] : []),
          ...(info.hiddenProblem ? [`No hidden states: ${info.hiddenProblem}`] : []),
          info.quantized === undefined
            ? "Suggestions: float32 weights (lmLens.quantizedWeights is off)"
            : "problem" in info.quantized
              ? `Suggestions: float32 weights (no 8-bit copy: ${info.quantized.problem})`
              : `Suggestions: 8-bit copies of ${info.quantized.matmuls} weight matrices (${(info.quantized.weights / 1e6).toFixed(1)} M weights) for short runs`,
          `Loaded in ${info.loadMs.toFixed(0)} ms`,
          ...(await memoryLines(client, settings.memoryTokens)),
          // the user's own figures: counted in this window's memory, never written or sent
          describeFigures(watch.figures()),
        ];
        for (const l of lines) output.info(l);
        const choice = await vscode.window.showInformationMessage(`LM Lens: ${info.name}`, { modal: true, detail: lines.join("\n") }, "Show Log");
        if (choice === "Show Log") output.show();
      } catch (e) {
        // the answer to the command, in the same modal form as a loaded model's info (the problem's own
        // notification has been shown once already, when it happened)
        const detail = problemNotice(client.currentStatus, settings.modelPath)?.message ?? (e as Error).message;
        const choice = await vscode.window.showInformationMessage("LM Lens: no model loaded", { modal: true, detail }, "Open Settings", "Restart Model");
        if (choice === "Open Settings") void openModelPathSetting();
        if (choice === "Restart Model") void vscode.commands.executeCommand("lmLens.restartModel");
      }
    }),
  );
  return { client, provider, isPaused: () => paused };
}

/** Show Model Info's lines about the document memory: each document's tokens, states and size. */
async function memoryLines(client: ModelHostPort, memoryTokens: number): Promise<string[]> {
  if (memoryTokens === 0) return ["Document memory: off (lmLens.memoryTokens is 0)"];
  let docs;
  try {
    docs = await client.request("memoryInfo", {});
  } catch (e) {
    return [`Document memory: unknown (${(e as Error).message})`];
  }
  const head = `Document memory: up to ${memoryTokens} tokens per document; ${docs.length} document${docs.length === 1 ? "" : "s"} held`;
  const name = (key: string) => {
    try {
      return vscode.Uri.parse(key).path.split("/").pop() || key;
    } catch {
      return key;
    }
  };
  return [head, ...docs.map((d) => `  ${name(d.doc)}: ${d.states} of ${d.tokens} tokens read, ${(d.bytes / 1e6).toFixed(1)} MB`)];
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
