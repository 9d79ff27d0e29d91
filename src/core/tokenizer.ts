// The model's tokenizer, through @huggingface/tokenizers (the same library encodes the training corpus),
// plus the byte table of every token that the word search needs: a byte-level BPE token is a run of
// UTF-8 bytes, and a word boundary or a typed prefix can fall inside a token or inside a character.
import { Tokenizer } from "@huggingface/tokenizers";

export class TokenizerError extends Error {}

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number> };
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

  /** Parse a tokenizer.json object; `source` names the file in error messages. */
  static fromJson(json: unknown, config: unknown = {}, source = "tokenizer.json"): TextTokenizer {
    if (typeof json !== "object" || json === null) throw new TokenizerError(`${source}: not a JSON object`);
    const j = json as TokenizerJson;
    if (j.model?.type !== "BPE" || typeof j.model.vocab !== "object") {
      throw new TokenizerError(`${source}: expected a BPE model with a vocabulary (model.type is ${JSON.stringify(j.model?.type)})`);
    }
    if (!isByteLevel(j)) {
      throw new TokenizerError(`${source}: only byte-level BPE tokenizers (the GPT-2 family) are supported`);
    }
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json as object, (config ?? {}) as object);
    } catch (e) {
      throw new TokenizerError(`${source}: ${(e as Error).message}`);
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

  /** How a token reads on its own, for display: the special token's name, or its text. */
  tokenText(id: number): string {
    if (this.special[id]) return this.tokenizer.decode([id], { skip_special_tokens: false });
    return utf8.decode(this.tokenBytes[id] ?? new Uint8Array(0));
  }
}
