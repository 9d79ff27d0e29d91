// SVG element building for the webviews: attributes set one by one, text only through textContent.
export const SVG_NS = "http://www.w3.org/2000/svg";

export function svgNode<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (/^on/i.test(k)) throw new Error(`svgNode: attribute ${k} is not allowed`);
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) e.textContent = text;
  return e;
}
