// The one entry that draws: render(state, change) redraws the parts of the view that `change` affects,
// each from the state alone (one module per view under views/), read-only. It is the store's subscriber
// (main.ts), and main.ts calls it again when the toolkit's components are defined or the map's width changes.
import { LISTS, type Change, type ReadState } from "./state";
import { type ViewEvents } from "./views/events";
import { renderStatus, renderQuery, renderIndex } from "./views/header";
import { renderChips } from "./views/chips";
import { renderControls, renderExportButtons } from "./views/controls";
import { renderColumn } from "./views/columns";
import { renderMap } from "./views/map";

/** The render function, its views wired to `on`. */
export function createRender(on: ViewEvents): (s: ReadState, change: Change) => void {
  return (s, change) => {
    switch (change) {
      case "all":
        renderStatus(s);
        renderChips(s, on);
        renderControls(s);
        renderQuery(s);
        renderIndex(s);
        for (const id of LISTS) renderColumn(s, id, on);
        renderMap(s);
        renderExportButtons(s);
        return;
      case "map":
        renderMap(s);
        return;
      // the large map's own (mapPanel.ts draws it); the row focus and the search box's text draw nothing
      case "view":
      case "point":
      case "row":
      case "search":
        return;
    }
  };
}
