// The options' controls (k, metric, layer, follow) show the screen's options; the search box's error; the
// copy and save buttons are enabled once there is a list.
import { setChecked, setPickerOptions, setPickerValue } from "../../common/toolkit";
import { LISTS, type ReadState } from "../state";
import { kInput, kOut, metricPick, layerPick, followBox, queryErrorEl, notAWordEl, root, copyButton, jsonButton, csvButton } from "../skeleton";

export function renderControls(s: ReadState): void {
  const sc = s.screen;
  if (!sc) return;
  kInput.value = String(sc.options.k);
  kOut.textContent = String(sc.options.k);
  setPickerValue(metricPick, sc.options.metric);
  const n = sc.nLayer;
  const layers = n === undefined ? [sc.options.layer] : Array.from({ length: n + 1 }, (_, l) => l);
  const layerLabel = (l: number) => (n === undefined ? String(l) : l === 0 ? "0 · embeddings" : l === n ? `${l} · final` : String(l));
  setPickerOptions(layerPick, layers.map((l) => ({ value: String(l), label: layerLabel(l) })), String(sc.options.layer));
  setChecked(followBox, sc.follow);
  queryErrorEl.textContent = sc.queryError ?? "";
  queryErrorEl.hidden = !sc.queryError;
  // a word the model does not know: one message in place of the lists and the map (media/neighbours.css)
  notAWordEl.textContent = sc.notAWord ? `${sc.notAWord}. Try a word of the training text's language.` : "";
  notAWordEl.hidden = !sc.notAWord;
  root.classList.toggle("not-a-word", !!sc.notAWord);
}

export function renderExportButtons(s: ReadState): void {
  const has = LISTS.some((id) => !!s.screen?.[id].list);
  for (const b of [copyButton, jsonButton, csvButton]) b.toggleAttribute("disabled", !has);
}
