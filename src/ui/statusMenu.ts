// The status bar item's menu, as the peers' suggesters have one: pause or resume, suggestions off or on
// for this editor's language, LM Lens's settings, the log, Why this word?, the model's info. A quick pick,
// so the keyboard reaches every entry; the figures since the window opened stand in its title.
import * as vscode from "vscode";
import { setLanguageSuggestions, SECTION } from "../config";
import { languageName } from "../core/languageSwitch";
import { suggestsIn, type Settings } from "../core/settings";
import { shortFigures, type TallyFigures } from "../core/suggestionTally";

export interface StatusMenuDeps {
  isPaused: () => boolean;
  settings: () => Settings;
  figures: () => TallyFigures;
  /** the pause command's work (lmLens.toggleSuggestions) */
  togglePause: () => void;
  showLog: () => void;
}

type Action = "pause" | "language" | "settings" | "log" | "why" | "info";
interface Entry extends vscode.QuickPickItem {
  action: Action;
}

/** The entries, in the order shown; `language` is the active editor's language id, when there is one. */
function entries(paused: boolean, language: { id: string; on: boolean } | undefined): Entry[] {
  const list: Entry[] = [
    paused
      ? { action: "pause", label: "$(debug-start) Resume Suggestions", detail: "Show the ghost text again as you type" }
      : { action: "pause", label: "$(debug-pause) Pause Suggestions", detail: "No ghost text until you resume (this window)" },
  ];
  if (language) {
    const name = languageName(language.id);
    list.push(
      language.on
        ? { action: "language", label: `$(circle-slash) Turn Off Suggestions for ${name}`, detail: `Adds "${language.id}" to lmLens.disabledLanguages in your user settings` }
        : { action: "language", label: `$(check) Turn On Suggestions for ${name}`, detail: `Takes "${language.id}" out of lmLens.disabledLanguages, or adds it to lmLens.languages, in your user settings` },
    );
  }
  list.push(
    { action: "settings", label: "$(gear) Open LM Lens Settings" },
    { action: "log", label: "$(output) Show the Log" },
    ...(vscode.window.activeTextEditor ? [{ action: "why" as const, label: "$(question) Why This Word?", detail: "The model's reasons for the word at the cursor" }] : []),
    { action: "info", label: "$(info) Show Model Info" },
  );
  return list;
}

export async function showStatusMenu(deps: StatusMenuDeps): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const s = deps.settings();
  const language = editor ? { id: editor.document.languageId, on: suggestsIn(editor.document.languageId, s) } : undefined;
  const f = deps.figures();
  const choice = await vscode.window.showQuickPick(entries(deps.isPaused(), language), {
    title: f.shown > 0 ? `LM Lens: ${shortFigures(f)}` : "LM Lens",
    placeHolder: "Choose what LM Lens does",
    matchOnDetail: true,
  });
  switch (choice?.action) {
    case "pause":
      deps.togglePause();
      break;
    case "language": {
      if (!language) break;
      const done = await setLanguageSuggestions(language.id, !language.on);
      if (!done) {
        // a workspace's own lmLens.languages or lmLens.disabledLanguages decides: say where
        const open = await vscode.window.showWarningMessage(
          `LM Lens: suggestions for ${languageName(language.id)} are still ${language.on ? "on" : "off"}: this workspace's settings (lmLens.languages or lmLens.disabledLanguages) decide.`,
          "Open Workspace Settings",
        );
        if (open) await vscode.commands.executeCommand("workbench.action.openWorkspaceSettings", { query: `${SECTION} languages` });
      }
      break;
    }
    case "settings":
      await vscode.commands.executeCommand("workbench.action.openSettings", SECTION);
      break;
    case "log":
      deps.showLog();
      break;
    case "why":
      await vscode.commands.executeCommand("lmLens.whyThisWord");
      break;
    case "info":
      await vscode.commands.executeCommand("lmLens.showModelInfo");
      break;
  }
}
