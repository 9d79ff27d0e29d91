// How tokens and quoted text read in titles, the token strip and exports. PURE, shared with the webviews.

/** A short, one-line quote of the text for titles: at most max characters, the ellipsis included. */
export function shortQuote(text: string, max = 32): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  let cut = max - 1;
  // end at a word's end when one is not far back
  const space = flat.lastIndexOf(" ", cut);
  if (space >= max / 2) cut = space;
  const c = flat.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return flat.slice(0, cut).trimEnd() + "…";
}

/** Whitespace made visible, as in the token strip: space ·, tab →, line end ↵, carriage return ␍. */
export function visibleWhitespace(token: string): string {
  return token.replace(/\r\n/g, "↵").replace(/\r/g, "␍").replace(/\n/g, "↵").replace(/\t/g, "→").replace(/ /g, "·");
}
