// The one entry that draws: render(state, change) redraws the parts of the panel that `change` affects,
// each from the state alone (one module per view under views/), read-only. The views of tabs not shown
// are drawn when their tab opens. It is the store's subscriber (main.ts).
import { type ReadState, type Tab, type Change } from "./state";
import { heatCanvas, rollCanvas } from "./skeleton";
import { revealRow } from "./derived";
import { type ViewEvents } from "./views/events";
import { renderHeader, renderPickers } from "./views/header";
import { renderTabs } from "./views/tabs";
import { renderTokens } from "./views/tokens";
import { renderNext } from "./views/next";
import { renderSampling } from "./views/sampling";
import { renderMemory } from "./views/memory";
import { renderWhy } from "./views/why";
import { heatmapLayout, renderHeatmap } from "./views/heatmap";
import { renderGrid } from "./views/grid";
import { renderLines } from "./views/lines";
import { renderRollout, rolloutLayout } from "./views/rollout";

const TABS: readonly Tab[] = ["heatmap", "grid", "lines", "rollout"];

/** The render function, its views wired to `on`. */
export function createRender(on: ViewEvents): (s: ReadState, change: Change) => void {
  /** views drawn only while their tab shows */
  const viewRender: Record<Tab, (s: ReadState) => void> = {
    heatmap: (s) => {
      renderHeatmap(s);
      revealRow(heatCanvas, heatmapLayout(), s.ui.chosen);
    },
    grid: (s) => renderGrid(s, on),
    lines: (s) => renderLines(s, on),
    rollout: (s) => {
      renderRollout(s);
      revealRow(rollCanvas, rolloutLayout(), s.ui.chosen);
    },
  };
  /** views whose tab was hidden when they changed, drawn when it opens: what is on screen, not state */
  const staleViews = new Set<Tab>();

  function renderViews(s: ReadState, tabs: readonly Tab[]): void {
    for (const t of tabs) {
      if (t === s.ui.tab) {
        viewRender[t](s);
        staleViews.delete(t);
      } else staleViews.add(t);
    }
  }

  return (s, change) => {
    switch (change) {
      case "all":
        renderHeader(s);
        renderPickers(s);
        renderTabs(s);
        renderTokens(s, on);
        renderNext(s, on);
        renderSampling(s);
        renderMemory(s, on);
        renderWhy(s, on);
        renderViews(s, TABS);
        return;
      case "status":
        renderHeader(s);
        return;
      case "details":
        renderHeader(s);
        renderTokens(s, on);
        renderNext(s, on);
        renderSampling(s);
        renderMemory(s, on);
        renderWhy(s, on);
        renderViews(s, TABS);
        return;
      case "sampling":
        renderSampling(s);
        renderNext(s, on);
        return;
      case "why":
        renderTokens(s, on);
        renderWhy(s, on);
        return;
      case "memory":
        renderMemory(s, on);
        return;
      case "chosen":
        renderTokens(s, on);
        renderNext(s, on);
        renderViews(s, ["heatmap", "lines", "rollout"]);
        return;
      case "head":
        renderPickers(s);
        renderTokens(s, on);
        renderWhy(s, on);
        renderViews(s, ["heatmap", "grid", "lines"]);
        return;
      case "tab":
        renderTabs(s);
        renderTokens(s, on);
        if (staleViews.has(s.ui.tab)) renderViews(s, [s.ui.tab]);
        return;
      case "heatPointer":
        renderHeatmap(s);
        return;
      case "linesPointer":
      case "heads":
        renderLines(s, on);
        return;
      case "zoom":
        renderViews(s, ["heatmap", "rollout"]);
        return;
    }
  };
}
