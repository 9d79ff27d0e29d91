// Reading a model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/*.onnx) with errors
// that name the file and what is wrong with it. Shapes and token ids come from these files, never from
// constants in the code.
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { TextTokenizer, TokenizerError } from "../core/tokenizer";

export class ModelFolderError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

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
}

const ONNX_CANDIDATES = ["onnx/model.onnx", "onnx/decoder_model_merged.onnx", "onnx/decoder_with_past_model.onnx", "onnx/decoder_model.onnx", "model.onnx"];

function readJson(path: string): unknown {
  if (!existsSync(path)) throw new ModelFolderError(`${path}: file not found`, path);
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFolderError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
}

function int(obj: Record<string, unknown>, keys: string[], file: string, required = true): number | undefined {
  for (const k of keys) {
    const v = obj[k];
    if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  }
  if (required) throw new ModelFolderError(`${file}: missing or invalid "${keys[0]}" (a non-negative integer)`, file);
  return undefined;
}

export function parseConfig(json: unknown, file: string): ModelConfig {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ModelFolderError(`${file}: not a JSON object`, file);
  const o = json as Record<string, unknown>;
  const modelType = typeof o.model_type === "string" ? o.model_type : "";
  const cfg: ModelConfig = {
    modelType,
    vocabSize: int(o, ["vocab_size"], file)!,
    nPositions: int(o, ["n_positions", "max_position_embeddings", "n_ctx"], file)!,
    nEmbd: int(o, ["n_embd", "hidden_size"], file)!,
    nLayer: int(o, ["n_layer", "num_hidden_layers"], file)!,
    nHead: int(o, ["n_head", "num_attention_heads"], file)!,
    bosTokenId: int(o, ["bos_token_id"], file, false),
    eosTokenId: int(o, ["eos_token_id"], file, false),
  };
  if (cfg.nHead === 0 || cfg.nEmbd % cfg.nHead !== 0) throw new ModelFolderError(`${file}: n_embd (${cfg.nEmbd}) is not a multiple of n_head (${cfg.nHead})`, file);
  if (cfg.nLayer === 0 || cfg.vocabSize === 0 || cfg.nPositions === 0) throw new ModelFolderError(`${file}: n_layer, vocab_size and n_positions must be positive`, file);
  return cfg;
}

/** Read and check everything in a model folder except the ONNX graph itself (the model host loads that). */
export function readModelFolder(dirIn: string): ModelFolder {
  const dir = resolve(dirIn);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ModelFolderError(`${dir}: model folder not found`, dir);
  const configPath = join(dir, "config.json");
  const config = parseConfig(readJson(configPath), configPath);
  const tokPath = join(dir, "tokenizer.json");
  const tokJson = readJson(tokPath);
  const tokConfigPath = join(dir, "tokenizer_config.json");
  const tokConfig = existsSync(tokConfigPath) ? readJson(tokConfigPath) : {};
  let tokenizer: TextTokenizer;
  try {
    tokenizer = TextTokenizer.fromJson(tokJson, tokConfig, tokPath);
  } catch (e) {
    if (e instanceof TokenizerError) throw new ModelFolderError(e.message, tokPath);
    throw e;
  }
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new ModelFolderError(`${tokPath}: the vocabulary has ${tokenizer.vocabSize} tokens but ${configPath} says vocab_size ${config.vocabSize}: they belong to different models`, tokPath);
  }
  const rel = ONNX_CANDIDATES.find((c) => existsSync(join(dir, c)));
  if (!rel) throw new ModelFolderError(`${dir}: no ONNX model (looked for ${ONNX_CANDIDATES.join(", ")})`, dir);
  const onnxPath = join(dir, rel);
  const onnxBytes = statSync(onnxPath).size;
  if (onnxBytes === 0) throw new ModelFolderError(`${onnxPath}: the file is empty`, onnxPath);
  return { dir, name: dir.split(/[\\/]/).filter(Boolean).pop() ?? dir, config, tokenizer, onnxPath, onnxBytes };
}
