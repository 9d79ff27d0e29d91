// The large map's static DOM (the editor tab's page): built once, from no state, when mapPanel.ts is
// imported; views/bigMap.ts fills it in.
import { el } from "../common/dom";
import { option, type Picker } from "../common/toolkit";
import { LISTS } from "./state";

export const root = document.getElementById("root")!;
root.classList.add("big-page");
export const titleEl = el("h1", { className: "big-title", attrs: { role: "status", "aria-live": "polite" } });
export const subEl = el("p", { className: "hint big-sub" });
export const spacePick = el("vscode-dropdown", { attrs: { "aria-label": "List shown on the map (the side bar's map shows the same)" } }, LISTS.map((id) => option(id, id))) as Picker;
export const zoomOutButton = el("vscode-button", { className: "zoom-out", text: "−", attrs: { appearance: "secondary", title: "Zoom out (−)", "aria-label": "Zoom out" } });
export const zoomInButton = el("vscode-button", { className: "zoom-in", text: "+", attrs: { appearance: "secondary", title: "Zoom in (+)", "aria-label": "Zoom in" } });
export const wholeButton = el("vscode-button", { className: "zoom-whole", text: "Whole map", attrs: { appearance: "secondary", title: "Show the whole map (0)" } });
export const zoomOut = el("output", { className: "zoom-value", attrs: { "aria-label": "Zoom" } });
export const mapBox = el("div", {
  className: "big-map-host",
  attrs: { tabindex: 0, role: "application", "aria-roledescription": "map", "aria-label": "Map. + and − zoom, arrow keys pan, 0 shows the whole map; the list beside it reads every point" },
});
export const pointList = el("ol", { className: "points", attrs: { role: "listbox", "aria-label": "Points of the map. Arrow keys move, each point is highlighted on the map; Enter makes a word the query" } }) as HTMLOListElement;
export const infoEl = el("p", { className: "point-info", attrs: { role: "status", "aria-live": "polite" } });
export const axesEl = el("div", { className: "hint axes" });
/** the axes' ends named by their words: above the map, and below it left, middle and right */
export const axisEnds = {
  top: el("p", { className: "axis-end top" }),
  left: el("span", { className: "axis-end left" }),
  bottom: el("span", { className: "axis-end bottom" }),
  right: el("span", { className: "axis-end right" }),
};
export const emptyEl = el("p", { className: "hint big-empty", attrs: { hidden: true } });

root.append(
  el("header", { className: "big-head" }, [
    el("div", { className: "big-heading" }, [titleEl, subEl]),
    el("div", { className: "big-tools", attrs: { role: "toolbar", "aria-label": "Map" } }, [
      el("span", { className: "label", text: "list" }),
      spacePick,
      zoomOutButton,
      zoomOut,
      zoomInButton,
      wholeButton,
    ]),
  ]),
  emptyEl,
  el("div", { className: "big-body" }, [
    el("div", { className: "big-map-col" }, [axisEnds.top, mapBox, el("div", { className: "axis-row" }, [axisEnds.left, axisEnds.bottom, axisEnds.right]), infoEl, axesEl]),
    el("aside", { className: "big-list" }, [el("h2", { text: "Every point" }), pointList]),
  ]),
  el("p", { className: "hint big-help", text: "Ctrl + wheel or + and − zoom; drag, the wheel or the arrow keys pan; 0 shows the whole map. A label that has no room shows as you zoom in, and every point's word and score reads in the list: moving through it highlights each point." }),
);
