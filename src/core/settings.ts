// The plain settings object that pure code and the model host receive; src/config.ts fills it from
// VS Code's configuration, the CLI from its flags. Defaults live here once.
import { MAX_MEMORY_TOKENS, MAX_VIEW_TOKENS } from "../shared/vocabulary";

export interface Settings {
  enable: boolean;
  /** language ids with suggestions ("*": every language) */
  languages: string[];
  /** language ids without suggestions, whatever `languages` says */
  disabledLanguages: string[];
  /** empty = the model shipped with the extension */
  modelPath: string;
  /** the word search's short runs use 8-bit weights (OnnxModel's quantize) */
  quantizedWeights: boolean;
  suggest: {
    maxContextTokens: number;
    words: number;
    /** alternatives computed for an explicit trigger (Invoke) */
    k: number;
    temperature: number;
    topK: number;
    seed: number;
    /** the ghost text shows a suggestion only when its first word has at least this probability (0: always) */
    minConfidence: number;
  };
  maxAttentionTokens: number;
  /** entries of each open document's memory (0: off) */
  memoryTokens: number;
}

/** entries of a document's memory (lmLens.memoryTokens' default; 0 turns it off) */
export const DEFAULT_MEMORY_TOKENS = 4096;

/**
 * lmLens.minConfidence's default: tuned by the typist's simulation on the held-out split (src/tools/typist.ts;
 * the table is in the model card) to raise the share of shown suggestions taken without losing more than a
 * point of keys saved.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.12;

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  // where prose is written; code is one setting away ("*" or a language id)
  languages: ["plaintext", "markdown", "mdx", "git-commit", "scminput", "restructuredtext", "asciidoc", "latex", "tex", "org", "typst"],
  disabledLanguages: [],
  modelPath: "",
  quantizedWeights: true,
  suggest: { maxContextTokens: 256, words: 1, k: 5, temperature: 0, topK: 5, seed: 42, minConfidence: DEFAULT_MIN_CONFIDENCE },
  maxAttentionTokens: 256,
  memoryTokens: DEFAULT_MEMORY_TOKENS,
};

export const LIMITS = {
  maxContextTokens: { min: 8, max: 512 },
  words: { min: 1, max: 8 },
  temperature: { min: 0, max: 2 },
  topK: { min: 1, max: 20 },
  minConfidence: { min: 0, max: 1 },
  maxAttentionTokens: { min: 2, max: MAX_VIEW_TOKENS },
  memoryTokens: { min: 0, max: MAX_MEMORY_TOKENS },
} as const;

/** Clamp a number setting into its range; a non-number gives the default. */
export function clampSetting(value: unknown, limits: { min: number; max: number }, fallback: number, integer = true): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fallback;
  const v = integer ? Math.round(value) : value;
  return Math.min(limits.max, Math.max(limits.min, v));
}

/** The scopes of a setting, as VS Code's WorkspaceConfiguration.inspect gives them. */
export interface ScopedValues {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * lmLens.modelPath as it applies: the most specific scope that sets it, except that in an untrusted
 * workspace the workspace's and its folders' values are ignored (a model file is code-like input, and a
 * repository must not choose one for you). Anything but a string means "the shipped model" ("").
 */
export function effectiveModelPath(values: ScopedValues, trusted: boolean): string {
  const v = trusted ? (values.workspaceFolderValue ?? values.workspaceValue ?? values.globalValue) : values.globalValue;
  return typeof v === "string" ? v.trim() : "";
}

/** The scope whose lmLens.modelPath applies (as effectiveModelPath chooses), or undefined when none sets it. */
export function modelPathScope(values: ScopedValues, trusted: boolean): "workspaceFolder" | "workspace" | "user" | undefined {
  if (trusted && typeof values.workspaceFolderValue === "string") return "workspaceFolder";
  if (trusted && typeof values.workspaceValue === "string") return "workspace";
  return typeof values.globalValue === "string" ? "user" : undefined;
}

/** Whether a document of this language gets suggestions under these settings. */
export function suggestsIn(languageId: string, s: Pick<Settings, "languages" | "disabledLanguages">): boolean {
  if (s.disabledLanguages.includes(languageId)) return false;
  return s.languages.includes("*") || s.languages.includes(languageId);
}
