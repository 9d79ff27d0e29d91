// What the user does inside a view, as the views report it. The views never import the actions: main.ts
// hands them these functions, wired to the actions, so that drawing code cannot change the state.
import { type ListId } from "../state";

export interface ViewEvents {
  /** a chip of the selection's words was clicked: its word becomes the query */
  focusWord(index: number): void;
  /** a row of a list was clicked: its word becomes the query */
  pick(list: ListId, row: number): void;
  /** a row of a list got the keyboard focus */
  focusRow(list: ListId, row: number): void;
}
