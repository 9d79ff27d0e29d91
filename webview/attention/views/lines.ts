// The "lines" view of the chosen (or hovered) token: built once per view, its lines redrawn on every change.
import { LinesView } from "../lines";
import { type State, hoverToken } from "../state";
import { linesHost } from "../skeleton";
import { T, labels, currentMatrix } from "../derived";
import { choose } from "../actions";
import { render } from "../render";

function buildLines(s: State): void {
  if (!s.view) {
    linesHost.replaceChildren();
    s.linesView = undefined;
    return;
  }
  s.linesView = new LinesView(linesHost, labels(s), {
    onHover: (index, side) => {
      s.linesHover = index === null ? null : { index, side };
      hoverToken(index);
      render(s, "linesPointer");
    },
    onPick: (index) => choose(index),
  });
}

export function renderLines(s: State): void {
  if (!s.linesView) buildLines(s);
  const active = s.linesHover?.index ?? s.ui.chosen;
  const m = currentMatrix(s);
  if (m.length === T(s) * T(s)) s.linesView?.update(m, active, s.linesHover?.side === "right" ? "to" : "from");
}
