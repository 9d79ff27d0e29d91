// The header (title, status, error, truncation notice) and the controls' values (layer and head pickers,
// the follow checkbox, the export buttons).
import { setChecked, setPickerOptions } from "../../common/toolkit";
import { MEAN, type ReadState } from "../state";
import { titleEl, sourceEl, statusEl, ring, errorEl, noticeEl, layerPick, headPick, followBox, exportButtons } from "../skeleton";
import { T } from "../derived";

export function renderHeader(s: ReadState): void {
  statusEl.textContent = s.loading ? "Analysing…" : s.view ? "" : "Waiting for the model…";
  ring.hidden = !s.loading;
  errorEl.textContent = s.error;
  errorEl.hidden = !s.error;
  if (!s.view) {
    sourceEl.textContent = "";
    noticeEl.hidden = true;
    return;
  }
  // "Why this word?" names the word first: the ghost text's, or the explanation's where none was shown
  const why = s.view.why;
  const ghost = s.view.text.slice(s.view.nextWordsAt ?? s.view.text.length).trim();
  const word = ghost || (why?.state === "done" ? why.explanation.word.trim() : "");
  titleEl.textContent = why ? `${word ? `Why “${word}”?` : "Why this word?"} · ${s.view.source.label}` : `Attention: ${s.view.source.label}`;
  sourceEl.textContent = `${T(s)} tokens · model ${s.view.model} · ${s.view.nLayer} layers × ${s.view.nHead} heads`;
  const n = s.view.truncatedNotice;
  noticeEl.hidden = !n;
  if (n) {
    noticeEl.textContent =
      n.cut === "end"
        ? `Only the first ${n.shown} ${n.total !== undefined ? `of ${n.total} tokens are shown` : "tokens are shown; the text goes on past them"}: it is longer than the panel's limit (setting lmLens.maxAttentionTokens = ${n.limit}, or the model's context).`
        : `Only the last ${n.shown} tokens before the cursor are shown; the text before them is left out (setting lmLens.maxAttentionTokens = ${n.limit}).`;
  }
  setChecked(followBox, s.view.follow);
  // the raw tensors arrive a moment after the first heatmap
  for (const b of exportButtons) b.toggleAttribute("disabled", s.view.pending);
}

export function renderPickers(s: ReadState): void {
  if (!s.view) return;
  setPickerOptions(layerPick, Array.from({ length: s.view.nLayer }, (_, l) => ({ value: String(l), label: `Layer ${l + 1}` })), String(s.ui.layer));
  setPickerOptions(
    headPick,
    [{ value: String(MEAN), label: "Average of heads" }, ...Array.from({ length: s.view.nHead }, (_, h) => ({ value: String(h), label: `Head ${h + 1}` }))],
    String(s.ui.head),
  );
}
