// The LM Lens walkthrough (package.json contributes.walkthroughs): the panels link to their own step.
import * as vscode from "vscode";

export const WALKTHROUGH_ID = "lmLens.tour";

/** Open the walkthrough at one of its steps ("attention", "neighbours", ...). */
export function openTourStep(extensionId: string, step: string): Thenable<unknown> {
  const category = `${extensionId}#${WALKTHROUGH_ID}`;
  return vscode.commands.executeCommand("workbench.action.openWalkthrough", { category, step: `${category}#${step}` }, false);
}
