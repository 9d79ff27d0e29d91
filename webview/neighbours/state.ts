// The neighbours webview's state: the screen the extension sent (the query, its words, the lists, the
// options, the map's list) and its own UI state (the row in focus, the search box's text, the large
// map's zoom, pan and highlighted point), saved with setState. Only actions.ts changes it (through its
// store); the views get it read-only. Pure: no DOM.
import { MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOUR_MODES, type NeighbourMode, type NeighboursScreen } from "../../src/shared/neighboursProtocol";
import { type DeepReadonly } from "../common/store";
import { WHOLE, type Viewport } from "./viewport";

export type ListId = NeighbourMode;
export const LISTS = NEIGHBOUR_MODES;

export interface UiState {
  /** the screen id the row focus belongs to */
  id: number;
  list: ListId;
  row: number;
  search: string;
  /** the large map's zoom and pan */
  view: Viewport;
  /** the large map's highlighted point: 0 the query, i the i-th neighbour */
  point: number;
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
 *  map     the map's size (it is drawn again)
 *  view    the large map's zoom or pan
 *  point   the large map's highlighted point
 *  row     the row in focus (the focus itself shows it: nothing is drawn)
 *  search  the search box's text (typed there: nothing is drawn)
 */
export type Change = "all" | "map" | "view" | "point" | "row" | "search";

/** The UI state saved with setState, checked field by field (an older version of the webview may have saved it). */
export function restore(s: unknown): UiState {
  const d: UiState = { id: -1, list: "pooled", row: 0, search: "", view: WHOLE, point: 0 };
  if (typeof s !== "object" || s === null) return d;
  const o = s as Partial<UiState>;
  const isList = (v: unknown): v is ListId => LISTS.includes(v as ListId);
  const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
  const vw = o.view as Partial<Viewport> | undefined;
  const view = vw && [vw.zoom, vw.ox, vw.oy].every((n) => typeof n === "number" && Number.isFinite(n)) ? { zoom: vw.zoom!, ox: vw.ox!, oy: vw.oy! } : WHOLE;
  return {
    id: typeof o.id === "number" ? o.id : -1,
    list: isList(o.list) ? o.list : "pooled",
    row: isCount(o.row) ? o.row : 0,
    search: typeof o.search === "string" ? o.search.slice(0, MAX_NEIGHBOUR_QUERY_CHARS) : "",
    // clamped to the map's size when drawn
    view,
    point: isCount(o.point) ? o.point : 0,
  };
}
