// The header (title, status, error, truncation notice) and the controls' values (layer and head pickers,
// the follow checkbox, the export buttons).
import { el } from "../../common/dom";
import { MEAN, type Picker, type State } from "../state";
import { titleEl, sourceEl, statusEl, ring, errorEl, noticeEl, layerPick, headPick, followBox, exportButtons } from "../skeleton";
import { T } from "../derived";

export function renderHeader(s: State): void {
  statusEl.textContent = s.loading ? "Analysing…" : s.view ? "" : "Waiting for the model…";
  ring.hidden = !s.loading;
  errorEl.textContent = s.error;
  errorEl.hidden = !s.error;
  if (!s.view) {
    sourceEl.textContent = "";
    noticeEl.hidden = true;
    return;
  }
  titleEl.textContent = `Attention: ${s.view.source.label}`;
  sourceEl.textContent = `${T(s)} tokens · model ${s.view.model} · ${s.view.nLayer} layers × ${s.view.nHead} heads`;
  const n = s.view.truncatedNotice;
  noticeEl.hidden = !n;
  if (n) {
    noticeEl.textContent =
      n.cut === "end"
        ? `Only the first ${n.shown} ${n.total !== undefined ? `of ${n.total} tokens are shown` : "tokens are shown; the text goes on past them"}: it is longer than the panel's limit (setting lmLens.maxAttentionTokens = ${n.limit}, or the model's context).`
        : `Only the last ${n.shown} tokens before the cursor are shown; the text before them is left out (setting lmLens.maxAttentionTokens = ${n.limit}).`;
  }
  // a property set before the toolkit defines the element would shadow the component's own (see whenReady)
  if (customElements.get("vscode-checkbox")) followBox.checked = s.view.follow;
  // the raw tensors arrive a moment after the first heatmap
  for (const b of exportButtons) b.toggleAttribute("disabled", s.view.pending);
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

export function renderPickers(s: State): void {
  if (!s.view) return;
  setPickerOptions(layerPick, Array.from({ length: s.view.nLayer }, (_, l) => ({ value: String(l), label: `Layer ${l + 1}` })), String(s.ui.layer));
  setPickerOptions(
    headPick,
    [{ value: String(MEAN), label: "Average of heads" }, ...Array.from({ length: s.view.nHead }, (_, h) => ({ value: String(h), label: `Head ${h + 1}` }))],
    String(s.ui.head),
  );
}
