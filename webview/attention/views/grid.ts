// Every layer and head as a small heatmap; a click opens one in the heatmap tab.
import { el } from "../../common/dom";
import { drawThumbnail } from "../heatmap";
import { MEAN, type ReadState } from "../state";
import { explain, gridEl } from "../skeleton";
import { T, availableWidth } from "../derived";
import { type ViewEvents } from "./events";

export function renderGrid(s: ReadState, on: ViewEvents): void {
  if (!s.view || s.view.pending) {
    gridEl.replaceChildren(...(s.view ? [el("p", { className: "pending", text: "Loading every head…" })] : []));
    return;
  }
  const v = s.view;
  const n = T(s);
  const size = Math.max(48, Math.min(120, Math.floor((availableWidth() - 80) / (v.nHead + 1)) - 12));
  const rows: HTMLElement[] = [];
  for (let l = 0; l < v.nLayer; l++) {
    const cells: HTMLElement[] = [el("span", { className: "row-label", text: `Layer ${l + 1}`, attrs: { title: explain.layer } })];
    for (const h of [...Array.from({ length: v.nHead }, (_, i) => i), MEAN]) {
      const canvas = el("canvas", { attrs: { "aria-hidden": "true" } });
      const TT = n * n;
      const m = h === MEAN ? v.headMeans.subarray(l * TT, (l + 1) * TT) : v.attentions.subarray((l * v.nHead + h) * TT, (l * v.nHead + h + 1) * TT);
      drawThumbnail(canvas, m, n, s.theme, size);
      const name = h === MEAN ? `Layer ${l + 1}, average of heads` : `Layer ${l + 1}, head ${h + 1}`;
      const selected = s.ui.layer === l && s.ui.head === h;
      const button = el("button", { className: selected ? "thumb selected" : "thumb", attrs: { type: "button", "aria-label": name, "aria-pressed": selected ? "true" : "false", title: name } }, [
        canvas,
        el("span", { text: h === MEAN ? "avg" : `H${h + 1}` }),
      ]);
      button.addEventListener("click", () => on.openHead(l, h));
      cells.push(button);
    }
    rows.push(el("div", { className: "grid-row" }, cells));
  }
  gridEl.replaceChildren(...rows);
}
