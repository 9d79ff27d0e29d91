// What the user and the extension do to the state: the one module that changes it. Each action replaces
// what changed in the store (whose subscriber, render, redraws it) and tells the extension what it needs to
// know. The UI state is saved with setState by a subscriber of the store (main.ts).
import { SAMPLING_LIMITS, type AttentionView, type DetailsMessage, type SamplingSettings, type ExportFormat, type FromWebview, type LastWord, type MemoryPlacesMessage, type ToWebview, type WhyMessage } from "../../src/shared/attentionProtocol";
import { createStore } from "../common/store";
import { connect } from "../common/vscodeApi";
import { framedPng, heatmapSvg, linesSvg, viewJson } from "./exporters";
import { shortQuote } from "../../src/shared/tokenDisplay";
import { type Cell } from "./heatmap";
import { type Change, type ReadState, type State, type Tab, type UiState, type Zoom, MEAN, initialState, restore } from "./state";
import { readTheme } from "./theme";
import { heatCanvas, rollCanvas } from "./skeleton";
import { T, labels, currentMatrix, selectionName, panelSampling, topKMax, heatViewport } from "./derived";
import { describeViewport, follow, isWhole, pan, zoomStep, zoomTo, type Viewport } from "./viewport";
import { linesSvgRoot } from "./views/lines";

export const { api, channel } = connect<UiState, FromWebview, ToWebview>();
export const store = createStore<State, Change>(initialState(restore(api.getState()), readTheme()));

export function send(body: FromWebview): void {
  channel.send(body);
}

/** the token the editor was last told is hovered: the transport's memory, not state */
let lastHoverSent: number | null = null;

/** A token is under the pointer (null: none): the editor highlights it. */
export function hoverToken(index: number | null): void {
  if (index === lastHoverSent) return;
  lastHoverSent = index;
  send({ type: "hoverToken", index });
}

/** Tell the extension which head the heatmap shows, so that the next view's first message carries it. */
export function sendShowing(): void {
  const { ui } = store.get();
  send({ type: "showing", layer: Math.max(0, ui.layer), head: ui.head === MEAN ? null : ui.head });
}

/** The zoom with the heatmap's window moved as little as it must to show row q and column k (a zoom the user chose keeps its size). */
function followed(s: ReadState, q: number, k = q): Zoom {
  const v = follow(heatViewport(s), T(s), q, k);
  return { n: s.zoom.n, row0: v.row0, col0: v.col0 };
}

function sameZoom(a: ReadState["zoom"], b: Zoom): boolean {
  return a.n === b.n && a.row0 === b.row0 && a.col0 === b.col0;
}

export function choose(index: number): void {
  const s = store.get();
  if (!s.view || T(s) === 0) return;
  const i = Math.max(0, Math.min(T(s) - 1, index));
  if (i === s.ui.chosen) return;
  // the heatmap's window follows the chosen token's row (the token strip, the keys, a click in the lines
  // view); its columns stay where the user put them unless every one shown is later than the token
  const v = heatViewport(s);
  store.update({ ui: { ...s.ui, chosen: i }, keyColumn: Math.min(s.keyColumn, i), zoom: followed(s, i, v.col0 <= i ? v.col0 : i) }, "chosen");
  send({ type: "selectToken", index: i });
}

/** Arrow keys, Page Up/Down, Home and End move the chosen token; true when the key was one of them. */
export function moveChosen(key: string): boolean {
  const s = store.get();
  const n = T(s);
  if (n === 0) return false;
  const step: Record<string, number> = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1, PageUp: -10, PageDown: 10 };
  if (key === "Home") choose(0);
  else if (key === "End") choose(n - 1);
  else if (key in step) choose(s.ui.chosen + step[key]);
  else return false;
  return true;
}

/** Layer and head, each wrapping round (the head through the average of heads). */
export function setLayerHead(layer: number, head: number): void {
  const s = store.get();
  if (!s.view) return;
  const ui = { ...s.ui, layer: (layer + s.view.nLayer) % s.view.nLayer, head: ((head - MEAN + s.view.nHead + 1) % (s.view.nHead + 1)) + MEAN };
  store.update({ ui }, "head");
  sendShowing();
}

/** A tab chosen in the panel (`fromPanels`: the tab strip itself changed) or by a click elsewhere. */
export function setTab(tab: Tab, fromPanels = false): void {
  const { ui } = store.get();
  if (fromPanels && tab === ui.tab) return;
  store.update({ ui: { ...ui, tab } }, "tab");
}

/** A picture of the grid was clicked: its layer and head, in the heatmap tab. */
export function openHead(layer: number, head: number): void {
  setLayerHead(layer, head);
  setTab("heatmap");
}

/** The heatmap's keyboard column moves one cell left or right along the chosen row. */
export function moveKeyColumn(by: -1 | 1): void {
  const s = store.get();
  const from = s.keyColumn < 0 ? s.ui.chosen + 1 : s.keyColumn;
  const keyColumn = Math.max(0, Math.min(s.ui.chosen, from + by));
  // reading along a long row pans the window with the column read
  const zoom = followed(s, s.ui.chosen, keyColumn);
  store.update({ keyColumn, zoom }, sameZoom(s.zoom, zoom) ? "heatPointer" : "zoom");
}

function setViewport(v: Viewport, sized: boolean): void {
  const s = store.get();
  const zoom = { n: sized ? v.n : s.zoom.n, row0: v.row0, col0: v.col0 };
  if (!sameZoom(s.zoom, zoom)) store.update({ zoom, hoverCell: null }, "zoom");
}

/** Zoom in (larger cells, fewer of them) or out, around a cell (the pointer's) or the window's middle. */
export function zoom(direction: "in" | "out", at?: { q: number; k: number }): void {
  const s = store.get();
  if (T(s) > 0) setViewport(zoomStep(heatViewport(s), T(s), direction, at), true);
}

/** The whole matrix at once (its cells as small as they must be). */
export function zoomWhole(): void {
  const s = store.get();
  if (T(s) > 0) setViewport(zoomTo(heatViewport(s), T(s), T(s)), true);
}

/** Back to as many cells as carry their tokens' names, around the chosen token. */
export function zoomNames(): void {
  const s = store.get();
  if (T(s) === 0) return;
  const auto = { ...s, zoom: { ...s.zoom, n: null } };
  store.update({ zoom: followed(auto, s.ui.chosen, s.keyColumn >= 0 ? s.keyColumn : s.ui.chosen), hoverCell: null }, "zoom");
}

/** The window moved by rows and columns (a drag, the wheel). */
export function panBy(rows: number, cols: number): void {
  const s = store.get();
  if (T(s) > 0) setViewport(pan(heatViewport(s), T(s), Math.round(rows), Math.round(cols)), false);
}

/** The window centred on a row and column (a click on the overview). */
export function panTo(q: number, k: number): void {
  const s = store.get();
  const v = heatViewport(s);
  if (T(s) > 0) setViewport(pan({ ...v, row0: q - v.n / 2, col0: k - v.n / 2 }, T(s), 0, 0), false);
}

/** The heatmap lost the keyboard: no column is read. */
export function clearKeyColumn(): void {
  store.update({ keyColumn: -1 }, "heatPointer");
}

/** The heatmap cell under the pointer (null: none); redrawn only when it is another cell. */
export function hoverCell(cell: Cell | null): void {
  const { hoverCell: was } = store.get();
  if (cell?.q === was?.q && cell?.k === was?.k) return;
  store.update({ hoverCell: cell }, "heatPointer");
}

/** A token of the lines view is under the pointer (null: none). */
export function hoverLines(index: number | null, side: "left" | "right"): void {
  store.update({ linesHover: index === null ? null : { index, side } }, "linesPointer");
  hoverToken(index);
}

/** The keyboard moved the lines view's token: the pointer's token no longer counts. */
export function clearLinesHover(): void {
  store.update({ linesHover: null }, "linesPointer");
}

/** The theme's colours or the panel's width changed: everything is drawn again. */
export function refresh(): void {
  const s = store.get();
  const next = { ...s, theme: readTheme() };
  // a window sized to the panel (zoom.n null) is sized again: it keeps the chosen row and the column read in view
  store.update({ theme: next.theme, zoom: followed(next, s.ui.chosen, s.keyColumn >= 0 ? s.keyColumn : s.ui.chosen) }, "all");
}

export function revealPlace(start: number, end: number): void {
  send({ type: "revealPlace", start, end });
}

/** "layer 2, heads 1, 3 and 4, one colour each": what the lines view's every-head overlay shows */
function everyHeadName(nHead: number, layer: number, hidden: readonly number[]): string {
  const shown = Array.from({ length: nHead }, (_, h) => h).filter((h) => !hidden.includes(h)).map((h) => String(h + 1));
  const list = shown.length > 1 ? `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}` : (shown[0] ?? "none");
  return `layer ${layer + 1}, head${shown.length === 1 ? "" : "s"} ${list}, one colour each`;
}

export function exportAs(format: ExportFormat): void {
  const s = store.get();
  if (!s.view || s.view.pending) return;
  const rollout = s.ui.tab === "rollout";
  // a shared picture says what it shows: the model, the source, the layer and head, the text, the scale
  const title = {
    caption: `${s.view.model} · ${s.view.source.label} · ${rollout ? `attention rollout through all ${s.view.nLayer} layers` : s.ui.tab === "lines" && s.allHeads.on && s.view.nHead > 1 ? everyHeadName(s.view.nHead, s.ui.layer, s.allHeads.hidden) : selectionName(s)}`,
    text: `“${shortQuote(s.view.text, 90)}”`,
    scale: rollout ? "rollout weight" : "attention weight",
  };
  const lines = s.ui.tab === "lines" ? linesSvgRoot(s) : undefined;
  let data: string;
  const v = heatViewport(s);
  if (format === "json") data = viewJson(s.view);
  // the PNG is the picture on screen: a zoomed heatmap says which rows and columns it holds
  else if (format === "png") data = framedPng(rollout ? rollCanvas : heatCanvas, !isWhole(v, T(s)) ? { ...title, caption: `${title.caption} · ${describeViewport(v, T(s))}` } : title, s.theme);
  else if (lines) data = linesSvg(lines, title, s.theme);
  else data = heatmapSvg(rollout ? s.view.rollout : currentMatrix(s), labels(s), title, s.theme);
  send({ type: "export", format, data });
}

export function onState(v: AttentionView, receivedAt: number): void {
  const { ui: was } = store.get();
  const same = was.viewId === v.id;
  const n = v.tokens.length;
  // a command (the guided tour) may say what to show first; after that, the user's choices stand
  const pick = !same ? v.pick : undefined;
  const ui: UiState = {
    viewId: v.id,
    layer: pick ? pick.layer : Math.min(was.layer, Math.max(0, v.nLayer - 1)),
    head: pick ? (pick.head ?? MEAN) : was.head < v.nHead ? was.head : MEAN,
    tab: pick ? pick.tab : was.tab,
    chosen: same ? Math.min(was.chosen, Math.max(0, n - 1)) : Math.min(v.focus ?? n - 1, Math.max(0, n - 1)),
  };
  const theme = readTheme();
  // a new text opens on the window of names around its chosen token (the whole matrix where it fits)
  const zoom = same ? store.get().zoom : followed({ ...store.get(), view: v, theme, zoom: { n: null, row0: 0, col0: 0 } }, ui.chosen);
  store.update({ view: v, ui, hoverCell: null, keyColumn: -1, linesHover: null, loading: false, error: "", theme, zoom, ...(same ? {} : { whyAll: { words: false, parts: false }, sampling: null }) }, "all");
  sendShowing();
  if (n > 0) send({ type: "selectToken", index: ui.chosen });
  // after the browser has painted the heatmap
  requestAnimationFrame(() => setTimeout(() => send({ type: "rendered", viewId: v.id, drawMs: Math.round(performance.now() - receivedAt) }), 0));
}

/** The rollout and next words of the view on screen arrived: fill them in. */
export function onDetails(d: DetailsMessage["data"]): void {
  const s = store.get();
  const TT = T(s) * T(s);
  if (!s.view || s.view.id !== d.viewId || d.rollout.length !== TT || d.attentions.length !== s.view.nLayer * s.view.nHead * TT || d.headMeans.length !== s.view.nLayer * TT) return;
  const { shown: _, ...rest } = s.view;
  const { memory, memoryPlaces, noMemory, completes, windowStart } = d;
  store.update({ view: { ...rest, attentions: d.attentions, headMeans: d.headMeans, rollout: d.rollout, predictions: d.predictions, nextWords: d.nextWords, memory, memoryPlaces, noMemory, completes, windowStart, pending: false } }, "details");
}

/** "Why this word?"'s explanation of the view on screen arrived (or failed): its token ranges must fit the view. */
export function onWhy(d: WhyMessage["data"]): void {
  const { view } = store.get();
  if (!view || view.id !== d.viewId) return;
  const n = view.tokens.length;
  if (d.why.state === "done" && d.why.removalTokens.some((r) => r !== null && (r[0] > r[1] || r[1] >= n))) return;
  store.update({ view: { ...view, why: d.why } }, "why");
}

/** Every word of the window (or part of the model) listed, or only the largest. */
export function toggleWhyAll(which: "words" | "parts"): void {
  store.update((s) => ({ whyAll: { ...s.whyAll, [which]: !s.whyAll[which] } }), "why");
}

/** Read the selection's last word the other way (the extension runs the selection again). */
export function setLastWord(mode: LastWord): void {
  send({ type: "setLastWord", mode });
}

/** The memory's places of the view on screen, given their lines again (one was edited since). */
export function onMemoryPlaces(d: MemoryPlacesMessage["data"]): void {
  const { view } = store.get();
  if (!view || view.id !== d.viewId) return;
  store.update({ view: { ...view, memoryPlaces: d.memoryPlaces } }, "memory");
}

/** The model host is working, or could not. */
export function onStatus(loading: boolean, error: string): void {
  store.update({ loading, error }, "status");
}

/** "Why this word?"'s temperature or top-k moved: the list is drawn again at it (the user's setting is not touched). */
export function setSampling(change: Partial<SamplingSettings>): void {
  const s = store.get();
  const at = panelSampling(s);
  if (!at) return;
  const { temperature: tl } = SAMPLING_LIMITS;
  const t = change.temperature ?? at.temperature;
  const k = change.topK ?? at.topK;
  if (!Number.isFinite(t) || !Number.isFinite(k)) return;
  const next = { temperature: Math.min(tl.max, Math.max(tl.min, t)), topK: Math.min(topKMax(s), Math.max(SAMPLING_LIMITS.topK.min, Math.round(k))) };
  const mine = s.view?.sampling;
  store.update({ sampling: mine && next.temperature === mine.temperature && next.topK === mine.topK ? null : next }, "sampling");
}

/** Back to the user's own temperature and top-k. */
export function resetSampling(): void {
  store.update({ sampling: null }, "sampling");
}

/** "Use for suggestions": the extension writes the panel's temperature and top-k to the user's settings. */
export function useSampling(): void {
  const at = panelSampling(store.get());
  if (at) send({ type: "useSampling", temperature: at.temperature, topK: at.topK });
}

/** The user's sampling settings as they are now (after "Use for suggestions"). */
export function onSampling(d: SamplingSettings): void {
  const s = store.get();
  if (!s.view?.sampling) return;
  const view = { ...s.view, sampling: d };
  const mine = s.sampling;
  store.update({ view, sampling: mine && mine.temperature === d.temperature && mine.topK === d.topK ? null : mine }, "sampling");
}

/** The lines view draws every head of the layer at once, one colour each (or the head chosen above). */
export function setAllHeads(on: boolean): void {
  store.update((s) => ({ allHeads: { ...s.allHeads, on } }), "heads");
}

/** The lines view's overlay shows or hides one head. */
export function toggleHead(head: number): void {
  store.update((s) => {
    const hidden = s.allHeads.hidden.includes(head) ? s.allHeads.hidden.filter((h) => h !== head) : [...s.allHeads.hidden, head];
    return { allHeads: { ...s.allHeads, hidden } };
  }, "heads");
}
