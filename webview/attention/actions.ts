// What the user and the extension do to the state: each action changes S and redraws what shows it.
import { type AttentionView, type DetailsMessage, type ExportFormat } from "../../src/shared/attentionProtocol";
import { heatmapSvg, linesSvg, viewJson } from "./exporters";
import { type Tab, MEAN, S, save, send } from "./state";
import { heatCanvas, rollCanvas, linesHost, panels } from "./skeleton";
import { T, labels, currentMatrix, sendShowing, selectionName } from "./derived";
import { renderHeader, renderPickers, buildTokens, renderNext, staleViews, renderViews, renderAll, renderChosen } from "./render";
// ---------------------------------------------------------------- actions

export function choose(index: number): void {
  if (!S.view || T() === 0) return;
  const i = Math.max(0, Math.min(T() - 1, index));
  if (i === S.ui.chosen) return;
  S.ui.chosen = i;
  S.keyColumn = Math.min(S.keyColumn, i);
  save();
  send({ type: "selectToken", index: i });
  renderChosen();
}

export function setLayerHead(layer: number, head: number): void {
  if (!S.view) return;
  S.ui.layer = (layer + S.view.nLayer) % S.view.nLayer;
  S.ui.head = ((head - MEAN + S.view.nHead + 1) % (S.view.nHead + 1)) + MEAN;
  save();
  sendShowing();
  renderPickers();
  renderViews(["heatmap", "grid", "lines"]);
}

export function setTab(tab: Tab): void {
  S.ui.tab = tab;
  save();
  if (staleViews.has(tab)) renderViews([tab]);
  if (panels.getAttribute("activeid") !== `tab-${tab}`) panels.setAttribute("activeid", `tab-${tab}`);
}

export function exportAs(format: ExportFormat): void {
  if (!S.view || S.view.pending) return;
  const caption = `${S.view.model} · ${S.view.source.label} · ${S.ui.tab === "rollout" ? "attention rollout" : selectionName()}`;
  let data: string;
  if (format === "json") data = viewJson(S.view);
  else if (format === "png") data = (S.ui.tab === "rollout" ? rollCanvas : heatCanvas).toDataURL("image/png");
  else if (S.ui.tab === "lines" && S.linesView) data = linesSvg(S.linesView.root, caption, S.theme);
  else data = heatmapSvg(S.ui.tab === "rollout" ? S.view.rollout : currentMatrix(), labels(), caption, S.theme);
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
  buildTokens();
  if (pick && panels.getAttribute("activeid") !== `tab-${S.ui.tab}`) panels.setAttribute("activeid", `tab-${S.ui.tab}`);
  // the lines view is built when its tab is first shown for this view
  linesHost.replaceChildren();
  S.linesView = undefined;
  renderAll();
  if (n > 0) send({ type: "selectToken", index: S.ui.chosen });
  // after the browser has painted the heatmap
  requestAnimationFrame(() => setTimeout(() => send({ type: "rendered", viewId: v.id, drawMs: Math.round(performance.now() - receivedAt) }), 0));
}

/** The rollout and next words of the view on screen arrived: fill them in. */
export function onDetails(d: DetailsMessage["data"]): void {
  const TT = T() * T();
  if (!S.view || S.view.id !== d.viewId || d.rollout.length !== TT || d.attentions.length !== S.view.nLayer * S.view.nHead * TT || d.headMeans.length !== S.view.nLayer * TT) return;
  const { shown: _, ...rest } = S.view;
  S.view = { ...rest, attentions: d.attentions, headMeans: d.headMeans, rollout: d.rollout, predictions: d.predictions, nextWords: d.nextWords, pending: false };
  renderHeader();
  renderNext();
  renderViews(["heatmap", "grid", "lines", "rollout"]);
}

