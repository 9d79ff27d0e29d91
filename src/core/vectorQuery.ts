// What the neighbours view's search box accepts: a word, a short phrase (the mean of its words'
// vectors), or a sum of such terms, "she - he + man". '+' and '-' (also '−') are always operators,
// with or without spaces around them, so "well-known" reads as "well - known". PURE.
import { MAX_NEIGHBOUR_QUERY_CHARS } from "../shared/vocabulary";

/**
 * The search box's example of a sum, and the word it finds: with the shipped pooled vectors the answer is
 * among its 5 nearest (test/unit/analogies.test.ts). Issue 29: "king - man + woman", the usual example,
 * found no queen (queen is rare in the training text); this one is among the held-out analogies of
 * models/recipe/analogies.json.
 */
export const EXAMPLE_SUM = "she - he + man";
export const EXAMPLE_SUM_ANSWER = "woman";

export const MAX_TERMS = 8;
export const MAX_WORDS_PER_TERM = 6;
export const MAX_WORD_CHARS = 40;

export interface QueryTerm {
  sign: 1 | -1;
  /** one word, or the words of a phrase (their vectors are averaged) */
  words: string[];
}

export interface VectorQuery {
  terms: QueryTerm[];
  /** the query written out evenly: "king - man + woman" */
  text: string;
}

export type ParseResult = { ok: true; query: VectorQuery } | { ok: false; error: string; /** character offset the error points at */ at: number };

type Tok = { kind: "op"; sign: 1 | -1; ch: string; at: number } | { kind: "word"; text: string; at: number };

const OPS: Record<string, 1 | -1> = { "+": 1, "-": -1, "\u2212": -1 };
const WORDLIKE = /[\p{L}\p{N}]/u;

function lex(input: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c in OPS) {
      toks.push({ kind: "op", sign: OPS[c], ch: c, at: i });
      i++;
    } else {
      const start = i;
      while (i < input.length && !/\s/.test(input[i]) && !(input[i] in OPS)) i++;
      toks.push({ kind: "word", text: input.slice(start, i), at: start });
    }
  }
  return toks;
}

function fail(error: string, at: number): ParseResult {
  return { ok: false, error, at };
}

/** Parse the search box's text; every failure says what is wrong and where. */
export function parseVectorQuery(input: string): ParseResult {
  if (typeof input !== "string") return fail("The query must be text.", 0);
  if (input.length > MAX_NEIGHBOUR_QUERY_CHARS) return fail(`The query is longer than ${MAX_NEIGHBOUR_QUERY_CHARS} characters.`, MAX_NEIGHBOUR_QUERY_CHARS);
  const toks = lex(input);
  if (toks.length === 0) return fail(`Type a word, a phrase, or a sum such as “${EXAMPLE_SUM}”.`, 0);
  const terms: QueryTerm[] = [];
  let sign: 1 | -1 = 1;
  let pendingOp: Extract<Tok, { kind: "op" }> | undefined;
  let current: QueryTerm | undefined;
  for (const t of toks) {
    if (t.kind === "op") {
      if (pendingOp) return fail(`“${pendingOp.ch}” is followed by “${t.ch}” with no word between them.`, t.at);
      pendingOp = t;
      sign = t.sign;
      current = undefined;
      continue;
    }
    if (!WORDLIKE.test(t.text)) return fail(`“${t.text}” is not a word the model knows: a word has letters or digits.`, t.at);
    if (t.text.length > MAX_WORD_CHARS) return fail(`“${t.text.slice(0, 12)}…” is longer than ${MAX_WORD_CHARS} characters.`, t.at);
    if (!current) {
      if (terms.length >= MAX_TERMS) return fail(`At most ${MAX_TERMS} terms can be added or subtracted.`, t.at);
      current = { sign, words: [] };
      terms.push(current);
      pendingOp = undefined;
    }
    if (current.words.length >= MAX_WORDS_PER_TERM) return fail(`A phrase has at most ${MAX_WORDS_PER_TERM} words.`, t.at);
    current.words.push(t.text);
  }
  if (pendingOp) return fail(`The query ends with “${pendingOp.ch}”: a word must follow it.`, pendingOp.at);
  return { ok: true, query: { terms, text: formatQuery(terms) } };
}

export function formatQuery(terms: readonly QueryTerm[]): string {
  return terms.map((t, i) => `${i === 0 ? (t.sign < 0 ? "-" : "") : t.sign < 0 ? " - " : " + "}${t.words.join(" ")}`).join("");
}

/** A query of exactly one word with a plus sign. */
export function singleWord(q: VectorQuery): string | undefined {
  return q.terms.length === 1 && q.terms[0].sign === 1 && q.terms[0].words.length === 1 ? q.terms[0].words[0] : undefined;
}

/** Every word the query names (the neighbour list leaves them out). */
export function queryWords(q: VectorQuery): string[] {
  return [...new Set(q.terms.flatMap((t) => t.words))];
}
