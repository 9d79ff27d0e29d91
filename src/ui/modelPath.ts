// Where lmLens.modelPath points (its own file: the extension host imports it without the tokenizer).
import { isAbsolute, join } from "node:path";

/**
 * The folder lmLens.modelPath names: empty is the shipped model; "~" and "~/..." are in the home folder;
 * any other relative path is taken from the home folder too, never from the workspace, so that an
 * opened repository can never choose the model (a model file is code-like input).
 */
export function resolveModelPath(setting: string, shippedDir: string, home: string): string {
  if (!setting) return shippedDir;
  if (setting === "~" || setting.startsWith("~/") || setting.startsWith("~\\")) return join(home, setting.slice(1));
  if (isAbsolute(setting)) return setting;
  return join(home, setting);
}
