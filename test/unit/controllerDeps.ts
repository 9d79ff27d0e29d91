// An attention controller for the tests that drive it through a real or counting model host: every
// dependency the tests do not look at is a no-op, and what is posted to the webview is collected.
import { AttentionController, type AttentionControllerDeps } from "../../src/ui/attentionController";
import type { ToWebview } from "../../src/shared/attentionProtocol";
import { DEFAULT_SETTINGS } from "../../src/core/settings";

export function quietController(deps: Pick<AttentionControllerDeps, "client" | "memoryFor"> & Partial<AttentionControllerDeps>): { controller: AttentionController; posted: ToWebview[]; logs: string[] } {
  const posted: ToWebview[] = [];
  const logs: string[] = [];
  const controller = new AttentionController({
    revealPlace: () => undefined,
    post: (m) => void posted.push(m.body),
    settings: () => DEFAULT_SETTINGS,
    lastSuggestion: () => undefined,
    log: (l) => void logs.push(l),
    setTitle: () => undefined,
    highlights: { hover: () => undefined, choose: () => undefined, clear: () => undefined },
    openTour: () => undefined,
    setSampling: (s) => s,
    save: () => undefined,
    ...deps,
  });
  controller.onMessage({ messageId: 1, body: { type: "ready" } });
  return { controller, posted, logs };
}
