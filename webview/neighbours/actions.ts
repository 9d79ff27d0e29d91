// What the user and the extension do to the state: the one module that changes it. Each action replaces
// what changed in the store (whose subscriber, render, redraws it) or asks the extension for a new screen.
// The UI state is saved with setState by a subscriber of the store (main.ts).
import { MAX_NEIGHBOUR_QUERY_CHARS, type Metric, type NeighboursFromWebview, type NeighboursScreen, type NeighboursToWebview } from "../../src/shared/neighboursProtocol";
import { createStore } from "../common/store";
import { connect } from "../common/vscodeApi";
import { LISTS, restore, type Change, type ListId, type State, type UiState } from "./state";

export const { api, channel } = connect<UiState, NeighboursFromWebview, NeighboursToWebview>();
export const store = createStore<State, Change>({ ui: restore(api.getState()), screen: undefined, error: "" });

export function send(body: NeighboursFromWebview): void {
  channel.send(body);
}

/** The extension's screen arrived; a new query's row focus starts again at the top. */
export function onScreen(screen: NeighboursScreen): void {
  const { ui } = store.get();
  store.update({ screen, ui: screen.id !== ui.id ? { ...ui, id: screen.id, list: "pooled", row: 0 } : ui }, "all");
}

/** The extension did not answer "ready". */
export function onNoAnswer(): void {
  store.update({ error: "LM Lens is not answering: reload the window if this stays." }, "all");
}

/** A word of the selection becomes the query. */
export function focusWord(index: number): void {
  send({ type: "focusWord", index });
}

/** A row's word becomes the query. */
export function pick(id: ListId, row: number): void {
  const word = store.get().screen?.[id].list?.neighbours[row]?.word;
  if (!word) return;
  send({ type: "query", origin: "neighbour", text: word });
}

/** A row got the keyboard focus: it is where the focus returns after the next screen of this query. */
export function focusRow(list: ListId, row: number): void {
  const { ui } = store.get();
  if (ui.list !== list || ui.row !== row) store.update({ ui: { ...ui, list, row } }, "row");
}

/** The search box's text, kept as typed (cut to what a query may hold). */
export function typeSearch(text: string): void {
  store.update({ ui: { ...store.get().ui, search: text.slice(0, MAX_NEIGHBOUR_QUERY_CHARS) } }, "search");
}

/** The search box's text becomes the query. */
export function search(text: string): void {
  typeSearch(text);
  send({ type: "query", origin: "typed", text: store.get().ui.search });
}

/** The controls' options; `layer` and `metric` undefined: the screen's own (their pickers are not defined yet). */
export function setOptions(k: number, layer: number | undefined, metric: string | undefined): void {
  const { screen } = store.get();
  if (!screen) return;
  const l = layer ?? screen.options.layer;
  const m: Metric = (metric ?? screen.options.metric) === "euclidean" ? "euclidean" : "cosine";
  if (!Number.isInteger(k) || !Number.isInteger(l)) return;
  send({ type: "setOptions", options: { k, metric: m, layer: l } });
}

/** The follow checkbox changed: only the user's own change goes to the extension (render sets it too). */
export function setFollow(follow: boolean): void {
  const { screen } = store.get();
  if (screen && follow !== screen.follow) send({ type: "setFollow", follow });
}

export function setMapList(value: string): void {
  store.update({ ui: { ...store.get().ui, mapList: LISTS.find((id) => id === value) ?? "pooled" } }, "map");
}

export function copyList(): void {
  send({ type: "copyList" });
}

export function exportList(format: "json" | "csv"): void {
  send({ type: "exportList", format });
}

export function openTour(): void {
  send({ type: "openTour" });
}
