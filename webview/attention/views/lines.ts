// The "lines" view of the chosen (or hovered) token: built once per view, its lines redrawn on every change.
import { LinesView } from "../lines";
import { type ReadState } from "../state";
import { type DeepReadonly } from "../../common/store";
import { type ViewToken } from "../../../src/shared/attentionProtocol";
import { linesHost } from "../skeleton";
import { T, labels, currentMatrix } from "../derived";
import { type ViewEvents } from "./events";

/**
 * The SVG on screen and the tokens it was built for (a view's "details" keep its tokens; a new view brings
 * new ones): this view's own DOM, not state.
 */
let built: { tokens: DeepReadonly<ViewToken[]>; lines: LinesView } | undefined;

/** the SVG of the lines on screen, for the export (undefined: not drawn for this view yet) */
export function linesSvgRoot(s: ReadState): SVGSVGElement | undefined {
  return built && built.tokens === s.view?.tokens ? built.lines.root : undefined;
}

function buildLines(s: ReadState, on: ViewEvents): void {
  if (!s.view) {
    linesHost.replaceChildren();
    built = undefined;
    return;
  }
  built = { tokens: s.view.tokens, lines: new LinesView(linesHost, labels(s), { onHover: (index, side) => on.hoverLines(index, side), onPick: (index) => on.choose(index) }) };
}

export function renderLines(s: ReadState, on: ViewEvents): void {
  if (built?.tokens !== s.view?.tokens) buildLines(s, on);
  const active = s.linesHover?.index ?? s.ui.chosen;
  const m = currentMatrix(s);
  if (m.length === T(s) * T(s)) built?.lines.update(m, active, s.linesHover?.side === "right" ? "to" : "from");
}
