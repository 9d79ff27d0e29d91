// The selection's words as chips, the chosen one marked; a roving tabindex keeps one chip in the Tab order.
import { el } from "../../common/dom";
import { type ReadState } from "../state";
import { chipsEl } from "../skeleton";
import { type ViewEvents } from "./events";

export function renderChips(s: ReadState, on: ViewEvents): void {
  const sc = s.screen;
  const focused = chipsEl.contains(document.activeElement);
  const chips = (sc?.words ?? []).map((w, i) => {
    const chosen = i === sc!.focus;
    const chip = el("span", { className: chosen ? "chip chosen" : "chip", text: w, attrs: { role: "option", "aria-selected": chosen, tabindex: -1 } });
    chip.addEventListener("click", () => on.focusWord(i));
    return chip;
  });
  chipsEl.replaceChildren(...chips);
  chipsEl.hidden = chips.length === 0;
  const active = chips[Math.max(0, sc?.focus ?? 0)] ?? chips[0];
  if (active) active.tabIndex = 0;
  if (focused) active?.focus();
}
