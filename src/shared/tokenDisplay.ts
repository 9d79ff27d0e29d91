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

/**
 * How one token of a text reads, once the tokens that share a character are grouped (tokenGroups).
 * Byte-level BPE cuts text into runs of UTF-8 bytes, so a Chinese character (3 bytes), an emoji (4 bytes,
 * or a cluster of several code points) or an Arabic letter with its marks may be split across tokens,
 * each of which alone decodes to U+FFFD.
 */
export interface TokenDisplay {
  /**
   * the text this token stands for: a group's whole text on its first token, "" on the others; the
   * displays of all the tokens, in order, concatenate to the decoded text
   */
  display: string;
  /** the token's group, [first, last] token index (first === last: the token is whole characters on its own) */
  group: [number, number];
  /** the token's bytes in hex ("e4 b8") when it holds part of a character; absent when it is whole characters */
  bytes?: string;
}

/** What tokenGroups reads of a token: its UTF-8 bytes, and how a special token (no bytes) reads. */
export interface TokenBytes {
  bytes: readonly number[];
  /** how the token reads: for a token without bytes (a special token, <|endoftext|>), its display */
  text: string;
}

/** The byte length of the UTF-8 sequence at b[i], or 0 where no well-formed code point starts there. */
function utf8Length(b: readonly number[], i: number): number {
  const c = b[i];
  const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return 0;
  // overlong forms, surrogates and code points past U+10FFFF
  if (n === 3 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] >= 0xa0))) return 0;
  if (n === 4 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] >= 0x90))) return 0;
  return n;
}

function codePoint(b: readonly number[], i: number, n: number): number {
  if (n === 1) return b[i];
  let cp = b[i] & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) cp = (cp << 6) | (b[i + k] & 0x3f);
  return cp;
}

const hex = (bytes: readonly number[]) => bytes.map((x) => x.toString(16).padStart(2, "0")).join(" ");

let segmenter: Intl.Segmenter | undefined;

/**
 * The tokens of a text grouped so that each group is whole grapheme clusters (a character, an emoji with
 * its modifiers and joiners, a letter with its combining marks): the smallest runs of tokens whose joins
 * fall between clusters. A group's text goes on its first token and the others display ""; a token that
 * holds part of a character's bytes gives them in hex. Bytes that form no character (a text cut inside
 * one) display as nothing and say their bytes. PURE: the CLI (`attention --json`'s `display`) and the
 * attention webview (chips, axes) both read their tokens through it.
 */
export function tokenGroups(tokens: readonly TokenBytes[]): TokenDisplay[] {
  const all: number[] = [];
  const startOf: number[] = [];
  for (const t of tokens) {
    startOf.push(all.length);
    for (const x of t.bytes) all.push(x);
  }
  const end = all.length;
  // where each character starts (byte offset -> its text), and which byte offsets are code point boundaries
  const chars: { at: number; text: string }[] = [];
  const cpStart = new Uint8Array(end + 1);
  const broken = new Uint8Array(end + 1);
  cpStart[end] = 1;
  for (let i = 0; i < end; ) {
    const n = utf8Length(all, i);
    cpStart[i] = 1;
    if (n === 0) {
      chars.push({ at: i, text: "" });
      broken[i] = 1;
      i++;
    } else {
      chars.push({ at: i, text: String.fromCodePoint(codePoint(all, i, n)) });
      i += n;
    }
  }
  // grapheme clusters over runs of whole characters: a boundary is a byte offset where one starts
  const boundary = new Uint8Array(end + 1);
  boundary[end] = 1;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  for (let c = 0; c < chars.length; ) {
    let d = c;
    while (d < chars.length && chars[d].text !== "") d++;
    if (d > c) {
      const run = chars.slice(c, d);
      const unitAt: number[] = [];
      let s = "";
      for (const ch of run) {
        unitAt.push(s.length);
        s += ch.text;
      }
      const byUnit = new Map(unitAt.map((u, k) => [u, run[k].at]));
      for (const seg of segmenter.segment(s)) boundary[byUnit.get(seg.index)!] = 1;
    }
    if (d < chars.length) boundary[chars[d].at] = 1;
    c = d + 1;
  }
  const textOf = (from: number, to: number) => {
    let s = "";
    for (const ch of chars) if (ch.at >= from && ch.at < to) s += ch.text;
    return s;
  };
  const out: TokenDisplay[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = i;
    // a group ends at a token boundary that is a cluster boundary (a token without bytes stands alone)
    while (j + 1 < tokens.length && tokens[j].bytes.length > 0 && !boundary[startOf[j + 1]]) j++;
    const from = startOf[i];
    const to = j + 1 < tokens.length ? startOf[j + 1] : end;
    const text = from === to ? tokens[i].text : textOf(from, to);
    for (let k = i; k <= j; k++) {
      const b = tokens[k].bytes;
      const s = startOf[k];
      const whole = b.length === 0 || (cpStart[s] && cpStart[s + b.length] && !broken.subarray(s, s + b.length).includes(1));
      out.push({ display: k === i ? text : "", group: [i, j], ...(whole ? {} : { bytes: hex(b) }) });
    }
    i = j + 1;
  }
  return out;
}

/**
 * A token's label where each token needs one (heatmap axes, the lines view, tips): its display, white
 * space made visible; a token of a group of n is "中文 (2/3)", so that every row says what it is part of.
 */
export function tokenLabel(shown: readonly TokenDisplay[], i: number): string {
  const d = shown[i];
  if (!d) return "";
  const [first, last] = d.group;
  const text = visibleWhitespace(shown[first].display) || (d.bytes ? `‹${d.bytes}›` : "∅");
  return first === last ? text : `${text} (${i - first + 1}/${last - first + 1})`;
}

/**
 * One token alone, as a list shows it (the next tokens, the logit lens, the memory's places): its text,
 * or where its bytes are part of a character (which alone would read U+FFFD) the bytes in hex, ‹e4 b8›.
 */
export function shownToken(bytes: ArrayLike<number>, text: string): string {
  if (!text.includes("\uFFFD") || bytes.length === 0) return text;
  return `‹${hex(Array.from(bytes))}›`;
}

/** Whether a shown token is the bytes of part of a character (shownToken's ‹e4 b8›). */
export function isByteFragment(shown: string): boolean {
  return /^‹[0-9a-f]{2}( [0-9a-f]{2})*›$/.test(shown);
}
