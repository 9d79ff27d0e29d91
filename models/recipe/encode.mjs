// Encode the corpus with the tokenizer the extension ships (@huggingface/tokenizers), so that the
// model is trained on exactly the token ids it will see at run time.
// Usage: node models/recipe/encode.mjs CORPUS_DIR TOKENIZER_JSON OUT_DIR
// Writes OUT_DIR/{train,heldout}/<source>.bin (uint16 little-endian ids, documents separated by
// <|endoftext|>) and OUT_DIR/tokens.json (tokens per source and split).
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";

const [corpusDir, tokenizerPath, outDir] = process.argv.slice(2);
if (!corpusDir || !tokenizerPath || !outDir) {
  console.error("usage: node encode.mjs CORPUS_DIR TOKENIZER_JSON OUT_DIR");
  process.exit(2);
}
const tokenizerJson = JSON.parse(readFileSync(tokenizerPath, "utf8"));
const tokenizer = new Tokenizer(tokenizerJson, { add_bos_token: false, add_eos_token: false });
const eot = tokenizerJson.model.vocab["<|endoftext|>"];
if (tokenizerJson.model.merges.length + 257 > 65535) throw new Error("vocabulary too large for uint16");

const counts = {};
for (const split of ["train", "heldout"]) {
  mkdirSync(join(outDir, split), { recursive: true });
  for (const file of readdirSync(join(corpusDir, split)).filter((f) => f.endsWith(".txt")).sort()) {
    const source = file.replace(/\.txt$/, "");
    const docs = readFileSync(join(corpusDir, split, file), "utf8").replace(/\n$/, "").split("\n\x1e\n");
    const ids = [];
    let words = 0;
    for (const doc of docs) {
      words += doc.split(/\s+/).filter(Boolean).length;
      for (const id of tokenizer.encode(doc, { add_special_tokens: false }).ids) ids.push(id);
      ids.push(eot);
    }
    writeFileSync(join(outDir, split, `${source}.bin`), Buffer.from(Uint16Array.from(ids).buffer));
    counts[`${split}/${source}`] = { words, tokens: ids.length, tokensPerWord: +(ids.length / words).toFixed(3) };
    console.log(`encode: ${split.padEnd(7)} ${source.padEnd(6)} ${words.toLocaleString("en").padStart(10)} words ${ids.length.toLocaleString("en").padStart(11)} tokens`);
  }
}
writeFileSync(join(outDir, "tokens.json"), JSON.stringify(counts, null, 2));
