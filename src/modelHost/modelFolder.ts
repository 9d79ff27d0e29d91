// Reading a model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/*.onnx) with errors
// that name the file and what is wrong with it. Shapes and token ids come from these files, never from
// constants in the code.
import type { Stats } from "node:fs";
import { join, resolve } from "node:path";
import { MAX_VOCAB, TextTokenizer, TokenizerError } from "./tokenizer";
import { ModelFolderError, readRegularFile, statOf } from "./modelFile";
import { readLexicon } from "./wordList";
import type { Lexicon } from "../core/lexicon";

export { ModelFolderError, readRegularFile } from "./modelFile";

export interface ModelConfig {
  modelType: string;
  vocabSize: number;
  nPositions: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  bosTokenId: number | undefined;
  eosTokenId: number | undefined;
}

export interface ModelFolder {
  dir: string;
  name: string;
  config: ModelConfig;
  tokenizer: TextTokenizer;
  onnxPath: string;
  onnxBytes: number;
  /** the whole words of the training text (words.txt), when the folder has them */
  lexicon: Lexicon | undefined;
}

const ONNX_CANDIDATES = ["onnx/model.onnx", "onnx/decoder_model_merged.onnx", "onnx/decoder_with_past_model.onnx", "onnx/decoder_model.onnx", "model.onnx"];

/** a JSON file of a model folder larger than this is not one (GPT-2's tokenizer.json is 1.4 MB) */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

export function readJson(path: string): unknown {
  // a UTF-8 byte-order mark, as some Windows editors write it, is not part of the JSON
  const text = readRegularFile(path, MAX_JSON_BYTES).toString("utf8").replace(/^\uFEFF/, "");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFolderError(`${path}: not valid JSON (${(e as Error).message.split("\n")[0]})`, path);
  }
}

/** Bounds on every config.json number: beyond them the file is not a model this extension can run. */
export const CONFIG_BOUNDS = {
  vocab_size: MAX_VOCAB,
  n_positions: 1 << 20,
  n_embd: 1 << 16,
  n_layer: 512,
  n_head: 1024,
} as const;

function int(obj: Record<string, unknown>, keys: string[], file: string, required: boolean, max: number, min = 0): number | undefined {
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isInteger(v)) throw new ModelFolderError(`${file}: "${k}" must be an integer (it is ${JSON.stringify(v)?.slice(0, 40)})`, file);
    if (v < min || v > max) throw new ModelFolderError(`${file}: "${k}" is ${v}, outside ${min} to ${max}`, file);
    return v;
  }
  if (required) throw new ModelFolderError(`${file}: missing or invalid "${keys[0]}" (a non-negative integer)`, file);
  return undefined;
}

export function parseConfig(json: unknown, file: string): ModelConfig {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ModelFolderError(`${file}: not a JSON object`, file);
  const o = json as Record<string, unknown>;
  const modelType = typeof o.model_type === "string" ? o.model_type : "";
  const B = CONFIG_BOUNDS;
  const cfg: ModelConfig = {
    modelType,
    vocabSize: int(o, ["vocab_size"], file, true, B.vocab_size, 1)!,
    nPositions: int(o, ["n_positions", "max_position_embeddings", "n_ctx"], file, true, B.n_positions, 1)!,
    nEmbd: int(o, ["n_embd", "hidden_size"], file, true, B.n_embd, 1)!,
    nLayer: int(o, ["n_layer", "num_hidden_layers"], file, true, B.n_layer, 1)!,
    nHead: int(o, ["n_head", "num_attention_heads"], file, true, B.n_head, 1)!,
    bosTokenId: undefined,
    eosTokenId: undefined,
  };
  // a start or end token past the vocabulary would fail every suggestion later, naming nothing
  cfg.bosTokenId = int(o, ["bos_token_id"], file, false, cfg.vocabSize - 1);
  cfg.eosTokenId = int(o, ["eos_token_id"], file, false, cfg.vocabSize - 1);
  if (cfg.nEmbd % cfg.nHead !== 0) throw new ModelFolderError(`${file}: n_embd (${cfg.nEmbd}) is not a multiple of n_head (${cfg.nHead})`, file);
  return cfg;
}

/** The ONNX file a model folder's model is loaded from (the first of ONNX_CANDIDATES there), or undefined. */
export function findOnnxFile(dir: string): { path: string; stat: Stats } | undefined {
  for (const c of ONNX_CANDIDATES) {
    const stat = statOf(join(dir, c), "ONNX file");
    if (stat) return { path: join(dir, c), stat };
  }
  return undefined;
}

/** Read and check everything in a model folder except the ONNX graph itself (the model host loads that). */
export function readModelFolder(dirIn: string): ModelFolder {
  const dir = resolve(dirIn);
  const st = statOf(dir, "model folder");
  if (!st) throw new ModelFolderError(`${dir}: model folder not found`, dir);
  if (!st.isDirectory()) throw new ModelFolderError(`${dir}: not a folder (a model folder holds config.json, tokenizer.json and onnx/model.onnx)`, dir);
  const configPath = join(dir, "config.json");
  const config = parseConfig(readJson(configPath), configPath);
  const tokPath = join(dir, "tokenizer.json");
  const tokJson = readJson(tokPath);
  const tokConfigPath = join(dir, "tokenizer_config.json");
  const tokConfig = statOf(tokConfigPath, "file") ? readJson(tokConfigPath) : {};
  let tokenizer: TextTokenizer;
  try {
    tokenizer = TextTokenizer.fromJson(tokJson, tokConfig, tokPath, config.vocabSize, tokConfigPath);
  } catch (e) {
    if (e instanceof TokenizerError) throw new ModelFolderError(e.message, e.file ?? tokPath);
    throw e;
  }
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new ModelFolderError(`${tokPath}: the vocabulary has ${tokenizer.vocabSize} tokens but ${configPath} says vocab_size ${config.vocabSize}: they belong to different models`, tokPath);
  }
  const onnx = findOnnxFile(dir);
  if (!onnx) throw new ModelFolderError(`${dir}: no ONNX model (looked for ${ONNX_CANDIDATES.join(", ")})`, dir);
  const { path: onnxPath, stat: onnxStat } = onnx;
  if (!onnxStat.isFile()) throw new ModelFolderError(`${onnxPath}: not a regular file`, onnxPath);
  const onnxBytes = onnxStat.size;
  if (onnxBytes === 0) throw new ModelFolderError(`${onnxPath}: the file is empty`, onnxPath);
  // read before the model is: a broken word list is refused before onnxruntime spends time on the graph
  const lexicon = readLexicon(dir);
  return { dir, name: dir.split(/[\\/]/).filter(Boolean).pop() ?? dir, config, tokenizer, onnxPath, onnxBytes, lexicon };
}

