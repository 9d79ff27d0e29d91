// The attention webview's static DOM: built once, from no state; the views fill it in (render.ts), the
// tab strip's active tab included.
import { SAMPLING_LIMITS, type ExportFormat } from "../../src/shared/attentionProtocol";
import { el, helpSection } from "../common/dom";
import { type Checkbox, type Picker } from "../common/toolkit";
import { TABS } from "./state";

export const root = document.getElementById("root")!;
export const titleEl = el("h1", { text: "Attention" });
export const sourceEl = el("p", { className: "source" });
export const statusEl = el("p", { className: "status", attrs: { role: "status", "aria-live": "polite" } });
export const ring = el("vscode-progress-ring", { className: "ring", attrs: { "aria-label": "Analysing" } });
export const errorEl = el("p", { className: "error", attrs: { role: "alert" } });
export const noticeEl = el("p", { className: "notice" });

export const explain = {
  layer: "A layer is one of the model's stacked steps. Each layer reads what the layer before it wrote; early layers tend to look at neighbouring words, later ones at words that matter for meaning.",
  head: "A head is one of several attention patterns inside a layer. Each head learns its own way of choosing which earlier words to look at. The average of the heads sums them up.",
  colour: "The colour is the share of a word's attention that goes to another word: background colour is 0, full colour is 1. Each row adds up to 1.",
};

export const layerPick = el("vscode-dropdown", { id: "layer", attrs: { "aria-labelledby": "layer-label", title: explain.layer } }) as Picker;
export const headPick = el("vscode-dropdown", { id: "head", attrs: { "aria-labelledby": "head-label", title: explain.head } }) as Picker;
export const followBox = el("vscode-checkbox", { id: "follow", text: "Follow selection", attrs: { title: "Analyse again whenever the selection in the editor changes" } }) as Checkbox;
export const exportButtons = (["png", "svg", "json"] as ExportFormat[]).map((f) =>
  el("vscode-button", { text: f.toUpperCase(), attrs: { appearance: "secondary", title: `Save ${f === "png" ? "the picture" : f === "svg" ? "the picture as SVG" : "the raw attention tensors"} as ${f.toUpperCase()}` } }),
);
export const tourButton = el("vscode-button", { text: "Tour", attrs: { appearance: "secondary", title: "Open the LM Lens walkthrough" } });

export const tokensEl = el("div", {
  id: "tokens",
  className: "tokens",
  attrs: { role: "listbox", tabindex: 0, "aria-label": "Tokens. Left and right arrows choose a token", "aria-orientation": "horizontal" },
});

/** what the token strip's shading shows: the chosen token's row of attention, read over the text */
export const stripNote = el("p", { className: "hint strip-note" });

export const heatCanvas = el("canvas", { className: "heatmap", attrs: { tabindex: 0, role: "img" } });
export const heatTip = el("div", { className: "tooltip", attrs: { role: "tooltip", hidden: true } });
export const heatSummary = el("p", { className: "summary", attrs: { "aria-live": "polite" } });
export const heatLegend = el("canvas", { className: "legend-ramp", attrs: { role: "img", "aria-label": "colour scale from 0 to 1" } });
export const rollCanvas = el("canvas", { className: "heatmap", attrs: { tabindex: 0, role: "img" } });
export const rollTip = el("div", { className: "tooltip", attrs: { role: "tooltip", hidden: true } });
export const rollLegend = el("canvas", { className: "legend-ramp", attrs: { role: "img", "aria-label": "colour scale from 0 to 1" } });
/** A heatmap's zoom: fewer or more cells, the whole matrix, back to the cells that carry names; where the window is; an overview to click. */
export interface ZoomBar {
  bar: HTMLElement;
  zoomOut: HTMLButtonElement;
  zoomIn: HTMLButtonElement;
  whole: HTMLButtonElement;
  names: HTMLButtonElement;
  where: HTMLElement;
  overview: HTMLCanvasElement;
}

function zoomBar(what: string): ZoomBar {
  const button = (text: string, title: string) => el("button", { text, attrs: { type: "button", title } }) as HTMLButtonElement;
  const zoomOut = button("−", "Zoom out: more rows and columns, smaller cells (key -, or Ctrl+wheel)");
  const zoomIn = button("+", "Zoom in: fewer rows and columns, larger cells (key +, or Ctrl+wheel)");
  const whole = button("Whole matrix", "Every row and column at once (key 0)");
  const names = button("Names", "As many rows and columns as carry their tokens' names, around the chosen token (key N)");
  const where = el("span", { className: "zoom-where", attrs: { "aria-live": "polite" } });
  const overview = el("canvas", { className: "zoom-overview", attrs: { role: "img", title: "The whole matrix; the frame is the window shown. Click to move the window there." } });
  const bar = el("div", { className: "zoom-bar", attrs: { role: "group", "aria-label": `Zoom the ${what}` } }, [zoomOut, zoomIn, whole, names, where, overview]);
  return { bar, zoomOut, zoomIn, whole, names, where, overview };
}
export const heatZoom = zoomBar("heatmap");
export const rollZoom = zoomBar("rollout");
export const gridEl = el("div", { className: "grid" });
export const linesHost = el("div", { className: "lines-host", attrs: { tabindex: 0, "aria-label": "Lines view. Arrow keys choose the token whose lines are drawn" } });
/** the lines view's every-head overlay: a checkbox that turns it on, and one checkbox per head (views/lines.ts fills them) */
export const allHeadsBox = el("input", { id: "lines-all-heads", attrs: { type: "checkbox" } });
export const allHeadsLabel = el("label", { attrs: { for: "lines-all-heads" } });
export const headTogglesEl = el("fieldset", { className: "head-toggles", attrs: { hidden: true } });
export const allHeadsNote = el("p", { className: "hint all-heads-note", attrs: { "aria-live": "polite" } });
export const nextWordsTitle = el("h2");
export const nextWordsEl = el("ol", { className: "bars" });
/** which tokens the list's window holds, and for a selection ending in a word the button that reads it the other way */
export const nextWordsNote = el("div", { className: "next-note hint" });
/** "Why this word?": the temperature and top-k the list is drawn at (real inputs with labels), and the button that makes them the user's */
export const temperatureInput = el("input", {
  id: "sampling-temperature",
  attrs: { type: "range", min: SAMPLING_LIMITS.temperature.min, max: SAMPLING_LIMITS.temperature.max, step: 0.05, value: 0, "aria-describedby": "sampling-note" },
});
export const temperatureOut = el("output", { id: "sampling-temperature-value", attrs: { for: "sampling-temperature" } });
export const topKInput = el("input", { id: "sampling-topk", attrs: { type: "number", min: SAMPLING_LIMITS.topK.min, max: SAMPLING_LIMITS.topK.max, step: 1, value: 5, "aria-describedby": "sampling-note" } });
export const useSamplingButton = el("button", { className: "use-sampling", text: "Use for suggestions", attrs: { type: "button", title: "Set lmLens.temperature and lmLens.topK in your user settings to these values" } });
export const resetSamplingButton = el("button", { className: "reset-sampling", text: "Back to my setting", attrs: { type: "button" } });
/** what the user's setting is, and what the list shows */
export const samplingNote = el("p", { id: "sampling-note", className: "hint", attrs: { "aria-live": "polite" } });
export const samplingEl = el("section", { className: "sampling", attrs: { "aria-label": "Temperature and top-k", hidden: true } }, [
  el("div", { className: "sampling-row" }, [el("label", { text: "Temperature", attrs: { for: "sampling-temperature" } }), temperatureInput, temperatureOut]),
  el("div", { className: "sampling-row" }, [el("label", { text: "Top-k", attrs: { for: "sampling-topk" } }), topKInput, useSamplingButton, resetSamplingButton]),
  samplingNote,
]);
/** "Why this word?": the explanation's three sections */
export const whyEl = el("section", { className: "explain", attrs: { "aria-label": "Why this word", hidden: true } });
export const predictionsTitle = el("h2");
export const predictionsEl = el("ol", { className: "bars" });
export const beforeEl = el("p", { className: "before" });
export const memoryEl = el("section", { className: "memory", attrs: { "aria-label": "Document memory", hidden: true } });

/** views and, beside them (above them in a narrow panel for "Why this word?"), what the model predicts */
export const main = el("div", { className: "main" });

export function legendRow(ramp: HTMLCanvasElement): HTMLElement {
  return el("div", { className: "legend", attrs: { title: explain.colour } }, [
    el("span", { text: "0" }),
    ramp,
    el("span", { text: "1" }),
    el("span", { className: "future-key", attrs: { "aria-hidden": "true" } }),
    el("span", { text: "hatched: later tokens, which a token cannot see" }),
  ]);
}

export const panels = el("vscode-panels", { id: "panels", attrs: { "aria-label": "Views" } });
for (const t of TABS) panels.append(el("vscode-panel-tab", { id: `tab-${t.id}`, text: t.label, attrs: { title: t.hint } }));
panels.append(
  el("vscode-panel-view", { id: "view-heatmap" }, [
    el("div", { className: "view" }, [
      legendRow(heatLegend),
      heatZoom.bar,
      el("div", { className: "canvas-wrap" }, [heatCanvas, heatTip]),
      heatSummary,
    ]),
  ]),
  el("vscode-panel-view", { id: "view-grid" }, [el("div", { className: "view" }, [el("p", { className: "hint", text: "Rows are layers, columns heads; the last column is the average of the heads. Click a picture to open it." }), gridEl])]),
  el("vscode-panel-view", { id: "view-lines" }, [
    el("div", { className: "view" }, [
      el("p", { className: "hint", text: "Left: the token that looks. Right: the tokens it looks at. Hover a token on the left to see where it looks, on the right to see what looks at it. Thicker, darker lines mean more attention." }),
      el("div", { className: "all-heads" }, [el("span", { className: "all-heads-switch" }, [allHeadsBox, allHeadsLabel]), headTogglesEl, allHeadsNote]),
      linesHost,
    ]),
  ]),
  el("vscode-panel-view", { id: "view-rollout" }, [
    el("div", { className: "view" }, [
      el("p", {
        className: "hint",
        text: "Attention rollout (Abnar & Zuidema, 2020) follows attention through all layers, counting the shortcut that lets each token keep its own information: each layer's average of heads is mixed half and half with the identity, and the layers are multiplied. A row shows how much of each earlier token reaches that position at the top of the model.",
      }),
      legendRow(rollLegend),
      rollZoom.bar,
      el("div", { className: "canvas-wrap" }, [rollCanvas, rollTip]),
    ]),
  ]),
);

root.append(
  el("header", {}, [el("div", { className: "title-row" }, [titleEl, ring]), sourceEl, statusEl, errorEl, noticeEl]),
  el("div", { className: "controls", attrs: { role: "toolbar", "aria-label": "Attention controls" } }, [
    el("span", { id: "layer-label", className: "label", text: "Layer", attrs: { title: explain.layer } }),
    layerPick,
    el("span", { id: "head-label", className: "label", text: "Head", attrs: { title: explain.head } }),
    headPick,
    followBox,
    el("span", { className: "spacer" }),
    // one group, so that a narrow panel wraps it whole: "Export" stays with its buttons
    el("span", { className: "export-group", attrs: { role: "group", "aria-label": "Export" } }, [el("span", { className: "label", text: "Export" }), ...exportButtons]),
    tourButton,
  ]),
  el("p", { className: "legend-text", attrs: { title: explain.colour } }, [
    "Row = the word that is looking, column = the word it looks at; each row sums to 1. ",
    el("span", { className: "keys", text: "Keys: in the token strip ←/→ choose a token; on the heatmap ↑/↓ choose it, ←/→ read its row, + and − zoom, 0 shows the whole matrix, N the names; drag to pan (or scroll, once the heatmap has the focus); [ and ] change the layer, , and . change the head." }),
  ]),
  stripNote,
  tokensEl,
  whyEl,
  main,
);
main.append(
  panels,
  el("aside", { className: "next", attrs: { "aria-label": "What the model predicts" } }, [nextWordsTitle, nextWordsNote, samplingEl, nextWordsEl, memoryEl, predictionsTitle, predictionsEl, beforeEl]),
);
root.append(
  helpSection([
    "The model reads the text as tokens: words and pieces of words, shown above (· is a space, ↵ a line break). For every token, attention decides which earlier tokens it takes information from.",
    explain.layer,
    explain.head,
    explain.colour,
    "A token can only look back: the hatched triangle is the future, which it never sees. Many heads put much of their attention on the first token when nothing else is useful.",
  ]),
);

