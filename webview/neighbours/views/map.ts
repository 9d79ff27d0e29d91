// The map of one list (chosen beside its title): the query and its neighbours on their two principal
// components, each named by the words at its two ends. Hovering or focusing a point writes its word and
// coordinates under the map: the map's own DOM, not state. The list is the extension's (screen.mapList),
// the one the large map shows too.
import { el } from "../../common/dom";
import { setPickerValue } from "../../common/toolkit";
import { type ReadState } from "../state";
import { mapPick, mapHost, mapInfo, root } from "../skeleton";
import { formatScore } from "../format";
import { mapPoints, scatterSvg } from "../map";
import { axesSentences } from "../axes";

export function renderMap(s: ReadState): void {
  const mapList = s.screen?.mapList ?? "pooled";
  const l = s.screen?.[mapList].list;
  setPickerValue(mapPick, mapList);
  mapInfo.textContent = "";
  if (!l || l.neighbours.length === 0) {
    const why = s.screen?.[mapList].error ? `There is no ${mapList} list to map: choose another list.` : "The map appears with the list.";
    mapHost.replaceChildren(el("p", { className: "hint", text: why }));
    return;
  }
  const points = mapPoints(l, (score) => `${l.metric === "cosine" ? "similarity" : "distance"} ${formatScore(l, score)}`);
  const width = Math.max(200, Math.min(560, mapHost.clientWidth || root.clientWidth || 280));
  const axes = axesSentences(l.map.x, l.map.y, points.map((p) => p.label), l.map.explained);
  const caption = `${axes.x} ${axes.y}${l.metric === "cosine" ? " (Unit vectors.)" : ""}`;
  const svg = scatterSvg(l.map.x, l.map.y, points, width, (i) => {
    mapInfo.textContent = i === null ? caption : `${points[i].detail} · PC1 ${l.map.x[i].toFixed(3)}, PC2 ${l.map.y[i].toFixed(3)}`;
  });
  svg.setAttribute("aria-label", `Map of “${l.query}” and its ${l.neighbours.length} neighbours: ${caption}`);
  mapHost.replaceChildren(svg);
  mapInfo.textContent = caption;
}
