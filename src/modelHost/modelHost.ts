// The model host: a child process that owns the ONNX session, so that onnxruntime's synchronous work
// never runs on the extension host's thread, and a crash of the native code cannot take the editor down.
// Requests are served one at a time; a newer suggestion request supersedes the ones still queued. Every
// request is checked against hostProtocol.ts's schema when it arrives: a malformed one is answered at once.
// Replies, "started" notices and the client's cancels go through messaging.ts's Channel.
import { Engine, SupersededError } from "./engine";
import { loadWithinDeadline } from "./loadWatchdog";
import { ModelFolderError } from "./modelFolder";
import { neighbourSpace } from "./neighbourSpace";
import { CancelledError } from "./wordSearch";
import { explain } from "./explain";
import { HostError, parseRequest, type ErrorCode, type HostReply, type HostRequest } from "../shared/hostProtocol";
import { Channel, isNotice, type CancelToken } from "../shared/messaging";
import { errorLine, errorMessage } from "../shared/errorLine";

/** Methods the tests add (a request that never answers); the production host has none. */
export type ExtraMethods = Record<string, (params: unknown) => Promise<unknown>>;

/** A request waiting for its turn, or being served: its id, body, and the client's cancellation. */
interface Queued {
  id: number;
  req: HostRequest;
  token: CancelToken;
}

/** A file system error that names its file (EISDIR, EIO, ...): the file is said, and it is the model's problem, not an internal one. */
function isFileError(e: unknown): e is NodeJS.ErrnoException & { path: string; code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).path === "string";
}

export function serveModelHost(extra: ExtraMethods = {}): void {
  let engine: Engine | null = null;
  let enginePath = "";
  let engineQuantized = true;
  const queue: Queued[] = [];
  let busy = false;
  const extraNames = Object.keys(extra);

  const post = (m: unknown) => {
    if (process.send) process.send(m);
  };
  const channel = new Channel<HostReply, never>(post, { notify: post });
  // every refusal is one short line, whatever it quotes (errorLine.ts)
  const fail = (id: number, code: ErrorCode, message: string, file?: string) => channel.send({ ok: false, error: { code, message: errorLine(message), ...(file ? { file } : {}) } }, id);
  const needEngine = (): Engine => {
    if (!engine) throw new ModelFolderError("no model loaded");
    return engine;
  };

  async function handle({ req, token }: Queued): Promise<unknown> {
    const isCancelled = () => token.isCancellationRequested;
    if (extraNames.includes(req.method)) return extra[req.method](req.params);
    switch (req.method) {
      case "load": {
        const p = req.params;
        if (engine && enginePath === p.modelPath && engineQuantized === p.quantize) return engine.info();
        const old = engine;
        engine = null;
        enginePath = "";
        await old?.dispose();
        // past the deadline the host ends with one line naming the file, which the client reports (loadWatchdog.ts)
        engine = await loadWithinDeadline(p.modelPath, () => Engine.load(p.modelPath, { threads: p.threads, quantize: p.quantize }));
        enginePath = p.modelPath;
        engineQuantized = p.quantize;
        return engine.info();
      }
      case "suggest": {
        const p = req.params;
        return needEngine().suggest(p.text, p.options, isCancelled, p.offset, p.doc);
      }
      case "attention": {
        const p = req.params;
        return needEngine().attentionFirst(p.text, p.maxTokens, p.words, p.fit, p.show);
      }
      case "explain": {
        const p = req.params;
        const e = needEngine();
        if (p.doc) await e.memories.fill(p.doc);
        const memory = p.doc ? e.memories.get(p.doc) : undefined;
        return explain(e, p.text, { options: p.options, offset: p.offset, ...(memory ? { memory } : {}) });
      }
      case "attentionDetails":
        return needEngine().attentionDetails(req.params.detailsId);
      case "neighbours":
        return neighbourSpace(needEngine()).search(req.params);
      case "memorySync": {
        const p = req.params;
        const info = needEngine().memories.sync(p.doc, p.offset, p.text, p.capacity);
        if (!p.fill) return info;
        await needEngine().memories.fill(p.doc);
        return needEngine().memories.info().find((d) => d.doc === p.doc) ?? info;
      }
      case "memoryClose":
        engine?.memories.close(req.params.doc);
        return null;
      case "memoryInfo":
        return engine?.memories.info() ?? [];
      case "neighbourIndex":
        return neighbourSpace(needEngine()).buildIndex(req.params.budgetMs, isCancelled);
    }
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0) {
        const q = queue.shift()!;
        const { id } = q;
        // the client's timeout for this request starts now, not while it waited behind others
        channel.started(id);
        try {
          const result = await handle(q);
          if (q.token.isCancellationRequested) fail(id, "cancelled", "cancelled");
          else channel.send({ ok: true, result }, id);
        } catch (e) {
          if (e instanceof CancelledError) fail(id, "cancelled", "cancelled");
          else if (e instanceof SupersededError) fail(id, "superseded", e.message);
          else if (e instanceof ModelFolderError) fail(id, "model", e.message, e.file);
          else if (e instanceof HostError) fail(id, e.code, e.message, e.file);
          else if (e instanceof TypeError || e instanceof RangeError) fail(id, "input", e.message);
          else if (isFileError(e)) fail(id, "model", `${e.path}: cannot be read (${e.code})`, e.path);
          else fail(id, "internal", errorMessage(e));
        }
      }
    } finally {
      busy = false;
    }
    scheduleFill();
  }

  // The document memory fills while no request waits: one small step at a time (documentMemory.ts), so a
  // keystroke's request waits behind at most one step.
  let fillScheduled = false;
  function scheduleFill(): void {
    if (fillScheduled || !engine?.memories.pending) return;
    fillScheduled = true;
    setImmediate(() => void fillTick());
  }
  async function fillTick(): Promise<void> {
    fillScheduled = false;
    if (busy || queue.length > 0 || !engine) return;
    busy = true;
    try {
      await engine.memories.fillStep();
    } catch (e) {
      process.stderr.write(`document memory: ${(e as Error)?.message ?? String(e)}\n`);
    } finally {
      busy = false;
    }
    if (queue.length > 0) void pump();
    else scheduleFill();
  }

  process.on("message", (m: unknown) => {
    try {
      receive(m);
    } catch (e) {
      // nothing a message holds may take the host down: it is refused, and the host serves on
      process.stderr.write(`ignored a message that could not be read: ${errorMessage(e)}\n`);
    }
  });

  function receive(m: unknown): void {
    if (isNotice(m)) {
      // a cancel: the request's token fires (a queued one leaves the queue, a running one stops at its next check)
      channel.receive(m);
      return;
    }
    const parsed = parseRequest(m, extraNames);
    if (!parsed.ok) {
      if (parsed.id !== undefined) fail(parsed.id, "input", parsed.message);
      else process.stderr.write(`ignored a message that is not a request: ${parsed.message}\n`);
      return;
    }
    const { id, request: req } = parsed;
    if (req.method === "suggest") {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i].req.method === "suggest") {
          fail(queue[i].id, "superseded", "superseded by a newer request");
          queue.splice(i, 1);
        }
      }
    }
    const q: Queued = { id, req, token: channel.accept(id) };
    q.token.onCancellationRequested(() => {
      const i = queue.indexOf(q);
      if (i < 0) return;
      queue.splice(i, 1);
      fail(id, "cancelled", "cancelled");
    });
    queue.push(q);
    void pump();
  }

  // the extension host went away: nothing left to serve
  process.on("disconnect", () => process.exit(0));
}
