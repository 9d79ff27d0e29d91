// One render function per part of the panel; renderAll(state) draws everything from S.
import { visibleWhitespace } from "../../src/shared/tokenDisplay";
import { el } from "../common/dom";
import { drawHeatmap, drawLegend, drawThumbnail } from "./heatmap";
import { LinesView } from "./lines";
import { readTheme } from "./theme";
import { type Tab, MEAN, type Picker, S, hoverToken } from "./state";
import { titleEl, sourceEl, statusEl, ring, errorEl, noticeEl, explain, layerPick, headPick, followBox, exportButtons, tokensEl, heatCanvas, heatSummary, heatLegend, rollCanvas, rollLegend, gridEl, linesHost, nextWordsTitle, nextWordsEl, predictionsTitle, predictionsEl, beforeEl, main } from "./skeleton";
import { T, labels, currentMatrix, selectionName, availableWidth, availableHeight, revealRow } from "./derived";
import { choose, setLayerHead, setTab } from "./actions";
// ---------------------------------------------------------------- rendering

export function renderHeader(): void {
  statusEl.textContent = S.loading ? "Analysing…" : S.view ? "" : "Waiting for the model…";
  ring.hidden = !S.loading;
  errorEl.textContent = S.error;
  errorEl.hidden = !S.error;
  if (!S.view) {
    sourceEl.textContent = "";
    noticeEl.hidden = true;
    return;
  }
  titleEl.textContent = `Attention: ${S.view.source.label}`;
  sourceEl.textContent = `${T()} tokens · model ${S.view.model} · ${S.view.nLayer} layers × ${S.view.nHead} heads`;
  const n = S.view.truncatedNotice;
  noticeEl.hidden = !n;
  if (n) {
    noticeEl.textContent =
      n.cut === "end"
        ? `Only the first ${n.shown} ${n.total !== undefined ? `of ${n.total} tokens are shown` : "tokens are shown; the text goes on past them"}: it is longer than the panel's limit (setting lmLens.maxAttentionTokens = ${n.limit}, or the model's context).`
        : `Only the last ${n.shown} tokens before the cursor are shown; the text before them is left out (setting lmLens.maxAttentionTokens = ${n.limit}).`;
  }
  // a property set before the toolkit defines the element would shadow the component's own (see whenReady)
  if (customElements.get("vscode-checkbox")) followBox.checked = S.view.follow;
  // the raw tensors arrive a moment after the first heatmap
  for (const b of exportButtons) b.toggleAttribute("disabled", S.view.pending);
}

export function setPickerOptions(picker: Picker, options: { value: string; label: string }[], selected: string): void {
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

export function renderPickers(): void {
  if (!S.view) return;
  setPickerOptions(layerPick, Array.from({ length: S.view.nLayer }, (_, l) => ({ value: String(l), label: `Layer ${l + 1}` })), String(S.ui.layer));
  setPickerOptions(
    headPick,
    [{ value: String(MEAN), label: "Average of heads" }, ...Array.from({ length: S.view.nHead }, (_, h) => ({ value: String(h), label: `Head ${h + 1}` }))],
    String(S.ui.head),
  );
}

export function buildTokens(): void {
  if (!S.view) {
    tokensEl.replaceChildren();
    return;
  }
  const docChars = S.view.source.documentChars;
  tokensEl.replaceChildren(
    ...S.view.tokens.map((t, i) => {
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

export function renderTokens(): void {
  tokensEl.querySelector(".token.chosen")?.classList.remove("chosen");
  tokensEl.querySelector('[aria-selected="true"]')?.setAttribute("aria-selected", "false");
  const chip = tokensEl.querySelector<HTMLElement>(`#tok-${S.ui.chosen}`);
  if (!chip) {
    tokensEl.removeAttribute("aria-activedescendant");
    return;
  }
  chip.classList.add("chosen");
  chip.setAttribute("aria-selected", "true");
  tokensEl.setAttribute("aria-activedescendant", chip.id);
  chip.scrollIntoView({ block: "nearest", inline: "nearest" });
}

export function describeRow(q: number, m: Float32Array): string {
  if (!S.view || q < 0 || q >= T()) return "";
  const n = T();
  const lab = labels();
  const top = Array.from({ length: q + 1 }, (_, k) => ({ k, w: m[q * n + k] }))
    .sort((a, b) => b.w - a.w)
    .slice(0, 3)
    .map((x) => `“${lab[x.k]}” ${(x.w * 100).toFixed(0)}%`);
  return `“${lab[q]}” (token ${q}) looks most at ${top.join(", ")}.`;
}

export function renderHeatmap(): void {
  const m = currentMatrix();
  if (S.view && m.length !== T() * T()) {
    // this head's weights follow in a moment (details)
    S.heatLayout = drawHeatmap(heatCanvas, { matrix: m, T: 0, labels: [], chosen: 0, hover: null, theme: S.theme, maxWidth: availableWidth(), maxHeight: availableHeight() });
    heatSummary.textContent = `Loading ${selectionName()}…`;
    return;
  }
  S.heatLayout = drawHeatmap(heatCanvas, { matrix: m, T: T(), labels: labels(), chosen: S.ui.chosen, hover: S.hoverCell ?? (S.keyColumn >= 0 ? { q: S.ui.chosen, k: S.keyColumn } : null), theme: S.theme, maxWidth: availableWidth(), maxHeight: availableHeight() });
  heatCanvas.setAttribute("aria-label", `Attention heatmap, ${selectionName()}. Up and down arrows choose the looking token, left and right read its row.`);
  heatSummary.textContent = S.view ? `${selectionName()[0].toUpperCase()}${selectionName().slice(1)}: ${describeRow(S.ui.chosen, m)}` : "";
  drawLegend(heatLegend, S.theme);
}

export function renderRollout(): void {
  if (!S.view) return;
  // while the model host is still working it out, an empty picture (the header says it is coming)
  const n = S.view.pending ? 0 : T();
  S.rollLayout = drawHeatmap(rollCanvas, { matrix: S.view.rollout, T: n, labels: labels(), chosen: S.ui.chosen, hover: null, theme: S.theme, maxWidth: availableWidth(), maxHeight: availableHeight() });
  rollCanvas.setAttribute("aria-label", S.view.pending ? "Attention rollout: still being worked out." : `Attention rollout through all ${S.view.nLayer} layers. ${describeRow(S.ui.chosen, S.view.rollout)}`);
  drawLegend(rollLegend, S.theme);
}

export function renderGrid(): void {
  if (!S.view || S.view.pending) {
    gridEl.replaceChildren(...(S.view ? [el("p", { className: "pending", text: "Loading every head…" })] : []));
    return;
  }
  const v = S.view;
  const n = T();
  const size = Math.max(48, Math.min(120, Math.floor((availableWidth() - 80) / (v.nHead + 1)) - 12));
  const rows: HTMLElement[] = [];
  for (let l = 0; l < v.nLayer; l++) {
    const cells: HTMLElement[] = [el("span", { className: "row-label", text: `Layer ${l + 1}`, attrs: { title: explain.layer } })];
    for (const h of [...Array.from({ length: v.nHead }, (_, i) => i), MEAN]) {
      const canvas = el("canvas", { attrs: { "aria-hidden": "true" } });
      const TT = n * n;
      const m = h === MEAN ? v.headMeans.subarray(l * TT, (l + 1) * TT) : v.attentions.subarray((l * v.nHead + h) * TT, (l * v.nHead + h + 1) * TT);
      drawThumbnail(canvas, m, n, S.theme, size);
      const name = h === MEAN ? `Layer ${l + 1}, average of heads` : `Layer ${l + 1}, head ${h + 1}`;
      const selected = S.ui.layer === l && S.ui.head === h;
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

export function buildLines(): void {
  if (!S.view) {
    linesHost.replaceChildren();
    S.linesView = undefined;
    return;
  }
  S.linesView = new LinesView(linesHost, labels(), {
    onHover: (index, side) => {
      S.linesHover = index === null ? null : { index, side };
      hoverToken(index);
      renderLines();
    },
    onPick: (index) => choose(index),
  });
}

export function renderLines(): void {
  const active = S.linesHover?.index ?? S.ui.chosen;
  const m = currentMatrix();
  if (m.length === T() * T()) S.linesView?.update(m, active, S.linesHover?.side === "right" ? "to" : "from");
}

export function bar(label: string, p: number, mark = false, title?: string): HTMLElement {
  const fill = el("span", { className: "fill" });
  fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
  return el("li", { className: mark ? "marked" : "", attrs: title ? { title } : {} }, [
    el("span", { className: "word", text: label }),
    el("span", { className: "track", attrs: { "aria-hidden": "true" } }, [fill]),
    el("span", { className: "p", text: `${(p * 100).toFixed(1)}%` }),
  ]);
}

/** "Next word after the text", or for "Why this word?" after the text before the suggestion. */
export function setNextWordsTitle(): void {
  if (!S.view) {
    nextWordsTitle.textContent = "";
    return;
  }
  const at = S.view.nextWordsAt ?? S.view.text.length;
  const why = at < S.view.text.length;
  const before = [...S.view.text.slice(0, at).trimEnd()].slice(-24).join("");
  nextWordsTitle.textContent = why ? `Next word after “…${before}”: the suggestion and its alternatives` : "Next word after the text";
  nextWordsTitle.title = "Whole words, as the ghost text and lm-lens predict rank them: the model's 10 most likely next words" + (why ? "; ➜ marks the suggested word" : " after the whole text");
  main.classList.toggle("why", why);
}

export function renderNext(): void {
  setNextWordsTitle();
  if (!S.view) {
    nextWordsEl.replaceChildren();
    predictionsEl.replaceChildren();
    predictionsTitle.textContent = "";
    beforeEl.textContent = "";
    return;
  }
  const q = S.ui.chosen;
  const tok = S.view.tokens[q];
  if (S.view.pending) {
    nextWordsEl.replaceChildren(el("li", { className: "pending", text: "Working out the next words…" }));
    predictionsEl.replaceChildren();
    predictionsTitle.textContent = "";
    beforeEl.textContent = "";
    return;
  }
  const suggestion = S.view.text.slice(S.view.nextWordsAt ?? S.view.text.length);
  // the list's word that the suggestion starts with (the longest, as " a" and " an" both start " an")
  const marked = suggestion
    ? S.view.nextWords.reduce((best, w, i) => (w.word !== "" && suggestion.startsWith(w.word) && (best < 0 || w.word.length > S.view!.nextWords[best].word.length) ? i : best), -1)
    : -1;
  nextWordsEl.replaceChildren(...S.view.nextWords.map((w, i) => bar(`${i === marked ? "➜ " : ""}${w.word.trim() || visibleWhitespace(w.word)}`, w.p, i === marked, i === marked ? "the suggested word" : undefined)));
  if (!tok) return;
  const lab = visibleWhitespace(tok.text);
  const actual = S.view.tokens[q + 1]?.text;
  predictionsTitle.textContent = `Next token after “${lab}” (token ${q})`;
  predictionsTitle.title = "Token level: the model's 10 most likely next tokens at this position (tokens, not whole words); ✓ marks the token that actually follows.";
  predictionsEl.replaceChildren(...(S.view.predictions[q] ?? []).map((t) => bar(`${t.token === actual ? "✓ " : ""}${visibleWhitespace(t.token)}`, t.p, t.token === actual)));
  if (q === 0) {
    beforeEl.textContent = "";
  } else {
    const before = (S.view.predictions[q - 1] ?? []).find((t) => t.token === tok.text);
    beforeEl.textContent = before
      ? `Before it, the model gave “${lab}” a probability of ${(before.p * 100).toFixed(1)}%.`
      : `Before it, “${lab}” was not among the model's 10 most likely tokens.`;
  }
}

/** Views drawn only while their tab shows; the others are drawn when their tab is opened. */
export const VIEW_RENDER: Record<Tab, () => void> = {
  heatmap: () => {
    renderHeatmap();
    revealRow(heatCanvas, S.heatLayout);
  },
  grid: () => renderGrid(),
  lines: () => {
    if (!S.linesView) buildLines();
    renderLines();
  },
  rollout: () => {
    renderRollout();
    revealRow(rollCanvas, S.rollLayout);
  },
};
export const staleViews = new Set<Tab>();

export function renderViews(tabs: readonly Tab[]): void {
  for (const t of tabs) {
    if (t === S.ui.tab) {
      VIEW_RENDER[t]();
      staleViews.delete(t);
    } else staleViews.add(t);
  }
}

export function renderAll(): void {
  S.theme = readTheme();
  renderHeader();
  renderPickers();
  renderTokens();
  renderNext();
  renderViews(["heatmap", "grid", "lines", "rollout"]);
}

/** After the chosen token changes: everything that shows it. */
export function renderChosen(): void {
  renderTokens();
  renderNext();
  renderViews(["heatmap", "lines", "rollout"]);
}

