// The neighbours view's logic, without vscode: what it shows (one NeighboursScreen), which query it asks
// the model host about, and what it does with each webview message. src/ui/neighboursView.ts connects it
// to a WebviewView, the editor's selection, the clipboard and the save dialog; the tests drive it with fakes.
//  - The selection is followed with a debounce; a newer query cancels the work of the older one, whose
//    late answers are dropped.
//  - Messages are posted only while the webview is ready; a webview that was hidden (and so torn down)
//    says "ready" again when shown, and gets the whole screen back, with no new model work.
//  - Three lists, in this order: pooled (the default space: hidden states averaged over the training
//    text, shipped beside the model), static (input embedding rows) and contextual (hidden states at the
//    chosen layer). A list that cannot be made (a word the pooled index does not hold, a model without
//    pooled files) says why in its own column; the others still come.
//  - The contextual word index is built in steps through "neighbourIndex" before the first contextual
//    query; the screen shows its progress.
//  - The large map (src/ui/neighboursMapPanel.ts) is a second webview of the same screen: addViewer gives
//    it its own channel, and every state message goes to both, so the two show the same list, the same
//    numbers, from the same answer.
import { validateNeighboursMessage, type ListExportFormat, type NeighbourListState, type NeighbourOptions, type NeighboursScreen, type NeighboursFromWebview, type NeighboursToWebview, type NeighboursToWebviewMessage, type QueryOrigin } from "../shared/neighboursProtocol";
import { CancelSource, Channel, isCancellation, type CancelToken } from "../shared/messaging";
import { previewMessage } from "../shared/schema";
import type { ModelHostPort } from "../client/modelHostClient";
import { NEIGHBOURS_K, type IndexProgress, type NeighbourList } from "../shared/vocabulary";
import type { EditorWords } from "./selectionWords";
import { parseVectorQuery } from "../core/vectorQuery";

/** short: the list should follow the selection within about 150 ms, a debounce included */
export const SELECTION_DEBOUNCE_MS = 50;
/** model-host time per step of the contextual index build */
export const INDEX_STEP_MS = 250;

/** The controller's end of a second webview of the screen (the large map). */
export interface NeighboursViewer {
  onMessage(raw: unknown): void;
  /** a hidden webview is torn down: nothing is posted to it until it says ready again */
  setVisible(visible: boolean): void;
  dispose(): void;
}

export interface EditorSelection {
  words: EditorWords;
  /** "notes.txt:12" */
  source: string;
}

export interface ControllerDeps {
  client: ModelHostPort;
  /** post to the webview (called only while it is ready) */
  post(message: NeighboursToWebviewMessage): void;
  copy(text: string): void | Promise<void>;
  /** open the guided tour at the neighbours step */
  openTour(): void;
  /** open (or reveal) the large map */
  openMap?(): void;
  save(format: ListExportFormat, content: string, suggestedName: string): void | Promise<void>;
  log(line: string): void;
  debounceMs?: number;
  /** a clock in ms (tests); Date.now by default */
  now?: () => number;
  indexStepMs?: number;
}

interface Query {
  text: string;
  origin: QueryOrigin;
  /** an editor word: its sentence before it */
  before?: string;
}

function message(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

export class NeighboursController {
  private screen: NeighboursScreen = {
    id: 0,
    words: [],
    focus: -1,
    wordsTotal: 0,
    options: { k: NEIGHBOURS_K.default, metric: "cosine", layer: 2 },
    mapList: "pooled",
    follow: true,
    pooled: { loading: false },
    static: { loading: false },
    contextual: { loading: false },
    index: { state: "idle", built: 0, total: 0 },
  };
  private layerChosen = false;
  private selection: EditorSelection | undefined;
  private query: Query | undefined;
  /** to the webview: nothing is posted until it says ready (messaging.ts) */
  private readonly channel: Channel<NeighboursToWebview, NeighboursFromWebview>;
  /** the other webviews showing this screen (the large map), each with its own channel */
  private readonly viewers = new Set<Channel<NeighboursToWebview, NeighboursFromWebview>>();
  private visible = false;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** a selection arrived while hidden or not following; applied when shown (or following again) */
  private pendingSelection: EditorSelection | undefined;
  /** when the selection last changed, to log how long the list took to follow */
  private selectionAt: number | undefined;
  private work: CancelSource | undefined;
  /** resolves when the current refresh is done (tests) */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ControllerDeps) {
    this.channel = new Channel((m) => this.deps.post(m), { ready: false });
  }

  /** The screen as the webview would draw it now (tests, exports). */
  get current(): Readonly<NeighboursScreen> {
    return this.screen;
  }

  /** Settles when the latest query's work is done. */
  idle(): Promise<void> {
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.channel.close();
    for (const v of this.viewers) v.close();
    this.viewers.clear();
    clearTimeout(this.timer);
    this.work?.cancel();
  }

  // ---- from the editor and the view

  /** The view was shown or hidden. A hidden webview is torn down: nothing is posted until it says ready again. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) {
      this.channel.setReady(false);
      return;
    }
    if (this.pendingSelection && this.screen.follow) this.schedule();
  }

  /** The editor's selection changed (undefined: no word there; what is shown stays). */
  selectionChanged(sel: EditorSelection | undefined): void {
    if (this.disposed || !sel) return;
    this.pendingSelection = sel;
    this.selectionAt = this.deps.now?.() ?? Date.now();
    if (!this.visible || !this.screen.follow) return;
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const sel = this.pendingSelection;
      this.pendingSelection = undefined;
      if (sel && !this.disposed) this.applySelection(sel);
    }, this.deps.debounceMs ?? SELECTION_DEBOUNCE_MS);
  }

  private applySelection(sel: EditorSelection): void {
    this.selection = sel;
    const w = sel.words;
    const words = w.words.map((x) => x.text);
    const focused = w.words[w.focus];
    const q = this.query;
    // the cursor moved within the same word of the same sentence: nothing to ask again
    const same = q?.origin === "editor" && q.text === focused?.text && q.before === focused.before && this.screen.focus === w.focus && words.join("\n") === this.screen.words.join("\n");
    this.screen = { ...this.screen, words, wordsTotal: w.total, source: sel.source, queryError: undefined };
    if (same) this.sendState();
    else this.focusWord(w.focus);
  }

  private focusWord(index: number): void {
    const word = this.selection?.words.words[index];
    if (!word) return;
    this.screen = { ...this.screen, focus: index, queryError: undefined };
    this.setQuery({ text: word.text, origin: "editor", before: word.before });
  }

  private setQuery(q: Query): void {
    this.query = q;
    this.screen = { ...this.screen, id: this.screen.id + 1, query: { text: q.text, origin: q.origin } };
    this.refresh();
  }

  /**
   * A second webview of the same screen (the large map): what it sends is handled as the side bar's
   * messages are, and it gets every state message the side bar gets, once it has said ready.
   */
  addViewer(post: (message: NeighboursToWebviewMessage) => void): NeighboursViewer {
    const ch = new Channel<NeighboursToWebview, NeighboursFromWebview>(post, { ready: false });
    this.viewers.add(ch);
    return {
      onMessage: (raw) => this.handle(raw, ch),
      setVisible: (visible) => {
        if (!visible) ch.setReady(false);
      },
      dispose: () => {
        ch.close();
        this.viewers.delete(ch);
      },
    };
  }

  /** A message from the side bar's webview: validated, then acted on; anything else is logged and ignored. */
  onMessage(raw: unknown): void {
    this.handle(raw, this.channel);
  }

  private handle(raw: unknown, from: Channel<NeighboursToWebview, NeighboursFromWebview>): void {
    const msg = validateNeighboursMessage(raw, { wordCount: this.screen.words.length, nLayer: this.screen.nLayer });
    if (!msg) {
      this.deps.log(`neighbours view: ignored a malformed message ${previewMessage(raw)}`);
      return;
    }
    const body = msg.body;
    switch (body.type) {
      case "ready":
        from.setReady(true);
        if (!this.disposed) from.send({ type: "state", data: this.screen }, msg.messageId);
        return;
      case "focusWord":
        this.focusWord(body.index);
        return;
      case "query": {
        const parsed = parseVectorQuery(body.text);
        if (!parsed.ok) {
          this.screen = { ...this.screen, queryError: parsed.error };
          this.sendState();
          return;
        }
        this.screen = { ...this.screen, focus: -1, queryError: undefined };
        this.setQuery({ text: parsed.query.text, origin: body.origin });
        return;
      }
      case "setOptions":
        this.setOptions(body.options);
        return;
      case "setFollow":
        this.screen = { ...this.screen, follow: body.follow };
        this.sendState();
        if (body.follow && this.pendingSelection && this.visible) this.schedule();
        return;
      case "openTour":
        this.deps.openTour();
        return;
      case "setMapList":
        this.screen = { ...this.screen, mapList: body.list };
        this.sendState();
        return;
      case "openMap":
        this.deps.openMap?.();
        return;
      case "copyList":
        if (this.hasLists()) void Promise.resolve(this.deps.copy(listsText(this.screen))).catch((e) => this.deps.log(`copy failed: ${message(e)}`));
        return;
      case "exportList":
        if (this.hasLists()) {
          const content = body.format === "json" ? listsJson(this.screen) : listsCsv(this.screen);
          void Promise.resolve(this.deps.save(body.format, content, exportName(this.screen, body.format))).catch((e) => this.deps.log(`export failed: ${message(e)}`));
        }
        return;
    }
  }

  private hasLists(): boolean {
    return lists(this.screen).length > 0;
  }

  private setOptions(o: NeighbourOptions): void {
    const old = this.screen.options;
    if (o.layer !== old.layer) this.layerChosen = true;
    this.screen = { ...this.screen, options: o };
    if (o.k !== old.k || o.metric !== old.metric) this.refresh();
    // only the contextual list has a layer to choose (the pooled one's layer was chosen by the recipe)
    else if (o.layer !== old.layer) this.refresh(false);
    else this.sendState();
  }

  // ---- model work

  /** Ask for the lists of the current query; a newer call cancels this one's work. */
  private refresh(allLists = true): void {
    const q = this.query;
    if (!q || this.disposed) return;
    this.work?.cancel();
    const work = (this.work = new CancelSource());
    const loading = (s: NeighbourListState): NeighbourListState => ({ loading: true, ...(s.list ? { list: s.list } : {}) });
    this.screen = { ...this.screen, notAWord: undefined, ...(allLists ? { pooled: loading(this.screen.pooled), static: loading(this.screen.static) } : {}), contextual: loading(this.screen.contextual) };
    this.sendState();
    this.running = this.run(q, work, allLists);
  }

  /** One list that needs no index: its answer, or its error, goes into its own column. false when cancelled. */
  private async fetchList(mode: "pooled" | "static", q: Query, token: CancelToken): Promise<boolean> {
    const o = this.screen.options;
    try {
      const list = await this.deps.client.request("neighbours", { query: q.text, metric: o.metric, k: o.k, mode, layer: 0 }, token);
      if (token.isCancellationRequested) return false;
      this.learnLayers(list.nLayer);
      this.screen = { ...this.screen, [mode]: { loading: false, list } };
    } catch (e) {
      if (isCancellation(e, token)) return false;
      if (this.notAWord(e)) return false;
      this.screen = { ...this.screen, [mode]: { loading: false, error: message(e) } };
    }
    this.sendState();
    return true;
  }

  /** No space has neighbours for a word the model does not know: one message, no list, nothing more asked (true). */
  private notAWord(e: unknown): boolean {
    if ((e as { code?: unknown } | null)?.code !== "notAWord") return false;
    this.screen = { ...this.screen, notAWord: message(e), pooled: { loading: false }, static: { loading: false }, contextual: { loading: false } };
    this.sendState();
    return true;
  }

  private async run(q: Query, work: CancelSource, allLists: boolean): Promise<void> {
    const token = work.token;
    const o = this.screen.options;
    const base = { query: q.text, metric: o.metric, k: o.k };
    if (allLists) {
      if (!(await this.fetchList("pooled", q, token))) return;
      if (this.selectionAt !== undefined && q.origin === "editor") {
        this.deps.log(`neighbours: list for "${q.text}" sent to the view ${((this.deps.now?.() ?? Date.now()) - this.selectionAt).toFixed(0)} ms after the selection changed`);
        this.selectionAt = undefined;
      }
      if (!(await this.fetchList("static", q, token))) return;
    }
    try {
      if (!(await this.ensureIndex(token))) return;
      const layer = this.screen.options.layer;
      const list = await this.deps.client.request("neighbours", { ...base, mode: "contextual", layer, ...(q.before !== undefined ? { before: q.before } : {}) }, token);
      if (token.isCancellationRequested) return;
      this.learnLayers(list.nLayer);
      this.screen = { ...this.screen, contextual: { loading: false, list } };
    } catch (e) {
      if (isCancellation(e, token) || this.notAWord(e)) return;
      this.screen = { ...this.screen, contextual: { loading: false, error: message(e) } };
    }
    this.sendState();
  }

  /** The model's depth, known from the first answer: the default layer becomes the middle one. */
  private learnLayers(nLayer: number): void {
    if (this.screen.nLayer === nLayer) return;
    const layer = this.layerChosen ? Math.min(this.screen.options.layer, nLayer) : Math.ceil(nLayer / 2);
    this.screen = { ...this.screen, nLayer, options: { ...this.screen.options, layer } };
  }

  /**
   * Build the contextual index step by step (its progress stays in the model host); false when cancelled.
   * The host is asked every time, even when the index was ready: a restarted host, or another model,
   * starts again from nothing, and a built index answers at once.
   */
  private async ensureIndex(token: CancelToken): Promise<boolean> {
    const step = this.deps.indexStepMs ?? INDEX_STEP_MS;
    for (;;) {
      let p: IndexProgress;
      try {
        p = await this.deps.client.request("neighbourIndex", { budgetMs: step }, token);
      } catch (e) {
        if (isCancellation(e, token)) return false;
        this.screen = { ...this.screen, index: { ...this.screen.index, state: "error", error: message(e) } };
        throw e;
      }
      if (token.isCancellationRequested) return false;
      const was = this.screen.index.state;
      this.screen = { ...this.screen, index: { state: p.done ? "ready" : "building", built: p.built, total: p.total, ms: p.ms } };
      if (p.done) {
        if (was !== "ready") this.deps.log(`contextual word index: ${p.total} words in ${(p.ms / 1000).toFixed(2)} s of model-host time`);
        return true;
      }
      this.sendState();
    }
  }

  // ---- to the webview

  private sendState(): void {
    if (this.disposed) return;
    const body: NeighboursToWebview = { type: "state", data: this.screen };
    this.channel.send(body);
    for (const v of this.viewers) v.send(body);
  }
}

// ---- copy and export (built here from the extension's own data, never from what a webview sends)

function scoreName(l: NeighbourList): string {
  return l.metric === "cosine" ? "cosine similarity" : "Euclidean distance";
}

function listTitle(l: NeighbourList): string {
  if (l.mode === "pooled") return `pooled (hidden_states.${l.layer}, averaged over the training text)`;
  return l.mode === "static" ? "static (input embedding)" : `contextual (hidden_states.${l.layer})`;
}

/** the lists shown, in the view's order */
function lists(s: NeighboursScreen): NeighbourList[] {
  return [s.pooled.list, s.static.list, s.contextual.list].filter((l): l is NeighbourList => !!l);
}

/** Plain text for the clipboard: one block per list, "word<TAB>score" lines. */
export function listsText(s: NeighboursScreen): string {
  return lists(s)
    .map((l) => [`Neighbours of “${l.query}”, ${listTitle(l)}, ${scoreName(l)}:`, ...l.neighbours.map((n, i) => `${i + 1}\t${n.word}\t${n.score.toFixed(4)}`)].join("\n"))
    .join("\n\n") + "\n";
}

export function listsJson(s: NeighboursScreen): string {
  const out = lists(s).map((l) => ({
    query: l.query,
    space: l.mode,
    ...(l.mode !== "static" ? { layer: l.layer } : {}),
    metric: l.metric,
    score: l.metric === "cosine" ? "similarity" : "distance",
    embedded: l.terms.map((t) => ({ sign: t.sign, words: t.words.map((w) => ({ word: w.word, tokens: w.tokens, ...(w.count !== undefined ? { count: w.count } : {}) })) })),
    ...(l.before !== undefined ? { before: l.before } : {}),
    source: l.source,
    neighbours: l.neighbours.map((n) => ({ word: n.word, score: n.score })),
  }));
  return JSON.stringify({ lists: out }, null, 2) + "\n";
}

/** A CSV field: quoted when needed, and a leading = + - @ defused so that a spreadsheet does not run it. */
export function csvField(v: string | number): string {
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function listsCsv(s: NeighboursScreen): string {
  const rows: (string | number)[][] = [["query", "space", "layer", "metric", "rank", "word", "score"]];
  for (const l of lists(s)) l.neighbours.forEach((n, i) => rows.push([l.query, l.mode, l.mode !== "static" ? l.layer : "", l.metric, i + 1, n.word, n.score]));
  return rows.map((r) => r.map((v) => (v === "" ? "" : csvField(v))).join(",")).join("\r\n") + "\r\n";
}

export function exportName(s: NeighboursScreen, format: ListExportFormat): string {
  const q = lists(s)[0]?.query ?? "list";
  const slug = q.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 40) || "list";
  return `neighbours-${slug}.${format}`;
}
