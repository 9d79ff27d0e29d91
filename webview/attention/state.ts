// The attention webview's state: what it shows (the view from the extension), its own UI state (saved
// with setState), and the pointer and keyboard state that the drawing depends on. Only actions.ts changes
// it (through its store); the views get it read-only. Pure: no DOM.
import { type AttentionTab, type AttentionView, type SamplingSettings } from "../../src/shared/attentionProtocol";
import { type DeepReadonly } from "../common/store";
import { type Cell } from "./heatmap";
import { type Theme } from "./theme";

export type Tab = AttentionTab;
export const TABS: { id: Tab; label: string; hint: string }[] = [
  { id: "heatmap", label: "Heatmap", hint: "One layer and head: every token's attention over the tokens before it" },
  { id: "grid", label: "All heads", hint: "A small heatmap for every layer and head; click one to open it" },
  { id: "lines", label: "Lines", hint: "Hover a token to see lines to the tokens it attends to" },
  { id: "rollout", label: "Rollout", hint: "How much each token's information reaches each position through all layers" },
];
/** head -1 is the average of the heads */
export const MEAN = -1;

export interface UiState {
  viewId: number;
  layer: number;
  head: number;
  tab: Tab;
  chosen: number;
}

/** Everything that changes and that the views draw, in one place. */
export interface State {
  ui: UiState;
  view: AttentionView | undefined;
  loading: boolean;
  error: string;
  /** the VS Code theme's colours, read again when the theme changes */
  theme: Theme;
  /** the heatmap cell under the pointer */
  hoverCell: Cell | null;
  /** the column read with the keyboard in the heatmap (-1: none) */
  keyColumn: number;
  /** the token hovered in the lines view, and on which side */
  linesHover: { index: number; side: "left" | "right" } | null;
  /** "Why this word?": every word of the window listed (words), every part of the model (parts), not only the largest */
  whyAll: { words: boolean; parts: boolean };
  /** "Why this word?": the temperature and top-k the list is drawn at (null: the user's setting, the view's `sampling`) */
  sampling: SamplingSettings | null;
  /** the lines view: every head of the layer at once, and the heads switched off there */
  allHeads: { on: boolean; hidden: readonly number[] };
  /**
   * the heatmap's and the rollout's window on the matrix (viewport.ts): n rows and columns (null: as many as
   * carry their names in the panel's width), from row0 and col0
   */
  zoom: Zoom;
}

export interface Zoom {
  n: number | null;
  row0: number;
  col0: number;
}

/** What the views get: the state, read-only. */
export type ReadState = DeepReadonly<State>;

/**
 * What changed in the state, so that render redraws only what depends on it:
 *  all          a new view, the theme or the panel's width: everything
 *  status       loading or an error
 *  details      the rest of the view arrived (every head, rollout, predictions, next words, memory)
 *  memory       the memory's places were given their lines again
 *  sampling     "Why this word?"'s temperature or top-k, or the user's setting
 *  why          the explanation of "Why this word?" arrived (or failed), or its list of parts opened or closed
 *  chosen       the chosen token
 *  head         the layer or head shown
 *  tab          the tab shown
 *  heatPointer  the pointer or the keyboard's column on the heatmap
 *  linesPointer the token hovered in the lines view
 *  heads        the lines view's every-head overlay switched on or off, or one of its heads
 *  zoom         the heatmap's window on the matrix zoomed or panned
 */
export type Change = "all" | "status" | "details" | "memory" | "sampling" | "why" | "chosen" | "head" | "tab" | "heatPointer" | "linesPointer" | "heads" | "zoom";

export function initialState(ui: UiState, theme: Theme): State {
  return { ui, view: undefined, loading: false, error: "", theme, hoverCell: null, keyColumn: -1, linesHover: null, whyAll: { words: false, parts: false }, sampling: null, allHeads: { on: false, hidden: [] }, zoom: { n: null, row0: 0, col0: 0 } };
}

/** The UI state saved with setState, checked field by field (an older version of the webview may have saved it). */
export function restore(s: unknown): UiState {
  const d: UiState = { viewId: 0, layer: 0, head: MEAN, tab: "heatmap", chosen: 0 };
  if (typeof s !== "object" || s === null) return d;
  const o = s as Partial<UiState>;
  const int = (v: unknown, min: number, fallback: number) => (typeof v === "number" && Number.isInteger(v) && v >= min ? v : fallback);
  return {
    viewId: int(o.viewId, 0, 0),
    layer: int(o.layer, 0, 0),
    head: int(o.head, MEAN, MEAN),
    tab: TABS.some((t) => t.id === o.tab) ? o.tab! : "heatmap",
    chosen: int(o.chosen, 0, 0),
  };
}
