// Setting keys, declared once, and the one place that reads them from VS Code.
import * as vscode from "vscode";
import { clampSetting, DEFAULT_SETTINGS, effectiveModelPath, LIMITS, modelPathScope, suggestsIn, type Settings } from "./core/settings";
import { languageWrites } from "./core/languageSwitch";

export const SECTION = "lmLens";
export const KEYS = {
  enable: "enable",
  languages: "languages",
  disabledLanguages: "disabledLanguages",
  modelPath: "modelPath",
  quantizedWeights: "quantizedWeights",
  maxContextTokens: "maxContextTokens",
  wordsPerSuggestion: "wordsPerSuggestion",
  temperature: "temperature",
  topK: "topK",
  minConfidence: "minConfidence",
  maxAttentionTokens: "maxAttentionTokens",
  memoryTokens: "memoryTokens",
} as const;

/** The model folder setting. A model is code-like input: in an untrusted workspace only the user's own value counts. */
function modelPathSetting(cfg: vscode.WorkspaceConfiguration): string {
  return effectiveModelPath(cfg.inspect<unknown>(KEYS.modelPath) ?? {}, vscode.workspace.isTrusted);
}

/**
 * The settings editor on lmLens.modelPath, in the tab where its value comes from: the workspace's, or the
 * user's (in a remote window the remote machine's: a machine-overridable setting is not listed under User).
 */
export function openModelPathSetting(): Thenable<unknown> {
  const query = `${SECTION}.${KEYS.modelPath}`;
  const scope = modelPathScope(vscode.workspace.getConfiguration(SECTION).inspect<unknown>(KEYS.modelPath) ?? {}, vscode.workspace.isTrusted);
  const command =
    scope === "workspace" || scope === "workspaceFolder"
      ? "workbench.action.openWorkspaceSettings"
      : vscode.env.remoteName
        ? "workbench.action.openRemoteSettings"
        : "workbench.action.openSettings";
  return vscode.commands.executeCommand(command, { query });
}

const strings = (v: unknown, fallback: string[]) => (Array.isArray(v) ? v.filter((l): l is string => typeof l === "string") : fallback);

/**
 * Suggestions on or off for one language, written to the user's settings (lmLens.disabledLanguages, and
 * lmLens.languages where on needs it). False when a workspace's own value still decides otherwise.
 */
export async function setLanguageSuggestions(languageId: string, on: boolean): Promise<boolean> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const user = (key: string) => {
    const v = cfg.inspect<unknown>(key)?.globalValue;
    return v === undefined ? undefined : strings(v, []);
  };
  const writes = languageWrites(languageId, on, { languages: user(KEYS.languages), disabledLanguages: user(KEYS.disabledLanguages) }, DEFAULT_SETTINGS.languages);
  if ("disabledLanguages" in writes) await cfg.update(KEYS.disabledLanguages, writes.disabledLanguages, vscode.ConfigurationTarget.Global);
  if ("languages" in writes) await cfg.update(KEYS.languages, writes.languages, vscode.ConfigurationTarget.Global);
  return suggestsIn(languageId, readSettings()) === on;
}

export function readSettings(): Settings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const d = DEFAULT_SETTINGS;
  return {
    enable: cfg.get<boolean>(KEYS.enable, d.enable) !== false,
    languages: strings(cfg.get<unknown>(KEYS.languages), d.languages),
    disabledLanguages: strings(cfg.get<unknown>(KEYS.disabledLanguages), []),
    modelPath: modelPathSetting(cfg),
    quantizedWeights: cfg.get<boolean>(KEYS.quantizedWeights, d.quantizedWeights) !== false,
    suggest: {
      maxContextTokens: clampSetting(cfg.get(KEYS.maxContextTokens), LIMITS.maxContextTokens, d.suggest.maxContextTokens),
      words: clampSetting(cfg.get(KEYS.wordsPerSuggestion), LIMITS.words, d.suggest.words),
      k: d.suggest.k,
      temperature: clampSetting(cfg.get(KEYS.temperature), LIMITS.temperature, d.suggest.temperature, false),
      topK: clampSetting(cfg.get(KEYS.topK), LIMITS.topK, d.suggest.topK),
      seed: d.suggest.seed,
      minConfidence: clampSetting(cfg.get(KEYS.minConfidence), LIMITS.minConfidence, d.suggest.minConfidence, false),
    },
    maxAttentionTokens: clampSetting(cfg.get(KEYS.maxAttentionTokens), LIMITS.maxAttentionTokens, d.maxAttentionTokens),
    memoryTokens: clampSetting(cfg.get(KEYS.memoryTokens), LIMITS.memoryTokens, d.memoryTokens),
  };
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

/**
 * "Use for suggestions" in "Why this word?": a temperature and top-k written to the user's settings; answers
 * the values the suggestion reads now (a workspace's own value still decides where it sets one).
 */
export async function setSamplingSettings(sampling: { temperature: number; topK: number }): Promise<{ temperature: number; topK: number }> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  await cfg.update(KEYS.temperature, sampling.temperature, vscode.ConfigurationTarget.Global);
  await cfg.update(KEYS.topK, sampling.topK, vscode.ConfigurationTarget.Global);
  const { temperature, topK } = readSettings().suggest;
  return { temperature, topK };
}
