// What the user and the extension do to the state: each action changes S, tells the extension what it
// needs to know, and calls render(S, what changed).
import { type AttentionView, type DetailsMessage, type ExportFormat, type MemoryPlacesMessage } from "../../src/shared/attentionProtocol";
import { heatmapSvg, linesSvg, viewJson } from "./exporters";
import { type Tab, MEAN, S, save, send } from "./state";
import { heatCanvas, rollCanvas, linesHost, panels } from "./skeleton";
import { T, labels, currentMatrix, selectionName } from "./derived";
import { render } from "./render";

/** Tell the extension which head the heatmap shows, so that the next view's first message carries it. */
export function sendShowing(): void {
  send({ type: "showing", layer: Math.max(0, S.ui.layer), head: S.ui.head === MEAN ? null : S.ui.head });
}

export function choose(index: number): void {
  if (!S.view || T(S) === 0) return;
  const i = Math.max(0, Math.min(T(S) - 1, index));
  if (i === S.ui.chosen) return;
  S.ui.chosen = i;
  S.keyColumn = Math.min(S.keyColumn, i);
  save();
  send({ type: "selectToken", index: i });
  render(S, "chosen");
}

export function setLayerHead(layer: number, head: number): void {
  if (!S.view) return;
  S.ui.layer = (layer + S.view.nLayer) % S.view.nLayer;
  S.ui.head = ((head - MEAN + S.view.nHead + 1) % (S.view.nHead + 1)) + MEAN;
  save();
  sendShowing();
  render(S, "head");
}

/** A tab chosen in the panel (`fromPanels`: the tab strip itself changed) or by a click elsewhere. */
export function setTab(tab: Tab, fromPanels = false): void {
  if (fromPanels && tab === S.ui.tab) return;
  S.ui.tab = tab;
  save();
  render(S, "tab");
  if (!fromPanels && panels.getAttribute("activeid") !== `tab-${tab}`) panels.setAttribute("activeid", `tab-${tab}`);
}

export function exportAs(format: ExportFormat): void {
  if (!S.view || S.view.pending) return;
  const caption = `${S.view.model} · ${S.view.source.label} · ${S.ui.tab === "rollout" ? "attention rollout" : selectionName(S)}`;
  let data: string;
  if (format === "json") data = viewJson(S.view);
  else if (format === "png") data = (S.ui.tab === "rollout" ? rollCanvas : heatCanvas).toDataURL("image/png");
  else if (S.ui.tab === "lines" && S.linesView) data = linesSvg(S.linesView.root, caption, S.theme);
  else data = heatmapSvg(S.ui.tab === "rollout" ? S.view.rollout : currentMatrix(S), labels(S), caption, S.theme);
  send({ type: "export", format, data });
}

export function onState(v: AttentionView, receivedAt: number): void {
  const same = S.ui.viewId === v.id;
  S.view = v;
  const n = v.tokens.length;
  // a command (the guided tour) may say what to show first; after that, the user's choices stand
  const pick = !same ? v.pick : undefined;
  S.ui = {
    viewId: v.id,
    layer: pick ? pick.layer : Math.min(S.ui.layer, Math.max(0, v.nLayer - 1)),
    head: pick ? (pick.head ?? MEAN) : S.ui.head < v.nHead ? S.ui.head : MEAN,
    tab: pick ? pick.tab : S.ui.tab,
    chosen: same ? Math.min(S.ui.chosen, Math.max(0, n - 1)) : Math.min(v.focus ?? n - 1, Math.max(0, n - 1)),
  };
  S.hoverCell = null;
  S.keyColumn = -1;
  S.linesHover = null;
  save();
  sendShowing();
  S.loading = false;
  S.error = "";
  if (pick && panels.getAttribute("activeid") !== `tab-${S.ui.tab}`) panels.setAttribute("activeid", `tab-${S.ui.tab}`);
  // the lines view is built when its tab is first shown for this view
  linesHost.replaceChildren();
  S.linesView = undefined;
  render(S, "all");
  if (n > 0) send({ type: "selectToken", index: S.ui.chosen });
  // after the browser has painted the heatmap
  requestAnimationFrame(() => setTimeout(() => send({ type: "rendered", viewId: v.id, drawMs: Math.round(performance.now() - receivedAt) }), 0));
}

/** The rollout and next words of the view on screen arrived: fill them in. */
export function onDetails(d: DetailsMessage["data"]): void {
  const TT = T(S) * T(S);
  if (!S.view || S.view.id !== d.viewId || d.rollout.length !== TT || d.attentions.length !== S.view.nLayer * S.view.nHead * TT || d.headMeans.length !== S.view.nLayer * TT) return;
  const { shown: _, ...rest } = S.view;
  const { memory, memoryPlaces, noMemory } = d;
  S.view = { ...rest, attentions: d.attentions, headMeans: d.headMeans, rollout: d.rollout, predictions: d.predictions, nextWords: d.nextWords, memory, memoryPlaces, noMemory, pending: false };
  render(S, "details");
}

/** The memory's places of the view on screen, given their lines again (one was edited since). */
export function onMemoryPlaces(d: MemoryPlacesMessage["data"]): void {
  if (!S.view || S.view.id !== d.viewId) return;
  S.view = { ...S.view, memoryPlaces: d.memoryPlaces };
  render(S, "memory");
}

/** The model host is working, or could not. */
export function onStatus(loading: boolean, error: string): void {
  S.loading = loading;
  S.error = error;
  render(S, "status");
}
