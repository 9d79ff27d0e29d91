// The token strip: one chip per token (built once per view), the chosen one marked.
import { visibleWhitespace } from "../../../src/shared/tokenDisplay";
import type { ViewToken } from "../../../src/shared/attentionProtocol";
import { el } from "../../common/dom";
import { type State, hoverToken } from "../state";
import { tokensEl } from "../skeleton";
import { choose } from "../actions";

/** the tokens the chips were built for (a view's "details" keep its tokens; a new view brings new ones) */
let builtFor: readonly ViewToken[] | undefined;

function buildTokens(s: State): void {
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
      chip.addEventListener("mouseenter", () => hoverToken(i));
      chip.addEventListener("mouseleave", () => hoverToken(null));
      chip.addEventListener("click", () => choose(i));
      return chip;
    }),
  );
}

export function renderTokens(s: State): void {
  if (builtFor !== s.view?.tokens) buildTokens(s);
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
