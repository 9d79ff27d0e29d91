// A model folder's words.txt (written by the recipe: "word<TAB>count<TAB>share" per line), read as every
// other model file is: a bounded regular file (modelFolder.ts's readRegularFile), with bounds on its lines
// and on each word, and one line naming the file (and the line) when it is not a word list. An empty list
// is refused too: it would make every completion unknown, and the suggestions silently empty.
import { lstatSync } from "node:fs";
import { join } from "node:path";
import { ModelFolderError, readRegularFile } from "./modelFile";
import { parseWordList } from "../core/wordIndex";
import { Lexicon } from "../core/lexicon";
import { quoted } from "../shared/errorLine";

export const WORDS_FILE = "words.txt";
/** GPT-2's vocabulary written as words.txt would be under 2 MB; a word list of the web, well under 64 */
export const MAX_WORDS_BYTES = 64 * 1024 * 1024;
export const MAX_WORD_LINES = 2_000_000;
/** a longer "word" (a URL, a base64 run) is not one the search completes to */
export const MAX_WORD_CHARS = 64;

/** The words.txt of a model folder, checked; undefined when the folder has none (a bring-your-own model). */
function readWordsText(dir: string): { path: string; text: string } | undefined {
  const path = join(dir, WORDS_FILE);
  try {
    lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
  }
  const text = readRegularFile(path, MAX_WORDS_BYTES).toString("utf8");
  let lines = 0;
  let words = 0;
  for (let from = 0; from <= text.length; lines++) {
    if (lines >= MAX_WORD_LINES) throw new ModelFolderError(`${path}: more than ${MAX_WORD_LINES} lines (a word list of a model folder has far fewer)`, path);
    const nl = text.indexOf("\n", from);
    const end = nl < 0 ? text.length : nl;
    const tab = text.indexOf("\t", from);
    const word = text.slice(from, tab >= from && tab < end ? tab : end).trim();
    if (word.length > MAX_WORD_CHARS) throw new ModelFolderError(`${path}: line ${lines + 1}: a word of ${word.length} characters, ${quoted(word, 20)} (at most ${MAX_WORD_CHARS})`, path);
    if (word) words++;
    if (nl < 0) break;
    from = nl + 1;
  }
  if (words === 0) throw new ModelFolderError(`${path}: no words (each line is word<TAB>count<TAB>share); without the file every word may be suggested`, path);
  return { path, text };
}

/** The words of the folder's words.txt whose share is at least minShare (see parseWordList); undefined without the file. */
export function readWordList(dir: string, minShare = 0): Set<string> | undefined {
  const read = readWordsText(dir);
  return read && parseWordList(read.text, minShare);
}

/** The folder's words.txt as the word search asks it (is a word, starts a word); undefined without the file. */
export function readLexicon(dir: string): Lexicon | undefined {
  const words = readWordList(dir);
  return words && new Lexicon(words);
}
