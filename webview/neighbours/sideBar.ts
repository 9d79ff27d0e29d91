// The neighbours side bar's page: the selection's words as chips, a search box (a word, a phrase or a sum
// such as "she - he + man"), the k nearest words in three spaces side by side (pooled first: hidden
// states averaged over the training text; then static and contextual embeddings), and a 2-D map of any
// one, with a button that opens it large (mapPanel.ts). It asks for its state with "ready", keeps its own
// UI state (the row in focus, the search box's text) with getState/setState, and reaches the extension
// only through the messages of src/shared/neighboursProtocol.ts. All text goes in through textContent (el()). This file: the wiring of
// messages and DOM events to the actions, of the store to render, and the start.
import { keepSelectAllInField, moveFocus } from "../common/dom";
import { isDefined, setFieldValue, whenDefined } from "../common/toolkit";
import { READY_TIMEOUT_MS } from "../common/vscodeApi";
import { LISTS } from "./state";
import { chipsEl, columns, searchInput, findButton, kInput, kOut, metricPick, layerPick, followBox, mapPick, mapHost, openMapButton, copyButton, jsonButton, csvButton, tourLink } from "./skeleton";
import { createRender } from "./render";
import * as act from "./actions";

const { store, channel } = act;

act.connectPage();
const render = createRender({ focusWord: act.focusWord, pick: act.pick, focusRow: act.focusRow });
store.subscribe(render);

chipsEl.addEventListener("keydown", (e) => {
  const chips = [...chipsEl.children] as HTMLElement[];
  if (moveFocus(chips, e.key, true)) e.preventDefault();
  else if (e.key === "Enter" || e.key === " ") {
    const i = chips.findIndex((c) => c === document.activeElement);
    if (i >= 0) act.focusWord(i);
    e.preventDefault();
  }
});

for (const id of LISTS) {
  columns[id].list.addEventListener("keydown", (e) => {
    const rows = [...columns[id].list.children] as HTMLElement[];
    if (moveFocus(rows, e.key, false)) e.preventDefault();
    else if (e.key === "Enter" || e.key === " ") {
      const i = rows.findIndex((r) => r === document.activeElement);
      if (i >= 0) act.pick(id, i);
      e.preventDefault();
    }
  });
}

keepSelectAllInField(searchInput);
searchInput.addEventListener("keydown", (e) => {
  if (e.key !== "Enter" || e.isComposing) return;
  e.preventDefault();
  act.search(searchInput.value);
});
findButton.addEventListener("click", () => act.search(searchInput.value));
searchInput.addEventListener("input", () => act.typeSearch(searchInput.value));
// the range's figure follows the thumb at once; the lists follow when it is let go
kInput.addEventListener("input", () => (kOut.textContent = kInput.value));
// k is a native range (the toolkit has no slider): it can change before the toolkit defines the pickers
const sendOptions = () => act.setOptions(Number(kInput.value), isDefined(layerPick) ? Number(layerPick.value) : undefined, isDefined(metricPick) ? metricPick.value : undefined);
kInput.addEventListener("change", sendOptions);
metricPick.addEventListener("change", sendOptions);
layerPick.addEventListener("change", sendOptions);
// the checkbox reports a change made by render too: only the user's own goes to the extension
followBox.addEventListener("change", () => act.setFollow(followBox.checked));
mapPick.addEventListener("change", () => act.setMapList(mapPick.value));
openMapButton.addEventListener("click", act.openMap);
copyButton.addEventListener("click", act.copyList);
jsonButton.addEventListener("click", () => act.exportList("json"));
csvButton.addEventListener("click", () => act.exportList("csv"));
tourLink.addEventListener("click", act.openTour);
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
let mapWidth = 0;
// only a change of width redraws (the map's own height would otherwise wake the observer again)
new ResizeObserver(() => {
  if (mapHost.clientWidth === mapWidth) return;
  mapWidth = mapHost.clientWidth;
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => render(store.get(), "map"), 100);
}).observe(mapHost);

setFieldValue(searchInput, store.get().ui.search);
render(store.get(), "all");
// Ask for the screen at once (the lists need no component), as the attention webview does; once the
// toolkit has defined its components, everything is drawn again with the controls' values set as the
// components' own properties. The answer to "ready" is drawn by the message handler above.
channel.request({ type: "ready" }, READY_TIMEOUT_MS).catch(() => {
  if (!store.get().screen) act.onNoAnswer();
});
void whenDefined(["vscode-text-field", "vscode-button", "vscode-dropdown", "vscode-option", "vscode-checkbox"]).then(() => render(store.get(), "all"));
