// The LM Lens walkthrough (package.json contributes.walkthroughs), and the tour's layout: the sample story
// in the first editor group, one group beside it for the walkthrough and the panels, and one walkthrough
// tab. VS Code opens a walkthrough in the active group, so opening it again from another group leaves a
// second tab, and a panel opened beside a walkthrough that shares the story's group adds a third group;
// the tour's commands and the panels' Tour buttons put things back where they belong.
import * as vscode from "vscode";

export const WALKTHROUGH_ID = "lmLens.tour";

/** Our walkthrough's tabs: VS Code gives a walkthrough page no tab input type, so it is known by its label. */
function walkthroughTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input === undefined && /^Walkthrough: .*LM Lens/.test(t.label));
}

/** Open the walkthrough at `step` in the group beside the first one (made if there is none; its tab reused if there). */
async function openBesideStory(extensionId: string, step: string): Promise<void> {
  const category = `${extensionId}#${WALKTHROUGH_ID}`;
  await vscode.commands.executeCommand("workbench.action.focusFirstEditorGroup");
  // toSide: the group to the right of the active (first) one
  await vscode.commands.executeCommand("workbench.action.openWalkthrough", { category, step: `${category}#${step}` }, true);
}

/** Open the walkthrough at one of its steps ("attention", "neighbours", ...): its one tab, beside the story. */
export async function openTourStep(extensionId: string, step: string): Promise<void> {
  const elsewhere = walkthroughTabs().filter((t) => t.group.viewColumn !== vscode.ViewColumn.Two);
  if (elsewhere.length > 0) await vscode.window.tabGroups.close(elsewhere, true);
  await openBesideStory(extensionId, step);
}

/**
 * Before a tour step runs: one walkthrough tab (the one the user is reading is kept, the others closed),
 * beside the story, not in its group (there it would be hidden by the story, and a panel opened beside it
 * would make a third group). `step`: the step it opens at again when it moves.
 */
export async function tidyTour(extensionId: string, step: string): Promise<void> {
  const tabs = walkthroughTabs();
  if (tabs.length === 0) return;
  const keep = tabs.find((t) => t.isActive && t.group.isActive) ?? tabs.find((t) => t.group.viewColumn === vscode.ViewColumn.Two) ?? tabs[0];
  const move = keep.group.viewColumn !== vscode.ViewColumn.Two;
  const close = tabs.filter((t) => t !== keep || move);
  if (close.length > 0) await vscode.window.tabGroups.close(close, true);
  if (move) await openBesideStory(extensionId, step);
}
