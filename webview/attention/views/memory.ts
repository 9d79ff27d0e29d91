// The document memory beside the next words: how many earlier positions it read and its share of the
// mixture; for the suggestion (and the word the memory raised most) the whole word's probability from
// the model alone, from the memory alone and mixed (the list's own figure); and the earlier places the
// memory weighed for its first token, each a button
// that reveals its line in the editor. For a selection, the memory's heaviest places over the earlier text.
// Document text goes in as text only (el's textContent), never as HTML.
import { type MemoryPlace, type MemoryWord, type PlaceLine } from "../../../src/shared/attentionProtocol";
import { visibleWhitespace } from "../../../src/shared/tokenDisplay";
import { el } from "../../common/dom";
import { type ReadState } from "../state";
import { type DeepReadonly } from "../../common/store";
import { type ViewEvents } from "./events";
import { memoryEl } from "../skeleton";
import { bar, isWhy, percent, suggestedIndex } from "./next";

/** places listed under each word of "Why this word?" (the model host sends up to 8) */
const WORD_PLACES = 5;

/** a word or token as a quote: white space visible only where it would not show */
function quote(text: string): string {
  return `“${text.trim() ? text : visibleWhitespace(text)}”`;
}

/** line breaks and tabs of a snippet made visible; spaces stay spaces */
function breaks(text: string): string {
  return text.replace(/\n/g, "↵").replace(/\t/g, "→");
}

function placeItem(place: DeepReadonly<MemoryPlace>, line: DeepReadonly<PlaceLine> | undefined, on: ViewEvents): HTMLElement {
  const weight = el("span", { className: "p", text: percent(place.weight) });
  if (!line || "gone" in line) {
    return el("li", { className: "place gone", attrs: { title: "The document changed here since the memory read it" } }, [
      el("span", { className: "place-line", text: "—" }),
      el("span", { className: "snippet", text: `${quote(place.token)}: changed since` }),
      weight,
    ]);
  }
  const button = el(
    "button",
    {
      className: "place",
      attrs: { type: "button", title: `Reveal line ${line.line + 1} in the editor`, "aria-label": `Line ${line.line + 1}: ${line.before}${line.text}${line.after}; weight ${percent(place.weight)}` },
    },
    [
      el("span", { className: "place-line", text: `${line.line + 1}` }),
      el("span", { className: "snippet" }, [breaks(line.before), el("mark", { text: breaks(line.text) }), breaks(line.after)]),
      weight,
    ],
  );
  // a native button: Enter and Space click it
  button.addEventListener("click", () => on.revealPlace(place.start, place.end));
  return el("li", {}, [button]);
}

function placeList(places: readonly DeepReadonly<MemoryPlace>[], lines: ReadonlyMap<string, DeepReadonly<PlaceLine>>, label: string, on: ViewEvents): HTMLElement {
  if (places.length === 0) return el("p", { className: "hint", text: "No earlier place predicted it." });
  return el(
    "ol",
    { className: "places", attrs: { "aria-label": label } },
    places.map((p) => placeItem(p, lines.get(`${p.start}:${p.end}`), on)),
  );
}

function wordBlock(w: DeepReadonly<MemoryWord>, role: string, lines: ReadonlyMap<string, DeepReadonly<PlaceLine>> | undefined, on: ViewEvents): HTMLElement {
  const token = w.token === w.word ? "" : ` (first token ${quote(w.token)})`;
  const children: HTMLElement[] = [
    el("p", { className: "memory-word", text: `${role} ${quote(w.word)}${token}` }),
    el("ol", { className: "bars memory-bars", attrs: { "aria-label": `Probability of ${quote(w.word)}` } }, [
      bar("model", w.pModel, false, "The model alone, from the text in its window", "from-model"),
      bar("memory", w.pMemory, false, "The document memory alone: the weights of the earlier places that the word's tokens followed", "from-memory"),
      bar("mixed", w.pMixed, false, "The mixture: the figure the ghost text and the list above give this word", "mixed"),
    ]),
  ];
  if (lines) {
    children.push(
      el("h4", { text: `Earlier places that predicted ${quote(w.token)}` }),
      placeList(w.places.slice(0, WORD_PLACES), lines, `Earlier places that predicted ${quote(w.token)}. Enter reveals a place's line in the editor`, on),
    );
  }
  return el("div", { className: "memory-word-block" }, children);
}

export function renderMemory(s: ReadState, on: ViewEvents): void {
  const view = s.view;
  if (!view || view.pending || (!view.memory && !view.noMemory)) {
    memoryEl.replaceChildren();
    memoryEl.hidden = true;
    return;
  }
  memoryEl.hidden = false;
  const m = view.memory;
  if (!m) {
    // one line instead of a section: "Document memory: off (…)"
    memoryEl.replaceChildren(el("p", { className: "hint memory-none", text: view.noMemory ?? "" }));
    return;
  }
  const title = el("h2", { text: "Document memory" });
  const lines = new Map((view.memoryPlaces ?? []).map((p) => [`${p.start}:${p.end}`, p] as const));
  const why = isWhy(view);
  const marked = suggestedIndex(view);
  const suggested = marked >= 0 && view.nextWords[marked].word === m.words[0]?.word;
  const summary = el("p", {
    className: "hint",
    text: `Read ${m.entries.toLocaleString("en")} earlier position${m.entries === 1 ? "" : "s"} of this document; its share of the mixture here: ${percent(m.share)}.`,
    attrs: { title: "Every token's probability is (1 − share) × the model's + share × the memory's. The memory weighs each earlier position by how alike the model's state there is to its state here, and gives the token that followed it." },
  });
  const heading = el("h3", {
    text: "The word's probability: the model alone, the memory alone, mixed",
    attrs: { title: "Whole words, as in the list above: each of the word's tokens, and the end of the word after them. Mixed is the list's figure" },
  });
  const blocks = m.words.map((w, i) => wordBlock(w, i === 0 ? (suggested ? "➜ The suggestion:" : "The most likely next word:") : "Raised most by the memory:", why ? lines : undefined, on));
  const rest: HTMLElement[] = [];
  if (!why) {
    rest.push(
      el("h3", { text: "The memory's weights over the earlier text", attrs: { title: "The earlier places whose states are most like the state at the end of the text; all weights sum to 100%" } }),
      placeList(m.top, lines, "The memory's heaviest places over the earlier text. Enter reveals a place's line in the editor", on),
    );
  }
  memoryEl.replaceChildren(title, summary, heading, ...blocks, ...rest);
}
