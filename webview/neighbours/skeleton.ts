// The neighbours webview's static DOM: built once, from no state; the views fill it in (render.ts).
import { EXAMPLE_SUM, MAX_NEIGHBOUR_QUERY_CHARS, NEIGHBOURS_K } from "../../src/shared/neighboursProtocol";
import { el, helpSection } from "../common/dom";
import { option, type Checkbox, type Picker, type TextField } from "../common/toolkit";
import { LISTS, type ListId } from "./state";

/** one list's section: its title, how it was measured, its error, its rows and a footnote */
export interface Column {
  section: HTMLElement;
  title: HTMLElement;
  how: HTMLElement;
  list: HTMLOListElement;
  foot: HTMLElement;
  error: HTMLElement;
}

export const explain = {
  pooled: "Pooled: the hidden state the model computes at one layer, around the word, averaged over every use of the word in a few million tokens of its training text (made by the recipe, shipped beside the model). Neighbours are words used in the same places. A word the training text used fewer than three times is not in this index.",
  static: "Static: the word's row of the model's input embedding matrix (tied with the output layer), the same in every sentence. Neighbours are the whole words whose rows point the same way.",
  contextual: "Contextual: the hidden state the model computes for the word at the chosen layer, here in its sentence; each index word's own vector is its hidden state at that layer when it follows <|endoftext|> alone.",
  cosine: "Cosine similarity: how closely two vectors point the same way, from -1 to 1, whatever their lengths.",
  euclidean: "Euclidean distance: the straight-line distance between two vectors; smaller is nearer. The bar is the nearest distance divided by this one.",
  layer: "The Contextual column's layer (the pooled and static columns have their own: see each one's source line). Layer 0 is the embedding output (token + position); each next layer is the residual stream after one more transformer block; the last is after the final LayerNorm.",
};

export const tourLink = el("button", { className: "link", text: "Open the tour's step on embeddings", attrs: { type: "button", title: "The LM Lens walkthrough: words are vectors" } });

export const root = document.getElementById("root")!;
export const statusEl = el("p", { className: "status", attrs: { role: "status", "aria-live": "polite" } });
export const chipsEl = el("div", { className: "chips", attrs: { role: "listbox", "aria-label": "Words of the selection. Arrow keys move, Enter chooses", "aria-orientation": "horizontal" } });
export const searchInput = el("vscode-text-field", {
  className: "search",
  attrs: { placeholder: `word, phrase, or ${EXAMPLE_SUM}`, "aria-label": "Find the neighbours of a word, a phrase, or a sum of words", maxlength: MAX_NEIGHBOUR_QUERY_CHARS, spellcheck: false },
}) as TextField;
export const findButton = el("vscode-button", { text: "Find", attrs: { appearance: "secondary", title: "Find the neighbours of the text in the box" } });
// no <form>: vscode-button ignores its type attribute (the toolkit's own attributeChangedCallback does
// not pass it on), so Enter in the field and the button each search directly
const searchRow = el("div", { className: "search-row", attrs: { role: "search" } }, [searchInput, findButton]);
export const queryErrorEl = el("p", { className: "error", attrs: { role: "alert", hidden: true } });
/** the query names a word the model does not know: this says so, and no list or map shows */
export const notAWordEl = el("p", { className: "not-a-word-message", attrs: { role: "alert", hidden: true } });
export const kInput = el("input", { id: "k", attrs: { type: "range", min: NEIGHBOURS_K.min, max: NEIGHBOURS_K.max, step: 1, value: NEIGHBOURS_K.default } }) as HTMLInputElement;
export const kOut = el("output", { className: "k-value", attrs: { for: "k" } });
export const metricPick = el("vscode-dropdown", { id: "metric", attrs: { "aria-labelledby": "metric-label", title: `${explain.cosine}\n${explain.euclidean}` } }, [
  option("cosine", "cosine", true),
  option("euclidean", "Euclidean"),
]) as Picker;
export const layerPick = el("vscode-dropdown", { id: "layer", attrs: { "aria-labelledby": "layer-label", title: explain.layer } }) as Picker;
export const followBox = el("vscode-checkbox", { id: "follow", text: "follow editor", attrs: { checked: true, title: "Show the words of the editor's selection as it changes" } }) as Checkbox;
export const queryEl = el("div", { className: "query" });
export const indexEl = el("div", { className: "index", attrs: { "aria-live": "polite" } });
export const columns: Record<ListId, Column> = {
  pooled: column("pooled"),
  static: column("static"),
  contextual: column("contextual"),
};
export const mapPick = el("vscode-dropdown", { attrs: { "aria-label": "List shown on the map" } }, LISTS.map((id) => option(id, id))) as Picker;
export const openMapButton = el("vscode-button", { className: "open-map", text: "Open large map", attrs: { appearance: "secondary", title: "Open this map in an editor tab, with zoom, pan and every word" } });
export const mapHost = el("div", { className: "map-host" });
export const mapInfo = el("p", { className: "hint map-info" });
export const copyButton = el("vscode-button", { text: "Copy", attrs: { appearance: "secondary", title: "Copy the lists to the clipboard" } });
export const jsonButton = el("vscode-button", { text: "JSON", attrs: { appearance: "secondary", title: "Save the lists as JSON" } });
export const csvButton = el("vscode-button", { text: "CSV", attrs: { appearance: "secondary", title: "Save the lists as CSV" } });

function column(id: ListId): Column {
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
  notAWordEl,
  el("div", { className: "controls", attrs: { role: "toolbar", "aria-label": "Neighbour options" } }, [
    // each label with its control, so that a narrow side bar wraps them together
    el("span", { className: "pair" }, [el("label", { attrs: { for: "k" }, text: "k" }), kInput, kOut]),
    el("span", { className: "pair" }, [el("span", { id: "metric-label", className: "label", text: "by" }), metricPick]),
    el("span", { className: "pair" }, [el("span", { id: "layer-label", className: "label", text: "contextual layer", attrs: { title: explain.layer } }), layerPick]),
    followBox,
  ]),
  queryEl,
  indexEl,
  el("div", { className: "columns" }, LISTS.map((id) => columns[id].section)),
  el("section", { className: "map-section" }, [el("div", { className: "map-head" }, [el("h2", { text: "Map" }), mapPick, openMapButton]), mapHost, mapInfo]),
  el("div", { className: "actions" }, [copyButton, el("span", { className: "label", text: "Save as" }), jsonButton, csvButton]),
  helpSection([
    "Every word the model knows is a vector of numbers. Words used in similar ways get similar vectors, so a word's nearest vectors are words the model treats alike.",
    explain.pooled,
    explain.static,
    explain.contextual,
    `The pooled index holds the training text's words that it used at least three times, words of several tokens included. The static and contextual index holds the vocabulary's whole words (a space and at least two letters), so no neighbour is a piece of a word; there a word the vocabulary splits into several tokens is the mean of their vectors. A phrase is the mean of its words; “${EXAMPLE_SUM}” adds and subtracts the words' vectors.`,
    `${explain.cosine} ${explain.euclidean}`,
    "The map projects the query and its neighbours onto their two main directions (principal components); the percentages say how much of their spread each direction shows, and each direction is named by the words at its two ends. “Open large map” shows it in an editor tab, where it zooms and every word can be read.",
    tourLink,
  ]),
);
