// The attention webview's state: what it shows (the view from the extension), its own UI state (saved
// with setState), the transient state of pointer and keyboard, and the transport to the extension.
import { type AttentionTab, type AttentionView, type FromWebview, type ToWebview } from "../../src/shared/attentionProtocol";
import { connect } from "../common/vscodeApi";
import { type Cell, type Layout } from "./heatmap";
import type { LinesView } from "./lines";
import { readTheme, type Theme } from "./theme";

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

export type { Picker, Checkbox } from "../common/toolkit";

export const { api, channel } = connect<UiState, FromWebview, ToWebview>();

/** Everything that changes, in one place: the actions and messages change it, render(state) draws it. */
export interface State {
  ui: UiState;
  view: AttentionView | undefined;
  loading: boolean;
  error: string;
  theme: Theme;
  heatLayout: Layout | undefined;
  rollLayout: Layout | undefined;
  hoverCell: Cell | null;
  /** the column read with the keyboard in the heatmap (-1: none) */
  keyColumn: number;
  linesHover: { index: number; side: "left" | "right" } | null;
  /** the lines view of the view shown, built when its tab first shows (undefined: not built yet) */
  linesView: LinesView | undefined;
  lastHoverSent: number | null;
}

export const S: State = {
  ui: restore(api.getState()),
  view: undefined,
  loading: false,
  error: "",
  theme: readTheme(),
  heatLayout: undefined,
  rollLayout: undefined,
  hoverCell: null,
  keyColumn: -1,
  linesHover: null,
  linesView: undefined,
  lastHoverSent: null,
};

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

export function save(): void {
  api.setState(S.ui);
}

export function send(body: FromWebview): void {
  channel.send(body);
}

export function hoverToken(index: number | null): void {
  if (index === S.lastHoverSent) return;
  S.lastHoverSent = index;
  send({ type: "hoverToken", index });
}

