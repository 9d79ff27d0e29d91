// The attention panel's webview: token strip, heatmap per layer and head, the grid of every head, the
// "lines" view, attention rollout, the model's next words and the document memory beside them. It asks for its state with "ready", keeps
// its own UI state (layer, head, tab, chosen token) with getState/setState, and reaches the extension only
// through the messages of src/shared/attentionProtocol.ts. This file: the events and the start.
import { isToWebviewMessage } from "../../src/shared/attentionProtocol";
import { cellAt, type Cell, type Layout } from "./heatmap";
import { TABS, S, channel, send, hoverToken } from "./state";
import { READY_TIMEOUT_MS } from "../common/vscodeApi";
import { whenDefined } from "../common/toolkit";
import { layerPick, headPick, followBox, exportButtons, tourButton, tokensEl, heatCanvas, heatTip, rollCanvas, rollTip, linesHost, panels } from "./skeleton";
import { T, labels, currentMatrix } from "./derived";
import { render } from "./render";
import { choose, setLayerHead, setTab, exportAs, onState, onDetails, onMemoryPlaces, onStatus, sendShowing } from "./actions";

window.addEventListener("message", (e: MessageEvent) => {
  const receivedAt = performance.now();
  if (!isToWebviewMessage(e.data)) return;
  channel.receive(e.data);
  const body = e.data.body;
  if (body.type === "state") onState(body.data, receivedAt);
  else if (body.type === "details") onDetails(body.data);
  else if (body.type === "memoryPlaces") onMemoryPlaces(body.data);
  else if (body.type === "loading") onStatus(true, "");
  else if (body.type === "error") onStatus(false, body.message);
});

layerPick.addEventListener("change", () => {
  const l = Number(layerPick.value);
  if (Number.isInteger(l) && S.view && l !== S.ui.layer) setLayerHead(l, S.ui.head);
});
headPick.addEventListener("change", () => {
  const h = Number(headPick.value);
  if (Number.isInteger(h) && S.view && h !== S.ui.head) setLayerHead(S.ui.layer, h);
});
followBox.addEventListener("change", () => send({ type: "setFollow", follow: followBox.checked }));
exportButtons.forEach((b, i) => b.addEventListener("click", () => exportAs((["png", "svg", "json"] as const)[i])));
tourButton.addEventListener("click", () => send({ type: "openTour" }));
panels.addEventListener("change", (e) => {
  if (e.target !== panels) return;
  const id = (panels as HTMLElement & { activeid?: string }).activeid ?? panels.getAttribute("activeid") ?? "";
  const tab = TABS.find((t) => `tab-${t.id}` === id)?.id;
  if (tab) setTab(tab, true);
});

/** Arrow keys move the chosen token; true when the key was used. */
function moveChosen(key: string): boolean {
  const n = T(S);
  if (n === 0) return false;
  const step: Record<string, number> = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1, PageUp: -10, PageDown: 10 };
  if (key === "Home") choose(0);
  else if (key === "End") choose(n - 1);
  else if (key in step) choose(S.ui.chosen + step[key]);
  else return false;
  return true;
}

tokensEl.addEventListener("keydown", (e) => {
  if (moveChosen(e.key)) e.preventDefault();
});
linesHost.addEventListener("keydown", (e) => {
  if (moveChosen(e.key)) {
    S.linesHover = null;
    render(S, "linesPointer");
    e.preventDefault();
  }
});
rollCanvas.addEventListener("keydown", (e) => {
  if (moveChosen(e.key)) e.preventDefault();
});
heatCanvas.addEventListener("keydown", (e) => {
  // up/down: the looking token; left/right: read along its row
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    S.keyColumn = Math.max(0, Math.min(S.ui.chosen, (S.keyColumn < 0 ? S.ui.chosen + 1 : S.keyColumn) + (e.key === "ArrowLeft" ? -1 : 1)));
    render(S, "heatPointer");
    showTip(heatTip, S.heatLayout, { q: S.ui.chosen, k: S.keyColumn }, currentMatrix(S));
    e.preventDefault();
  } else if (moveChosen(e.key)) {
    e.preventDefault();
    if (S.keyColumn >= 0) showTip(heatTip, S.heatLayout, { q: S.ui.chosen, k: S.keyColumn }, currentMatrix(S));
  }
});
heatCanvas.addEventListener("blur", () => {
  S.keyColumn = -1;
  heatTip.hidden = true;
  render(S, "heatPointer");
});

document.addEventListener("keydown", (e) => {
  if (!S.view || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = e.target as HTMLElement | null;
  if (target && /^(INPUT|TEXTAREA)$/.test(target.tagName)) return;
  if (e.key === "[" || e.key === "]") setLayerHead(S.ui.layer + (e.key === "[" ? -1 : 1), S.ui.head);
  else if (e.key === "," || e.key === ".") setLayerHead(S.ui.layer, S.ui.head + (e.key === "," ? -1 : 1));
  else return;
  e.preventDefault();
});

function showTip(tip: HTMLElement, layout: Layout | undefined, cell: Cell | null, m: Float32Array): void {
  if (!layout || !cell || !S.view) {
    tip.hidden = true;
    return;
  }
  const lab = labels(S);
  const v = m[cell.q * T(S) + cell.k];
  tip.textContent =
    cell.k > cell.q ? `“${lab[cell.q]}” cannot see “${lab[cell.k]}”: it comes later.` : `“${lab[cell.q]}” → “${lab[cell.k]}”: ${v.toFixed(3)} (${(v * 100).toFixed(1)}% of its attention)`;
  tip.hidden = false;
  // right of the cell, or left of it where the panel's edge would cut the tip off
  const wrap = tip.parentElement;
  const right = layout.x0 + (cell.k + 1) * layout.cell + 8;
  const room = wrap ? wrap.scrollLeft + wrap.clientWidth : Infinity;
  tip.style.left = `${right + tip.offsetWidth <= room ? right : Math.max(wrap?.scrollLeft ?? 0, layout.x0 + cell.k * layout.cell - tip.offsetWidth - 8)}px`;
  tip.style.top = `${layout.y0 + (cell.q + 1) * layout.cell + 4}px`;
}

function wireHover(canvas: HTMLCanvasElement, tip: HTMLElement, layoutOf: () => Layout | undefined, matrix: () => Float32Array, redraw: boolean): void {
  canvas.addEventListener("mousemove", (e) => {
    const layout = layoutOf();
    const cell = layout ? cellAt(layout, e.offsetX, e.offsetY) : null;
    showTip(tip, layout, cell, matrix());
    hoverToken(cell ? cell.k : null);
    if (redraw && (cell?.q !== S.hoverCell?.q || cell?.k !== S.hoverCell?.k)) {
      S.hoverCell = cell;
      render(S, "heatPointer");
    }
  });
  canvas.addEventListener("mouseleave", () => {
    tip.hidden = true;
    hoverToken(null);
    if (redraw && S.hoverCell) {
      S.hoverCell = null;
      render(S, "heatPointer");
    }
  });
  canvas.addEventListener("click", (e) => {
    const layout = layoutOf();
    const cell = layout ? cellAt(layout, e.offsetX, e.offsetY) : null;
    if (cell) choose(cell.q);
  });
}
wireHover(heatCanvas, heatTip, () => S.heatLayout, () => currentMatrix(S), true);
wireHover(rollCanvas, rollTip, () => (S.view?.pending ? undefined : S.rollLayout), () => S.view?.rollout ?? new Float32Array(0), false);

// the theme changes the body's class and the root's variables; the width changes the canvas sizes
let frame = 0;
function scheduleRender(): void {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(() => render(S, "all"));
}
new MutationObserver(scheduleRender).observe(document.body, { attributes: true, attributeFilter: ["class"] });
new MutationObserver(scheduleRender).observe(document.documentElement, { attributes: true, attributeFilter: ["style"] });
let lastWidth = 0;
new ResizeObserver(() => {
  const w = document.body.clientWidth;
  if (Math.abs(w - lastWidth) < 8) return;
  lastWidth = w;
  scheduleRender();
}).observe(document.body);

render(S, "all");

// Ask for the state at once: the heatmap is a canvas and needs no component, so the first picture does not
// wait for the toolkit's script. Once its components are defined, everything is drawn again, with the
// pickers' and the checkbox's values set as the components' own properties.
// the extension answers "ready" with what the panel shows (the message handler above draws it)
channel.request({ type: "ready" }, READY_TIMEOUT_MS).catch(() => {
  if (S.view || S.error) return;
  onStatus(S.loading, "LM Lens is not answering: close the panel and run the command again.");
});
sendShowing();
void whenDefined(["vscode-dropdown", "vscode-option", "vscode-checkbox", "vscode-button", "vscode-panels"]).then(() => scheduleRender());
