// The neighbours view's webview: the selection's words as chips, a search box (a word, a phrase or a sum
// such as "king - man + woman"), the k nearest words in three spaces side by side (pooled first: hidden
// states averaged over the training text; then static and contextual embeddings), and a 2-D map of any one. It asks for its state with "ready", keeps its own UI state (the row in focus, the map's
// list, the search box's text) with getState/setState, and reaches the extension only through the
// messages of src/shared/neighboursProtocol.ts. All text goes in through textContent (el()).
import { EXAMPLE_SUM, isNeighboursToWebviewMessage, NEIGHBOURS_K, MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOUR_MODES, type EmbeddedWord, type Metric, type NeighbourList, type NeighbourListState, type NeighbourMode, type NeighboursFromWebview, type NeighboursScreen, type NeighboursToWebview } from "../../src/shared/neighboursProtocol";
import { el } from "../common/dom";
import { isDefined, option, setChecked, setFieldValue, setPickerOptions, setPickerValue, whenDefined, type Checkbox, type Picker, type TextField } from "../common/toolkit";
import { connect, READY_TIMEOUT_MS } from "../common/vscodeApi";
import { mapPoints, scatterSvg } from "./map";


type ListId = NeighbourMode;
const LISTS = NEIGHBOUR_MODES;

interface UiState {
  /** the screen id the row focus belongs to */
  id: number;
  list: ListId;
  row: number;
  mapList: ListId;
  search: string;
}

const { api, channel } = connect<UiState, NeighboursFromWebview, NeighboursToWebview>();
let ui: UiState = restore(api.getState());
let screen: NeighboursScreen | undefined;

function restore(s: unknown): UiState {
  const d: UiState = { id: -1, list: "pooled", row: 0, mapList: "pooled", search: "" };
  if (typeof s !== "object" || s === null) return d;
  const o = s as Partial<UiState>;
  const isList = (v: unknown): v is ListId => LISTS.includes(v as ListId);
  return {
    id: typeof o.id === "number" ? o.id : -1,
    list: isList(o.list) ? o.list : "pooled",
    row: typeof o.row === "number" && Number.isInteger(o.row) && o.row >= 0 ? o.row : 0,
    mapList: isList(o.mapList) ? o.mapList : "pooled",
    search: typeof o.search === "string" ? o.search.slice(0, MAX_NEIGHBOUR_QUERY_CHARS) : "",
  };
}

function save(): void {
  api.setState(ui);
}

function send(body: NeighboursFromWebview): void {
  channel.send(body);
}

// ---------------------------------------------------------------- skeleton

const explain = {
  pooled: "Pooled: the hidden state the model computes at one layer, around the word, averaged over every use of the word in a few million tokens of its training text (made by the recipe, shipped beside the model). Neighbours are words used in the same places. A word the training text used fewer than three times is not in this index.",
  static: "Static: the word's row of the model's input embedding matrix (tied with the output layer), the same in every sentence. Neighbours are the whole words whose rows point the same way.",
  contextual: "Contextual: the hidden state the model computes for the word at the chosen layer, here in its sentence; each index word's own vector is its hidden state at that layer when it follows <|endoftext|> alone.",
  cosine: "Cosine similarity: how closely two vectors point the same way, from -1 to 1, whatever their lengths.",
  euclidean: "Euclidean distance: the straight-line distance between two vectors; smaller is nearer. The bar is the nearest distance divided by this one.",
  layer: "Layer 0 is the embedding output (token + position); each next layer is the residual stream after one more transformer block; the last is after the final LayerNorm.",
};

const tourLink = el("button", { className: "link", text: "Open the tour's step on embeddings", attrs: { type: "button", title: "The LM Lens walkthrough: words are vectors" } });
tourLink.addEventListener("click", () => send({ type: "openTour" }));

const root = document.getElementById("root")!;
const statusEl = el("p", { className: "status", attrs: { role: "status", "aria-live": "polite" } });
const chipsEl = el("div", { className: "chips", attrs: { role: "listbox", "aria-label": "Words of the selection. Arrow keys move, Enter chooses", "aria-orientation": "horizontal" } });
const searchInput = el("vscode-text-field", {
  className: "search",
  attrs: { placeholder: `word, phrase, or ${EXAMPLE_SUM}`, "aria-label": "Find the neighbours of a word, a phrase, or a sum of words", maxlength: MAX_NEIGHBOUR_QUERY_CHARS, spellcheck: false },
}) as TextField;
const findButton = el("vscode-button", { text: "Find", attrs: { appearance: "secondary", title: "Find the neighbours of the text in the box" } });
// no <form>: vscode-button ignores its type attribute (the toolkit's own attributeChangedCallback does
// not pass it on), so Enter in the field and the button each search directly
const searchRow = el("div", { className: "search-row", attrs: { role: "search" } }, [searchInput, findButton]);
const queryErrorEl = el("p", { className: "error", attrs: { role: "alert", hidden: true } });
const kInput = el("input", { id: "k", attrs: { type: "range", min: NEIGHBOURS_K.min, max: NEIGHBOURS_K.max, step: 1, value: NEIGHBOURS_K.default } }) as HTMLInputElement;
const kOut = el("output", { className: "k-value", attrs: { for: "k" } });
const metricPick = el("vscode-dropdown", { id: "metric", attrs: { "aria-labelledby": "metric-label", title: `${explain.cosine}\n${explain.euclidean}` } }, [
  option("cosine", "cosine", true),
  option("euclidean", "Euclidean"),
]) as Picker;
const layerPick = el("vscode-dropdown", { id: "layer", attrs: { "aria-labelledby": "layer-label", title: explain.layer } }) as Picker;
const followBox = el("vscode-checkbox", { id: "follow", text: "follow editor", attrs: { checked: true, title: "Show the words of the editor's selection as it changes" } }) as Checkbox;
const queryEl = el("div", { className: "query" });
const indexEl = el("div", { className: "index", attrs: { "aria-live": "polite" } });
const columns: Record<ListId, { section: HTMLElement; title: HTMLElement; how: HTMLElement; list: HTMLOListElement; foot: HTMLElement; error: HTMLElement }> = {
  pooled: column("pooled"),
  static: column("static"),
  contextual: column("contextual"),
};
const mapPick = el("vscode-dropdown", { attrs: { "aria-label": "List shown on the map" } }, LISTS.map((id) => option(id, id, id === ui.mapList))) as Picker;
const mapHost = el("div", { className: "map-host" });
const mapInfo = el("p", { className: "hint map-info" });
const copyButton = el("vscode-button", { text: "Copy", attrs: { appearance: "secondary", title: "Copy the lists to the clipboard" } });
const jsonButton = el("vscode-button", { text: "JSON", attrs: { appearance: "secondary", title: "Save the lists as JSON" } });
const csvButton = el("vscode-button", { text: "CSV", attrs: { appearance: "secondary", title: "Save the lists as CSV" } });

function column(id: ListId): { section: HTMLElement; title: HTMLElement; how: HTMLElement; list: HTMLOListElement; foot: HTMLElement; error: HTMLElement } {
  const title = el("h2", { attrs: { title: explain[id] } });
  const how = el("p", { className: "hint how" });
  const list = el("ol", { className: "rows", attrs: { role: "listbox", "aria-label": `${id} neighbours. Arrow keys move, Enter makes a word the query` } }) as HTMLOListElement;
  const foot = el("p", { className: "hint foot" });
  const error = el("p", { className: "error", attrs: { role: "alert", hidden: true } });
  const section = el("section", { className: `column ${id}` }, [title, how, error, list, foot]);
  return { section, title, how, list, foot, error };
}

root.append(
  statusEl,
  chipsEl,
  searchRow,
  queryErrorEl,
  el("div", { className: "controls", attrs: { role: "toolbar", "aria-label": "Neighbour options" } }, [
    // each label with its control, so that a narrow side bar wraps them together
    el("span", { className: "pair" }, [el("label", { attrs: { for: "k" }, text: "k" }), kInput, kOut]),
    el("span", { className: "pair" }, [el("span", { id: "metric-label", className: "label", text: "by" }), metricPick]),
    el("span", { className: "pair" }, [el("span", { id: "layer-label", className: "label", text: "layer", attrs: { title: explain.layer } }), layerPick]),
    followBox,
  ]),
  queryEl,
  indexEl,
  el("div", { className: "columns" }, LISTS.map((id) => columns[id].section)),
  el("section", { className: "map-section" }, [el("div", { className: "map-head" }, [el("h2", { text: "Map" }), mapPick]), mapHost, mapInfo]),
  el("div", { className: "actions" }, [copyButton, el("span", { className: "label", text: "Save as" }), jsonButton, csvButton]),
  el("details", { className: "help" }, [
    el("summary", { text: "What am I looking at?" }),
    el("p", { text: "Every word the model knows is a vector of numbers. Words used in similar ways get similar vectors, so a word's nearest vectors are words the model treats alike." }),
    el("p", { text: explain.pooled }),
    el("p", { text: explain.static }),
    el("p", { text: explain.contextual }),
    el("p", { text: `The pooled index holds the training text's words that it used at least three times, words of several tokens included. The static and contextual index holds the vocabulary's whole words (a space and at least two letters), so no neighbour is a piece of a word; there a word the vocabulary splits into several tokens is the mean of their vectors. A phrase is the mean of its words; “${EXAMPLE_SUM}” adds and subtracts the words' vectors.` }),
    el("p", { text: `${explain.cosine} ${explain.euclidean}` }),
    el("p", { text: "The map projects the query and its neighbours onto their two main directions (principal components); the percentages say how much of their spread each direction shows." }),
    el("p", {}, [tourLink]),
  ]),
);

// ---------------------------------------------------------------- formatting

function quoteTokens(tokens: readonly string[]): string {
  return tokens.map((t) => `'${t}'`).join(" + ");
}

function explainWord(w: EmbeddedWord, mode: ListId): string {
  if (mode === "pooled") return `“${w.word}”: its hidden state averaged over its ${w.count?.toLocaleString() ?? "many"} uses in the training text`;
  const what = mode === "static" ? "its row" : "its hidden state";
  if (w.tokens.length === 1) return `“${w.word}” is one token, ${quoteTokens(w.tokens)}: ${what}`;
  return `“${w.word}”: mean of ${w.tokens.length} tokens: ${quoteTokens(w.tokens)}`;
}

function explainQuery(l: NeighbourList): string {
  const parts = l.terms.map((t) => t.words.map((w) => explainWord(w, l.mode)).join("; "));
  const single = l.terms.length === 1 && l.terms[0].words.length === 1 && l.terms[0].sign > 0;
  if (single) return parts[0];
  const phrase = l.terms.map((t, i) => `${i === 0 ? (t.sign < 0 ? "−" : "") : t.sign < 0 ? " − " : " + "}${t.words.length > 1 ? `mean(${t.words.map((w) => w.word).join(", ")})` : t.words[0].word}`).join("");
  return `${phrase}. ${parts.join("; ")}`;
}

function formatScore(l: NeighbourList, score: number): string {
  return l.metric === "cosine" ? score.toFixed(3) : score.toFixed(2);
}

function scoreLabel(metric: Metric): string {
  return metric === "cosine" ? "cosine similarity" : "Euclidean distance (smaller is nearer)";
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

// ---------------------------------------------------------------- rendering

function renderStatus(): void {
  const s = screen;
  if (!s) {
    statusEl.textContent = "Starting…";
    return;
  }
  if (!s.query) {
    statusEl.textContent = "Select a word in an editor, or type one below.";
    return;
  }
  const where = s.query.origin === "editor" && s.source ? ` · ${s.source}` : s.query.origin === "typed" ? " · typed" : " · picked from a list";
  const more = s.wordsTotal > s.words.length ? ` · first ${s.words.length} of ${s.wordsTotal} words` : "";
  statusEl.textContent = `“${s.query.text}”${where}${more}`;
}

function renderChips(): void {
  const s = screen;
  const focused = chipsEl.contains(document.activeElement);
  const chips = (s?.words ?? []).map((w, i) => {
    const chosen = i === s!.focus;
    const chip = el("span", { className: chosen ? "chip chosen" : "chip", text: w, attrs: { role: "option", "aria-selected": chosen, tabindex: -1 } });
    chip.addEventListener("click", () => send({ type: "focusWord", index: i }));
    return chip;
  });
  chipsEl.replaceChildren(...chips);
  chipsEl.hidden = chips.length === 0;
  const active = chips[Math.max(0, s?.focus ?? 0)] ?? chips[0];
  if (active) active.tabIndex = 0;
  if (focused) active?.focus();
}

function renderControls(): void {
  const s = screen;
  if (!s) return;
  kInput.value = String(s.options.k);
  kOut.textContent = String(s.options.k);
  setPickerValue(metricPick, s.options.metric);
  const n = s.nLayer;
  const layers = n === undefined ? [s.options.layer] : Array.from({ length: n + 1 }, (_, l) => l);
  const layerLabel = (l: number) => (n === undefined ? String(l) : l === 0 ? "0 · embeddings" : l === n ? `${l} · final` : String(l));
  setPickerOptions(layerPick, layers.map((l) => ({ value: String(l), label: layerLabel(l) })), String(s.options.layer));
  setChecked(followBox, s.follow);
  queryErrorEl.textContent = s.queryError ?? "";
  queryErrorEl.hidden = !s.queryError;
}

function renderQuery(): void {
  const l = screen?.pooled.list ?? screen?.static.list ?? screen?.contextual.list;
  queryEl.replaceChildren();
  if (!l) return;
  queryEl.append(el("p", { className: "hint", text: `How the query is embedded: ${explainQuery(l)}.` }));
}

function renderIndex(): void {
  const ix = screen?.index;
  indexEl.replaceChildren();
  if (!ix || ix.state === "idle") return;
  if (ix.state === "building") {
    const fill = el("span", { className: "fill" });
    fill.style.width = `${ix.total > 0 ? (100 * ix.built) / ix.total : 0}%`;
    indexEl.append(
      el("p", { className: "hint", text: `Building the contextual index: ${ix.built.toLocaleString()} of ${ix.total.toLocaleString()} words (each run through the model once)…` }),
      el("span", { className: "track", attrs: { role: "progressbar", "aria-valuemin": 0, "aria-valuemax": ix.total, "aria-valuenow": ix.built, "aria-label": "Contextual index" } }, [fill]),
    );
  } else if (ix.state === "ready") {
    indexEl.append(el("p", { className: "hint", text: `Contextual index: ${ix.total.toLocaleString()} words, built in ${((ix.ms ?? 0) / 1000).toFixed(1)} s.` }));
  } else {
    indexEl.append(el("p", { className: "error", text: `The contextual index could not be built: ${ix.error ?? "unknown error"}` }));
  }
}

function renderColumn(id: ListId): void {
  const c = columns[id];
  const st: NeighbourListState = screen?.[id] ?? { loading: false };
  const l = st.list;
  const layer = screen?.options.layer ?? 0;
  c.title.textContent = id === "pooled" ? `Pooled · training text${l ? ` · layer ${l.layer}` : ""}` : id === "static" ? "Static · input embedding" : `Contextual · layer ${l?.layer ?? layer}`;
  c.section.classList.toggle("loading", st.loading);
  c.section.setAttribute("aria-busy", String(st.loading));
  c.error.textContent = st.error ? `No ${id} neighbours: ${st.error}` : "";
  c.error.hidden = !st.error;
  if (!l) {
    c.how.textContent = st.loading ? "Working…" : "";
    c.list.replaceChildren();
    c.foot.textContent = "";
    return;
  }
  c.how.textContent =
    id === "pooled"
      ? `${scoreLabel(l.metric)} of hidden states averaged over the training text`
      : id === "static"
      ? `${scoreLabel(l.metric)} of embedding rows`
      : `${scoreLabel(l.metric)} of hidden states; the query ${l.before !== undefined ? (l.before ? `in its sentence: “${tail(l.before, 60)} ${l.query}”` : "at the start of its sentence") : "in isolation"}`;
  const focused = c.list.contains(document.activeElement);
  const nearest = l.neighbours.length > 0 ? l.neighbours[0].score : 0;
  const rows = l.neighbours.map((n, i) => {
    const w = l.metric === "cosine" ? Math.max(0, Math.min(1, n.score)) : n.score > 0 ? nearest / n.score : 1;
    const fill = el("span", { className: "fill" });
    fill.style.width = `${w * 100}%`;
    const here = ui.list === id && ui.row === i;
    const li = el("li", { attrs: { role: "option", tabindex: -1, "aria-selected": here, title: `Make “${n.word}” the query` } }, [
      el("span", { className: "rank", text: String(i + 1) }),
      el("span", { className: "word", text: n.word }),
      el("span", { className: "track", attrs: { "aria-hidden": "true" } }, [fill]),
      el("span", { className: "value", text: formatScore(l, n.score) }),
    ]);
    li.addEventListener("click", () => pick(id, i));
    li.addEventListener("focus", () => {
      if (ui.list !== id || ui.row !== i) {
        ui = { ...ui, list: id, row: i };
        save();
      }
    });
    return li;
  });
  c.list.replaceChildren(...rows);
  const active = rows[ui.list === id ? Math.min(ui.row, rows.length - 1) : 0];
  if (active) active.tabIndex = 0;
  if (focused) active?.focus();
  c.foot.textContent = `${l.indexSize.toLocaleString()} words searched in ${l.ms.toFixed(1)} ms · ${l.source}`;
}

function renderMap(): void {
  const l = screen?.[ui.mapList].list;
  setPickerValue(mapPick, ui.mapList);
  mapInfo.textContent = "";
  if (!l || l.neighbours.length === 0) {
    const why = screen?.[ui.mapList].error ? `There is no ${ui.mapList} list to map: choose another list.` : "The map appears with the list.";
    mapHost.replaceChildren(el("p", { className: "hint", text: why }));
    return;
  }
  const points = mapPoints(l, (s) => `${l.metric === "cosine" ? "similarity" : "distance"} ${formatScore(l, s)}`);
  const width = Math.max(200, Math.min(560, mapHost.clientWidth || root.clientWidth || 280));
  const caption = `PC1 ${(100 * l.map.explained[0]).toFixed(0)}% and PC2 ${(100 * l.map.explained[1]).toFixed(0)}% of the spread${l.metric === "cosine" ? " (unit vectors)" : ""}`;
  const svg = scatterSvg(l.map.x, l.map.y, points, width, (i) => {
    mapInfo.textContent = i === null ? caption : `${points[i].detail} · PC1 ${l.map.x[i].toFixed(3)}, PC2 ${l.map.y[i].toFixed(3)}`;
  });
  svg.setAttribute("aria-label", `Map of “${l.query}” and its ${l.neighbours.length} neighbours: ${caption}`);
  mapHost.replaceChildren(svg);
  mapInfo.textContent = caption;
}

function renderAll(): void {
  renderStatus();
  renderChips();
  renderControls();
  renderQuery();
  renderIndex();
  for (const id of LISTS) renderColumn(id);
  renderMap();
  const has = LISTS.some((id) => !!screen?.[id].list);
  for (const b of [copyButton, jsonButton, csvButton]) b.toggleAttribute("disabled", !has);
}

// ---------------------------------------------------------------- actions

function pick(id: ListId, i: number): void {
  const word = screen?.[id].list?.neighbours[i]?.word;
  if (!word) return;
  send({ type: "query", origin: "neighbour", text: word });
}

function sendOptions(): void {
  if (!screen) return;
  const k = Number(kInput.value);
  // k is a native range (the toolkit has no slider): it can change before the toolkit defines the pickers
  const layer = isDefined(layerPick) ? Number(layerPick.value) : screen.options.layer;
  const metric = (isDefined(metricPick) ? metricPick.value : screen.options.metric) === "euclidean" ? "euclidean" : "cosine";
  if (!Number.isInteger(k) || !Number.isInteger(layer)) return;
  send({ type: "setOptions", options: { k, metric, layer } });
}

/** Arrow keys move the focus along a roving-tabindex list; returns whether the key was one of them. */
function moveFocus(items: HTMLElement[], key: string, horizontal: boolean): boolean {
  const at = items.findIndex((e) => e === document.activeElement);
  const prev = horizontal ? "ArrowLeft" : "ArrowUp";
  const next = horizontal ? "ArrowRight" : "ArrowDown";
  let to: number;
  if (key === prev) to = Math.max(0, at - 1);
  else if (key === next) to = Math.min(items.length - 1, at + 1);
  else if (key === "Home") to = 0;
  else if (key === "End") to = items.length - 1;
  else return false;
  if (items.length === 0) return true;
  items.forEach((e, i) => (e.tabIndex = i === to ? 0 : -1));
  items[to].focus();
  return true;
}

// ---------------------------------------------------------------- events

window.addEventListener("message", (e: MessageEvent) => {
  if (!isNeighboursToWebviewMessage(e.data)) return;
  channel.receive(e.data);
  const data = e.data.body.data;
  if (data.id !== ui.id) {
    // a new query: the row focus starts again at the top
    ui = { ...ui, id: data.id, list: "pooled", row: 0 };
    save();
  }
  screen = data;
  renderAll();
});

chipsEl.addEventListener("keydown", (e) => {
  const chips = [...chipsEl.children] as HTMLElement[];
  if (moveFocus(chips, e.key, true)) e.preventDefault();
  else if (e.key === "Enter" || e.key === " ") {
    const i = chips.findIndex((c) => c === document.activeElement);
    if (i >= 0) send({ type: "focusWord", index: i });
    e.preventDefault();
  }
});

for (const id of LISTS) {
  columns[id].list.addEventListener("keydown", (e) => {
    const rows = [...columns[id].list.children] as HTMLElement[];
    if (moveFocus(rows, e.key, false)) e.preventDefault();
    else if (e.key === "Enter" || e.key === " ") {
      const i = rows.findIndex((r) => r === document.activeElement);
      if (i >= 0) pick(id, i);
      e.preventDefault();
    }
  });
}

function search(): void {
  ui = { ...ui, search: searchInput.value.slice(0, MAX_NEIGHBOUR_QUERY_CHARS) };
  save();
  send({ type: "query", origin: "typed", text: ui.search });
}
searchInput.addEventListener("keydown", (e) => {
  if (e.key !== "Enter" || e.isComposing) return;
  e.preventDefault();
  search();
});
findButton.addEventListener("click", search);
searchInput.addEventListener("input", () => {
  ui = { ...ui, search: searchInput.value.slice(0, MAX_NEIGHBOUR_QUERY_CHARS) };
  save();
});
kInput.addEventListener("input", () => (kOut.textContent = kInput.value));
kInput.addEventListener("change", sendOptions);
metricPick.addEventListener("change", sendOptions);
layerPick.addEventListener("change", sendOptions);
// the checkbox reports a change made by renderControls too: only the user's own goes to the extension
followBox.addEventListener("change", () => {
  if (screen && followBox.checked !== screen.follow) send({ type: "setFollow", follow: followBox.checked });
});
mapPick.addEventListener("change", () => {
  ui = { ...ui, mapList: LISTS.find((id) => id === mapPick.value) ?? "pooled" };
  save();
  renderMap();
});
copyButton.addEventListener("click", () => send({ type: "copyList" }));
jsonButton.addEventListener("click", () => send({ type: "exportList", format: "json" }));
csvButton.addEventListener("click", () => send({ type: "exportList", format: "csv" }));
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
let mapWidth = 0;
// only a change of width redraws (the map's own height would otherwise wake the observer again)
new ResizeObserver(() => {
  if (mapHost.clientWidth === mapWidth) return;
  mapWidth = mapHost.clientWidth;
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(renderMap, 100);
}).observe(mapHost);

setFieldValue(searchInput, ui.search);
renderAll();
// Ask for the screen at once (the lists need no component), as the attention webview does; once the
// toolkit has defined its components, everything is drawn again with the controls' values set as the
// components' own properties. The answer to "ready" is drawn by the message handler above.
channel.request({ type: "ready" }, READY_TIMEOUT_MS).catch(() => {
  if (!screen) statusEl.textContent = "LM Lens is not answering: reload the window if this stays.";
});
void whenDefined(["vscode-text-field", "vscode-button", "vscode-dropdown", "vscode-option", "vscode-checkbox"]).then(() => renderAll());
