// The token strip: one chip per token (built once per view), the chosen one marked.
import { visibleWhitespace } from "../../../src/shared/tokenDisplay";
import type { ViewToken } from "../../../src/shared/attentionProtocol";
import { el } from "../../common/dom";
import { type ReadState } from "../state";
import { type DeepReadonly } from "../../common/store";
import { stripNote, tokensEl } from "../skeleton";
import { type ViewEvents } from "./events";
import { T, currentMatrix, displays, labels, predictionWindow, selectionName } from "../derived";
import { colorScale, contrastRatio } from "../../../src/shared/colorScale";
import { css } from "../theme";
import { removalChange } from "./why";

/**
 * the tokens the chips were built for (a view's "details" keep its tokens; a new view brings new ones): a
 * cache of this view's own, not state
 */
let builtFor: DeepReadonly<ViewToken[]> | undefined;

function buildTokens(s: ReadState, on: ViewEvents): void {
  builtFor = s.view?.tokens;
  if (!s.view) {
    tokensEl.replaceChildren();
    return;
  }
  const docChars = s.view.source.documentChars;
  const shown = displays(s);
  tokensEl.replaceChildren(
    ...s.view.tokens.map((t, i) => {
      // a token that reaches past the document's text belongs to the suggestion (" red" takes the space typed before it)
      const ghost = t.end > docChars;
      // the tokens of one character (or emoji) are drawn as one chip: the first holds the text, the rest join it
      const d = shown[i];
      const [first, last] = d.group;
      const part = first === last ? "" : i === first ? " group-first" : i === last ? " group-rest group-last" : " group-rest";
      const what = first === last ? JSON.stringify(t.text) : `part ${i - first + 1} of ${last - first + 1} of ${JSON.stringify(shown[first].display)} (tokens ${first}–${last})`;
      const chip = el("span", {
        id: `tok-${i}`,
        className: `${ghost ? "token ghost" : "token"}${part}`,
        attrs: { role: "option", "aria-selected": "false", title: `token ${i}${ghost ? " (the suggested word, not yet in the document)" : ""}: ${what}${d.bytes ? `, bytes ${d.bytes}` : ""}` },
      }, [el("span", { className: "text", text: i === first ? visibleWhitespace(d.display) || (d.bytes ? `‹${d.bytes}›` : "∅") : "" }), el("sub", { text: String(i) })]);
      chip.addEventListener("mouseenter", () => on.hoverToken(i));
      chip.addEventListener("mouseleave", () => on.hoverToken(null));
      chip.addEventListener("click", () => on.choose(i));
      return chip;
    }),
  );
}

/** the view and explanation the chips were last marked for: a cache of this view's own, not state */
let markedFor: { view: unknown; why: unknown } | undefined;

/**
 * Marks on the chips: the tokens before the prediction's window are dimmed (the next words' numbers come
 * from the window only), and for "Why this word?" each token of an earlier word is underlined by how much
 * the suggestion's probability falls (or rises) when its word is taken out.
 */
function markTokens(s: ReadState): void {
  const view = s.view;
  if (markedFor?.view === view && markedFor?.why === view?.why) return;
  markedFor = { view, why: view?.why };
  if (!view) return;
  const win = predictionWindow(view);
  const why = view.why?.state === "done" ? view.why : undefined;
  const change = new Map<number, { d: number; text: string }>();
  let max = 1e-9;
  if (why) {
    why.explanation.removals.forEach((r, i) => {
      const range = why.removalTokens[i];
      const d = removalChange(r, why.explanation.p);
      max = Math.max(max, Math.abs(d));
      if (range) for (let k = range[0]; k <= range[1]; k++) change.set(k, { d, text: r.text });
    });
  }
  view.tokens.forEach((_t, i) => {
    const chip = tokensEl.querySelector<HTMLElement>(`#tok-${i}`);
    if (!chip) return;
    const outside = !!win && i < win.first;
    chip.classList.toggle("outside", outside);
    chip.querySelector(".effect")?.remove();
    const base = chip.dataset.title ?? chip.title;
    chip.dataset.title = base;
    const notes: string[] = [];
    if (outside) notes.push("before the prediction's window: the next words do not read it");
    const c = change.get(i);
    if (c && why) {
      const bar = el("span", { className: `effect ${c.d < 0 ? "falls" : "rises"}`, attrs: { "aria-hidden": "true" } });
      bar.style.opacity = String(0.25 + 0.75 * Math.min(1, Math.abs(c.d) / max));
      bar.style.width = `${Math.max(12, Math.min(1, Math.abs(c.d) / max) * 100)}%`;
      chip.append(bar);
      const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
      notes.push(`without “${c.text.trim()}”, “${why.explanation.word.trim()}” ${c.d < 0 ? "falls" : "rises"} from ${pct(why.explanation.p)} to ${pct(why.explanation.p + c.d)}`);
    }
    chip.dataset.notes = notes.join("; ");
    composeTitle(chip);
  });
}

/** A chip's tip: the token, then what the marks say (the window, a removal's effect), then its attention weight. */
function composeTitle(chip: HTMLElement): void {
  if (chip.dataset.title === undefined) chip.dataset.title = chip.title;
  const parts = [chip.dataset.title ?? chip.title, chip.dataset.notes, chip.dataset.weight].filter((p) => !!p);
  chip.title = parts.join("; ");
}

/** what the strip was last shaded for: a cache of this view's own, not state */
let shadedFor: { buffer: ArrayBufferLike; offset: number; length: number; chosen: number; theme: unknown; tokens: unknown } | undefined;

/**
 * The chosen token's row of attention drawn over the text, as bertviz reads it: each token it can see is
 * shaded by its weight (the row's largest weight the darkest), whatever the length, so the tokens it looks
 * at are read by name in the text itself. The row is the heatmap's layer and head, or the rollout's on
 * that tab; the note above the strip says which, and names the largest weights.
 */
function shadeTokens(s: ReadState): void {
  const view = s.view;
  const n = T(s);
  const rollout = s.ui.tab === "rollout";
  const m = !view ? new Float32Array(0) : rollout ? (view.pending ? new Float32Array(0) : view.rollout) : currentMatrix(s);
  const q = s.ui.chosen;
  // keyed by where the matrix lies (currentMatrix gives a new subarray each call)
  if (shadedFor && shadedFor.buffer === m.buffer && shadedFor.offset === m.byteOffset && shadedFor.length === m.length && shadedFor.chosen === q && shadedFor.theme === s.theme && shadedFor.tokens === view?.tokens) return;
  shadedFor = { buffer: m.buffer, offset: m.byteOffset, length: m.length, chosen: q, theme: s.theme, tokens: view?.tokens };
  const ready = !!view && n > 0 && m.length === n * n && q >= 0 && q < n;
  let max = 0;
  if (ready) for (let k = 0; k <= q; k++) max = Math.max(max, m[q * n + k]);
  const lab = labels(s);
  const what = rollout ? "the rollout through all layers" : selectionName(s);
  for (let i = 0; i < n; i++) {
    const chip = tokensEl.querySelector<HTMLElement>(`#tok-${i}`);
    if (!chip) continue;
    const w = ready && i <= q ? m[q * n + i] : -1;
    if (w < 0 || max <= 0) {
      chip.style.removeProperty("background-color");
      chip.style.removeProperty("color");
      delete chip.dataset.weight;
      composeTitle(chip);
      continue;
    }
    const bg = colorScale(w / max, s.theme.background, s.theme.high);
    chip.style.backgroundColor = css(bg);
    // the text stays readable on the darkest shade: the theme's text colour, or its background where that reads better
    chip.style.color = css(contrastRatio(s.theme.foreground, bg) >= contrastRatio(s.theme.background, bg) ? s.theme.foreground : s.theme.background);
    chip.dataset.weight = `${(w * 100).toFixed(1)}% of “${lab[q]}”'s attention (${what})`;
    composeTitle(chip);
  }
  if (!ready) {
    stripNote.textContent = "";
    stripNote.title = "";
    return;
  }
  const top = Array.from({ length: q + 1 }, (_, k) => ({ k, w: m[q * n + k] }))
    .sort((a, b) => b.w - a.w)
    .slice(0, 3)
    .map((x) => `“${lab[x.k]}” ${(x.w * 100).toFixed(0)}%`);
  stripNote.textContent = `Shaded by where “${lab[q]}” (token ${q}) looks, ${what}: the darkest is its largest weight. Most: ${top.join(", ")}.`;
  stripNote.title = stripNote.textContent;
}

export function renderTokens(s: ReadState, on: ViewEvents): void {
  if (builtFor !== s.view?.tokens) {
    buildTokens(s, on);
    markedFor = undefined;
    shadedFor = undefined;
  }
  markTokens(s);
  shadeTokens(s);
  tokensEl.querySelector(".token.chosen")?.classList.remove("chosen");
  tokensEl.querySelector('[aria-selected="true"]')?.setAttribute("aria-selected", "false");
  const chip = tokensEl.querySelector<HTMLElement>(`#tok-${s.ui.chosen}`);
  if (!chip) {
    tokensEl.removeAttribute("aria-activedescendant");
    return;
  }
  chip.classList.add("chosen");
  chip.setAttribute("aria-selected", "true");
  tokensEl.setAttribute("aria-activedescendant", chip.id);
  chip.scrollIntoView({ block: "nearest", inline: "nearest" });
}
