// The tab strip shows the state's tab: a tab chosen elsewhere (a picture of the grid, the guided tour)
// is made the active one. A tab the user chose in the strip is already active, and is left alone.
import { type ReadState } from "../state";
import { panels } from "../skeleton";

export function renderTabs(s: ReadState): void {
  const id = `tab-${s.ui.tab}`;
  const active = (panels as HTMLElement & { activeid?: string }).activeid ?? panels.getAttribute("activeid");
  if (active !== id) panels.setAttribute("activeid", id);
}
