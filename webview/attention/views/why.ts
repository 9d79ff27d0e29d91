// "Why this word?": the model host's explanation of the suggestion, in three sections. The words that
// mattered (each earlier word of the window taken out and the model run again, beside the attention the
// predicting token pays it); what each part of the model added to the first token's logit (they sum to
// it); what each layer would say (the logit lens, the last layer being the model's own answer). Every
// figure is the explanation's own; nothing is recomputed here but the attention row's sums, read from the
// matrix the heatmap shows. Document text goes in as text only.
import { visibleWhitespace } from "../../../src/shared/tokenDisplay";
import { type Explanation, type LogitPart, type Removal, type WhyDone } from "../../../src/shared/attentionProtocol";
import { el } from "../../common/dom";
import { type DeepReadonly } from "../../common/store";
import { type ReadState } from "../state";
import { currentMatrix, labels, predictingToken, selectionName } from "../derived";
import { whyEl } from "../skeleton";
import { type ViewEvents } from "./events";
import { percent } from "./next";

/** rows listed before "Show all" */
const TOP_WORDS = 8;
const TOP_PARTS = 8;

/** a word or token as a quote: white space visible only where it would not show */
export function quote(text: string): string {
  return `“${text.trim() ? text.trim() : visibleWhitespace(text)}”`;
}

/** a change of probability in percentage points, signed: "−1.0 pts" */
function points(d: number): string {
  const v = (Math.abs(d) * 100).toFixed(1);
  return `${d < 0 ? "−" : d > 0 ? "+" : "±"}${v} pts`;
}

/** a logit with its sign, two decimals ("0.00" where it rounds to nothing, never "−0.00") */
function signed(v: number): string {
  const r = Math.abs(v).toFixed(2);
  return Number(r) === 0 ? r : `${v < 0 ? "−" : "+"}${r}`;
}

/** a signed bar: left of the middle for a negative value, right for a positive one, scaled to `max` */
function signedBar(value: number, max: number, negClass: string, posClass: string): HTMLElement {
  const fill = el("span", { className: `fill ${value < 0 ? negClass : posClass}` });
  const w = max > 0 ? Math.min(1, Math.abs(value) / max) * 50 : 0;
  fill.style.width = `${w}%`;
  fill.style.left = value < 0 ? `${50 - w}%` : "50%";
  return el("span", { className: "signed-track", attrs: { "aria-hidden": "true" } }, [fill, el("span", { className: "zero" })]);
}

function moreButton(shown: number, total: number, all: boolean, noun: string, toggle: () => void): HTMLElement[] {
  if (total <= shown && !all) return [];
  const b = el("button", { className: "link-button", text: all ? `Show only the largest ${shown}` : `Show all ${total} ${noun}`, attrs: { type: "button", "aria-expanded": all ? "true" : "false" } });
  b.addEventListener("click", toggle);
  return [b];
}

/** Section 1: each earlier word of the window, what taking it out does to the suggestion, and the attention it gets. */
function wordsSection(s: ReadState, w: DeepReadonly<WhyDone>, on: ViewEvents): HTMLElement {
  const x = w.explanation;
  const view = s.view!;
  const q = predictingToken(view);
  const m = currentMatrix(s);
  const T = view.tokens.length;
  // named as the chips and axes name it (part of a character: the character, and which part)
  const looking = q >= 0 ? `“${labels(s, 40)[q]}”` : "";
  const rows = x.removals.map((r, i) => {
    const tokens = w.removalTokens[i];
    let attention: number | undefined;
    if (tokens && q >= 0 && m.length === T * T) {
      attention = 0;
      for (let k = tokens[0]; k <= Math.min(tokens[1], q); k++) attention += m[q * T + k];
    }
    return { r, tokens, change: removalChange(r, x.p), attention };
  });
  const max = Math.max(1e-9, ...rows.map((row) => Math.abs(row.change)));
  const order = [...rows].sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
  const shown = s.whyAll.words ? order : order.slice(0, TOP_WORDS);
  const items = shown.map(({ r, tokens, change, attention }) => {
    const without = percent(r.p);
    const att = attention === undefined ? "" : ` ${looking}, the token that predicts, pays it ${percent(attention)} of its attention (${selectionName(s)}).`;
    const title = `Without ${quote(r.text)}: ${quote(x.word)} ${without} instead of ${percent(x.p)} (${points(change)}).${att}`;
    const attBar = el("span", { className: "fill attention" });
    attBar.style.width = `${Math.min(1, attention ?? 0) * 100}%`;
    const button = el("button", { className: "why-row", attrs: { type: "button", title, "aria-label": title } }, [
      // the token number beside the word, as in the strip: a word that comes twice is told apart
      el("span", { className: "word" }, [r.text.trim() || visibleWhitespace(r.text), ...(tokens ? [el("sub", { text: String(tokens[1]) })] : [])]),
      signedBar(change, max, "falls", "rises"),
      el("span", { className: `p ${change < 0 ? "falls-text" : "rises-text"}`, text: points(change) }),
      el("span", { className: "track attention-track", attrs: { "aria-hidden": "true" } }, [attBar]),
      el("span", { className: "p", text: attention === undefined ? "—" : percent(attention) }),
    ]);
    // a native button: Enter and Space choose the word's last token in the strip and the heatmap
    if (tokens) button.addEventListener("click", () => on.choose(tokens[1]));
    else button.disabled = true;
    return el("li", {}, [button]);
  });
  return el("section", { className: "why-part", attrs: { "aria-labelledby": "why-words-h" } }, [
    el("h3", { id: "why-words-h", text: "The words that mattered" }),
    el("p", {
      className: "hint",
      text: `Each earlier word of the prediction's window taken out of the text, and the model run again: how the probability of ${quote(x.word)} (${percent(x.p)}) changes without it. Beside it, the attention ${looking} pays the word (${selectionName(s)}: change the layer and head above). The token strip's underlines show the same changes.`,
    }),
    el("div", { className: "why-key", attrs: { "aria-hidden": "true" } }, [
      el("span", { className: "word" }),
      el("span", { className: "key-falls", text: "◀ falls without it" }),
      el("span", { className: "key-rises", text: "rises ▶" }),
      el("span", { text: "attention" }),
    ]),
    x.removals.length === 0 ? el("p", { className: "hint", text: "No earlier word in the window." }) : el("ol", { className: "why-rows", attrs: { "aria-label": "Words of the window, largest change first. Enter chooses the word in the token strip" } }, items),
    ...moreButton(TOP_WORDS, rows.length, s.whyAll.words, "words", () => on.toggleWhyAll("words")),
  ]);
}

/** how the suggestion's probability changes without a removal's word: p − p₀ (each removal's p is exact) */
export function removalChange(r: DeepReadonly<Removal>, p: number): number {
  return r.p - p;
}

/** "L2H3" -> "layer 2, head 3", for the tooltip */
function partName(name: string): string {
  const m = /^L(\d+)H(\d+)$/.exec(name);
  if (m) return `layer ${m[1]}, head ${m[2]}: what this attention head wrote`;
  const mlp = /^L(\d+) MLP$/.exec(name);
  if (mlp) return `layer ${mlp[1]}'s MLP (feed-forward part)`;
  const bias = /^L(\d+) attention bias$/.exec(name);
  if (bias) return `layer ${bias[1]}'s attention output bias (the same whatever the heads read)`;
  if (name === "embeddings") return "the token's and position's embeddings, before any layer";
  if (name === "final norm bias") return "the bias of the final layer norm";
  return name;
}

/** Section 2: the parts of the model and what each added to the first token's logit. */
function partsSection(s: ReadState, x: DeepReadonly<Explanation>, on: ViewEvents): HTMLElement {
  const parts = [...x.components].sort((a, b) => Math.abs(b.logit) - Math.abs(a.logit));
  const sum = x.components.reduce((a, c) => a + c.logit, 0);
  const max = Math.max(1e-9, ...parts.map((p) => Math.abs(p.logit)));
  const shown = s.whyAll.parts ? parts : parts.slice(0, TOP_PARTS);
  const row = (p: DeepReadonly<LogitPart>) =>
    el("li", { attrs: { title: `${partName(p.name)}: ${p.logit >= 0 ? "+" : ""}${p.logit.toFixed(3)} to the logit of ${quote(x.token)}` } }, [
      el("span", { className: "word", text: p.name }),
      signedBar(p.logit, max, "lowers", "raises"),
      el("span", { className: "p", text: signed(p.logit) }),
    ]);
  return el("section", { className: "why-part", attrs: { "aria-labelledby": "why-parts-h" } }, [
    el("h3", { id: "why-parts-h", text: "What each part of the model added" }),
    el("p", {
      className: "hint",
      text: `The score (logit) of the token ${quote(x.token)}, ${x.logit.toFixed(2)} from the model alone before the softmax, split into what each part wrote into the last position. The parts sum to the logit. L2H3 is layer 2, head 3 (counted from 1).`,
    }),
    el("ol", { className: "bars signed", attrs: { "aria-label": "Parts of the model, largest first" } }, shown.map(row)),
    el("p", { className: "why-sum", text: `Sum of all ${parts.length} parts: ${sum.toFixed(2)} (the logit: ${x.logit.toFixed(2)})`, attrs: { title: "The split is exact: the final layer norm's scale is held at its value for this position" } }),
    ...moreButton(TOP_PARTS, parts.length, s.whyAll.parts, "parts", () => on.toggleWhyAll("parts")),
  ]);
}

/** Section 3: the logit lens, one row per layer, the last the model's answer. */
function layersSection(x: DeepReadonly<Explanation>): HTMLElement {
  const last = x.layers.length;
  const rows = x.layers.map((l) => {
    const answer = l.layer === last;
    return el("li", { className: answer ? "answer" : "", attrs: { title: `The model stopped after layer ${l.layer}: its ${l.top.length} most likely next tokens. ${quote(x.token)} is number ${l.tokenRank} there, at ${percent(l.tokenP)}.` } }, [
      // the model's own answer: the memory, where it has a share, is mixed in after it (the list's figures)
      el("span", { className: "layer-name", text: answer ? `Layer ${l.layer}: the model's answer${x.share > 0.005 ? ", before the memory" : ""}` : `After layer ${l.layer}` }),
      el(
        "span",
        { className: "lens-top" },
        l.top.map((t) => el(t.token === x.token ? "mark" : "span", { className: "lens-token", text: `${visibleWhitespace(t.token)} ${percent(t.p)}` })),
      ),
      el("span", { className: "lens-rank", text: `${quote(x.token)}: #${l.tokenRank}, ${percent(l.tokenP)}` }),
    ]);
  });
  return el("section", { className: "why-part", attrs: { "aria-labelledby": "why-layers-h" } }, [
    el("h3", { id: "why-layers-h", text: "What each layer would say" }),
    el("p", {
      className: "hint",
      text: `If the model stopped after each layer (its final norm and output applied there: the logit lens): the most likely next tokens, and where ${quote(x.token)} stands. Tokens, not whole words, and the model alone, without the memory; the last layer is the model's own answer.`,
    }),
    el("ol", { className: "lens", attrs: { "aria-label": "Layers, first to last" } }, rows),
  ]);
}

export function renderWhy(s: ReadState, on: ViewEvents): void {
  const why = s.view?.why;
  if (!s.view || !why) {
    whyEl.replaceChildren();
    whyEl.hidden = true;
    return;
  }
  whyEl.hidden = false;
  if (why.state === "computing") {
    whyEl.replaceChildren(
      el("h2", { text: "Why this word?" }),
      el("p", { className: "status why-computing", attrs: { role: "status" } }, [
        el("vscode-progress-ring", { className: "ring", attrs: { "aria-hidden": "true" } }),
        "Working out why: the model runs again without each earlier word…",
      ]),
    );
    return;
  }
  if (why.state === "failed") {
    whyEl.replaceChildren(el("h2", { text: "Why this word?" }), el("p", { className: "error", attrs: { role: "alert" }, text: why.message }));
    return;
  }
  const x = why.explanation;
  const shown = why.suggestion;
  const differs = shown !== "" && !shown.startsWith(x.word);
  const summary = `The model's first word here: ${quote(x.word)}, ${percent(x.p)} (the model alone ${percent(x.modelP)}, the memory alone ${percent(x.memoryP)}; the memory's share ${percent(x.share)}). It read ${x.windowTokens} tokens before it: its window.`;
  const children: HTMLElement[] = [
    el("h2", { text: `Why ${quote(x.word)}?` }),
    el("p", { className: "hint", text: summary, attrs: { title: "The same figures as the list of next words and the ghost text: one search, one window" } }),
  ];
  if (differs) children.push(el("p", { className: "notice", text: `The ghost text showed ${quote(shown)}; the model's first word at this point is now ${quote(x.word)}, which is what is explained.` }));
  const sections = [wordsSection(s, why, on)];
  if (x.internalsProblem) sections.push(el("section", { className: "why-part" }, [el("h3", { text: "Inside the model" }), el("p", { className: "hint", text: `Not shown for this model: ${x.internalsProblem}` })]));
  else sections.push(partsSection(s, x, on), layersSection(x));
  children.push(el("div", { className: "why-parts" }, sections));
  whyEl.replaceChildren(...children);
}
