// The one entry that draws: render(state, change) redraws the parts of the panel that `change` affects,
// each from the state alone (one module per view under views/). The views of tabs not shown are drawn
// when their tab opens.
import { readTheme } from "./theme";
import { type State, type Tab } from "./state";
import { heatCanvas, rollCanvas } from "./skeleton";
import { revealRow } from "./derived";
import { renderHeader, renderPickers } from "./views/header";
import { renderTokens } from "./views/tokens";
import { renderNext } from "./views/next";
import { renderMemory } from "./views/memory";
import { renderHeatmap } from "./views/heatmap";
import { renderGrid } from "./views/grid";
import { renderLines } from "./views/lines";
import { renderRollout } from "./views/rollout";

/**
 * What changed in the state:
 *  all          a new view, the theme or the panel's width: everything
 *  status       loading or an error
 *  details      the rest of the view arrived (every head, rollout, predictions, next words, memory)
 *  memory       the memory's places were given their lines again
 *  chosen       the chosen token
 *  head         the layer or head shown
 *  tab          the tab shown
 *  heatPointer  the pointer or the keyboard's column on the heatmap
 *  linesPointer the token hovered in the lines view
 */
export type Change = "all" | "status" | "details" | "memory" | "chosen" | "head" | "tab" | "heatPointer" | "linesPointer";

const TABS: readonly Tab[] = ["heatmap", "grid", "lines", "rollout"];

/** Views drawn only while their tab shows. */
const VIEW_RENDER: Record<Tab, (s: State) => void> = {
  heatmap: (s) => {
    renderHeatmap(s);
    revealRow(heatCanvas, s.heatLayout, s.ui.chosen);
  },
  grid: renderGrid,
  lines: renderLines,
  rollout: (s) => {
    renderRollout(s);
    revealRow(rollCanvas, s.rollLayout, s.ui.chosen);
  },
};
/** views whose tab was hidden when they changed: drawn when it opens */
const staleViews = new Set<Tab>();

function renderViews(s: State, tabs: readonly Tab[]): void {
  for (const t of tabs) {
    if (t === s.ui.tab) {
      VIEW_RENDER[t](s);
      staleViews.delete(t);
    } else staleViews.add(t);
  }
}

export function render(s: State, change: Change = "all"): void {
  switch (change) {
    case "all":
      s.theme = readTheme();
      renderHeader(s);
      renderPickers(s);
      renderTokens(s);
      renderNext(s);
      renderMemory(s);
      renderViews(s, TABS);
      return;
    case "status":
      renderHeader(s);
      return;
    case "details":
      renderHeader(s);
      renderNext(s);
      renderMemory(s);
      renderViews(s, TABS);
      return;
    case "memory":
      renderMemory(s);
      return;
    case "chosen":
      renderTokens(s);
      renderNext(s);
      renderViews(s, ["heatmap", "lines", "rollout"]);
      return;
    case "head":
      renderPickers(s);
      renderViews(s, ["heatmap", "grid", "lines"]);
      return;
    case "tab":
      if (staleViews.has(s.ui.tab)) renderViews(s, [s.ui.tab]);
      return;
    case "heatPointer":
      renderHeatmap(s);
      return;
    case "linesPointer":
      renderLines(s);
      return;
  }
}
