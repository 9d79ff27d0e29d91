// The "lines" view of the chosen (or hovered) token: built once per view, its lines redrawn on every change;
// the lines of the head chosen above, or (bertviz's head view) of every head of the layer at once, one
// colour each, with a checkbox per head.
import { LinesView, type HeadLines } from "../lines";
import { el } from "../../common/dom";
import { css } from "../theme";
import { type ReadState } from "../state";
import { type DeepReadonly } from "../../common/store";
import { type ViewToken } from "../../../src/shared/attentionProtocol";
import { allHeadsBox, allHeadsLabel, allHeadsNote, headTogglesEl, linesHost } from "../skeleton";
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

/** the head checkboxes on screen and what they were built for (a head count and its colours): this view's own DOM */
let toggles: { key: string; boxes: HTMLInputElement[] } | undefined;

/** "Head 1" … with its colour: built when the heads or their colours change, else only ticked (the focus stays). */
function renderHeadToggles(s: ReadState, on: ViewEvents): void {
  const view = s.view;
  const H = view?.nHead ?? 0;
  allHeadsBox.checked = s.allHeads.on;
  allHeadsBox.disabled = H < 2;
  allHeadsLabel.textContent = `Every head of layer ${s.ui.layer + 1} at once, one colour each`;
  headTogglesEl.hidden = !s.allHeads.on || H < 2;
  const colours = s.theme.heads.map(css);
  const key = `${H}|${colours.join(",")}`;
  if (toggles?.key !== key) {
    const boxes: HTMLInputElement[] = [];
    const items = Array.from({ length: H }, (_, h) => {
      const box = el("input", { id: `lines-head-${h}`, attrs: { type: "checkbox" } });
      box.addEventListener("change", () => on.toggleHead(h));
      boxes.push(box);
      const swatch = el("span", { className: "swatch", attrs: { "aria-hidden": "true" } });
      swatch.style.background = colours[h % colours.length];
      // past the theme's colours a head's lines are dashed (lines.ts), and its swatch says so
      if (h >= colours.length) swatch.classList.add("dashed");
      return el("span", { className: "head-toggle" }, [box, el("label", { attrs: { for: `lines-head-${h}` } }, [swatch, `Head ${h + 1}`])]);
    });
    headTogglesEl.replaceChildren(el("legend", { text: "Heads drawn" }), ...items);
    toggles = { key, boxes };
  }
  toggles.boxes.forEach((b, h) => (b.checked = !s.allHeads.hidden.includes(h)));
}

/** The matrices the lines show: every head of the layer that is ticked, each with its colour; or the one matrix chosen above. */
function linesMatrices(s: ReadState): HeadLines[] {
  const view = s.view;
  const TT = T(s) * T(s);
  if (!view || !s.allHeads.on || view.nHead < 2 || view.pending) return [{ matrix: currentMatrix(s) }];
  const colours = s.theme.heads.map(css);
  const out: HeadLines[] = [];
  for (let h = 0; h < view.nHead; h++) {
    if (s.allHeads.hidden.includes(h)) continue;
    const at = (s.ui.layer * view.nHead + h) * TT;
    out.push({ matrix: view.attentions.subarray(at, at + TT), colour: colours[h % colours.length], head: h, dashed: h >= colours.length });
  }
  return out;
}

export function renderLines(s: ReadState, on: ViewEvents): void {
  if (built?.tokens !== s.view?.tokens) buildLines(s, on);
  renderHeadToggles(s, on);
  const view = s.view;
  const all = !!view && s.allHeads.on && view.nHead >= 2;
  const shownHeads = view ? view.nHead - s.allHeads.hidden.filter((h) => h < view.nHead).length : 0;
  allHeadsNote.textContent = !all
    ? ""
    : view.pending
      ? "Every head arrives with the rest of the view; until then the lines are the head chosen above."
      : `Layer ${s.ui.layer + 1}: ${shownHeads} of ${view.nHead} heads drawn. A line's colour is its head; its thickness and opacity are that head's weight.`;
  const active = s.linesHover?.index ?? s.ui.chosen;
  const direction = s.linesHover?.side === "right" ? "to" : "from";
  built?.lines.update(linesMatrices(s), active, direction);
}
