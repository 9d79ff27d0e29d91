// What the user does inside a view, as the views report it. The views never import the actions: main.ts
// hands them these functions, wired to the actions, so that drawing code cannot change the state.
export interface ViewEvents {
  /** a token was clicked: it becomes the chosen one */
  choose(index: number): void;
  /** a token is under the pointer (null: none), for the editor's highlight */
  hoverToken(index: number | null): void;
  /** a token of the lines view is under the pointer (null: none), on its left or right column */
  hoverLines(index: number | null, side: "left" | "right"): void;
  /** the lines view: every head of the layer at once (true), or the head chosen above */
  setAllHeads(on: boolean): void;
  /** the lines view's overlay: show or hide one head */
  toggleHead(head: number): void;
  /** a picture of the grid was clicked: open that layer and head in the heatmap tab */
  openHead(layer: number, head: number): void;
  /** a place of the document memory was clicked: reveal it in the editor */
  revealPlace(start: number, end: number): void;
  /** "Why this word?": list every word of the window (or every part of the model), or only the largest */
  toggleWhyAll(which: "words" | "parts"): void;
  /** read the selection's last word the other way: the next word after it, or its completions */
  setLastWord(mode: "finished" | "typing"): void;
}
