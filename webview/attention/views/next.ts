// What the model predicts: the next whole words after the text (for "Why this word?", the suggestion and
// its alternatives), and the next tokens at the chosen position.
import { visibleWhitespace } from "../../../src/shared/tokenDisplay";
import { el } from "../../common/dom";
import { type AttentionView } from "../../../src/shared/attentionProtocol";
import { type ReadState } from "../state";
import { type DeepReadonly } from "../../common/store";
import { nextWordsTitle, nextWordsEl, predictionsTitle, predictionsEl, beforeEl, main } from "../skeleton";

/** "12.3%", and "<0.1%" for a probability that is not 0 but would read as 0.0% */
export function percent(p: number): string {
  return p > 0 && p < 0.0005 ? "<0.1%" : `${(p * 100).toFixed(1)}%`;
}

/** One row of a bar list: a label, a bar of p, and p as a figure. */
export function bar(label: string, p: number, mark = false, title?: string, className = ""): HTMLElement {
  const fill = el("span", { className: "fill" });
  fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
  return el("li", { className: [mark ? "marked" : "", className].filter(Boolean).join(" "), attrs: title ? { title } : {} }, [
    el("span", { className: "word", text: label }),
    el("span", { className: "track", attrs: { "aria-hidden": "true" } }, [fill]),
    el("span", { className: "p", text: percent(p) }),
  ]);
}

/** "Why this word?" with a suggestion: the next words are asked for before the suggestion, not after the text. */
export function isWhy(view: DeepReadonly<AttentionView>): boolean {
  return (view.nextWordsAt ?? view.text.length) < view.text.length;
}

/** The index of the next word the suggestion starts with (the longest, as " a" and " an" both start " an"); -1: none. */
export function suggestedIndex(view: DeepReadonly<AttentionView>): number {
  const suggestion = view.text.slice(view.nextWordsAt ?? view.text.length);
  if (!suggestion) return -1;
  return view.nextWords.reduce((best, w, i) => (w.word !== "" && suggestion.startsWith(w.word) && (best < 0 || w.word.length > view.nextWords[best].word.length) ? i : best), -1);
}

/** "Next word after the text", or for "Why this word?" after the text before the suggestion. */
function renderNextWordsTitle(s: ReadState): void {
  if (!s.view) {
    nextWordsTitle.textContent = "";
    return;
  }
  const at = s.view.nextWordsAt ?? s.view.text.length;
  const why = isWhy(s.view);
  const before = [...s.view.text.slice(0, at).trimEnd()].slice(-24).join("");
  nextWordsTitle.textContent = why ? `Next word after “…${before}”: the suggestion and its alternatives` : "Next word after the text";
  nextWordsTitle.title = "Whole words, as the ghost text and lm-lens predict rank them: the model's 10 most likely next words" + (why ? "; ➜ marks the suggested word" : " after the whole text");
  main.classList.toggle("why", why);
}

export function renderNext(s: ReadState): void {
  renderNextWordsTitle(s);
  const view = s.view;
  if (!view || view.pending) {
    nextWordsEl.replaceChildren(...(view ? [el("li", { className: "pending", text: "Working out the next words…" })] : []));
    predictionsEl.replaceChildren();
    predictionsTitle.textContent = "";
    beforeEl.textContent = "";
    return;
  }
  const q = s.ui.chosen;
  const tok = view.tokens[q];
  const marked = suggestedIndex(view);
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
