// The model's tokenizer, through @huggingface/tokenizers (the same library encodes the training corpus),
// plus the byte table of every token that the word search needs: a byte-level BPE token is a run of
// UTF-8 bytes, and a word boundary or a typed prefix can fall inside a token or inside a character.
import { slowTokenizerRegex } from "./tokenizerRegex";
import { quoted } from "../shared/errorLine";
import { shownToken } from "../shared/tokenDisplay";
import { Tokenizer } from "@huggingface/tokenizers";
import type { AttentionToken } from "../shared/vocabulary";

export class TokenizerError extends Error {
  constructor(
    message: string,
    /** the file at fault, when it is not tokenizer.json itself (tokenizer_config.json) */
    readonly file?: string,
  ) {
    super(message);
  }
}

/** no GPT-2-family vocabulary comes near this; arrays are sized by the vocabulary, so it is bounded first */
export const MAX_VOCAB = 1 << 20;

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number>; merges?: unknown };
  normalizer?: unknown;
  pre_tokenizer?: { type?: string; pretokenizers?: { type?: string }[]; add_prefix_space?: boolean; use_regex?: boolean } | null;
  decoder?: { type?: string } | null;
  added_tokens?: { id: number; content: string; special?: boolean }[];
}

/** GPT-2's reversible map from bytes to printable characters, inverted: character -> byte. */
function unicodeToByte(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const map = new Map<string, number>();
  bs.forEach((b, i) => map.set(String.fromCodePoint(cs[i]), b));
  return map;
}

function isByteLevel(json: TokenizerJson): boolean {
  const pre = json.pre_tokenizer;
  if (!pre) return false;
  if (pre.type === "ByteLevel") return true;
  return pre.type === "Sequence" && (pre.pretokenizers ?? []).some((p) => p.type === "ByteLevel");
}

const utf8 = new TextDecoder("utf-8");

/**
 * GPT-2's pre-tokenizer (ByteLevel with its regex) always starts a piece at a space that follows a
 * non-space character: no piece can take a space after other characters, and the piece that starts there
 * depends only on the text from there on. BPE merges never cross pieces. So such a text can be encoded
 * in chunks cut at those spaces, each chunk's ids looked up in a memo: typing changes one word at the
 * end of a window whose other words were encoded on the previous keystroke.
 */
function isPlainGpt2(json: TokenizerJson): boolean {
  const pre = json.pre_tokenizer;
  return !json.normalizer && !!pre && pre.type === "ByteLevel" && pre.add_prefix_space !== true && pre.use_regex !== false;
}

/** chunks remembered (a chunk is about one word) */
const CHUNK_MEMO_SIZE = 50_000;
/** a longer chunk (a minified line, a run of one key) is encoded but not remembered */
const CHUNK_MEMO_MAX_CHARS = 256;
const SPACE_BEFORE = /\s/;

export class TextTokenizer {
  /** bytes of each token id; empty for special tokens */
  readonly tokenBytes: Uint8Array[];
  readonly special: Uint8Array;
  readonly vocabSize: number;
  /** id of <|endoftext|> (GPT-2's start and end token), if the vocabulary has it */
  readonly eosId: number | undefined;

  /** chunk -> ids, for pre-tokenizers that allow it (isPlainGpt2) */
  private readonly chunks: Map<string, number[]> | undefined;

  private constructor(private readonly tokenizer: Tokenizer, json: TokenizerJson) {
    if (isPlainGpt2(json)) this.chunks = new Map();
    const vocab = json.model?.vocab ?? {};
    const added = json.added_tokens ?? [];
    let size = 0;
    for (const id of Object.values(vocab)) size = Math.max(size, id + 1);
    for (const t of added) size = Math.max(size, t.id + 1);
    this.vocabSize = size;
    this.tokenBytes = new Array<Uint8Array>(size).fill(new Uint8Array(0));
    this.special = new Uint8Array(size);
    const u2b = unicodeToByte();
    for (const [piece, id] of Object.entries(vocab)) {
      const bytes = new Uint8Array(piece.length);
      let ok = true;
      let i = 0;
      for (const ch of piece) {
        const b = u2b.get(ch);
        if (b === undefined) {
          ok = false;
          break;
        }
        bytes[i++] = b;
      }
      if (ok) this.tokenBytes[id] = bytes.subarray(0, i);
      else this.special[id] = 1;
    }
    for (const t of added) {
      if (t.special !== false) {
        this.special[t.id] = 1;
        this.tokenBytes[t.id] = new Uint8Array(0);
      }
    }
    this.eosId = vocab["<|endoftext|>"] ?? added.find((t) => t.content === "<|endoftext|>")?.id;
  }

  /**
   * Parse a tokenizer.json object; `source` names the file in error messages, `configSource` the
   * tokenizer_config.json. Every token id must lie below `maxVocab` (config.json's vocab_size): the
   * byte tables are sized by the largest id, so a stray id of 2,000,000,000 is refused here, not allocated.
   */
  static fromJson(json: unknown, config: unknown = {}, source = "tokenizer.json", maxVocab = MAX_VOCAB, configSource = "tokenizer_config.json"): TextTokenizer {
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new TokenizerError(`${source}: not a JSON object`);
    const j = json as TokenizerJson;
    if (j.model?.type !== "BPE") throw new TokenizerError(`${source}: expected a BPE model (model.type is ${JSON.stringify(j.model?.type)})`);
    const vocab: unknown = j.model.vocab;
    if (typeof vocab !== "object" || vocab === null || Array.isArray(vocab)) {
      throw new TokenizerError(`${source}: model.vocab must be an object from token to id (it is ${Array.isArray(vocab) ? "an array" : JSON.stringify(typeof vocab)})`);
    }
    if (Object.keys(vocab).length === 0) throw new TokenizerError(`${source}: model.vocab is empty (a tokenizer needs tokens to read text with)`);
    const tooBig = (id: number) => `${source}: token id ${id} is beyond the model's vocab_size ${maxVocab}: the tokenizer and config.json belong to different models`;
    for (const [piece, id] of Object.entries(vocab as Record<string, unknown>)) {
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new TokenizerError(`${source}: model.vocab[${JSON.stringify(piece.slice(0, 40))}] must be a non-negative integer id (it is ${JSON.stringify(id)?.slice(0, 40)})`);
      if (id >= maxVocab) throw new TokenizerError(tooBig(id));
    }
    if (!Array.isArray(j.model.merges)) throw new TokenizerError(`${source}: model.merges is missing or not a list (a BPE tokenizer lists its merges)`);
    const added: unknown = j.added_tokens ?? [];
    if (!Array.isArray(added)) throw new TokenizerError(`${source}: added_tokens must be a list`);
    added.forEach((t: unknown, i) => {
      const o = (typeof t === "object" && t !== null ? t : {}) as Record<string, unknown>;
      if (typeof o.id !== "number" || !Number.isInteger(o.id) || o.id < 0) throw new TokenizerError(`${source}: added_tokens[${i}].id must be a non-negative integer (it is ${JSON.stringify(o.id)?.slice(0, 40)})`);
      if (typeof o.content !== "string") throw new TokenizerError(`${source}: added_tokens[${i}].content must be a string`);
      if (o.id >= maxVocab) throw new TokenizerError(tooBig(o.id));
    });
    if (!isByteLevel(j)) {
      throw new TokenizerError(`${source}: only byte-level BPE tokenizers (the GPT-2 family) are supported`);
    }
    const slow = slowTokenizerRegex(j);
    if (slow) throw new TokenizerError(`${source}: ${slow.path} ${quoted(slow.pattern)} repeats a repeated group, which can take exponential time on some texts (catastrophic backtracking)`);
    if (config !== undefined && (typeof config !== "object" || config === null || Array.isArray(config))) throw new TokenizerError(`${configSource}: not a JSON object`, configSource);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json as object, (config ?? {}) as object);
    } catch (e) {
      const why = (e as Error).message.split("\n")[0];
      // the library reads both files: name the one at fault
      let alone = false;
      try {
        new Tokenizer(json as object, {});
        alone = true;
      } catch {
        // tokenizer.json fails on its own too
      }
      if (alone) throw new TokenizerError(`${configSource}: the tokenizer cannot use it (${why})`, configSource);
      throw new TokenizerError(`${source}: ${why}`);
    }
    return new TextTokenizer(tokenizer, j);
  }

  encode(text: string): number[] {
    if (text.length === 0) return [];
    if (!this.chunks) return this.encodeWhole(text);
    const out: number[] = [];
    let start = 0;
    for (let i = 1; i <= text.length; i++) {
      if (i < text.length && !(text.charCodeAt(i) === 0x20 && !SPACE_BEFORE.test(text[i - 1]))) continue;
      const chunk = text.slice(start, i);
      let ids = this.chunks.get(chunk);
      if (!ids) {
        ids = this.encodeWhole(chunk);
        if (chunk.length <= CHUNK_MEMO_MAX_CHARS) {
          if (this.chunks.size >= CHUNK_MEMO_SIZE) this.chunks.clear();
          this.chunks.set(chunk, ids);
        }
      }
      for (const id of ids) out.push(id);
      start = i;
    }
    return out;
  }

  /** Forget the memoised chunks (the benchmark's cold suggestions start without them). */
  forgetChunks(): void {
    this.chunks?.clear();
  }

  /** The library's encoding of the whole text at once (what encode must always equal). */
  encodeWhole(text: string): number[] {
    if (text.length === 0) return [];
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text of a token sequence; bytes that do not form whole characters become U+FFFD. */
  decode(ids: readonly number[]): string {
    return utf8.decode(this.bytesOf(ids));
  }

  bytesOf(ids: readonly number[]): Uint8Array {
    let n = 0;
    for (const id of ids) n += this.tokenBytes[id]?.length ?? 0;
    const out = new Uint8Array(n);
    let o = 0;
    for (const id of ids) {
      const b = this.tokenBytes[id];
      if (b) {
        out.set(b, o);
        o += b.length;
      }
    }
    return out;
  }

  /** A token as a list shows it: tokenText, or for part of a character its bytes in hex (tokenDisplay.ts's shownToken), never U+FFFD. */
  tokenShown(id: number): string {
    return this.special[id] ? this.tokenText(id) : shownToken(this.tokenBytes[id] ?? new Uint8Array(0), this.tokenText(id));
  }

  /** How a token reads on its own, for display: the special token's name, or its text. */
  tokenText(id: number): string {
    if (this.special[id]) return this.tokenizer.decode([id], { skip_special_tokens: false });
    return utf8.decode(this.tokenBytes[id] ?? new Uint8Array(0));
  }
}

/** Each token's range in the decoded text, in UTF-16 code units. */
export function tokenRanges(tokenizer: { tokenBytes: readonly Uint8Array[]; tokenText(id: number): string }, ids: readonly number[]): AttentionToken[] {
  // byte offset -> UTF-16 offset over the concatenated bytes
  const out: AttentionToken[] = [];
  let byteEnd = 0;
  const bytes: number[] = [];
  for (const id of ids) for (const b of tokenizer.tokenBytes[id] ?? []) bytes.push(b);
  const u16At: number[] = new Array(bytes.length + 1).fill(0);
  let u = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    const units = len === 4 ? 2 : 1;
    for (let j = 0; j < len && i + j < bytes.length; j++) u16At[i + j] = u;
    i += len;
    u += units;
    u16At[Math.min(i, bytes.length)] = u;
  }
  for (const id of ids) {
    const n = tokenizer.tokenBytes[id]?.length ?? 0;
    const startByte = byteEnd;
    byteEnd += n;
    const start = u16At[startByte];
    // a token that ends inside a character covers the whole character
    let end = u16At[byteEnd];
    if (end === start && n > 0) end = start + 1;
    out.push({ id, text: tokenizer.tokenText(id), start, end, bytes: Array.from(tokenizer.tokenBytes[id] ?? []) });
  }
  return out;
}
