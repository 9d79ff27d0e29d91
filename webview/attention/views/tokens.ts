// The token strip: one chip per token (built once per view), the chosen one marked.
import { visibleWhitespace } from "../../../src/shared/tokenDisplay";
import type { ViewToken } from "../../../src/shared/attentionProtocol";
import { el } from "../../common/dom";
import { type ReadState } from "../state";
import { type DeepReadonly } from "../../common/store";
import { tokensEl } from "../skeleton";
import { type ViewEvents } from "./events";

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
  tokensEl.replaceChildren(
    ...s.view.tokens.map((t, i) => {
      // a token that reaches past the document's text belongs to the suggestion (" red" takes the space typed before it)
      const ghost = t.end > docChars;
      const chip = el("span", {
        id: `tok-${i}`,
        className: ghost ? "token ghost" : "token",
        attrs: { role: "option", "aria-selected": "false", title: `token ${i}${ghost ? " (the suggested word, not yet in the document)" : ""}: ${JSON.stringify(t.text)}` },
      }, [el("span", { className: "text", text: visibleWhitespace(t.text) || "∅" }), el("sub", { text: String(i) })]);
      chip.addEventListener("mouseenter", () => on.hoverToken(i));
      chip.addEventListener("mouseleave", () => on.hoverToken(null));
      chip.addEventListener("click", () => on.choose(i));
      return chip;
    }),
  );
}

export function renderTokens(s: ReadState, on: ViewEvents): void {
  if (builtFor !== s.view?.tokens) buildTokens(s, on);
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
