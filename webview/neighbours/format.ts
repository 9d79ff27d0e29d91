// How the neighbours webview words what it shows: how the query was embedded, scores and their names.
// Pure: text in, text out.
import { type EmbeddedWord, type Metric, type NeighbourList } from "../../src/shared/neighboursProtocol";
import { type DeepReadonly } from "../common/store";
import { type ListId } from "./state";

function quoteTokens(tokens: readonly string[]): string {
  return tokens.map((t) => `'${t}'`).join(" + ");
}

function explainWord(w: DeepReadonly<EmbeddedWord>, mode: ListId): string {
  if (mode === "pooled") return `“${w.word}”: its hidden state averaged over its ${w.count?.toLocaleString() ?? "many"} uses in the training text`;
  const what = mode === "static" ? "its row" : "its hidden state";
  if (w.tokens.length === 1) return `“${w.word}” is one token, ${quoteTokens(w.tokens)}: ${what}`;
  return `“${w.word}”: mean of ${w.tokens.length} tokens: ${quoteTokens(w.tokens)}`;
}

export function explainQuery(l: DeepReadonly<NeighbourList>): string {
  const parts = l.terms.map((t) => t.words.map((w) => explainWord(w, l.mode)).join("; "));
  const single = l.terms.length === 1 && l.terms[0].words.length === 1 && l.terms[0].sign > 0;
  if (single) return parts[0];
  const phrase = l.terms.map((t, i) => `${i === 0 ? (t.sign < 0 ? "−" : "") : t.sign < 0 ? " − " : " + "}${t.words.length > 1 ? `mean(${t.words.map((w) => w.word).join(", ")})` : t.words[0].word}`).join("");
  return `${phrase}. ${parts.join("; ")}`;
}

export function formatScore(l: DeepReadonly<NeighbourList>, score: number): string {
  return l.metric === "cosine" ? score.toFixed(3) : score.toFixed(2);
}

export function scoreLabel(metric: Metric): string {
  return metric === "cosine" ? "cosine similarity" : "Euclidean distance (smaller is nearer)";
}

/** the end of a text, at most `max` characters with the ellipsis */
export function tail(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
