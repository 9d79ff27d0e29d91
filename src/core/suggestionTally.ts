// The user's own figures since the window opened: suggestions shown, accepted, dismissed, and the keys
// accepting saved. Kept in memory only; nothing of it is written or sent anywhere. PURE: the extension
// hands in what it sees (a suggestion returned, a document change, a cursor move, an accept command),
// because VS Code 1.100's stable API reports neither a shown item nor a partial accept.

export interface TallyFigures {
  /** model answers with text that were shown (the rest of one, shown while its letters are typed, is the same one) */
  shown: number;
  /** suggestions of which some text was inserted by accepting (Tab, or word by word) */
  accepted: number;
  /** ... of which the whole text ended up inserted */
  acceptedInFull: number;
  /** shown, then typed over, or left by moving the cursor (after Escape: when the next key goes elsewhere) */
  dismissed: number;
  /** typed by the user letter by letter exactly as shown, with no accept */
  typedAsShown: number;
  /** characters inserted by accepting, less one key for each accept action */
  keystrokesSaved: number;
}

interface Suggestion {
  id: number;
  doc: string;
  /** the document offset where it was made */
  offset: number;
  /** what may be on screen: the suggestion, and an explicit request's alternatives (Alt+] shows them) */
  texts: string[];
  /** text inserted since, by typing or accepting, that every one of `texts` still starts with */
  consumed: string;
  acceptedChars: number;
  actions: number;
  /** the last matching edit was one typed character (a one-letter rest accepted with Tab looks the same) */
  lastTyped: boolean;
  /** the full accept's command arrived before its edit: that edit is an accept, whatever its length */
  pendingFull: boolean;
}

type Outcome = "acceptedPart" | "acceptedInFull" | "dismissed" | "typedAsShown";

/** ended suggestions kept for a full accept's command that arrives after the edit (and after the next suggestion) */
const RECENT = 8;

export class SuggestionTally {
  private nextId = 1;
  private current: Suggestion | undefined;
  private readonly recent: { s: Suggestion; outcome: Outcome }[] = [];
  private readonly counts: Record<Outcome, number> = { acceptedPart: 0, acceptedInFull: 0, dismissed: 0, typedAsShown: 0 };
  private shown = 0;
  private savedEnded = 0;
  /** an accept key in progress (our accept-next-word command): its edits are one action */
  private acceptGroup: { chars: number } | undefined;

  /**
   * A model answer shown at `offset` of `doc` (`texts[0]`, and the alternatives an explicit request
   * brings). The same text at the same place, not yet typed into, is the same suggestion.
   */
  show(doc: string, offset: number, texts: readonly string[]): number {
    const c = this.current;
    if (c && c.doc === doc && c.offset === offset && c.consumed === "" && c.texts[0] === texts[0]) {
      c.texts = [...new Set([...c.texts, ...texts])];
      return c.id;
    }
    this.end();
    const list = texts.filter((t) => t.length > 0);
    if (list.length === 0) return 0;
    this.shown++;
    this.current = { id: this.nextId++, doc, offset, texts: list, consumed: "", acceptedChars: 0, actions: 0, lastTyped: false, pendingFull: false };
    return this.current.id;
  }

  /**
   * A change of `doc`: `removed` characters at `offset` replaced by `inserted` (one change; a change of
   * several places at once is `several`). Text the suggestion continues with, inserted where it stands,
   * is typed (one character) or accepted (more at once, or during an accept key); anything else ends it.
   */
  edit(doc: string, offset: number, removed: number, inserted: string, several = false): void {
    const c = this.current;
    if (!c || c.doc !== doc) return;
    const at = c.offset + c.consumed.length;
    if (several) return this.end();
    if (removed > 0 && inserted !== "" && offset >= c.offset && offset + removed === at) {
      // VS Code's whole accept after a partial one replaces the suggestion's range, what was taken included:
      // the part that stays the same is no change
      const kept = c.consumed.slice(offset - c.offset);
      if (inserted.startsWith(kept)) return this.edit(doc, at, 0, inserted.slice(kept.length));
    }
    if (removed > 0 && inserted === "" && offset + removed === at && removed <= c.consumed.length) {
      // Backspace over what was typed: the rest shows again (suggestionMemo.ts)
      c.consumed = c.consumed.slice(0, c.consumed.length - removed);
      c.lastTyped = false;
      return;
    }
    if (removed === 0 && inserted === "") return;
    const next = c.consumed + inserted;
    const still = c.texts.filter((t) => t.startsWith(next));
    if (offset !== at || removed !== 0 || inserted === "" || still.length === 0) return this.end();
    c.texts = still;
    c.consumed = next;
    const accepted = this.acceptGroup !== undefined || c.pendingFull || inserted.length >= 2;
    if (accepted) {
      c.acceptedChars += inserted.length;
      if (this.acceptGroup) {
        if (this.acceptGroup.chars === 0) c.actions++;
        this.acceptGroup.chars += inserted.length;
      } else c.actions++;
      c.pendingFull = false;
    }
    c.lastTyped = !accepted;
    if (still.includes(next)) this.end();
  }

  /** The cursor of `doc` is at `offset` (and the selection empty, else `offset` is undefined). */
  moved(doc: string, offset: number | undefined): void {
    const c = this.current;
    if (c && c.doc === doc && offset !== c.offset + c.consumed.length) this.end();
  }

  /** The suggestion can no longer be on screen (another editor is active, the document closed). */
  left(doc?: string): void {
    if (this.current && (doc === undefined || this.current.doc === doc)) this.end();
  }

  /** An accept key begins (our accept-next-word command): the edits until `acceptEnd` are one action. */
  acceptStart(): void {
    this.acceptGroup = { chars: 0 };
  }

  acceptEnd(): void {
    this.acceptGroup = undefined;
  }

  /**
   * VS Code ran suggestion `id`'s command: its whole text was accepted (Tab, or the last word taken).
   * Its edit usually came first; a one-character rest then read as typed, and now counts as accepted.
   */
  acceptedInFull(id: number): void {
    const c = this.current;
    if (c && c.id === id) {
      c.pendingFull = true;
      return;
    }
    const r = this.recent.find((e) => e.s.id === id);
    if (!r || !r.s.lastTyped) return;
    r.s.lastTyped = false;
    r.s.acceptedChars += 1;
    r.s.actions += 1;
    this.counts[r.outcome]--;
    r.outcome = outcomeOf(r.s);
    this.counts[r.outcome]++;
  }

  figures(): TallyFigures {
    const c = this.current;
    const live = c && c.acceptedChars > 0 ? 1 : 0;
    const saved = this.savedEnded + this.recent.reduce((n, r) => n + r.s.acceptedChars - r.s.actions, 0);
    return {
      shown: this.shown,
      accepted: this.counts.acceptedPart + this.counts.acceptedInFull + live,
      acceptedInFull: this.counts.acceptedInFull,
      dismissed: this.counts.dismissed,
      typedAsShown: this.counts.typedAsShown,
      keystrokesSaved: saved + (c ? c.acceptedChars - c.actions : 0),
    };
  }

  /** the suggestion on screen (for a command that needs to know what LM Lens showed) */
  get active(): { id: number; doc: string; offset: number; text: string; consumed: string } | undefined {
    const c = this.current;
    return c && { id: c.id, doc: c.doc, offset: c.offset, text: c.texts[0], consumed: c.consumed };
  }

  private end(): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    const outcome = outcomeOf(c);
    this.counts[outcome]++;
    this.recent.push({ s: c, outcome });
    // a suggestion leaving the recent list keeps its keys saved in one sum
    if (this.recent.length > RECENT) {
      const old = this.recent.shift()!;
      this.savedEnded += old.s.acceptedChars - old.s.actions;
    }
  }
}

function outcomeOf(s: Suggestion): Outcome {
  const whole = s.texts.includes(s.consumed);
  if (s.acceptedChars > 0) return whole ? "acceptedInFull" : "acceptedPart";
  return whole ? "typedAsShown" : "dismissed";
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The figures as short lines, for the status bar's tooltip (a list) and, joined, one sentence. */
export function figureLines(f: TallyFigures): string[] {
  return [
    `${plural(f.shown, "suggestion")} shown`,
    `${f.accepted} accepted${f.accepted > 0 ? ` (${f.acceptedInFull} in full)` : ""}`,
    `${f.dismissed} dismissed`,
    ...(f.typedAsShown > 0 ? [`${f.typedAsShown} typed as shown`] : []),
    `${plural(f.keystrokesSaved, "keystroke")} saved`,
  ];
}

/** The figures in one sentence, for Show Model Info and the status bar item's accessible label. */
export function describeFigures(f: TallyFigures): string {
  if (f.shown === 0) return "No suggestion shown yet in this window.";
  const lines = figureLines(f);
  return `Since this window opened: ${lines.slice(0, -1).join(", ")}; ${lines.at(-1)}.`;
}

/** The figures in a few words, for the status bar menu's title. */
export function shortFigures(f: TallyFigures): string {
  return `${f.shown} shown, ${f.accepted} accepted, ${plural(f.keystrokesSaved, "keystroke")} saved`;
}
