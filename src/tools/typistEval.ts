// The typist's yardstick on the held-out split (issue 27): typist.ts's typist writes the start of each
// held-out source, document by document, with LM Lens's ghost text as the editor shows it (with and
// without the document memory), with the Kneser-Ney trigram's top word as ghost text, and with the
// Onboard keyboard's own list of three.
//
// LM Lens as the editor shows it, with default settings:
//   - the request is the inline provider's (suggestRequest.ts: the window before the cursor, the
//     document's words near it, one alternative, no figures), answered by Engine.suggest;
//   - the provider's memo: while the typist types the letters of a shown suggestion, or after a word of
//     it was taken, its rest stays on screen without a new request (the same suggestion);
//   - the document memory is synced as memorySync.ts syncs it (the text before the cursor, bounded) each
//     time a word ends (a space, a line break or an accept: where a typist's pause of 300 ms lets the
//     sync run) and filled then, as the model host fills it between requests: it grows as the text is
//     typed, never refilled from scratch.
import { windowStart } from "../core/contextWindow";
import { suggestRequest } from "../core/suggestRequest";
import { DEFAULT_SETTINGS, type Settings } from "../core/settings";
import { SuggestionMemo } from "../core/suggestionMemo";
import type { Engine } from "../modelHost/engine";
import { isWordPreToken, splitPreTokens, type KneserNeyTrigram } from "./ngram";
import { historyOf, type OnboardPredictor } from "./onboard";
import { acceptedShare, addTally, emptyTally, letterSpaceSavings, savings, typeText, type Action, type Ghost, type Suggester, type TypistTally } from "./typist";

/** tokens of context in front of the memory's first state (memorySync.ts's MEMORY_CONTEXT_TOKENS) */
const MEMORY_CONTEXT_TOKENS = 128;
/** Onboard's word list: the keyboard shows a few candidates above the keys */
export const ONBOARD_LIST = 3;

/** The provider's memo in front of any predictor: a shown suggestion's rest stays while it is typed or taken. */
export class Memoed implements Suggester {
  private readonly memo = new SuggestionMemo();
  constructor(private readonly predict: (typed: string) => Promise<string>) {}
  async ghost(typed: string): Promise<Ghost> {
    const rest = this.memo.lookup("doc", typed.length, typed);
    if (rest !== undefined) return { text: rest, fresh: false };
    const text = await this.predict(typed);
    // as the provider: an empty answer leaves the memo as it was
    if (text) this.memo.remember("doc", typed.length, typed, text);
    return { text, fresh: true };
  }
}

/** LM Lens's ghost text as the editor shows it (see the header); `memoryTokens` 0: without the memory. */
export function lmLensTypist(engine: Engine, settings: Settings = DEFAULT_SETTINGS, docKey = "typist"): Suggester {
  let synced = false;
  const memoryOn = settings.memoryTokens > 0;
  engine.memories.close(docKey);
  const inner = new Memoed(async (typed) => {
    const read = (a: number, b: number) => typed.slice(a, b);
    const request = suggestRequest(read, typed.length, settings.suggest, false);
    const r = await engine.suggest(request.text, request.options, undefined, request.offset, memoryOn && synced ? docKey : undefined);
    return r.text;
  });
  return {
    ghost: (typed) => inner.ghost(typed),
    async after(typed: string, action: Action) {
      if (!memoryOn) return;
      if (action.kind === "type" && !/\s/.test(action.text)) return;
      const from = windowStart(typed.length, settings.memoryTokens + MEMORY_CONTEXT_TOKENS);
      engine.memories.sync(docKey, from, typed.slice(from), settings.memoryTokens);
      await engine.memories.fill(docKey);
      synced = true;
    },
  };
}

/** The word being typed at the end of `typed` ("" after a space) and the pre-tokens before it. */
function typedWord(typed: string): { history: string[]; partial: string } {
  const units = splitPreTokens(typed.slice(-300));
  const last = units.at(-1) ?? "";
  // a word being typed: " wo" or "wo" at the end; after white space or punctuation, a new word starts
  if (last && isWordPreToken(last) && /[\p{L}\p{N}]$/u.test(typed)) return { history: units.slice(0, -1), partial: last };
  return { history: units, partial: "" };
}

/** The Kneser-Ney trigram's top word (or completion of the typed word) as ghost text. */
export function trigramTypist(kn: KneserNeyTrigram): Suggester {
  return new Memoed(async (typed) => {
    const { history, partial } = typedWord(typed);
    const u = history.at(-2) ?? "<s>";
    const v = history.at(-1) ?? "<s>";
    // a new word after white space: " word" units, whose space is already typed
    const space = partial === "" && /[ \t]$/.test(typed);
    const prefix = partial || (space ? " " : "");
    if (!partial && !space) return "";
    const top = kn.topWords(u, v, 1, (w) => !isWordPreToken(w) || !w.startsWith(prefix) || w.length <= prefix.length)[0];
    return top ? top.word.slice(prefix.length) : "";
  });
}

/** The Onboard keyboard: its own list of ONBOARD_LIST words (only words seen after the last one, with nothing typed). */
export function onboardTypist(onboard: OnboardPredictor): Suggester {
  let last = "";
  return {
    async ghost(typed: string): Promise<Ghost> {
      const partial = /[\p{L}\p{N}'’-]+$/u.exec(typed)?.[0] ?? "";
      // with nothing typed the keyboard lists what follows the last word; a letter typed narrows it
      if (!partial && !/\s$/.test(typed)) return { text: "", fresh: false, list: [] };
      const h = historyOf(typed.slice(0, typed.length - partial.length));
      const lower = partial.toLowerCase();
      const words = onboard
        .topWords(h, ONBOARD_LIST, (w) => /^[\p{L}\p{N}]/u.test(w) && w.toLowerCase().startsWith(lower) && w.length > partial.length, partial === "")
        .map((c) => c.word.slice(partial.length));
      const key = words.join("\n");
      const fresh = key !== last;
      last = key;
      return { text: "", fresh, list: words };
    },
  };
}

export interface TypistRow {
  source: string;
  suggester: string;
  tally: TypistTally;
  ms: number;
  /** through lm-lens predict: the median time of its answers (the ghost's, or the list's), and from line to answer */
  medianMs?: number;
  medianWallMs?: number;
}

/**
 * The first `words` words of a source's held-out documents (whole documents, in order; the last cut at
 * a line end where one is near), each typed from empty.
 */
export function typistTexts(docs: readonly string[], words: number): string[] {
  const out: string[] = [];
  let left = words;
  for (const d of docs) {
    if (left <= 0) break;
    const n = d.match(/\S+/g)?.length ?? 0;
    if (n <= left) {
      out.push(d);
      left -= n;
      continue;
    }
    // the first `left` words, to the end of their line
    const re = /\S+/g;
    let end = 0;
    for (let i = 0; i < left && re.exec(d); i++) end = re.lastIndex;
    const nl = d.indexOf("\n", end);
    out.push(d.slice(0, nl >= 0 && nl - end < 200 ? nl + 1 : end));
    left = 0;
  }
  return out;
}

/** Type the texts with one suggester, made afresh per document (each is a new file). */
export async function typeAll(texts: readonly string[], make: (doc: number) => Suggester): Promise<{ tally: TypistTally; ms: number }> {
  const t0 = performance.now();
  let tally = emptyTally();
  for (let i = 0; i < texts.length; i++) tally = addTally(tally, await typeText(texts[i], make(i)));
  return { tally, ms: performance.now() - t0 };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export const TYPIST_HEADER = "### The typist's yardstick";

/** The table of typistRows, as the card and the README show it. */
export function typistTable(rows: readonly TypistRow[], words: number): string {
  const lines = [
    TYPIST_HEADER,
    "",
    `A simulated typist writes the first ${words.toLocaleString("en")} words of each held-out source (src/tools/typist.ts, typistEval.ts). Before each key it looks at the ghost text as the editor shows it with default settings; Tab takes the ghost text when it is the rest of the word(s), Ctrl+Right takes its correct leading words one key each, and a key is pressed only where it inserts more than one character. Keys saved: every character of the text counts as a key (letters, spaces, punctuation, line breaks). Shown: suggestions that appeared (the rest of one that stays on screen while its letters are typed is the same suggestion); accepted: some part of it was taken.`,
    "",
    "| held-out source | suggester | keys saved | letter-and-space keys saved | suggestions shown per word | shown suggestions accepted | taken whole |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.source} | ${r.suggester} | ${pct(savings(r.tally))} | ${pct(letterSpaceSavings(r.tally))} | ${(r.tally.shown / Math.max(1, r.tally.words)).toFixed(2)} | ${pct(acceptedShare(r.tally))} | ${pct(r.tally.shown ? r.tally.acceptedWhole / r.tally.shown : 0)} |`),
  ];
  return lines.join("\n");
}
