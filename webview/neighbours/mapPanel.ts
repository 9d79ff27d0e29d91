// The large map's page (an editor tab): the wiring of the extension's messages, the keyboard, the mouse
// and the toolbar to the actions, and of the store to the large map's view. It shows the side bar's
// screen, which the extension sends to both webviews alike (NeighboursController.addViewer); it asks for
// it with "ready" and keeps its zoom, pan and highlighted point with getState/setState.
import { moveFocus } from "../common/dom";
import { whenDefined } from "../common/toolkit";
import { READY_TIMEOUT_MS } from "../common/vscodeApi";
import { spacePick, zoomInButton, zoomOutButton, wholeButton, mapBox, pointList } from "./mapSkeleton";
import { mapSize, renderBigMap } from "./views/bigMap";
import { clamp, fitTransform, fitted, panBy, panKey, reveal, zoomAt, zoomCentre, WHOLE, ZOOM_STEP } from "./viewport";
import * as act from "./actions";

const { store, channel } = act;

act.connectPage();

/** the map's list now */
function list() {
  const sc = store.get().screen;
  return sc?.[sc.mapList].list;
}

/** Highlight a point and move the view as little as it takes to show it. */
function highlight(i: number): void {
  const l = list();
  if (!l || i < 0 || i > l.neighbours.length) return;
  const size = mapSize();
  const f = fitted(fitTransform(l.map.x, l.map.y, size), l.map.x[i], l.map.y[i]);
  act.highlight(i, reveal(clamp(store.get().ui.view, size), f.x, f.y, size));
}

function pickPoint(i: number): void {
  if (i > 0) act.pick(store.get().screen?.mapList ?? "pooled", i - 1);
}

store.subscribe((s, change) => {
  if (change === "all" || change === "map" || change === "view" || change === "point") renderBigMap(s, { highlight, pickPoint }, change);
});

const view = () => clamp(store.get().ui.view, mapSize());
const zoomBy = (factor: number) => act.setView(zoomCentre(view(), factor, mapSize()));

spacePick.addEventListener("change", () => act.setMapList(spacePick.value));
zoomInButton.addEventListener("click", () => zoomBy(ZOOM_STEP));
zoomOutButton.addEventListener("click", () => zoomBy(1 / ZOOM_STEP));
wholeButton.addEventListener("click", () => act.setView(WHOLE));

mapBox.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const panned = panKey(view(), e.key, mapSize());
  if (panned) act.setView(panned);
  else if (e.key === "+" || e.key === "=") zoomBy(ZOOM_STEP);
  else if (e.key === "-" || e.key === "_") zoomBy(1 / ZOOM_STEP);
  else if (e.key === "0") act.setView(WHOLE);
  else return;
  e.preventDefault();
});

// Ctrl + wheel (and a pinch, which the browser reports as one) zooms about the pointer; the wheel alone pans
mapBox.addEventListener(
  "wheel",
  (e) => {
    e.preventDefault();
    const r = mapBox.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) act.setView(zoomAt(view(), Math.exp(-e.deltaY * 0.002), e.clientX - r.left, e.clientY - r.top, mapSize()));
    else act.setView(panBy(view(), -e.deltaX, -e.deltaY, mapSize()));
  },
  { passive: false },
);

// a drag pans; a press that hardly moves is a click, which highlights the point under it
let drag: { x: number; y: number; moved: boolean; id: number } | undefined;
mapBox.addEventListener("pointerdown", (e) => {
  if (e.button !== 0) return;
  drag = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
  mapBox.setPointerCapture(e.pointerId);
});
mapBox.addEventListener("pointermove", (e) => {
  if (!drag || e.pointerId !== drag.id) return;
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  drag.moved = true;
  drag.x = e.clientX;
  drag.y = e.clientY;
  mapBox.classList.add("dragging");
  act.setView(panBy(view(), dx, dy, mapSize()));
});
const endDrag = (e: PointerEvent) => {
  if (!drag || e.pointerId !== drag.id) return;
  const click = !drag.moved;
  drag = undefined;
  mapBox.classList.remove("dragging");
  if (mapBox.hasPointerCapture(e.pointerId)) mapBox.releasePointerCapture(e.pointerId);
  if (!click || e.type !== "pointerup") return;
  const hit = document.elementsFromPoint(e.clientX, e.clientY).find((n) => n instanceof SVGGElement && n.dataset.index !== undefined) as SVGGElement | undefined;
  if (hit) highlight(Number(hit.dataset.index));
};
mapBox.addEventListener("pointerup", endDrag);
mapBox.addEventListener("pointercancel", endDrag);

pointList.addEventListener("keydown", (e) => {
  const rows = [...pointList.children] as HTMLElement[];
  if (moveFocus(rows, e.key, false)) e.preventDefault();
  else if (e.key === "Enter") {
    const i = rows.findIndex((r) => r === document.activeElement);
    if (i >= 0) pickPoint(i);
    e.preventDefault();
  }
});

let lastSize = "";
new ResizeObserver(() => {
  const size = `${mapBox.clientWidth}x${mapBox.clientHeight}`;
  if (size === lastSize) return;
  lastSize = size;
  renderBigMap(store.get(), { highlight, pickPoint }, "map");
}).observe(mapBox);

renderBigMap(store.get(), { highlight, pickPoint }, "all");
channel.request({ type: "ready" }, READY_TIMEOUT_MS).catch(() => {
  if (!store.get().screen) act.onNoAnswer();
});
void whenDefined(["vscode-button", "vscode-dropdown", "vscode-option"]).then(() => renderBigMap(store.get(), { highlight, pickPoint }, "all"));
