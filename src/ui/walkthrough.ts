// The LM Lens walkthrough (package.json contributes.walkthroughs): the panels link to their own step.
import * as vscode from "vscode";

export const WALKTHROUGH_ID = "lmLens.tour";

/** Open the walkthrough at one of its steps ("attention", "neighbours", ...). */
export async function openTourStep(extensionId: string, step: string): Promise<void> {
  const category = `${extensionId}#${WALKTHROUGH_ID}`;
  // in the first (wide) editor group: opened from a panel beside the editor it would get that narrow column
  await vscode.commands.executeCommand("workbench.action.focusFirstEditorGroup");
  await vscode.commands.executeCommand("workbench.action.openWalkthrough", { category, step: `${category}#${step}` }, false);
}
