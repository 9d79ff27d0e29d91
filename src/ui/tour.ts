// The guided tour (contributes.walkthroughs "lmLens.tour"): commands that set up each step for real, on a
// sample story (media/tour/sample.txt, our own text) opened as an untitled document the user can type in.
// What the steps' text claims about the model (which head links a verb to its subject, which words sit near
// "father") is checked against the shipped model by test/unit/tour.test.ts, using TOUR below. Each step first
// tidies the workbench (walkthrough.ts's tidyTour): the story in the first group, the walkthrough's one tab
// and the panels in the group beside it.
import * as vscode from "vscode";
import { readFileSync } from "node:fs";
import { AttentionPanel, type AttentionDeps } from "./attentionPanel";
import { NEIGHBOURS_VIEW_ID } from "./neighboursView";
import { tidyTour } from "./walkthrough";
import { ghostTextAt as ghostAt } from "./ghostRefresh";

export const TOUR = {
  /** the sample story, relative to the extension's folder */
  sample: "media/tour/sample.txt",
  /** step "attention": the sentence analysed, and the head in which the verb looks most at its subject */
  subjectSentence: "In the old house by the river, the keys to the cabinet were on the table.",
  subject: { looking: " were", target: " keys", layer: 1, head: 0 },
  /** step "neighbours": the word whose neighbours are shown */
  neighbourWord: "father",
  /** step "memory": the word the document memory brings up after the story, and the line it points to */
  memoryWord: "red",
  memoryLine: "said her hair was red",
  /** step "layers": the sentence whose rollout is shown */
  rolloutSentence: "Her brother met her at the gate.",
} as const;

export const TOUR_COMMANDS = {
  openSample: "lmLens.tour.openSample",
  attention: "lmLens.tour.attention",
  neighbours: "lmLens.tour.neighbours",
  layers: "lmLens.tour.layers",
  whyThisWord: "lmLens.tour.whyThisWord",
  memory: "lmLens.tour.memory",
} as const;

const SAMPLE_MARK = "The Orchard";

export function registerTour(deps: AttentionDeps): vscode.Disposable {
  const sampleText = () => readFileSync(vscode.Uri.joinPath(deps.extensionUri, TOUR.sample).fsPath, "utf8").replace(/\s+$/, "");

  /** the sample's editor: the visible one if the user has it open, otherwise a new untitled copy */
  async function sampleEditor(): Promise<vscode.TextEditor> {
    const isSample = (d: vscode.TextDocument) => d.isUntitled && !d.isClosed && d.getText().startsWith(SAMPLE_MARK);
    const visible = vscode.window.visibleTextEditors.find((e) => isSample(e.document));
    if (visible) return vscode.window.showTextDocument(visible.document, visible.viewColumn ?? vscode.ViewColumn.One);
    // open in a tab behind the walkthrough, or a fresh copy
    const doc = vscode.workspace.textDocuments.find(isSample) ?? (await vscode.workspace.openTextDocument({ content: sampleText(), language: "plaintext" }));
    return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  }

  /**
   * Ask for the ghost text at the editor's cursor and wait (up to 3 s) until the provider has answered
   * there; `fresh`: a new answer even if one was shown there already (the memory has changed).
   */
  const ghostTextAt = (editor: vscode.TextEditor, fresh = false) => ghostAt(deps.provider, editor, fresh);

  /** select a piece of the sample (its first occurrence) and return its range, or say that it is gone */
  function select(editor: vscode.TextEditor, text: string, wholeWord = false): vscode.Range | undefined {
    const body = editor.document.getText();
    const at = wholeWord ? body.search(new RegExp(`\\b${text}\\b`)) : body.indexOf(text);
    if (at < 0) {
      void vscode.window.showInformationMessage(`LM Lens tour: the sample no longer contains “${text}”. Run “Open the sample story” again for a fresh copy.`);
      return undefined;
    }
    const range = new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + text.length));
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return range;
  }

  return vscode.Disposable.from(
    vscode.commands.registerCommand(TOUR_COMMANDS.openSample, async () => {
      await tidyTour(deps.extensionId, "sample");
      const doc = await vscode.workspace.openTextDocument({ content: sampleText(), language: "plaintext" });
      const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      const end = doc.positionAt(doc.getText().length);
      editor.selection = new vscode.Selection(end, end);
      editor.revealRange(new vscode.Range(end, end));
      // the ghost text for "... the hair was still" without waiting for a keystroke
      await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    }),
    vscode.commands.registerCommand(TOUR_COMMANDS.whyThisWord, async () => {
      await tidyTour(deps.extensionId, "suggestions");
      // from the walkthrough page no text editor is active: bring the sample back, cursor where it was
      const editor = await sampleEditor();
      if (editor.selection.isEmpty && editor.selection.active.isEqual(new vscode.Position(0, 0))) {
        const end = editor.document.positionAt(editor.document.getText().length);
        editor.selection = new vscode.Selection(end, end);
      }
      // the ghost text first, so that the panel explains the word the user sees (not the text without it);
      // the memory filled before it, as the explanation reads it filled: one word, one probability
      await deps.memory.syncNow();
      await ghostTextAt(editor, true);
      await vscode.commands.executeCommand("lmLens.whyThisWord");
    }),
    vscode.commands.registerCommand(TOUR_COMMANDS.memory, async () => {
      await tidyTour(deps.extensionId, "memory");
      // the cursor after "the hair was still", the story's memory filled, a fresh suggestion that reads it
      const editor = await sampleEditor();
      const end = editor.document.positionAt(editor.document.getText().length);
      editor.selection = new vscode.Selection(end, end);
      await deps.memory.syncNow();
      // the ghost text shown before the memory was filled is replaced; Why this word? explains the new one
      await ghostTextAt(editor, true);
      await vscode.commands.executeCommand("lmLens.whyThisWord");
    }),
    vscode.commands.registerCommand(TOUR_COMMANDS.attention, async () => {
      await tidyTour(deps.extensionId, "attention");
      const editor = await sampleEditor();
      const range = select(editor, TOUR.subjectSentence);
      if (!range) return;
      const { layer, head, looking } = TOUR.subject;
      await AttentionPanel.showRange(deps, editor, range, { layer, head, tab: "heatmap" }, looking);
    }),
    vscode.commands.registerCommand(TOUR_COMMANDS.neighbours, async () => {
      await tidyTour(deps.extensionId, "neighbours");
      const editor = await sampleEditor();
      if (!select(editor, TOUR.neighbourWord, true)) return;
      await vscode.commands.executeCommand(`${NEIGHBOURS_VIEW_ID}.focus`);
      // the view follows the selection; give the focus back to the editor so that it stays the active one
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    }),
    vscode.commands.registerCommand(TOUR_COMMANDS.layers, async () => {
      await tidyTour(deps.extensionId, "layers");
      const editor = await sampleEditor();
      const range = select(editor, TOUR.rolloutSentence);
      if (!range) return;
      await AttentionPanel.showRange(deps, editor, range, { layer: 0, head: null, tab: "rollout" });
    }),
  );
}
