// The three lists side by side: one column each (pooled, static, contextual), its rows a listbox with a
// roving tabindex, each row's bar its score against the nearest.
import { type NeighbourListState } from "../../../src/shared/neighboursProtocol";
import { el } from "../../common/dom";
import { type DeepReadonly } from "../../common/store";
import { type ListId, type ReadState } from "../state";
import { columns } from "../skeleton";
import { formatScore, scoreLabel, tail } from "../format";
import { type ViewEvents } from "./events";

export function renderColumn(s: ReadState, id: ListId, on: ViewEvents): void {
  const c = columns[id];
  const st: DeepReadonly<NeighbourListState> = s.screen?.[id] ?? { loading: false };
  const l = st.list;
  const layer = s.screen?.options.layer ?? 0;
  // the layer picker is the contextual column's; the pooled vectors' own layers are named in their source line below
  c.title.textContent = id === "pooled" ? "Pooled · training text" : id === "static" ? "Static · input embedding" : `Contextual · layer ${l?.layer ?? layer}`;
  c.section.classList.toggle("loading", st.loading);
  c.section.setAttribute("aria-busy", String(st.loading));
  c.error.textContent = st.error ? `No ${id} neighbours: ${st.error}` : "";
  c.error.hidden = !st.error;
  if (!l) {
    c.how.textContent = st.loading ? "Working…" : "";
    c.list.replaceChildren();
    c.foot.textContent = "";
    return;
  }
  c.how.textContent =
    id === "pooled"
      ? `${scoreLabel(l.metric)} of hidden states averaged over the training text`
      : id === "static"
      ? `${scoreLabel(l.metric)} of embedding rows`
      : `${scoreLabel(l.metric)} of hidden states; the query ${l.before !== undefined ? (l.before ? `in its sentence: “${tail(l.before, 60)} ${l.query}”` : "at the start of its sentence") : "in isolation"}`;
  const focused = c.list.contains(document.activeElement);
  const nearest = l.neighbours.length > 0 ? l.neighbours[0].score : 0;
  const rows = l.neighbours.map((n, i) => {
    const w = l.metric === "cosine" ? Math.max(0, Math.min(1, n.score)) : n.score > 0 ? nearest / n.score : 1;
    const fill = el("span", { className: "fill" });
    fill.style.width = `${w * 100}%`;
    const here = s.ui.list === id && s.ui.row === i;
    const li = el("li", { attrs: { role: "option", tabindex: -1, "aria-selected": here, title: `Make “${n.word}” the query` } }, [
      el("span", { className: "rank", text: String(i + 1) }),
      el("span", { className: "word", text: n.word }),
      el("span", { className: "track", attrs: { "aria-hidden": "true" } }, [fill]),
      el("span", { className: "value", text: formatScore(l, n.score) }),
    ]);
    li.addEventListener("click", () => on.pick(id, i));
    li.addEventListener("focus", () => on.focusRow(id, i));
    return li;
  });
  c.list.replaceChildren(...rows);
  const active = rows[s.ui.list === id ? Math.min(s.ui.row, rows.length - 1) : 0];
  if (active) active.tabIndex = 0;
  if (focused) active?.focus();
  c.foot.textContent = `${l.indexSize.toLocaleString()} words searched in ${l.ms.toFixed(1)} ms · ${l.source}`;
}
