// The attention panel's webview: token strip, heatmap per layer and head, the grid of every head, the
// "lines" view, attention rollout, the model's next words and the document memory beside them. It asks for
// its state with "ready", keeps its own UI state (layer, head, tab, chosen token) with getState/setState,
// and reaches the extension only through the messages of src/shared/attentionProtocol.ts. This file: the
// wiring of messages and DOM events to the actions, of the store to render, and the start.
import { isToWebviewMessage } from "../../src/shared/attentionProtocol";
import { READY_TIMEOUT_MS } from "../common/vscodeApi";
import { whenDefined } from "../common/toolkit";
import { cellAt, type Layout } from "./heatmap";
import { TABS, type ReadState } from "./state";
import { layerPick, headPick, followBox, exportButtons, tourButton, tokensEl, heatCanvas, heatTip, rollCanvas, rollTip, linesHost, panels, allHeadsBox, temperatureInput, topKInput, useSamplingButton, resetSamplingButton } from "./skeleton";
import { currentMatrix } from "./derived";
import { createRender } from "./render";
import { heatmapLayout } from "./views/heatmap";
import { rolloutLayout } from "./views/rollout";
import { showTip } from "./views/tooltip";
import * as act from "./actions";

const { store, channel, api, send } = act;

window.addEventListener("message", (e: MessageEvent) => {
  const receivedAt = performance.now();
  if (!isToWebviewMessage(e.data)) return;
  channel.receive(e.data);
  const body = e.data.body;
  if (body.type === "state") act.onState(body.data, receivedAt);
  else if (body.type === "details") act.onDetails(body.data);
  else if (body.type === "memoryPlaces") act.onMemoryPlaces(body.data);
  else if (body.type === "why") act.onWhy(body.data);
  else if (body.type === "sampling") act.onSampling(body.data);
  else if (body.type === "loading") act.onStatus(true, "");
  else if (body.type === "error") act.onStatus(false, body.message);
});

// the store's subscribers: the UI state is saved whenever it changes, and every change is drawn
let savedUi = store.get().ui;
store.subscribe((s) => {
  if (s.ui === savedUi) return;
  savedUi = s.ui;
  api.setState(s.ui);
});
const render = createRender({
  choose: act.choose,
  hoverToken: act.hoverToken,
  hoverLines: act.hoverLines,
  openHead: act.openHead,
  revealPlace: act.revealPlace,
  toggleWhyAll: act.toggleWhyAll,
  setLastWord: act.setLastWord,
  setAllHeads: act.setAllHeads,
  toggleHead: act.toggleHead,
});
store.subscribe(render);

layerPick.addEventListener("change", () => {
  const l = Number(layerPick.value);
  const s = store.get();
  if (Number.isInteger(l) && s.view && l !== s.ui.layer) act.setLayerHead(l, s.ui.head);
});
headPick.addEventListener("change", () => {
  const h = Number(headPick.value);
  const s = store.get();
  if (Number.isInteger(h) && s.view && h !== s.ui.head) act.setLayerHead(s.ui.layer, h);
});
followBox.addEventListener("change", () => send({ type: "setFollow", follow: followBox.checked }));
exportButtons.forEach((b, i) => b.addEventListener("click", () => act.exportAs((["png", "svg", "json"] as const)[i])));
tourButton.addEventListener("click", () => send({ type: "openTour" }));
// "Why this word?": the list follows the temperature and top-k as they move; the setting only on the button
temperatureInput.addEventListener("input", () => act.setSampling({ temperature: Number(temperatureInput.value) }));
topKInput.addEventListener("input", () => {
  if (topKInput.value !== "") act.setSampling({ topK: Number(topKInput.value) });
});
topKInput.addEventListener("change", () => act.setSampling({ topK: Number(topKInput.value) }));
useSamplingButton.addEventListener("click", act.useSampling);
allHeadsBox.addEventListener("change", () => act.setAllHeads(allHeadsBox.checked));
resetSamplingButton.addEventListener("click", act.resetSampling);
panels.addEventListener("change", (e) => {
  if (e.target !== panels) return;
  const id = (panels as HTMLElement & { activeid?: string }).activeid ?? panels.getAttribute("activeid") ?? "";
  const tab = TABS.find((t) => `tab-${t.id}` === id)?.id;
  if (tab) act.setTab(tab, true);
});

/** the heatmap's tip at the keyboard's column of the chosen row */
function showKeyTip(s: ReadState): void {
  showTip(s, heatTip, heatmapLayout(), { q: s.ui.chosen, k: s.keyColumn }, currentMatrix(s));
}

tokensEl.addEventListener("keydown", (e) => {
  if (act.moveChosen(e.key)) e.preventDefault();
});
linesHost.addEventListener("keydown", (e) => {
  if (act.moveChosen(e.key)) {
    act.clearLinesHover();
    e.preventDefault();
  }
});
rollCanvas.addEventListener("keydown", (e) => {
  if (act.moveChosen(e.key)) e.preventDefault();
});
heatCanvas.addEventListener("keydown", (e) => {
  // up/down: the looking token; left/right: read along its row
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    act.moveKeyColumn(e.key === "ArrowLeft" ? -1 : 1);
    showKeyTip(store.get());
    e.preventDefault();
  } else if (act.moveChosen(e.key)) {
    e.preventDefault();
    if (store.get().keyColumn >= 0) showKeyTip(store.get());
  }
});
heatCanvas.addEventListener("blur", () => {
  heatTip.hidden = true;
  act.clearKeyColumn();
});

document.addEventListener("keydown", (e) => {
  const s = store.get();
  if (!s.view || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = e.target as HTMLElement | null;
  if (target && /^(INPUT|TEXTAREA)$/.test(target.tagName)) return;
  if (e.key === "[" || e.key === "]") act.setLayerHead(s.ui.layer + (e.key === "[" ? -1 : 1), s.ui.head);
  else if (e.key === "," || e.key === ".") act.setLayerHead(s.ui.layer, s.ui.head + (e.key === "," ? -1 : 1));
  else return;
  e.preventDefault();
});

/** A heatmap's pointer: its tip, the editor's highlight, a click chooses the row; `hover`: the heatmap marks the cell. */
function wireHover(canvas: HTMLCanvasElement, tip: HTMLElement, layoutOf: () => Layout | undefined, matrix: () => Float32Array, hover: boolean): void {
  canvas.addEventListener("mousemove", (e) => {
    const layout = layoutOf();
    const cell = layout ? cellAt(layout, e.offsetX, e.offsetY) : null;
    showTip(store.get(), tip, layout, cell, matrix());
    act.hoverToken(cell ? cell.k : null);
    if (hover) act.hoverCell(cell);
  });
  canvas.addEventListener("mouseleave", () => {
    tip.hidden = true;
    act.hoverToken(null);
    if (hover) act.hoverCell(null);
  });
  canvas.addEventListener("click", (e) => {
    const layout = layoutOf();
    const cell = layout ? cellAt(layout, e.offsetX, e.offsetY) : null;
    if (cell) act.choose(cell.q);
  });
}
wireHover(heatCanvas, heatTip, heatmapLayout, () => currentMatrix(store.get()), true);
wireHover(rollCanvas, rollTip, () => (store.get().view?.pending ? undefined : rolloutLayout()), () => store.get().view?.rollout ?? new Float32Array(0), false);

// the theme changes the body's class and the root's variables; the width changes the canvas sizes
let frame = 0;
function scheduleRefresh(): void {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(act.refresh);
}
new MutationObserver(scheduleRefresh).observe(document.body, { attributes: true, attributeFilter: ["class"] });
new MutationObserver(scheduleRefresh).observe(document.documentElement, { attributes: true, attributeFilter: ["style"] });
let lastWidth = 0;
new ResizeObserver(() => {
  const w = document.body.clientWidth;
  if (Math.abs(w - lastWidth) < 8) return;
  lastWidth = w;
  scheduleRefresh();
}).observe(document.body);

render(store.get(), "all");

// Ask for the state at once: the heatmap is a canvas and needs no component, so the first picture does not
// wait for the toolkit's script. Once its components are defined, everything is drawn again, with the
// pickers' and the checkbox's values set as the components' own properties.
// the extension answers "ready" with what the panel shows (the message handler above draws it)
channel.request({ type: "ready" }, READY_TIMEOUT_MS).catch(() => {
  const s = store.get();
  if (s.view || s.error) return;
  act.onStatus(s.loading, "LM Lens is not answering: close the panel and run the command again.");
});
act.sendShowing();
void whenDefined(["vscode-dropdown", "vscode-option", "vscode-checkbox", "vscode-button", "vscode-panels"]).then(() => scheduleRefresh());
