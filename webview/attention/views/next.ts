// What the model predicts: the next whole words after the text (for "Why this word?", the suggestion and
// its alternatives), and the next tokens at the chosen position.
import { shownToken, visibleWhitespace } from "../../../src/shared/tokenDisplay";
import { el } from "../../common/dom";
import { type AttentionView } from "../../../src/shared/attentionProtocol";
import { type ReadState } from "../state";
import { type DeepReadonly } from "../../common/store";
import { nextWordsTitle, nextWordsEl, nextWordsNote, predictionsTitle, predictionsEl, beforeEl, main } from "../skeleton";
import { labels, panelSampling, predictionWindow, sampledShares } from "../derived";
import { type ViewEvents } from "./events";

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

/** "0 (greedy)", "0.75" */
export function temperatureText(t: number): string {
  return t > 0 ? t.toFixed(2) : "0 (greedy)";
}

/**
 * One row of "Why this word?"'s list: the word, its probability under the model (a thin bar and a figure)
 * and its chance of being the suggestion at the panel's temperature and top-k (a bar and a figure).
 */
function sampledBar(label: string, p: number, share: number, mark: boolean, title?: string): HTMLElement {
  const fill = (cls: string, x: number) => {
    const f = el("span", { className: `fill ${cls}` });
    f.style.width = `${Math.max(0, Math.min(1, x)) * 100}%`;
    return f;
  };
  return el("li", { className: ["sampled", mark ? "marked" : ""].filter(Boolean).join(" "), attrs: title ? { title } : {} }, [
    el("span", { className: "word", text: label }),
    el("span", { className: "track", attrs: { "aria-hidden": "true" } }, [fill("model", p), fill("share", share)]),
    el("span", { className: "p", text: percent(p), attrs: { "aria-label": `model ${percent(p)}` } }),
    el("span", { className: "p share", text: percent(share), attrs: { "aria-label": `picked ${percent(share)}` } }),
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

/** the end of a text, for a title: "…by the sea" */
function tail(text: string): string {
  const chars = [...text.trimEnd()];
  return (chars.length > 24 ? "…" : "") + chars.slice(-24).join("");
}

/**
 * What the list is: the next word after the text (for "Why this word?" after the text before the
 * suggestion), or the completions of its last word; for a selection ending in a word, a button that
 * reads the word the other way; and which tokens the prediction's window holds.
 */
function renderNextWordsTitle(s: ReadState, on: ViewEvents): void {
  if (!s.view) {
    nextWordsTitle.textContent = "";
    nextWordsNote.replaceChildren();
    return;
  }
  const view = s.view;
  const at = view.nextWordsAt ?? view.text.length;
  const why = isWhy(view);
  const before = tail(view.text.slice(0, at));
  const completes = !view.pending ? view.completes : undefined;
  if (why) nextWordsTitle.textContent = `Next word after “${before}”: the suggestion and its alternatives`;
  else if (completes) nextWordsTitle.textContent = `Completions of “${completes}”`;
  else nextWordsTitle.textContent = `Next word after “${before}”`;
  nextWordsTitle.title =
    (completes
      ? `The most likely ways to finish the word “${completes}”, as the ghost text would with the cursor after it: each word's probability given “${completes}” typed`
      : "Whole words, as the ghost text and lm-lens predict rank them: the model's 10 most likely next words") + (why ? "; ➜ marks the suggested word" : "");
  main.classList.toggle("why", why);
  const note: (HTMLElement | string)[] = [];
  const win = view.pending ? undefined : predictionWindow(view);
  if (win && win.end > 0) {
    const all = win.first === 0;
    note.push(
      el("span", {
        text: all
          ? `From all ${win.end} tokens before this point (0–${win.end - 1}): the model's window holds them all.`
          : `From the model's window: tokens ${win.first}–${win.end - 1} (${win.end - win.first} tokens). The tokens before it are dimmed: the list does not read them.`,
        attrs: { title: "The model reads at most lmLens.maxContextTokens tokens before the point it predicts at, as the ghost text does; the attention view may show more" },
      }),
    );
  }
  const lw = view.lastWord;
  if (lw && !why && !view.pending) {
    const other = lw.mode === "finished" ? "typing" : "finished";
    const b = el("vscode-button", {
      className: "last-word",
      text: other === "typing" ? `Show completions of “${lw.word}”` : `Show the next word after “${lw.word}”`,
      attrs: {
        appearance: "secondary",
        title:
          lw.mode === "finished"
            ? `The document goes on after “${lw.word}” with a space or punctuation, so it is read as a finished word. Read it as a word still being typed instead`
            : `The document's next character continues “${lw.word}”, so it is read as a word being typed. Read it as a finished word instead`,
      },
    });
    b.addEventListener("click", () => on.setLastWord(other));
    note.push(b);
  }
  nextWordsNote.replaceChildren(...note);
}

export function renderNext(s: ReadState, on: ViewEvents): void {
  renderNextWordsTitle(s, on);
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
  const label = (w: string, i: number) => `${i === marked ? "➜ " : ""}${w.trim() || visibleWhitespace(w)}`;
  const at = panelSampling(s);
  if (at) {
    // the model's probability beside the chance that the suggestion, sampled as set above, is that word
    const shares = sampledShares(s);
    const head = el("li", { className: "sampled head", attrs: { "aria-hidden": "true" } }, [
      el("span", { text: "word" }),
      el("span", { text: "" }),
      el("span", { className: "p", text: "model", attrs: { title: "The word's probability under the model (and the document memory), as the ghost text ranks it" } }),
      el("span", { className: "p share", text: "picked", attrs: { title: `The chance that the suggestion is this word at temperature ${temperatureText(at.temperature)}, top-k ${at.topK}` } }),
    ]);
    nextWordsEl.replaceChildren(head, ...view.nextWords.map((w, i) => sampledBar(label(w.word, i), w.p, shares[i] ?? 0, i === marked, i === marked ? "the suggested word" : undefined)));
  } else nextWordsEl.replaceChildren(...view.nextWords.map((w, i) => bar(label(w.word, i), w.p, i === marked, i === marked ? "the suggested word" : undefined)));
  if (!tok) return;
  // the token as the chips and axes name it (part of a character: the character, and which part)
  const lab = labels(s, 40)[q];
  // the token that follows, as the host names tokens in the list (part of a character: its bytes)
  const next = view.tokens[q + 1];
  const actual = next ? shownToken(next.bytes, next.text) : undefined;
  predictionsTitle.textContent = `Next token after “${lab}” (token ${q})`;
  predictionsTitle.title = "Token level: the model's 10 most likely next tokens at this position (tokens, not whole words); ✓ marks the token that actually follows.";
  predictionsEl.replaceChildren(...(view.predictions[q] ?? []).map((t) => bar(`${t.token === actual ? "✓ " : ""}${visibleWhitespace(t.token)}`, t.p, t.token === actual)));
  if (q === 0) {
    beforeEl.textContent = "";
  } else {
    const before = (view.predictions[q - 1] ?? []).find((t) => t.token === shownToken(tok.bytes, tok.text));
    beforeEl.textContent = before
      ? `Before it, the model gave “${lab}” a probability of ${(before.p * 100).toFixed(1)}%.`
      : `Before it, “${lab}” was not among the model's 10 most likely tokens.`;
  }
}
