// The neighbours webview's state: the screen the extension sent (the query, its words, the lists, the
// options) and its own UI state (the row in focus, the map's list, the search box's text), saved with
// setState. Only actions.ts changes it (through its store); the views get it read-only. Pure: no DOM.
import { MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOUR_MODES, type NeighbourMode, type NeighboursScreen } from "../../src/shared/neighboursProtocol";
import { type DeepReadonly } from "../common/store";

export type ListId = NeighbourMode;
export const LISTS = NEIGHBOUR_MODES;

export interface UiState {
  /** the screen id the row focus belongs to */
  id: number;
  list: ListId;
  row: number;
  mapList: ListId;
  search: string;
}

export interface State {
  ui: UiState;
  /** undefined until the extension's first answer */
  screen: NeighboursScreen | undefined;
  /** what went wrong before any screen came (the extension did not answer "ready") */
  error: string;
}

/** What the views get: the state, read-only. */
export type ReadState = DeepReadonly<State>;

/**
 * What changed in the state, so that render redraws only what depends on it:
 *  all     a new screen, or no answer: everything
 *  map     the list shown on the map
 *  row     the row in focus (the focus itself shows it: nothing is drawn)
 *  search  the search box's text (typed there: nothing is drawn)
 */
export type Change = "all" | "map" | "row" | "search";

/** The UI state saved with setState, checked field by field (an older version of the webview may have saved it). */
export function restore(s: unknown): UiState {
  const d: UiState = { id: -1, list: "pooled", row: 0, mapList: "pooled", search: "" };
  if (typeof s !== "object" || s === null) return d;
  const o = s as Partial<UiState>;
  const isList = (v: unknown): v is ListId => LISTS.includes(v as ListId);
  return {
    id: typeof o.id === "number" ? o.id : -1,
    list: isList(o.list) ? o.list : "pooled",
    row: typeof o.row === "number" && Number.isInteger(o.row) && o.row >= 0 ? o.row : 0,
    mapList: isList(o.mapList) ? o.mapList : "pooled",
    search: typeof o.search === "string" ? o.search.slice(0, MAX_NEIGHBOUR_QUERY_CHARS) : "",
  };
}
