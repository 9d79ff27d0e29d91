// What the model computes, described once, field by field: tokens, word and token probabilities,
// attention, the document memory's readout, neighbour lists, what a loaded model is, and the bounds that
// every boundary checks against. The model host produces these shapes; each boundary's protocol
// (hostProtocol.ts, attentionProtocol.ts, neighboursProtocol.ts) carries them and imports them from here,
// never from another protocol. PURE: no vscode, Node or DOM types; no schema library (the protocols build
// their schemas over these constants).

// ---- bounds

/** most tokens one attention view holds (lmLens.maxAttentionTokens's maximum) */
export const MAX_VIEW_TOKENS = 512;
/** most layers or heads a request or a webview message may name, before the model is known */
export const MAX_LAYERS_OR_HEADS = 256;
/** most alternatives a suggestion may ask for (the CLI's --top allows as many) */
export const MAX_ALTERNATIVES = 50;
/** most entries a document memory may hold (lmLens.memoryTokens's maximum) */
export const MAX_MEMORY_TOKENS = 16384;
/** how many neighbours a list may have */
export const NEIGHBOURS_K = { min: 1, max: 50, default: 10 } as const;
/** longest neighbour query, as typed in the search box (src/core/vectorQuery.ts parses it) */
export const MAX_NEIGHBOUR_QUERY_CHARS = 200;
/** most layers a neighbour request's layer index may name, before the model is known */
export const MAX_NEIGHBOUR_LAYERS = 64;

// ---- tokens and probabilities

/** One token of an analysed text, as the views show it. */
export interface ViewToken {
  /** how the token reads (special tokens by name) */
  text: string;
  /** where it starts in the analysed text, in UTF-16 code units (a token inside a character covers that character) */
  start: number;
  /** where it ends in the analysed text (exclusive), in UTF-16 code units */
  end: number;
  /**
   * its UTF-8 bytes (empty for a special token): a token may hold part of a character, which its text
   * cannot show (U+FFFD); tokenDisplay.ts's tokenGroups reads them to show whole characters
   */
  bytes: number[];
}

/** A token of an attention result: what the views show of it, and its id in the model's vocabulary. */
export interface AttentionToken extends ViewToken {
  /** the token's id in tokenizer.json's vocabulary */
  id: number;
}

/** A whole word that may come next, and its probability. */
export interface WordProb {
  /** the word as it would be inserted, its leading white space included (completing a typed word: the rest of it) */
  word: string;
  /**
   * its probability with the document memory mixed in, where one is (wordSearch.ts: its tokens' and the
   * following boundary's; completing a typed word: given the typed part, over nextWord.ts's
   * COMPLETIONS_NORMALIZED_OVER readings of it)
   */
  p: number;
  /** the same word's probability under the model alone (equal to p where no memory was mixed in) */
  modelP?: number;
  /** its probability under the document memory alone (0 where the memory gave it none, or there was none) */
  memoryP?: number;
  /** the token ids of its unit, the typed part's included: the first is what follows the context */
  tokens?: number[];
}

/** A token that may come next, and its probability. */
export interface TokenProb {
  /** how the token reads */
  token: string;
  /** its probability under the model alone */
  p: number;
}

// ---- suggestions

/** What comes after the text: the words to insert and the alternatives for the first one. */
export interface Suggestion {
  /** the full text to insert (all words) */
  text: string;
  /** alternatives for the first word, best first */
  alternatives: WordProb[];
  /** true when the typed partial word was complete and the suggestion starts a new word */
  startsNewWord: boolean;
  /** completing a typed word: the token ids of the readings its probabilities are given over (nextWord.ts) */
  readings?: number[][];
}

/** A suggestion as the model host answers it, with what it cost. */
export interface SuggestResult extends Suggestion {
  /** time spent in the model host (ms) */
  ms: number;
  /** how many times the model ran (context and word search) */
  modelRuns: number;
  /** tokens of context the model read */
  contextTokens: number;
  /** tokens the model had to run for the context (0 when the cache already held it) */
  newContextTokens: number;
  /** entries of the document memory mixed into the probabilities (0: the model alone) */
  memoryEntries: number;
  /** the memory's share of the mixture at the first token after the context (0: the model alone) */
  share?: number;
  /** where the window the model read begins, in the document (UTF-16 offset): it ends where the context does */
  windowStart?: number;
  /** the part of a word typed before the cursor that the suggestion completes ("" at a word boundary; white space typed counts) */
  typed?: string;
}

// ---- the explanation of a suggestion (lm-lens explain, "Why this word?")

/** The suggestion's probability with one unit of the window (a word, or punctuation, with the white space before it) taken out of the text. */
export interface Removal {
  /** the span taken out, in the explained text (UTF-16 offsets, end exclusive) */
  start: number;
  end: number;
  text: string;
  /**
   * the suggested word's probability (mixed, as p) after the text without the span, as predict gives it
   * there: 0 where the text would then end in a word being typed (the search would complete it instead)
   */
  p: number;
}

/** A part of the model and what it added to the suggestion's first-token logit (direct logit attribution). */
export interface LogitPart {
  /** "embeddings", "L2H3" (layer 2, head 3; counted from 1), "L2 attention bias", "L2 MLP", "final norm bias" */
  name: string;
  logit: number;
}

/** What the model would say if it stopped after a layer (the logit lens), token level and without the memory. */
export interface LensLayer {
  /** counted from 1; the last is the model's own answer */
  layer: number;
  top: TokenProb[];
  /** the suggestion's first token's probability there, and its rank (1 = first) */
  tokenP: number;
  tokenRank: number;
}

/** Why the model suggests what it suggests at the end of a text: the prediction and three causal views of it. */
export interface Explanation {
  /** the suggestion (the prediction's first word) and its probabilities: mixed, the model's alone, the memory's alone */
  word: string;
  p: number;
  modelP: number;
  memoryP: number;
  /** the memory's share of the mixture there */
  share: number;
  /** the prediction's whole list (the panel's next words) */
  words: { word: string; p: number; modelP: number; memoryP: number }[];
  /** the word's first token, whose logit is split */
  token: string;
  /** its logit under the model alone (float32 weights) */
  logit: number;
  /** the parts of that logit; they sum to it (empty, with internalsProblem, where the weights cannot be read) */
  components: LogitPart[];
  layers: LensLayer[];
  /** one per unit of the window, in text order */
  removals: Removal[];
  /** where the window the model read begins in the text (UTF-16 offset), and its tokens (a whole typed word's included) */
  windowStart: number;
  windowTokens: number;
  /** why there are no components or layers */
  internalsProblem?: string;
  ms: number;
}

// ---- attention

/** One attention matrix, [query, key]: a layer's head, or the average of its heads. */
export interface ShownMatrix {
  /** zero-based layer */
  layer: number;
  /** zero-based head; null: the average of the layer's heads */
  head: number | null;
  /** [query, key] flattened: q * T + k; T = tokens; each row sums to 1 */
  matrix: Float32Array;
}

/** What the model computed about a text, as the model host answers it and as the attention panel shows it. */
export interface AttentionCore {
  /** the analysed text (after truncation) */
  text: string;
  /** the model folder's name */
  model: string;
  /** layers of the model */
  nLayer: number;
  /** attention heads per layer */
  nHead: number;
  /** [layer, head, query, key] flattened: ((l * nHead + h) * T + q) * T + k; T = tokens; each row sums to 1 */
  attentions: Float32Array;
  /** [layer, query, key]: the mean over heads */
  headMeans: Float32Array;
  /** [query, key]: attention rollout through all layers (Abnar & Zuidema 2020) */
  rollout: Float32Array;
  /** per position, the model's 10 most likely next tokens (token level) */
  predictions: TokenProb[][];
  /**
   * the 10 most likely whole next words (the ghost text's search, as `lm-lens predict`) after
   * text.slice(0, nextWordsAt): the whole text, or for "Why this word?" the point before the suggestion
   */
  nextWords: WordProb[];
  /** where the next words are asked for, in the analysed text (absent: its end) */
  nextWordsAt?: number;
  /**
   * the window the next words' prediction read: where it begins in the document (UTF-16 offset; it
   * ends at the point of the next words) and its tokens; the view may show a longer span
   */
  nextWordsWindow?: { start: number; tokens: number };
  /** where the next words' document memory came in (absent: no memory was read) */
  memory?: MemoryReadout;
}

/** Everything the model computed about a text: its tokens, every attention matrix and the next words. */
export interface AttentionResult extends AttentionCore {
  /** the tokens analysed, in order */
  tokens: AttentionToken[];
  /** the text was longer than the token budget, and only its part within it was analysed */
  truncated: boolean;
  /** tokens in the whole text before truncation (undefined: a text so long that only its start was read) */
  totalTokens?: number;
}

// ---- the document memory

/** A place in the document that the memory weighed: the token that followed a state like the current one. */
export interface MemoryPlace {
  /** where the token starts in the document (UTF-16 offset) */
  start: number;
  /** where it ends in the document (exclusive) */
  end: number;
  /** its share of the memory's probability (the entries' weights sum to 1) */
  weight: number;
  /** how the token reads */
  token: string;
}

/** How a next word got its probability: from the model, from the memory, mixed; and where the memory's came from. */
export interface MemoryWord {
  /** the next word (as WordProb.word) */
  word: string;
  /** its first token, whose earlier places are listed */
  token: string;
  /** the whole word's probability under the model alone (WordProb.modelP: the list's own figure) */
  pModel: number;
  /** its probability under the memory alone (WordProb.memoryP) */
  pMemory: number;
  /** its probability mixed, as the list and the ghost text give it (WordProb.p) */
  pMixed: number;
  /** the places that predicted its first token, heaviest first */
  places: MemoryPlace[];
}

/** The document memory at the point of the next words: its size, its share and what it said. */
export interface MemoryReadout {
  /** entries read */
  entries: number;
  /** the memory's share of the mixture (λ_n) */
  share: number;
  /** the first next word and the one the memory raised most (when another) */
  words: MemoryWord[];
  /** the heaviest places overall: the memory's weights over the earlier text */
  top: MemoryPlace[];
}

/** One document's memory: tokens read, states computed, bytes held, most entries kept. */
export interface MemoryInfo {
  /** the document's key (the extension gives its URI) */
  doc: string;
  /** tokens of the document's text read */
  tokens: number;
  /** hidden states computed so far (the rest fill while no request waits) */
  states: number;
  /** bytes the memory holds */
  bytes: number;
  /** most entries it keeps (lmLens.memoryTokens) */
  capacity: number;
}

// ---- neighbours

/** how distance between vectors is measured */
export const NEIGHBOUR_METRICS = ["cosine", "euclidean"] as const;
export type Metric = (typeof NEIGHBOUR_METRICS)[number];
/**
 * pooled: a word's hidden state at one layer averaged over its uses in the training text (pooled.json/.bin
 * beside the model); static: rows of the input (token) embedding matrix; contextual: hidden states at a layer
 */
export const NEIGHBOUR_MODES = ["pooled", "static", "contextual"] as const;
export type NeighbourMode = (typeof NEIGHBOUR_MODES)[number];

/** How one word of a query was embedded: its tokens (one: its row; several: their mean) */
export interface EmbeddedWord {
  /** the word as the query has it */
  word: string;
  /** its tokens, as they read */
  tokens: string[];
  /** pooled: how many times the training text read used the word (its vector is their mean) */
  count?: number;
}

/** One term of a query such as "king - man + woman". */
export interface EmbeddedTerm {
  /** added (1) or subtracted (-1) */
  sign: 1 | -1;
  /** one word, or a phrase (the mean of its words' vectors) */
  words: EmbeddedWord[];
}

/** One neighbour of a query. */
export interface NeighbourHit {
  /** the neighbour (a whole word) */
  word: string;
  /** cosine: the similarity; euclidean: the distance */
  score: number;
}

/** The model host's answer: the k nearest words and a 2-D map of them. */
export interface NeighbourList {
  /** the query written out evenly */
  query: string;
  /** the space searched */
  mode: NeighbourMode;
  /** the layer searched (pooled: the one its vectors were pooled at; static: 0) */
  layer: number;
  /** how distance was measured */
  metric: Metric;
  /** neighbours asked for */
  k: number;
  /** how each term of the query was embedded */
  terms: EmbeddedTerm[];
  /** the sentence text the model read before the word (contextual, from the editor) */
  before?: string;
  /** nearest first; the query's own words left out */
  neighbours: NeighbourHit[];
  /** PCA of the query (index 0) and the neighbours (1..), on their two main directions; explained: each direction's share of the variance */
  map: { x: number[]; y: number[]; explained: [number, number] };
  /** words searched */
  indexSize: number;
  /** layers of the model (a contextual layer is 0..nLayer) */
  nLayer: number;
  /** where the vectors come from, e.g. "model.wte.weight [8192, 256] (Gather on input_ids)" */
  source: string;
  /** time spent in the model host (ms) */
  ms: number;
}

/** The contextual word index, built in steps so that suggestions are not held up. */
export interface IndexProgress {
  /** words indexed so far */
  built: number;
  /** words the index will hold */
  total: number;
  /** the index is complete */
  done: boolean;
  /** model-host time spent building so far (ms) */
  ms: number;
}

// ---- the model

/** What a loaded model is: its folder, its shapes, and what its graph gives. */
export interface ModelInfo {
  /** the model folder's name */
  name: string;
  /** the model folder */
  dir: string;
  /** the ONNX file loaded */
  onnxPath: string;
  /** its size in bytes */
  onnxBytes: number;
  /** tokens in the vocabulary (config.json's vocab_size) */
  vocabSize: number;
  /** layers (config.json's n_layer) */
  nLayer: number;
  /** attention heads per layer (n_head) */
  nHead: number;
  /** width of the hidden states (n_embd) */
  nEmbd: number;
  /** longest context the model reads, in tokens (n_positions) */
  nPositions: number;
  /** the graph gives attention probabilities (the attention panel needs them) */
  hasAttentions: boolean;
  /** the graph gives hidden states (the document memory and contextual neighbours need them) */
  hasHidden: boolean;
  /** the graph takes and gives past keys and values (the context is cached between requests) */
  hasPast: boolean;
  /** outputs added to the graph in memory for a bring-your-own export */
  addedOutputs: string[];
  /** why there are no attentions (the export lacks them and they could not be found in the graph) */
  attentionProblem?: string;
  /** why there are no hidden states */
  hiddenProblem?: string;
  /** the 8-bit weights of the word search's short runs: what was rewritten, or why there are none; absent when switched off */
  quantized?: { matmuls: number; weights: number } | { problem: string };
  /** time the load took (ms) */
  loadMs: number;
}
