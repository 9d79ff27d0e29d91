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
import { layerPick, headPick, followBox, exportButtons, tourButton, tokensEl, heatCanvas, heatTip, rollCanvas, rollTip, linesHost, panels, allHeadsBox, temperatureInput, topKInput, useSamplingButton, resetSamplingButton, heatZoom, rollZoom, type ZoomBar } from "./skeleton";
import { overviewScale } from "./views/zoom";
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
/** + and − zoom a heatmap, 0 shows the whole matrix, N the cells that carry names; true when the key was one of them. */
function zoomKey(key: string): boolean {
  if (key === "+" || key === "=") act.zoom("in");
  else if (key === "-" || key === "_") act.zoom("out");
  else if (key === "0") act.zoomWhole();
  else if (key === "n" || key === "N") act.zoomNames();
  else return false;
  return true;
}

rollCanvas.addEventListener("keydown", (e) => {
  if (act.moveChosen(e.key) || (!e.ctrlKey && !e.metaKey && !e.altKey && zoomKey(e.key))) e.preventDefault();
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
  } else if (!e.ctrlKey && !e.metaKey && !e.altKey && zoomKey(e.key)) {
    e.preventDefault();
    heatTip.hidden = true;
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

/**
 * A heatmap's pointer: its tip, the editor's highlight, a click chooses the row; `hover`: the heatmap marks
 * the cell. A drag pans the window on the matrix; the wheel pans it (rows; with Shift, columns) until it
 * reaches the matrix's edge, where the page scrolls on; Ctrl+wheel zooms around the cell under the pointer.
 */
function wireHover(canvas: HTMLCanvasElement, tip: HTMLElement, layoutOf: () => Layout | undefined, matrix: () => Float32Array, hover: boolean): void {
  /** a press on the canvas: where, and whether it has become a drag (it has moved the window) */
  let drag: { x: number; y: number; moved: boolean; started: boolean } | null = null;
  canvas.addEventListener("mousedown", (e) => {
    if (e.button === 0) drag = { x: e.clientX, y: e.clientY, moved: false, started: false };
  });
  window.addEventListener("mouseup", () => {
    // the click that ends a drag does not choose a row (the click event comes after mouseup: cleared there)
    if (drag && !drag.moved) drag = null;
  });
  canvas.addEventListener("mouseup", () => {
    // a press that dragged no window (at an edge) is still a drag, not a click on a row
    if (drag?.started) drag.moved = true;
  });
  canvas.addEventListener("mousemove", (e) => {
    const layout = layoutOf();
    // a press becomes a drag once it has gone 4 px (a click's tremor still chooses), and only a window
    // that can move (not the whole matrix) is dragged
    if (drag && layout && e.buttons & 1 && layout.n < layout.T && (drag.started || Math.hypot(e.clientX - drag.x, e.clientY - drag.y) >= 4)) {
      drag.started = true;
      const rows = Math.trunc((drag.y - e.clientY) / layout.cell);
      const cols = Math.trunc((drag.x - e.clientX) / layout.cell);
      if (rows !== 0 || cols !== 0) {
        const before = `${layout.row0},${layout.col0}`;
        act.panBy(rows, cols);
        const after = layoutOf();
        drag = { x: drag.x - cols * layout.cell, y: drag.y - rows * layout.cell, moved: drag.moved || (after !== undefined && `${after.row0},${after.col0}` !== before), started: true };
        tip.hidden = true;
      }
      return;
    }
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
    const dragged = drag?.moved;
    drag = null;
    if (dragged) return;
    const layout = layoutOf();
    const cell = layout ? cellAt(layout, e.offsetX, e.offsetY) : null;
    if (cell) act.choose(cell.q);
  });
  canvas.addEventListener(
    "wheel",
    (e) => {
      const layout = layoutOf();
      if (!layout || layout.T === 0) return;
      if (e.ctrlKey || e.metaKey) {
        const cell = cellAt(layout, e.offsetX, e.offsetY);
        act.zoom(e.deltaY < 0 ? "in" : "out", cell ?? undefined);
        e.preventDefault();
        return;
      }
      // the wheel pans only while the heatmap has the focus (a click or Tab gives it): otherwise it
      // scrolls the page, so that reading past a heatmap is never held up by it
      if (document.activeElement !== canvas) return;
      const horizontal = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
      const delta = horizontal ? (e.shiftKey ? e.deltaY || e.deltaX : e.deltaX) : e.deltaY;
      // a wheel notch moves about three cells (at least one)
      const by = Math.sign(delta) * Math.max(1, Math.round(Math.abs(delta) / 40));
      const start = horizontal ? layout.col0 : layout.row0;
      const canMove = by < 0 ? start > 0 : start + layout.n < layout.T;
      if (!canMove) return;
      act.panBy(horizontal ? 0 : by, horizontal ? by : 0);
      tip.hidden = true;
      e.preventDefault();
    },
    { passive: false },
  );
}

/** A zoom bar's buttons, and its overview: a click there centres the window on that place. */
function wireZoom(bar: ZoomBar): void {
  bar.zoomOut.addEventListener("click", () => act.zoom("out"));
  bar.zoomIn.addEventListener("click", () => act.zoom("in"));
  bar.whole.addEventListener("click", act.zoomWhole);
  bar.names.addEventListener("click", act.zoomNames);
  bar.overview.addEventListener("click", (e) => {
    const scale = overviewScale(bar);
    act.panTo(Math.floor(e.offsetY / scale), Math.floor(e.offsetX / scale));
  });
}
wireZoom(heatZoom);
wireZoom(rollZoom);
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
