// "Why this word?"'s temperature and top-k: the controls above the next-word list (built once in
// skeleton.ts, so that the focus stays on them while the list is redrawn), set from the state here. The
// list itself draws each word's share (views/next.ts); the button writes the user's setting only when pressed.
import { type ReadState } from "../state";
import { panelSampling, topKMax } from "../derived";
import { temperatureText } from "./next";
import { resetSamplingButton, samplingEl, samplingNote, temperatureInput, temperatureOut, topKInput, useSamplingButton } from "../skeleton";

/** An input's value, set only when it differs (setting it while the user drags or types would move the caret). */
function setValue(input: HTMLInputElement, value: string): void {
  if (input.value !== value && Number(input.value) !== Number(value)) input.value = value;
}

export function renderSampling(s: ReadState): void {
  const view = s.view;
  // a "Why this word?" view carries the user's sampling settings (with or without a ghost text on screen)
  const at = view && !view.pending ? panelSampling(s) : undefined;
  samplingEl.hidden = !at;
  if (!view || !at) return;
  const mine = view.sampling!;
  setValue(temperatureInput, String(at.temperature));
  temperatureOut.textContent = temperatureText(at.temperature);
  const max = topKMax(s);
  topKInput.max = String(max);
  setValue(topKInput, String(at.topK));
  // top-k means nothing at temperature 0 (the first word is taken): the field stays, and the note says so
  topKInput.setAttribute("aria-disabled", String(at.temperature === 0));
  const same = at.temperature === mine.temperature && at.topK === mine.topK;
  useSamplingButton.disabled = same;
  resetSamplingButton.hidden = s.sampling === null;
  const setting = `Your suggestions use temperature ${temperatureText(mine.temperature)}${mine.temperature > 0 ? `, top-k ${mine.topK}` : ""} (lmLens.temperature, lmLens.topK).`;
  const listed = mine.topK > max ? ` Your top-k of ${mine.topK} reaches past the ${max} words listed: the panel draws at most ${max}.` : "";
  const how =
    at.temperature === 0
      ? "At temperature 0 the suggestion is always the first word."
      : `The suggestion's first word is drawn from the first ${at.topK} words with these chances (seeded: the same text gives the same draw).`;
  samplingNote.textContent = `${same ? setting : `${setting} The list shows what other values would do; nothing changes until you press “Use for suggestions”.`} ${how}${listed}`;
}
