// The attention panel's webview: token strip, heatmap per layer and head, the grid of every head, the
// "lines" view, attention rollout and the model's next words. It asks for its state with "ready", keeps
// its own UI state (layer, head, tab, chosen token) with getState/setState, and reaches the extension only
// through the messages of src/shared/attentionProtocol.ts.
import { isToWebviewMessage, type AttentionView, type DetailsMessage, type ExportFormat, type FromWebview } from "../../src/shared/attentionProtocol";
import { visibleWhitespace } from "../../src/shared/tokenDisplay";
import { el } from "./dom";
import { heatmapSvg, linesSvg, viewJson } from "./exporters";
import { cellAt, drawHeatmap, drawLegend, drawThumbnail, type Cell, type Layout } from "./heatmap";
import { LinesView } from "./lines";
import { readTheme, type Theme } from "./theme";

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

type Tab = "heatmap" | "grid" | "lines" | "rollout";
const TABS: { id: Tab; label: string; hint: string }[] = [
  { id: "heatmap", label: "Heatmap", hint: "One layer and head: every token's attention over the tokens before it" },
  { id: "grid", label: "All heads", hint: "A small heatmap for every layer and head; click one to open it" },
  { id: "lines", label: "Lines", hint: "Hover a token to see lines to the tokens it attends to" },
  { id: "rollout", label: "Rollout", hint: "How much each token's information reaches each position through all layers" },
];
/** head -1 is the average of the heads */
const MEAN = -1;

interface UiState {
  viewId: number;
  layer: number;
  head: number;
  tab: Tab;
  chosen: number;
}

type Picker = HTMLElement & { value: string };
type Checkbox = HTMLElement & { checked: boolean };

const api = acquireVsCodeApi<UiState>();
let ui: UiState = restore(api.getState());
let view: AttentionView | undefined;
let loading = false;
let error = "";
let theme: Theme = readTheme();
let heatLayout: Layout | undefined;
let rollLayout: Layout | undefined;
let hoverCell: Cell | null = null;
/** the column read with the keyboard in the heatmap (-1: none) */
let keyColumn = -1;
let linesHover: { index: number; side: "left" | "right" } | null = null;
let linesView: LinesView | undefined;
let lastHoverSent: number | null = null;
let nextMessageId = 1;

function restore(s: unknown): UiState {
  const d: UiState = { viewId: 0, layer: 0, head: MEAN, tab: "heatmap", chosen: 0 };
  if (typeof s !== "object" || s === null) return d;
  const o = s as Partial<UiState>;
  const int = (v: unknown, min: number, fallback: number) => (typeof v === "number" && Number.isInteger(v) && v >= min ? v : fallback);
  return {
    viewId: int(o.viewId, 0, 0),
    layer: int(o.layer, 0, 0),
    head: int(o.head, MEAN, MEAN),
    tab: TABS.some((t) => t.id === o.tab) ? o.tab! : "heatmap",
    chosen: int(o.chosen, 0, 0),
  };
}

function save(): void {
  api.setState(ui);
}

function send(body: FromWebview): void {
  api.postMessage({ messageId: nextMessageId++, body });
}

function hoverToken(index: number | null): void {
  if (index === lastHoverSent) return;
  lastHoverSent = index;
  send({ type: "hoverToken", index });
}

// ---------------------------------------------------------------- skeleton

const root = document.getElementById("root")!;
const titleEl = el("h1", { text: "Attention" });
const sourceEl = el("p", { className: "source" });
const statusEl = el("p", { className: "status", attrs: { role: "status", "aria-live": "polite" } });
const ring = el("vscode-progress-ring", { className: "ring", attrs: { "aria-label": "Analysing" } });
const errorEl = el("p", { className: "error", attrs: { role: "alert" } });
const noticeEl = el("p", { className: "notice" });

const explain = {
  layer: "A layer is one of the model's stacked steps. Each layer reads what the layer before it wrote; early layers tend to look at neighbouring words, later ones at words that matter for meaning.",
  head: "A head is one of several attention patterns inside a layer. Each head learns its own way of choosing which earlier words to look at. The average of the heads sums them up.",
  colour: "The colour is the share of a word's attention that goes to another word: background colour is 0, full colour is 1. Each row adds up to 1.",
};

const layerPick = el("vscode-dropdown", { id: "layer", attrs: { "aria-labelledby": "layer-label", title: explain.layer } }) as Picker;
const headPick = el("vscode-dropdown", { id: "head", attrs: { "aria-labelledby": "head-label", title: explain.head } }) as Picker;
const followBox = el("vscode-checkbox", { id: "follow", text: "Follow selection", attrs: { title: "Analyse again whenever the selection in the editor changes" } }) as Checkbox;
const exportButtons = (["png", "svg", "json"] as ExportFormat[]).map((f) =>
  el("vscode-button", { text: f.toUpperCase(), attrs: { appearance: "secondary", title: `Save ${f === "png" ? "the picture" : f === "svg" ? "the picture as SVG" : "the raw attention tensors"} as ${f.toUpperCase()}` } }),
);
const tourButton = el("vscode-button", { text: "Tour", attrs: { appearance: "secondary", title: "Open the LM Lens walkthrough" } });

const tokensEl = el("div", {
  id: "tokens",
  className: "tokens",
  attrs: { role: "listbox", tabindex: 0, "aria-label": "Tokens. Left and right arrows choose a token", "aria-orientation": "horizontal" },
});

const heatCanvas = el("canvas", { className: "heatmap", attrs: { tabindex: 0, role: "img" } });
const heatTip = el("div", { className: "tooltip", attrs: { role: "tooltip", hidden: true } });
const heatSummary = el("p", { className: "summary", attrs: { "aria-live": "polite" } });
const heatLegend = el("canvas", { className: "legend-ramp", attrs: { role: "img", "aria-label": "colour scale from 0 to 1" } });
const rollCanvas = el("canvas", { className: "heatmap", attrs: { tabindex: 0, role: "img" } });
const rollTip = el("div", { className: "tooltip", attrs: { role: "tooltip", hidden: true } });
const rollLegend = el("canvas", { className: "legend-ramp", attrs: { role: "img", "aria-label": "colour scale from 0 to 1" } });
const gridEl = el("div", { className: "grid" });
const linesHost = el("div", { className: "lines-host", attrs: { tabindex: 0, "aria-label": "Lines view. Arrow keys choose the token whose lines are drawn" } });
const nextWordsTitle = el("h2");
const nextWordsEl = el("ol", { className: "bars" });
const predictionsTitle = el("h2");
const predictionsEl = el("ol", { className: "bars" });
const beforeEl = el("p", { className: "before" });

/** views and, beside them (above them in a narrow panel for "Why this word?"), what the model predicts */
const main = el("div", { className: "main" });

function legendRow(ramp: HTMLCanvasElement): HTMLElement {
  return el("div", { className: "legend", attrs: { title: explain.colour } }, [
    el("span", { text: "0" }),
    ramp,
    el("span", { text: "1" }),
    el("span", { className: "future-key", attrs: { "aria-hidden": "true" } }),
    el("span", { text: "hatched: later tokens, which a token cannot see" }),
  ]);
}

const panels = el("vscode-panels", { id: "panels", attrs: { activeid: `tab-${ui.tab}`, "aria-label": "Views" } });
for (const t of TABS) panels.append(el("vscode-panel-tab", { id: `tab-${t.id}`, text: t.label, attrs: { title: t.hint } }));
panels.append(
  el("vscode-panel-view", { id: "view-heatmap" }, [
    el("div", { className: "view" }, [
      legendRow(heatLegend),
      el("div", { className: "canvas-wrap" }, [heatCanvas, heatTip]),
      heatSummary,
    ]),
  ]),
  el("vscode-panel-view", { id: "view-grid" }, [el("div", { className: "view" }, [el("p", { className: "hint", text: "Rows are layers, columns heads; the last column is the average of the heads. Click a picture to open it." }), gridEl])]),
  el("vscode-panel-view", { id: "view-lines" }, [
    el("div", { className: "view" }, [
      el("p", { className: "hint", text: "Left: the token that looks. Right: the tokens it looks at. Hover a token on the left to see where it looks, on the right to see what looks at it. Thicker, darker lines mean more attention." }),
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
    el("span", { className: "keys", text: "Keys: in the token strip ←/→ choose a token; on the heatmap ↑/↓ choose it and ←/→ read its row; [ and ] change the layer, , and . change the head." }),
  ]),
  tokensEl,
  main,
);
main.append(
  panels,
  el("aside", { className: "next", attrs: { "aria-label": "What the model predicts" } }, [nextWordsTitle, nextWordsEl, predictionsTitle, predictionsEl, beforeEl]),
);
root.append(
  el("details", { className: "help" }, [
    el("summary", { text: "What am I looking at?" }),
    el("p", { text: "The model reads the text as tokens: words and pieces of words, shown above (· is a space, ↵ a line break). For every token, attention decides which earlier tokens it takes information from." }),
    el("p", { text: explain.layer }),
    el("p", { text: explain.head }),
    el("p", { text: explain.colour }),
    el("p", { text: "A token can only look back: the hatched triangle is the future, which it never sees. Many heads put much of their attention on the first token when nothing else is useful." }),
  ]),
);

// ---------------------------------------------------------------- derived data

function T(): number {
  return view?.tokens.length ?? 0;
}

function labels(max = 18): string[] {
  return (view?.tokens ?? []).map((t) => {
    const s = visibleWhitespace(t.text) || "∅";
    const chars = [...s];
    return chars.length <= max ? s : chars.slice(0, max - 1).join("") + "…";
  });
}

/** The T×T matrix of the chosen layer and head (or the heads' average), [query, key]; empty while it has not arrived. */
function currentMatrix(): Float32Array {
  if (!view) return new Float32Array(0);
  const TT = T() * T();
  const s = view.shown;
  if (view.pending) return s && s.layer === ui.layer && (s.head ?? MEAN) === ui.head ? s.matrix : new Float32Array(0);
  if (ui.head === MEAN) return view.headMeans.subarray(ui.layer * TT, (ui.layer + 1) * TT);
  const at = (ui.layer * view.nHead + ui.head) * TT;
  return view.attentions.subarray(at, at + TT);
}

/** Tell the extension which head the heatmap shows, so that the next view's first message carries it. */
function sendShowing(): void {
  send({ type: "showing", layer: Math.max(0, ui.layer), head: ui.head === MEAN ? null : ui.head });
}

function selectionName(): string {
  if (!view) return "";
  return ui.head === MEAN ? `layer ${ui.layer + 1}, average of ${view.nHead} heads` : `layer ${ui.layer + 1}, head ${ui.head + 1}`;
}

/** CSS pixels a picture may use: the width of the views column, less the panel view's padding. */
function availableWidth(): number {
  const width = panels.clientWidth || document.body.clientWidth || 600;
  return Math.max(160, width - 40);
}

/** A heatmap fits in most of the window's height, so that its last rows show without scrolling. */
function availableHeight(): number {
  return Math.max(240, Math.floor(window.innerHeight * 0.8));
}

/** Scroll a heatmap's box so that the chosen row shows. */
function revealRow(canvas: HTMLCanvasElement, layout: Layout | undefined): void {
  const wrap = canvas.parentElement;
  if (!wrap || !layout || ui.chosen < 0) return;
  const top = layout.y0 + ui.chosen * layout.cell;
  if (top < wrap.scrollTop + layout.y0 || top + layout.cell > wrap.scrollTop + wrap.clientHeight) {
    wrap.scrollTop = Math.max(0, top - wrap.clientHeight / 2);
  }
}

// ---------------------------------------------------------------- rendering

function renderHeader(): void {
  statusEl.textContent = loading ? "Analysing…" : view ? "" : "Waiting for the model…";
  ring.hidden = !loading;
  errorEl.textContent = error;
  errorEl.hidden = !error;
  if (!view) {
    sourceEl.textContent = "";
    noticeEl.hidden = true;
    return;
  }
  titleEl.textContent = `Attention: ${view.source.label}`;
  sourceEl.textContent = `${T()} tokens · model ${view.model} · ${view.nLayer} layers × ${view.nHead} heads`;
  const n = view.truncatedNotice;
  noticeEl.hidden = !n;
  if (n) {
    noticeEl.textContent =
      n.cut === "end"
        ? `Only the first ${n.shown} ${n.total !== undefined ? `of ${n.total} tokens are shown` : "tokens are shown; the text goes on past them"}: it is longer than the panel's limit (setting lmLens.maxAttentionTokens = ${n.limit}, or the model's context).`
        : `Only the last ${n.shown} tokens before the cursor are shown; the text before them is left out (setting lmLens.maxAttentionTokens = ${n.limit}).`;
  }
  // a property set before the toolkit defines the element would shadow the component's own (see whenReady)
  if (customElements.get("vscode-checkbox")) followBox.checked = view.follow;
  // the raw tensors arrive a moment after the first heatmap
  for (const b of exportButtons) b.toggleAttribute("disabled", view.pending);
}

function setPickerOptions(picker: Picker, options: { value: string; label: string }[], selected: string): void {
  const current = [...picker.querySelectorAll("vscode-option")].map((o) => `${o.getAttribute("value")}=${o.textContent}`).join("|");
  const wanted = options.map((o) => `${o.value}=${o.label}`).join("|");
  if (current !== wanted) {
    picker.replaceChildren(...options.map((o) => el("vscode-option", { text: o.label, attrs: { value: o.value, selected: o.value === selected } })));
  }
  // before the toolkit defines the element, the options' selected attribute says it; a property set now
  // would shadow the component's own once it is defined
  if (!customElements.get(picker.localName)) return;
  // the toolkit may only know its new options on the next frame
  picker.value = selected;
  requestAnimationFrame(() => {
    if (picker.value !== selected) picker.value = selected;
  });
}

function renderPickers(): void {
  if (!view) return;
  setPickerOptions(layerPick, Array.from({ length: view.nLayer }, (_, l) => ({ value: String(l), label: `Layer ${l + 1}` })), String(ui.layer));
  setPickerOptions(
    headPick,
    [{ value: String(MEAN), label: "Average of heads" }, ...Array.from({ length: view.nHead }, (_, h) => ({ value: String(h), label: `Head ${h + 1}` }))],
    String(ui.head),
  );
}

function buildTokens(): void {
  if (!view) {
    tokensEl.replaceChildren();
    return;
  }
  const docChars = view.source.documentChars;
  tokensEl.replaceChildren(
    ...view.tokens.map((t, i) => {
      // a token that reaches past the document's text belongs to the suggestion (" red" takes the space typed before it)
      const ghost = t.end > docChars;
      const chip = el("span", {
        id: `tok-${i}`,
        className: ghost ? "token ghost" : "token",
        attrs: { role: "option", "aria-selected": "false", title: `token ${i}${ghost ? " (the suggested word, not yet in the document)" : ""}: ${JSON.stringify(t.text)}` },
      }, [el("span", { className: "text", text: visibleWhitespace(t.text) || "∅" }), el("sub", { text: String(i) })]);
      chip.addEventListener("mouseenter", () => hoverToken(i));
      chip.addEventListener("mouseleave", () => hoverToken(null));
      chip.addEventListener("click", () => choose(i));
      return chip;
    }),
  );
}

function renderTokens(): void {
  tokensEl.querySelector(".token.chosen")?.classList.remove("chosen");
  tokensEl.querySelector('[aria-selected="true"]')?.setAttribute("aria-selected", "false");
  const chip = tokensEl.querySelector<HTMLElement>(`#tok-${ui.chosen}`);
  if (!chip) {
    tokensEl.removeAttribute("aria-activedescendant");
    return;
  }
  chip.classList.add("chosen");
  chip.setAttribute("aria-selected", "true");
  tokensEl.setAttribute("aria-activedescendant", chip.id);
  chip.scrollIntoView({ block: "nearest", inline: "nearest" });
}

function describeRow(q: number, m: Float32Array): string {
  if (!view || q < 0 || q >= T()) return "";
  const n = T();
  const lab = labels();
  const top = Array.from({ length: q + 1 }, (_, k) => ({ k, w: m[q * n + k] }))
    .sort((a, b) => b.w - a.w)
    .slice(0, 3)
    .map((x) => `“${lab[x.k]}” ${(x.w * 100).toFixed(0)}%`);
  return `“${lab[q]}” (token ${q}) looks most at ${top.join(", ")}.`;
}

function renderHeatmap(): void {
  const m = currentMatrix();
  if (view && m.length !== T() * T()) {
    // this head's weights follow in a moment (details)
    heatLayout = drawHeatmap(heatCanvas, { matrix: m, T: 0, labels: [], chosen: 0, hover: null, theme, maxWidth: availableWidth(), maxHeight: availableHeight() });
    heatSummary.textContent = `Loading ${selectionName()}…`;
    return;
  }
  heatLayout = drawHeatmap(heatCanvas, { matrix: m, T: T(), labels: labels(), chosen: ui.chosen, hover: hoverCell ?? (keyColumn >= 0 ? { q: ui.chosen, k: keyColumn } : null), theme, maxWidth: availableWidth(), maxHeight: availableHeight() });
  heatCanvas.setAttribute("aria-label", `Attention heatmap, ${selectionName()}. Up and down arrows choose the looking token, left and right read its row.`);
  heatSummary.textContent = view ? `${selectionName()[0].toUpperCase()}${selectionName().slice(1)}: ${describeRow(ui.chosen, m)}` : "";
  drawLegend(heatLegend, theme);
}

function renderRollout(): void {
  if (!view) return;
  // while the model host is still working it out, an empty picture (the header says it is coming)
  const n = view.pending ? 0 : T();
  rollLayout = drawHeatmap(rollCanvas, { matrix: view.rollout, T: n, labels: labels(), chosen: ui.chosen, hover: null, theme, maxWidth: availableWidth(), maxHeight: availableHeight() });
  rollCanvas.setAttribute("aria-label", view.pending ? "Attention rollout: still being worked out." : `Attention rollout through all ${view.nLayer} layers. ${describeRow(ui.chosen, view.rollout)}`);
  drawLegend(rollLegend, theme);
}

function renderGrid(): void {
  if (!view || view.pending) {
    gridEl.replaceChildren(...(view ? [el("p", { className: "pending", text: "Loading every head…" })] : []));
    return;
  }
  const v = view;
  const n = T();
  const size = Math.max(48, Math.min(120, Math.floor((availableWidth() - 80) / (v.nHead + 1)) - 12));
  const rows: HTMLElement[] = [];
  for (let l = 0; l < v.nLayer; l++) {
    const cells: HTMLElement[] = [el("span", { className: "row-label", text: `Layer ${l + 1}`, attrs: { title: explain.layer } })];
    for (const h of [...Array.from({ length: v.nHead }, (_, i) => i), MEAN]) {
      const canvas = el("canvas", { attrs: { "aria-hidden": "true" } });
      const TT = n * n;
      const m = h === MEAN ? v.headMeans.subarray(l * TT, (l + 1) * TT) : v.attentions.subarray((l * v.nHead + h) * TT, (l * v.nHead + h + 1) * TT);
      drawThumbnail(canvas, m, n, theme, size);
      const name = h === MEAN ? `Layer ${l + 1}, average of heads` : `Layer ${l + 1}, head ${h + 1}`;
      const selected = ui.layer === l && ui.head === h;
      const button = el("button", { className: selected ? "thumb selected" : "thumb", attrs: { type: "button", "aria-label": name, "aria-pressed": selected ? "true" : "false", title: name } }, [
        canvas,
        el("span", { text: h === MEAN ? "avg" : `H${h + 1}` }),
      ]);
      button.addEventListener("click", () => {
        setLayerHead(l, h);
        setTab("heatmap");
      });
      cells.push(button);
    }
    rows.push(el("div", { className: "grid-row" }, cells));
  }
  gridEl.replaceChildren(...rows);
}

function buildLines(): void {
  if (!view) {
    linesHost.replaceChildren();
    linesView = undefined;
    return;
  }
  linesView = new LinesView(linesHost, labels(), {
    onHover: (index, side) => {
      linesHover = index === null ? null : { index, side };
      hoverToken(index);
      renderLines();
    },
    onPick: (index) => choose(index),
  });
}

function renderLines(): void {
  const active = linesHover?.index ?? ui.chosen;
  const m = currentMatrix();
  if (m.length === T() * T()) linesView?.update(m, active, linesHover?.side === "right" ? "to" : "from");
}

function bar(label: string, p: number, mark = false, title?: string): HTMLElement {
  const fill = el("span", { className: "fill" });
  fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
  return el("li", { className: mark ? "marked" : "", attrs: title ? { title } : {} }, [
    el("span", { className: "word", text: label }),
    el("span", { className: "track", attrs: { "aria-hidden": "true" } }, [fill]),
    el("span", { className: "p", text: `${(p * 100).toFixed(1)}%` }),
  ]);
}

/** "Next word after the text", or for "Why this word?" after the text before the suggestion. */
function setNextWordsTitle(): void {
  if (!view) {
    nextWordsTitle.textContent = "";
    return;
  }
  const at = view.nextWordsAt ?? view.text.length;
  const why = at < view.text.length;
  const before = [...view.text.slice(0, at).trimEnd()].slice(-24).join("");
  nextWordsTitle.textContent = why ? `Next word after “…${before}”: the suggestion and its alternatives` : "Next word after the text";
  nextWordsTitle.title = "Whole words, as the ghost text and lm-lens predict rank them: the model's 10 most likely next words" + (why ? "; ➜ marks the suggested word" : " after the whole text");
  main.classList.toggle("why", why);
}

function renderNext(): void {
  setNextWordsTitle();
  if (!view) {
    nextWordsEl.replaceChildren();
    predictionsEl.replaceChildren();
    predictionsTitle.textContent = "";
    beforeEl.textContent = "";
    return;
  }
  const q = ui.chosen;
  const tok = view.tokens[q];
  if (view.pending) {
    nextWordsEl.replaceChildren(el("li", { className: "pending", text: "Working out the next words…" }));
    predictionsEl.replaceChildren();
    predictionsTitle.textContent = "";
    beforeEl.textContent = "";
    return;
  }
  const suggestion = view.text.slice(view.nextWordsAt ?? view.text.length);
  // the list's word that the suggestion starts with (the longest, as " a" and " an" both start " an")
  const marked = suggestion
    ? view.nextWords.reduce((best, w, i) => (w.word !== "" && suggestion.startsWith(w.word) && (best < 0 || w.word.length > view!.nextWords[best].word.length) ? i : best), -1)
    : -1;
  nextWordsEl.replaceChildren(...view.nextWords.map((w, i) => bar(`${i === marked ? "➜ " : ""}${w.word.trim() || visibleWhitespace(w.word)}`, w.p, i === marked, i === marked ? "the suggested word" : undefined)));
  if (!tok) return;
  const lab = visibleWhitespace(tok.text);
  const actual = view.tokens[q + 1]?.text;
  predictionsTitle.textContent = `Next token after “${lab}” (token ${q})`;
  predictionsTitle.title = "Token level: the model's 10 most likely next tokens at this position (tokens, not whole words); ✓ marks the token that actually follows.";
  predictionsEl.replaceChildren(...(view.predictions[q] ?? []).map((t) => bar(`${t.token === actual ? "✓ " : ""}${visibleWhitespace(t.token)}`, t.p, t.token === actual)));
  if (q === 0) {
    beforeEl.textContent = "";
  } else {
    const before = (view.predictions[q - 1] ?? []).find((t) => t.token === tok.text);
    beforeEl.textContent = before
      ? `Before it, the model gave “${lab}” a probability of ${(before.p * 100).toFixed(1)}%.`
      : `Before it, “${lab}” was not among the model's 10 most likely tokens.`;
  }
}

/** Views drawn only while their tab shows; the others are drawn when their tab is opened. */
const VIEW_RENDER: Record<Tab, () => void> = {
  heatmap: () => {
    renderHeatmap();
    revealRow(heatCanvas, heatLayout);
  },
  grid: () => renderGrid(),
  lines: () => {
    if (!linesView) buildLines();
    renderLines();
  },
  rollout: () => {
    renderRollout();
    revealRow(rollCanvas, rollLayout);
  },
};
const staleViews = new Set<Tab>();

function renderViews(tabs: readonly Tab[]): void {
  for (const t of tabs) {
    if (t === ui.tab) {
      VIEW_RENDER[t]();
      staleViews.delete(t);
    } else staleViews.add(t);
  }
}

function renderAll(): void {
  theme = readTheme();
  renderHeader();
  renderPickers();
  renderTokens();
  renderNext();
  renderViews(["heatmap", "grid", "lines", "rollout"]);
}

/** After the chosen token changes: everything that shows it. */
function renderChosen(): void {
  renderTokens();
  renderNext();
  renderViews(["heatmap", "lines", "rollout"]);
}

// ---------------------------------------------------------------- actions

function choose(index: number): void {
  if (!view || T() === 0) return;
  const i = Math.max(0, Math.min(T() - 1, index));
  if (i === ui.chosen) return;
  ui.chosen = i;
  keyColumn = Math.min(keyColumn, i);
  save();
  send({ type: "selectToken", index: i });
  renderChosen();
}

function setLayerHead(layer: number, head: number): void {
  if (!view) return;
  ui.layer = (layer + view.nLayer) % view.nLayer;
  ui.head = ((head - MEAN + view.nHead + 1) % (view.nHead + 1)) + MEAN;
  save();
  sendShowing();
  renderPickers();
  renderViews(["heatmap", "grid", "lines"]);
}

function setTab(tab: Tab): void {
  ui.tab = tab;
  save();
  if (staleViews.has(tab)) renderViews([tab]);
  if (panels.getAttribute("activeid") !== `tab-${tab}`) panels.setAttribute("activeid", `tab-${tab}`);
}

function exportAs(format: ExportFormat): void {
  if (!view || view.pending) return;
  const caption = `${view.model} · ${view.source.label} · ${ui.tab === "rollout" ? "attention rollout" : selectionName()}`;
  let data: string;
  if (format === "json") data = viewJson(view);
  else if (format === "png") data = (ui.tab === "rollout" ? rollCanvas : heatCanvas).toDataURL("image/png");
  else if (ui.tab === "lines" && linesView) data = linesSvg(linesView.root, caption, theme);
  else data = heatmapSvg(ui.tab === "rollout" ? view.rollout : currentMatrix(), labels(), caption, theme);
  send({ type: "export", format, data });
}

function onState(v: AttentionView, receivedAt: number): void {
  const same = ui.viewId === v.id;
  view = v;
  const n = v.tokens.length;
  // a command (the guided tour) may say what to show first; after that, the user's choices stand
  const pick = !same ? v.pick : undefined;
  ui = {
    viewId: v.id,
    layer: pick ? pick.layer : Math.min(ui.layer, Math.max(0, v.nLayer - 1)),
    head: pick ? (pick.head ?? MEAN) : ui.head < v.nHead ? ui.head : MEAN,
    tab: pick ? pick.tab : ui.tab,
    chosen: same ? Math.min(ui.chosen, Math.max(0, n - 1)) : Math.min(v.focus ?? n - 1, Math.max(0, n - 1)),
  };
  hoverCell = null;
  keyColumn = -1;
  linesHover = null;
  save();
  sendShowing();
  loading = false;
  error = "";
  buildTokens();
  if (pick && panels.getAttribute("activeid") !== `tab-${ui.tab}`) panels.setAttribute("activeid", `tab-${ui.tab}`);
  // the lines view is built when its tab is first shown for this view
  linesHost.replaceChildren();
  linesView = undefined;
  renderAll();
  if (n > 0) send({ type: "selectToken", index: ui.chosen });
  // after the browser has painted the heatmap
  requestAnimationFrame(() => setTimeout(() => send({ type: "rendered", viewId: v.id, drawMs: Math.round(performance.now() - receivedAt) }), 0));
}

/** The rollout and next words of the view on screen arrived: fill them in. */
function onDetails(d: DetailsMessage["data"]): void {
  const TT = T() * T();
  if (!view || view.id !== d.viewId || d.rollout.length !== TT || d.attentions.length !== view.nLayer * view.nHead * TT || d.headMeans.length !== view.nLayer * TT) return;
  const { shown: _, ...rest } = view;
  view = { ...rest, attentions: d.attentions, headMeans: d.headMeans, rollout: d.rollout, predictions: d.predictions, nextWords: d.nextWords, pending: false };
  renderHeader();
  renderNext();
  renderViews(["heatmap", "grid", "lines", "rollout"]);
}

// ---------------------------------------------------------------- events

window.addEventListener("message", (e: MessageEvent) => {
  const receivedAt = performance.now();
  if (!isToWebviewMessage(e.data)) return;
  const body = e.data.body;
  if (body.type === "state") onState(body.data, receivedAt);
  else if (body.type === "details") onDetails(body.data);
  else if (body.type === "loading") {
    loading = true;
    error = "";
    renderHeader();
  } else if (body.type === "error") {
    loading = false;
    error = body.message;
    renderHeader();
  }
});

layerPick.addEventListener("change", () => {
  const l = Number(layerPick.value);
  if (Number.isInteger(l) && view && l !== ui.layer) setLayerHead(l, ui.head);
});
headPick.addEventListener("change", () => {
  const h = Number(headPick.value);
  if (Number.isInteger(h) && view && h !== ui.head) setLayerHead(ui.layer, h);
});
followBox.addEventListener("change", () => send({ type: "setFollow", follow: followBox.checked }));
exportButtons.forEach((b, i) => b.addEventListener("click", () => exportAs((["png", "svg", "json"] as const)[i])));
tourButton.addEventListener("click", () => send({ type: "openTour" }));
panels.addEventListener("change", (e) => {
  if (e.target !== panels) return;
  const id = (panels as HTMLElement & { activeid?: string }).activeid ?? panels.getAttribute("activeid") ?? "";
  const tab = TABS.find((t) => `tab-${t.id}` === id)?.id;
  if (tab && tab !== ui.tab) {
    ui.tab = tab;
    save();
    if (staleViews.has(tab)) renderViews([tab]);
  }
});

/** Arrow keys move the chosen token; true when the key was used. */
function moveChosen(key: string): boolean {
  const n = T();
  if (n === 0) return false;
  const step: Record<string, number> = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1, PageUp: -10, PageDown: 10 };
  if (key === "Home") choose(0);
  else if (key === "End") choose(n - 1);
  else if (key in step) choose(ui.chosen + step[key]);
  else return false;
  return true;
}

tokensEl.addEventListener("keydown", (e) => {
  if (moveChosen(e.key)) e.preventDefault();
});
linesHost.addEventListener("keydown", (e) => {
  if (moveChosen(e.key)) {
    linesHover = null;
    renderLines();
    e.preventDefault();
  }
});
rollCanvas.addEventListener("keydown", (e) => {
  if (moveChosen(e.key)) e.preventDefault();
});
heatCanvas.addEventListener("keydown", (e) => {
  // up/down: the looking token; left/right: read along its row
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    keyColumn = Math.max(0, Math.min(ui.chosen, (keyColumn < 0 ? ui.chosen + 1 : keyColumn) + (e.key === "ArrowLeft" ? -1 : 1)));
    renderHeatmap();
    showTip(heatTip, heatLayout, { q: ui.chosen, k: keyColumn }, currentMatrix());
    e.preventDefault();
  } else if (moveChosen(e.key)) {
    e.preventDefault();
    if (keyColumn >= 0) showTip(heatTip, heatLayout, { q: ui.chosen, k: keyColumn }, currentMatrix());
  }
});
heatCanvas.addEventListener("blur", () => {
  keyColumn = -1;
  heatTip.hidden = true;
  renderHeatmap();
});

document.addEventListener("keydown", (e) => {
  if (!view || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = e.target as HTMLElement | null;
  if (target && /^(INPUT|TEXTAREA)$/.test(target.tagName)) return;
  if (e.key === "[" || e.key === "]") setLayerHead(ui.layer + (e.key === "[" ? -1 : 1), ui.head);
  else if (e.key === "," || e.key === ".") setLayerHead(ui.layer, ui.head + (e.key === "," ? -1 : 1));
  else return;
  e.preventDefault();
});

function showTip(tip: HTMLElement, layout: Layout | undefined, cell: Cell | null, m: Float32Array): void {
  if (!layout || !cell || !view) {
    tip.hidden = true;
    return;
  }
  const lab = labels();
  const v = m[cell.q * T() + cell.k];
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
    if (redraw && (cell?.q !== hoverCell?.q || cell?.k !== hoverCell?.k)) {
      hoverCell = cell;
      renderHeatmap();
    }
  });
  canvas.addEventListener("mouseleave", () => {
    tip.hidden = true;
    hoverToken(null);
    if (redraw && hoverCell) {
      hoverCell = null;
      renderHeatmap();
    }
  });
  canvas.addEventListener("click", (e) => {
    const layout = layoutOf();
    const cell = layout ? cellAt(layout, e.offsetX, e.offsetY) : null;
    if (cell) choose(cell.q);
  });
}
wireHover(heatCanvas, heatTip, () => heatLayout, currentMatrix, true);
wireHover(rollCanvas, rollTip, () => (view?.pending ? undefined : rollLayout), () => view?.rollout ?? new Float32Array(0), false);

// the theme changes the body's class and the root's variables; the width changes the canvas sizes
let frame = 0;
function scheduleRender(): void {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(() => renderAll());
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

renderAll();

// Ask for the state at once: the heatmap is a canvas and needs no component, so the first picture does not
// wait for the toolkit's script. Once its components are defined, everything is drawn again, with the
// pickers' and the checkbox's values set as the components' own properties.
send({ type: "ready" });
sendShowing();
const components = ["vscode-dropdown", "vscode-option", "vscode-checkbox", "vscode-button", "vscode-panels"];
void Promise.all(components.map((c) => customElements.whenDefined(c))).then(() => scheduleRender());
