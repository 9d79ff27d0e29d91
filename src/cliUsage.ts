// The command line's usage, one entry per command: `lm-lens COMMAND --help` prints its own, `lm-lens --help` all.
import { DEFAULT_MEMORY_TOKENS } from "./core/settings";

/** each command's usage: its synopsis line and what it does */
export const COMMAND_USAGE: Record<string, string> = {
  predict: `  lm-lens predict [--model DIR] [--top K] [--exact] [--no-memory] [--json] [TEXT]
      the K most likely next words after TEXT (default 5); without TEXT, reads JSON lines
      {"context": "..."} on stdin and writes one JSON line {"words": [...], "ghost": "...", "ms": ...}
      for each; --json's "ghost" is the ghost text the editor would show at TEXT's end with default
      settings ("" when it would show none: the confidence gate, or inside a Markdown code fence);
      the document memory (the last ${DEFAULT_MEMORY_TOKENS} tokens' states) is filled over the whole
      TEXT first, as in the editor (on stdin it is kept between lines, as for a document being typed:
      a context that goes on from the line before fills only its new tokens); --no-memory: the model alone;
      --exact scores the words with the float32 weights only (as lmLens.quantizedWeights off)`,
  score: `  lm-lens score [--model DIR] [--json] [--no-memory] [--window N] [--stride S] [--max-tokens M] FILE...
      how well the model predicts each FILE, left to right: tokens, words, bits per byte and word
      perplexity per file and overall; sliding windows of N tokens (default 256) moved by S (default
      128), each token scored before it enters the memory; only the first M tokens of each file.
      --json: one JSON line per file and a last one for all, with file, tokens, words, bitsPerByte and
      wordPerplexity`,
  attention: `  lm-lens attention [--model DIR] [--max-tokens N] [--exact] [--no-memory] [--json] TEXT
      attention probabilities [layer][head][query][key] over the tokens of TEXT (- reads TEXT from stdin;
      a TEXT of more than N tokens (default 512) is cut at its start, at a word: its end is analysed;
      the arrays count from 0: [0][0] is layer 1, head 1, as the text output and the panel name them);
      --json also gives "nextWords" (the 10 most likely next words after TEXT: predict --top 10's list,
      the memory of TEXT included unless --no-memory)
      and "predictions" (per token, the 10 most likely next tokens: token-level, not words); "tokens" is
      each token's own text (U+FFFD where it holds part of a character), "display" the same tokens as
      text to show: the tokens of one character or emoji are grouped, the group's text on its first
      token and "" on the others, so that the displays concatenate to the text analysed; "bytes" is each
      token's UTF-8 bytes in hex ("e4 b8")`,
  explain: `  lm-lens explain [--model DIR] [--exact] [--no-memory] [--json] TEXT
      why the model suggests its next word after TEXT (- reads TEXT from stdin): the word and its
      probability (as predict --top 1 gives it), from the model alone and from the document memory;
      what each part of the model (embeddings, each head, each MLP) added to its first token's logit,
      the parts summing to it; the top tokens if the model stopped after each layer (layers and heads
      counted from 1); and the word's probability with each earlier word of the window taken out.
      --json prints one object: word, p, modelP, memoryP, share, token, logit, components [{name,
      logit}], layers [{layer, top, tokenP, tokenRank}], removals [{start, end, text, p}]`,
  neighbours: `  lm-lens neighbours [--model DIR] [--space pooled|static|contextual] [--layer L] [--k K] [--metric cosine|euclidean] [--json] WORD
      the K nearest whole words (default 10, at most 50) to WORD in one space:
        pooled      (the default when the model folder has pooled.json and pooled.bin) each training-text
                    word's hidden state at one layer, averaged over its uses in the training text; a word
                    the index does not hold is reported as not in it (exit code 1)
        static      the rows of the model's token embedding matrix (the default without pooled files)
        contextual  each word's hidden state at layer L (default: the middle one) when it follows
                    <|endoftext|> alone (runs the model over a few thousand words first)
      WORD may also be a phrase ("red car", the mean of its words) or a sum ("she - he + man"); the
      query's own words are left out. --json prints {"query": "...", "space": "...", "neighbours":
      [{"word": "...", "similarity": 0.81}, ...]} (with "layer" for pooled and contextual), nearest first,
      where "similarity" is the cosine similarity, or for --metric euclidean minus the Euclidean distance`,
};

/** the whole usage, every command's */
export const USAGE = `usage:\n${Object.values(COMMAND_USAGE).join("\n")}\n  lm-lens COMMAND --help (or -h): that command's usage`;

/** one command's usage (the whole usage for an unknown one) */
export function usageOf(command: string): string {
  return Object.hasOwn(COMMAND_USAGE, command) ? `usage:\n${COMMAND_USAGE[command]}` : USAGE;
}
