// What the user and the extension do to the state: the one module that changes it. Each action replaces
// what changed in the store (whose subscriber, render, redraws it) or asks the extension for a new screen.
// The UI state is saved with setState by a subscriber of the store (main.ts).
import { MAX_NEIGHBOUR_QUERY_CHARS, isNeighboursToWebviewMessage, type Metric, type NeighboursFromWebview, type NeighboursScreen, type NeighboursToWebview } from "../../src/shared/neighboursProtocol";
import { createStore } from "../common/store";
import { connect } from "../common/vscodeApi";
import { LISTS, restore, type Change, type ListId, type State, type UiState } from "./state";
import { WHOLE, type Viewport } from "./viewport";

export const { api, channel } = connect<UiState, NeighboursFromWebview, NeighboursToWebview>();
export const store = createStore<State, Change>({ ui: restore(api.getState()), screen: undefined, error: "" });

/**
 * What both pages (the side bar, the large map) wire the same way: the extension's messages, checked,
 * into the store, and the UI state saved with setState whenever it changes.
 */
export function connectPage(): void {
  window.addEventListener("message", (e: MessageEvent) => {
    if (!isNeighboursToWebviewMessage(e.data)) return;
    channel.receive(e.data);
    onScreen(e.data.body.data);
  });
  let savedUi = store.get().ui;
  store.subscribe((s) => {
    if (s.ui === savedUi) return;
    savedUi = s.ui;
    api.setState(s.ui);
  });
}

export function send(body: NeighboursFromWebview): void {
  channel.send(body);
}

/**
 * The extension's screen arrived; a new query's row focus starts again at the top, and the large map
 * shows the whole of a new query's map, or of another list, with the query highlighted.
 */
export function onScreen(screen: NeighboursScreen): void {
  const { ui, screen: was } = store.get();
  const newQuery = screen.id !== ui.id;
  const newMap = newQuery || (was !== undefined && was.mapList !== screen.mapList);
  store.update({ screen, ui: { ...ui, ...(newQuery ? { id: screen.id, list: "pooled" as ListId, row: 0 } : {}), ...(newMap ? { view: WHOLE, point: 0 } : {}) } }, "all");
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

/** The list both maps show: the extension's choice, so that the side bar and the large map agree. */
export function setMapList(value: string): void {
  const list = LISTS.find((id) => id === value);
  if (list && list !== store.get().screen?.mapList) send({ type: "setMapList", list });
}

/** Open the large map in an editor tab. */
export function openMap(): void {
  send({ type: "openMap" });
}

/** The large map's zoom or pan changed (already clamped to its size by viewport.ts). */
export function setView(view: Viewport): void {
  const { ui } = store.get();
  if (view.zoom !== ui.view.zoom || view.ox !== ui.view.ox || view.oy !== ui.view.oy) store.update({ ui: { ...ui, view } }, "view");
}

/** A point of the large map is highlighted (from its list, a click, or the keyboard), with the view moved to show it. */
export function highlight(point: number, view?: Viewport): void {
  const { ui } = store.get();
  const same = !view || (view.zoom === ui.view.zoom && view.ox === ui.view.ox && view.oy === ui.view.oy);
  if (point === ui.point && same) return;
  store.update({ ui: { ...ui, point, ...(view ? { view } : {}) } }, "point");
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
