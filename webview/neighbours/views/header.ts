// Above the lists: what the query is and where it came from, how it was embedded, and the contextual
// index's progress.
import { el } from "../../common/dom";
import { type ReadState } from "../state";
import { statusEl, queryEl, indexEl } from "../skeleton";
import { explainQuery } from "../format";

export function renderStatus(s: ReadState): void {
  const sc = s.screen;
  if (!sc) {
    statusEl.textContent = s.error || "Starting…";
    return;
  }
  if (!sc.query) {
    statusEl.textContent = "Select a word in an editor, or type one below.";
    return;
  }
  const where = sc.query.origin === "editor" && sc.source ? ` · ${sc.source}` : sc.query.origin === "typed" ? " · typed" : " · picked from a list";
  const more = sc.wordsTotal > sc.words.length ? ` · first ${sc.words.length} of ${sc.wordsTotal} words` : "";
  statusEl.textContent = `“${sc.query.text}”${where}${more}`;
}

export function renderQuery(s: ReadState): void {
  const l = s.screen?.pooled.list ?? s.screen?.static.list ?? s.screen?.contextual.list;
  queryEl.replaceChildren();
  if (!l) return;
  queryEl.append(el("p", { className: "hint", text: `How the query is embedded: ${explainQuery(l)}.` }));
}

export function renderIndex(s: ReadState): void {
  const ix = s.screen?.index;
  indexEl.replaceChildren();
  if (!ix || ix.state === "idle") return;
  if (ix.state === "building") {
    const fill = el("span", { className: "fill" });
    fill.style.width = `${ix.total > 0 ? (100 * ix.built) / ix.total : 0}%`;
    indexEl.append(
      el("p", { className: "hint", text: `Building the contextual index: ${ix.built.toLocaleString()} of ${ix.total.toLocaleString()} words (each run through the model once)…` }),
      el("span", { className: "track", attrs: { role: "progressbar", "aria-valuemin": 0, "aria-valuemax": ix.total, "aria-valuenow": ix.built, "aria-label": "Contextual index" } }, [fill]),
    );
  } else if (ix.state === "ready") {
    indexEl.append(el("p", { className: "hint", text: `Contextual index: ${ix.total.toLocaleString()} words, built in ${((ix.ms ?? 0) / 1000).toFixed(1)} s.` }));
  } else {
    indexEl.append(el("p", { className: "error", text: `The contextual index could not be built: ${ix.error ?? "unknown error"}` }));
  }
}
