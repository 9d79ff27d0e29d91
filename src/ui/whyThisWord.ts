// "Why this word?"'s explanation, extension side and without vscode: the model host's `explain` asked for
// the very point and request the ghost text's suggestion came from (suggestRequest.ts: the same window,
// settings, document words and memory), and its removals placed on the attention view's tokens.
import { suggestRequest } from "../core/suggestRequest";
import type { Settings } from "../core/settings";
import type { Methods } from "../shared/hostProtocol";
import type { Explanation, ViewToken, WhyDone } from "../shared/attentionProtocol";
import type { SourceDocument } from "./attentionRequest";

export type ExplainParams = Methods["explain"]["params"];

/**
 * The explain request at document offset `cursor`: the ghost text's own request (its window of text
 * before the cursor and where it starts, the user's suggestion settings, the document's words), with
 * the document's memory key when the model host holds its memory.
 */
export function explainParams(document: Pick<SourceDocument, "getText">, cursor: number, suggest: Settings["suggest"], doc: string | undefined): ExplainParams {
  const r = suggestRequest((a, b) => document.getText(a, b), cursor, suggest, false);
  return { ...r, ...(doc ? { doc } : {}) };
}

/**
 * The tokens of a view (offsets in its text, which starts at document offset `viewOffset`) that a span of
 * the explained text covers (offsets in that text, which starts at document offset `textOffset`): the first
 * and last token that overlap it, or null when none does (the span lies before the tokens shown). A token
 * overlaps a span when they share a character; white space counts, as a removal's span holds the white
 * space before its word as the token " hair" does.
 */
/** what placing a span reads of a token: where it lies in the text */
type TokenSpan = Pick<ViewToken, "start" | "end">;

export function spanTokens(span: { start: number; end: number }, textOffset: number, tokens: readonly TokenSpan[], viewOffset: number): [number, number] | null {
  const start = textOffset + span.start - viewOffset;
  const end = textOffset + span.end - viewOffset;
  let first = -1;
  let last = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.end <= start || t.start >= end || t.end <= t.start) continue;
    if (first < 0) first = i;
    last = i;
  }
  return first < 0 ? null : [first, last];
}

/** The first token of a view at or after document offset `at` (tokens.length: none). */
export function firstTokenFrom(at: number, tokens: readonly TokenSpan[], viewOffset: number): number {
  const i = tokens.findIndex((t) => viewOffset + t.end > at);
  return i < 0 ? tokens.length : i;
}

/** The explanation placed on the view: each removal's tokens, and where the prediction's window starts among them. */
export function whyDone(x: Explanation, textOffset: number, tokens: readonly TokenSpan[], viewOffset: number, suggestion: string): WhyDone {
  return {
    state: "done",
    explanation: x,
    removalTokens: x.removals.map((r) => spanTokens(r, textOffset, tokens, viewOffset)),
    windowFirstToken: firstTokenFrom(textOffset + x.windowStart, tokens, viewOffset),
    suggestion,
  };
}
