// When each document was last edited, so that a suggestion's latency counts from the keystroke that asked
// for it, not from the moment VS Code got round to asking (VS Code waits before it asks for ghost text, and
// the wait is part of what the user sees). PURE: the caller gives the times (ms, one clock).

/** an edit older than this did not ask for the suggestion (a cursor move or an explicit request did) */
export const EDIT_MAX_AGE_MS = 5000;

export interface SuggestionTiming {
  /** from the edit (or, without one, the request) to the answer */
  totalMs: number;
  /** from the edit to VS Code's request: VS Code's wait and the trip to the extension host */
  waitMs: number;
}

export class EditClock {
  private readonly edits = new Map<string, { version: number; at: number }>();

  /** `doc` reached `version` by an edit at `at`. */
  edited(doc: string, version: number, at: number): void {
    this.edits.set(doc, { version, at });
  }

  forget(doc: string): void {
    this.edits.delete(doc);
  }

  /**
   * A suggestion for `doc` at `version`, asked for at `requestAt` and answered at `answerAt`: it counts
   * from the edit that made this version, when that edit is recent; otherwise from the request.
   */
  timing(doc: string, version: number, requestAt: number, answerAt: number): SuggestionTiming {
    const e = this.edits.get(doc);
    const from = e && e.version === version && e.at <= requestAt && requestAt - e.at < EDIT_MAX_AGE_MS ? e.at : requestAt;
    return { totalMs: answerAt - from, waitMs: requestAt - from };
  }
}
