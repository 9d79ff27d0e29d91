// Suggestions on or off for one language from the status bar's menu: the user-level values of
// lmLens.languages and lmLens.disabledLanguages to write, and the language's name as the status bar says
// it. PURE: the caller reads the values and writes them (src/config.ts); settings.ts's suggestsIn decides.

/** The user-level lists now (undefined: not set at that level). */
export interface UserLanguageLists {
  languages?: readonly string[];
  disabledLanguages?: readonly string[];
}

/** What to write at the user level: a key present with undefined removes the user's value. */
export type LanguageWrites = { languages?: string[] | undefined; disabledLanguages?: string[] | undefined };

/**
 * The writes that turn suggestions on or off for `languageId`: off adds it to disabledLanguages (which wins
 * over lmLens.languages); on takes it out of disabledLanguages and, unless lmLens.languages already holds
 * it or "*", adds it there (to the user's list, or to the default list when the user has none).
 */
export function languageWrites(languageId: string, on: boolean, user: UserLanguageLists, defaultLanguages: readonly string[]): LanguageWrites {
  const disabled = user.disabledLanguages ?? [];
  if (!on) return disabled.includes(languageId) ? {} : { disabledLanguages: [...disabled, languageId] };
  const writes: LanguageWrites = {};
  if (disabled.includes(languageId)) {
    const rest = disabled.filter((l) => l !== languageId);
    writes.disabledLanguages = rest.length ? rest : undefined;
  }
  const languages = user.languages ?? defaultLanguages;
  if (!languages.includes("*") && !languages.includes(languageId)) writes.languages = [...languages, languageId];
  return writes;
}

/** VS Code's names of common languages, where the id is not the name with a capital (VS Code lends no API for them) */
const NAMES: Record<string, string> = {
  plaintext: "Plain Text",
  javascript: "JavaScript",
  javascriptreact: "JavaScript JSX",
  typescript: "TypeScript",
  typescriptreact: "TypeScript JSX",
  json: "JSON",
  jsonc: "JSON with Comments",
  jsonl: "JSON Lines",
  html: "HTML",
  css: "CSS",
  scss: "SCSS",
  cpp: "C++",
  csharp: "C#",
  fsharp: "F#",
  php: "PHP",
  sql: "SQL",
  xml: "XML",
  yaml: "YAML",
  toml: "TOML",
  latex: "LaTeX",
  tex: "TeX",
  mdx: "MDX",
  "git-commit": "Git Commit Message",
  scminput: "Source Control Input",
  restructuredtext: "reStructuredText",
  asciidoc: "AsciiDoc",
  shellscript: "Shell Script",
  powershell: "PowerShell",
  dockerfile: "Dockerfile",
  objc: "Objective-C",
  bat: "Batch",
  ipynb: "Jupyter",
};

/** A language's name for the status bar ("python" -> "Python", "cpp" -> "C++"). */
export function languageName(languageId: string): string {
  return NAMES[languageId] ?? languageId.charAt(0).toUpperCase() + languageId.slice(1);
}
