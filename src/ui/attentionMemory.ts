// The document's memory as the attention panel shows it: whether there is one to read (memoryKey), and a
// readout's places given their lines and snippets from the document, or marked gone where the text has
// changed since. attentionController.ts calls these with the view's document.
import type { MemoryShown, PlaceLine } from "../shared/attentionProtocol";
import type { MemoryPlace, MemoryReadout } from "../shared/vocabulary";
import { isByteFragment } from "../shared/tokenDisplay";
import type { SourceDocument } from "./attentionRequest";

/**
 * A document's memory as the panel asks for it: the key the model host holds it under (MemorySync.keyFor),
 * or in one line why there is none (memoryKey below words it).
 */
export type MemoryKey = { doc: string } | { none: string };

/** characters of a place's line shown before and after its token */
export const PLACE_BEFORE_CHARS = 32;
export const PLACE_AFTER_CHARS = 24;

/**
 * Whether a document has a memory the next words can read, from what the extension knows: the setting,
 * whether the model gives hidden states, and the key MemorySync holds it under (undefined: not filled yet).
 */
export function memoryKey(memoryTokens: number, hasHidden: boolean | undefined, key: string | undefined): MemoryKey {
  if (memoryTokens <= 0) return { none: "Document memory: off (lmLens.memoryTokens is 0)." };
  if (hasHidden === false) return { none: "Document memory: none, as this model gives no hidden states (an export without hidden_states outputs)." };
  if (key === undefined) return { none: "Document memory: not filled yet for this document (it fills a moment after the model is ready, while suggestions are on here)." };
  return { doc: key };
}

/** Every place of a readout, once each: its words' places and its top places. */
export function allPlaces(m: MemoryReadout): MemoryPlace[] {
  const seen = new Map<string, MemoryPlace>();
  for (const p of [...m.words.flatMap((w) => w.places), ...m.top]) if (!seen.has(`${p.start}:${p.end}`)) seen.set(`${p.start}:${p.end}`, p);
  return [...seen.values()];
}

/** What the panel shows of the memory for an answer: the readout with its places' lines, or why there is none. */
export function memoryShown(document: SourceDocument, key: MemoryKey, readout: MemoryReadout | undefined): MemoryShown {
  if ("none" in key) return { noMemory: key.none };
  if (readout) return { memory: readout, memoryPlaces: allPlaces(readout).map((p) => placeLine(document, p)) };
  return { noMemory: "Document memory: nothing earlier in this document is in it yet." };
}

/**
 * Where a place lies in the document now: its line and the line's text around its token, or gone when the
 * document no longer has the place's token there (edited since the memory read it; a place is never shown
 * on the wrong line). Line breaks read as \n, as the model reads them.
 */
export function placeLine(document: SourceDocument, place: Pick<MemoryPlace, "start" | "end" | "token">): PlaceLine {
  const { start, end } = place;
  const raw = document.getText(start, end);
  const text = raw.replace(/\r\n?/g, "\n");
  // a token that is part of a character (shown as its bytes) cannot be compared: any text there will do
  if (!text || (text !== place.token && !isByteFragment(place.token) && !place.token.includes("\uFFFD"))) return { start, end, gone: true };
  // the line of the token's first visible character (a token "\nThe" belongs to the line of "The")
  const lead = raw.length - raw.trimStart().length;
  const at = lead < raw.length ? start + lead : start;
  const pos = document.positionAt(at);
  const lineStart = at - pos.character;
  const beforeFrom = Math.max(lineStart, start - PLACE_BEFORE_CHARS);
  // cuts keep surrogate pairs whole
  const before = start >= lineStart ? document.getText(beforeFrom, start).replace(/^[\uDC00-\uDFFF]/u, "") : "";
  // a token that ends its line has nothing after it on that line
  const rest = text.endsWith("\n") ? "" : document.getText(end, end + PLACE_AFTER_CHARS + 1).split(/\r\n?|\n/)[0];
  return {
    start,
    end,
    line: pos.line,
    before: (beforeFrom > lineStart ? "…" : "") + before,
    text,
    after: rest.length > PLACE_AFTER_CHARS ? `${rest.slice(0, PLACE_AFTER_CHARS).replace(/[\uD800-\uDBFF]$/u, "")}…` : rest,
  };
}
