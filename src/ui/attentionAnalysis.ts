// What the attention panel asks the model host for a request, in one round trip: a selection is read from
// its start (as far as the token budget can use); "Why this word?" sends the text before the cursor plus
// the suggestion and lets the model host keep its end within the budget. No vscode: the panel hands in
// the document's text, and a test counts the requests.
import type { Settings } from "../core/settings";
import type { ModelHostPort } from "../client/modelHostClient";
import type { AttentionFirst } from "../shared/hostProtocol";
import type { CancelToken } from "../shared/messaging";
import type { TruncationNotice } from "../shared/attentionProtocol";

export interface AnalysisRequest {
  kind: "selection" | "whyThisWord";
  /** the document's part of the text (for a selection, from its start; the panel reads only what can be used) */
  docText: string;
  /** document offset of docText */
  start: number;
  /** for a selection: docText is shorter than the selection (it was longer than the budget could use) */
  cutAtEnd?: boolean;
  /** ghost text after docText ("" for none) */
  suggestion: string;
  /** text before docText was left out already */
  cutAtStart: boolean;
  /** the document's memory key (MemorySync.keyFor), so that the next words read the ghost text's memory */
  doc?: string;
  /** a selection whose last word is finished: the next words come after it, never complete it */
  wordEnds?: boolean;
}

export interface Analysis {
  result: AttentionFirst;
  /** the text analysed (result.text's source), and its document offset */
  text: string;
  offset: number;
  cut?: TruncationNotice["cut"];
}

export async function analyse(
  client: ModelHostPort,
  req: AnalysisRequest,
  settings: Pick<Settings, "maxAttentionTokens" | "suggest">,
  show?: { layer: number; head: number | null },
  token?: CancelToken,
): Promise<Analysis> {
  const maxTokens = settings.maxAttentionTokens;
  if (req.kind === "selection") {
    const text = req.docText;
    const words = { at: text.length, offset: req.start, options: settings.suggest, ...(req.doc ? { doc: req.doc } : {}), ...(req.wordEnds ? { wordEnds: true } : {}) };
    const result = await client.request("attention", { text, maxTokens, words, ...(show ? { show } : {}) }, token);
    if (req.cutAtEnd) delete result.totalTokens;
    return { result, text, cut: result.truncated || req.cutAtEnd ? "end" : undefined, offset: req.start };
  }
  const whole = req.docText + req.suggestion;
  // the list at the point before the suggestion: the alternatives the ghost text was chosen from
  const words = { at: req.docText.length, offset: req.start, options: settings.suggest, ...(req.doc ? { doc: req.doc } : {}) };
  const result = await client.request("attention", { text: whole, maxTokens, words, fit: "end", ...(show ? { show } : {}) }, token);
  const from = result.cutChars ?? 0;
  const cutAtStart = req.cutAtStart || from > 0;
  return { result, text: whole.slice(from), cut: result.truncated ? "end" : cutAtStart ? "start" : undefined, offset: req.start + from };
}
