// What the editor's ghost text shows at the end of a text, computed in process (lm-lens predict's `ghost`):
// the inline provider's own request (suggestRequest.ts: the window before the cursor, the document's words
// near it, one alternative, no figures, the confidence gate and a phrase from the memory), answered by
// Engine.suggest, as the model host answers the provider. The text is read as Markdown: inside a code
// fence or front matter the editor shows no prose suggestion (markdownCode.ts, as the provider does for
// Markdown documents).
import { suggestRequest } from "../core/suggestRequest";
import { cursorInMarkdownCode } from "../core/markdownCode";
import { DEFAULT_SETTINGS, type Settings } from "../core/settings";
import type { DocumentMemory } from "./documentMemory";
import type { Engine } from "./engine";
import type { KvCache } from "./onnxModel";

/** The ghost text after `text` (the whole document before the cursor), with `memory` filled over it where given. */
export async function ghostText(engine: Engine, text: string, memory?: DocumentMemory<KvCache>, settings: Settings = DEFAULT_SETTINGS): Promise<{ text: string; ms: number }> {
  const read = (a: number, b: number) => text.slice(a, b);
  if (cursorInMarkdownCode(read, text.length)) return { text: "", ms: 0 };
  const request = suggestRequest(read, text.length, settings.suggest, false);
  const r = await engine.suggest(request.text, request.options, undefined, request.offset, memory);
  return { text: r.text, ms: r.ms };
}
