// The Onboard on-screen keyboard's word prediction (Debian onboard-data, models/en_US.lm) as an eval
// baseline: a reader for its model files and a predictor that ranks words the way its engine does.
//
// The file format ("ARPA with counts", what Onboard's pypredict calls arpac): ARPA's sections, but each
// n-gram line holds a count instead of a log-probability and no backoff weight:
//   \data\            ngram 1=42635, ngram 2=6398
//   \1-grams:         "83800117 the"            (count, word)
//   \2-grams:         "773477 United States"    (count, history word, word)
//   \end\
// en_US.lm is of order 2, its counts pruned (no n-gram below 500); its words keep their case ("the",
// "United"), and four control words (<unk>, <s>, </s>, <num>) have count 1.
//
// Prediction, as Onboard 1.4 does it (WPEngine: a DynamicModel with smoothing "abs-disc", i.e.
// interpolated absolute discounting), on the last word v before the cursor:
//   P(w | v) = max(c(v w) - D, 0) / c(v ·) + D · N1+(v ·) / c(v ·) · P1(w),    P1(w) = c(w) / N
// and P1(w) alone when no 2-gram starts with v. D = 0.1 is what Onboard's engine uses on this file:
// its own P(School | United) is 0.1 · 15 / 956537 · P1(School) (its count-of-counts estimate has no
// counts of 1 or 2 to work from in pruned data). Onboard's unigram level differs from c(w) / N by
// less than 1e-7 relative, which keeps its order. Differences from the keyboard itself, on purpose:
// - with nothing typed, the keyboard lists only words seen after v (2-grams; often none at all); here
//   the whole distribution ranks, so that next-word accuracy is measured on the same terms as the
//   other baselines (`shownOnly` gives the keyboard's own list);
// - the history is the last word as its tokenizer reads the text, approximated by historyOf();
// - no user model (the keyboard learns what its user types; the eval measures the shipped lists).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The discount of the 2-gram level (see the header). */
export const ONBOARD_DISCOUNT = 0.1;
const CONTROL_WORDS = new Set(["<unk>", "<s>", "</s>", "<num>"]);

export interface OnboardCounts {
  /** words in file order, control words included */
  words: string[];
  /** count of each word (same index) */
  counts: Float64Array;
  /** history word -> [word index, count] of the 2-grams after it */
  bigrams: Map<string, { word: number; count: number }[]>;
}

/** Parses an Onboard .lm file (ARPA layout with counts). Throws on anything it does not understand. */
export function parseOnboardLm(text: string): OnboardCounts {
  const lines = text.split(/\r?\n/);
  let i = 0;
  const next = () => lines[i++];
  while (i < lines.length && lines[i].trim() === "") i++;
  if (next()?.trim() !== "\\data\\") throw new Error("not an Onboard language model: no \\data\\ header");
  const declared: number[] = [];
  for (let l = next(); l !== undefined && l.trim() !== ""; l = next()) {
    const m = /^ngram (\d+)=(\d+)$/.exec(l.trim());
    if (!m) throw new Error(`line ${i}: expected "ngram N=count", got ${JSON.stringify(l)}`);
    if (Number(m[1]) !== declared.length + 1) throw new Error(`line ${i}: n-gram orders out of sequence`);
    declared.push(Number(m[2]));
  }
  if (declared.length === 0) throw new Error("no n-gram counts declared");
  if (declared.length > 2) throw new Error(`order ${declared.length}: only unigram and bigram models are read`);
  const words: string[] = [];
  const counts: number[] = [];
  const index = new Map<string, number>();
  const bigrams = new Map<string, { word: number; count: number }[]>();
  let seen = [0, 0];
  let order = 0;
  for (let l = next(); l !== undefined; l = next()) {
    const s = l.trim();
    if (s === "") continue;
    if (s === "\\end\\") {
      seen = seen.slice(0, declared.length);
      declared.forEach((n, o) => {
        if (seen[o] !== n) throw new Error(`${o + 1}-grams: ${seen[o]} read, ${n} declared`);
      });
      return { words, counts: Float64Array.from(counts), bigrams };
    }
    const section = /^\\(\d+)-grams:$/.exec(s);
    if (section) {
      order = Number(section[1]);
      if (order < 1 || order > declared.length) throw new Error(`line ${i}: section ${s} not declared`);
      continue;
    }
    if (order === 0) throw new Error(`line ${i}: an n-gram before any section`);
    const parts = s.split(/\s+/);
    const count = Number(parts[0]);
    if (parts.length !== order + 1 || !Number.isFinite(count) || count < 0) throw new Error(`line ${i}: expected a count and ${order} word(s), got ${JSON.stringify(l)}`);
    seen[order - 1]++;
    if (order === 1) {
      if (index.has(parts[1])) throw new Error(`line ${i}: ${parts[1]} listed twice`);
      index.set(parts[1], words.length);
      words.push(parts[1]);
      counts.push(count);
    } else {
      const w = index.get(parts[2]);
      // a word without a 1-gram has no P1 to rank it by: such a 2-gram is skipped
      if (w === undefined) continue;
      let list = bigrams.get(parts[1]);
      if (!list) bigrams.set(parts[1], (list = []));
      list.push({ word: w, count });
    }
  }
  throw new Error("no \\end\\ line");
}

export interface OnboardChoice {
  word: string;
  p: number;
}

export class OnboardPredictor {
  private readonly words: string[];
  private readonly p1: Float64Array;
  /** predictable word indices (no control words) by count descending, ties in file order */
  private readonly byCount: Int32Array;
  private readonly bigrams: OnboardCounts["bigrams"];

  constructor(lm: OnboardCounts, private readonly discount = ONBOARD_DISCOUNT) {
    if (!(discount >= 0 && discount < 1)) throw new RangeError(`discount must be in [0, 1), got ${discount}`);
    this.words = lm.words;
    this.bigrams = lm.bigrams;
    let total = 0;
    for (const c of lm.counts) total += c;
    if (total <= 0) throw new Error("the model has no counts");
    this.p1 = Float64Array.from(lm.counts, (c) => c / total);
    const ids: number[] = [];
    lm.words.forEach((w, id) => {
      if (!CONTROL_WORDS.has(w)) ids.push(id);
    });
    ids.sort((a, b) => lm.counts[b] - lm.counts[a] || a - b);
    this.byCount = Int32Array.from(ids);
  }

  static parse(text: string): OnboardPredictor {
    return new OnboardPredictor(parseOnboardLm(text));
  }

  /**
   * The k most probable words after `history` (the previous word, exact case as Onboard looks it up;
   * undefined at a sentence start or after a number), best first, skipping those `accept` rejects.
   * `shownOnly`: only words seen after the history, as the keyboard lists them with nothing typed.
   */
  topWords(history: string | undefined, k: number, accept?: (word: string) => boolean, shownOnly = false): OnboardChoice[] {
    if (k <= 0) return [];
    const after = history === undefined ? undefined : this.bigrams.get(history);
    const D = this.discount;
    let seen = new Map<number, number>();
    let total = 0;
    if (after) {
      seen = new Map(after.map((b) => [b.word, b.count]));
      for (const b of after) total += b.count;
    }
    // interpolated absolute discounting; the backoff weight gamma is 1 without a 2-gram level
    const gamma = after && total > 0 ? (D * after.length) / total : 1;
    const score = (w: number) => (after && total > 0 ? Math.max((seen.get(w) ?? 0) - D, 0) / total : 0) + gamma * this.p1[w];
    const out: { id: number; p: number }[] = [];
    for (const [w] of seen) if (!CONTROL_WORDS.has(this.words[w]) && (!accept || accept(this.words[w]))) out.push({ id: w, p: score(w) });
    if (!shownOnly) {
      // unseen words all score gamma · P1: the first k acceptable ones in count order can make the list
      let added = 0;
      for (let i = 0; i < this.byCount.length && added < k; i++) {
        const w = this.byCount[i];
        if (seen.has(w) || (accept && !accept(this.words[w]))) continue;
        out.push({ id: w, p: score(w) });
        added++;
      }
    }
    out.sort((a, b) => b.p - a.p || a.id - b.id);
    return out.slice(0, k).map((c) => ({ word: this.words[c.id], p: c.p }));
  }
}

/**
 * The history Onboard would look up for a text before the cursor (which ends at a word boundary): its
 * last word, where punctuation other than a sentence end is skipped ("foo(bar) " -> "bar", "Hello, " ->
 * "Hello"); undefined after a sentence end (. ! ? : ; then white space, or a blank line: Onboard's <s>),
 * after a number (its <num>), and at the start of a text.
 */
export function historyOf(context: string): string | undefined {
  const tail = context.slice(-200);
  if (/\n[ \t]*\n\s*$/.test(tail)) return undefined;
  const m = /([\p{L}\p{N}_'’-]+)([^\p{L}\p{N}_]*)$/u.exec(tail);
  if (!m) return undefined;
  if (/[.!?:;]["'’”]*(\s|$)/u.test(m[2])) return undefined;
  const word = m[1].replace(/^['’-]+|['’-]+$/g, "");
  if (word === "" || /^\p{N}+$/u.test(word)) return undefined;
  return word;
}

/**
 * Path of en_US.lm from Debian's onboard-data, downloaded (never installed) into `cacheDir` on first
 * use with `apt-get download onboard-data` and `dpkg-deb -x`; an Error saying why when that fails.
 */
export function fetchOnboardModel(cacheDir: string, language = "en_US"): string | Error {
  const lm = join(cacheDir, "usr", "share", "onboard", "models", `${language}.lm`);
  if (existsSync(lm)) return lm;
  try {
    mkdirSync(cacheDir, { recursive: true });
    if (!readdirSync(cacheDir).some((f) => /^onboard-data_.*\.deb$/.test(f))) execFileSync("apt-get", ["download", "onboard-data"], { cwd: cacheDir, stdio: "pipe", timeout: 120_000 });
    const deb = readdirSync(cacheDir).find((f) => /^onboard-data_.*\.deb$/.test(f));
    if (!deb) return new Error("apt-get download onboard-data left no .deb");
    execFileSync("dpkg-deb", ["-x", deb, "."], { cwd: cacheDir, stdio: "pipe" });
  } catch (e) {
    const err = e as Error & { stderr?: Buffer };
    return new Error(`${err.message.split("\n")[0]}${err.stderr?.length ? `: ${err.stderr.toString().trim().split("\n").at(-1)}` : ""}`);
  }
  return existsSync(lm) ? lm : new Error(`onboard-data has no models/${language}.lm`);
}
