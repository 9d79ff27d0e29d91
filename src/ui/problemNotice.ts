// What LM Lens says when its model cannot be used: one notification per distinct problem, with the same
// words and buttons wherever it is shown from (the model host's status, a click on the status bar item),
// so that VS Code shows it once. No vscode import: the unit tests read it.
import type { HostStatus } from "../client/modelHostClient";

export type ProblemAction = "Open Settings" | "Restart Model" | "Show Log";

export interface ProblemNotice {
  message: string;
  actions: ProblemAction[];
}

/** The notification for a status, or undefined when there is no problem. `modelPath` is the setting as the user wrote it. */
export function problemNotice(s: HostStatus, modelPath: string): ProblemNotice | undefined {
  switch (s.state) {
    case "error":
      // a model that cannot be loaded is fixed in the settings (or by putting the files where they belong, then a restart)
      return {
        message: modelPath ? `LM Lens cannot load the model that lmLens.modelPath names: ${s.message}` : `LM Lens cannot load its model: ${s.message}`,
        actions: ["Open Settings", "Restart Model"],
      };
    case "failed":
      // a host that stopped after repeated crashes is started again by hand
      return { message: `LM Lens stopped: ${s.message}`, actions: ["Restart Model", "Show Log"] };
    default:
      return undefined;
  }
}

/** Which notices are new: each problem is shown once until the model has been ready again or is restarted. */
export class ProblemNotices {
  private shown: string | undefined;

  /** The notice to show for this status now (undefined: none, or the same one was shown already). */
  next(s: HostStatus, modelPath: string): ProblemNotice | undefined {
    if (s.state === "ready" || s.state === "idle") this.shown = undefined;
    const n = problemNotice(s, modelPath);
    if (!n || n.message === this.shown) return undefined;
    this.shown = n.message;
    return n;
  }

  /** A restart was asked for: the same problem, if it comes back, is shown again. */
  reset(): void {
    this.shown = undefined;
  }
}
