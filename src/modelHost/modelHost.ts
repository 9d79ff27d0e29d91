// The model host: a child process that owns the ONNX session, so that onnxruntime's synchronous work
// never runs on the extension host's thread, and a crash of the native code cannot take the editor down.
// Requests are served one at a time; a newer suggestion request supersedes the ones still queued. Every
// request is checked against protocol.ts's schema when it arrives: a malformed one is answered at once.
import { Engine, SupersededError } from "./engine";
import { ModelFolderError } from "./modelFolder";
import { neighbourSpace } from "./neighbourSpace";
import { CancelledError } from "./wordSearch";
import { isCancel, messageId, parseRequest, type ErrorCode, type RequestMessage, type ResponseMessage, type StartedMessage } from "../shared/hostProtocol";

/** Methods the tests add (a request that never answers); the production host has none. */
export type ExtraMethods = Record<string, (params: unknown) => Promise<unknown>>;

export function serveModelHost(extra: ExtraMethods = {}): void {
  let engine: Engine | null = null;
  let enginePath = "";
  let engineQuantized = true;
  const queue: RequestMessage[] = [];
  const cancelled = new Set<number>();
  let busy = false;
  const extraNames = Object.keys(extra);

  const send = (msg: ResponseMessage | StartedMessage) => {
    if (process.send) process.send(msg);
  };
  const fail = (id: number, code: ErrorCode, message: string, file?: string) => send({ id, ok: false, error: { code, message, ...(file ? { file } : {}) } });
  const needEngine = (): Engine => {
    if (!engine) throw new ModelFolderError("no model loaded");
    return engine;
  };

  async function handle(req: RequestMessage): Promise<unknown> {
    const isCancelled = () => cancelled.has(req.id);
    if (extraNames.includes(req.method)) return extra[req.method](req.params);
    switch (req.method) {
      case "load": {
        const p = (req as RequestMessage<"load">).params;
        if (engine && enginePath === p.modelPath && engineQuantized === p.quantize) return engine.info();
        const old = engine;
        engine = null;
        enginePath = "";
        await old?.dispose();
        engine = await Engine.load(p.modelPath, { threads: p.threads, quantize: p.quantize });
        enginePath = p.modelPath;
        engineQuantized = p.quantize;
        return engine.info();
      }
      case "suggest": {
        const p = (req as RequestMessage<"suggest">).params;
        return needEngine().suggest(p.text, p.options, isCancelled, p.offset, p.doc);
      }
      case "attention": {
        const p = (req as RequestMessage<"attention">).params;
        return needEngine().attentionFirst(p.text, p.maxTokens, p.words, p.fit, p.show);
      }
      case "attentionDetails":
        return needEngine().attentionDetails((req as RequestMessage<"attentionDetails">).params.detailsId);
      case "neighbours":
        return neighbourSpace(needEngine()).search((req as RequestMessage<"neighbours">).params);
      case "memorySync": {
        const p = (req as RequestMessage<"memorySync">).params;
        const info = needEngine().memories.sync(p.doc, p.offset, p.text, p.capacity);
        if (!p.fill) return info;
        await needEngine().memories.fill(p.doc);
        return needEngine().memories.info().find((d) => d.doc === p.doc) ?? info;
      }
      case "memoryClose":
        engine?.memories.close((req as RequestMessage<"memoryClose">).params.doc);
        return null;
      case "memoryInfo":
        return engine?.memories.info() ?? [];
      case "neighbourIndex":
        return neighbourSpace(needEngine()).buildIndex((req as RequestMessage<"neighbourIndex">).params.budgetMs, isCancelled);
    }
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0) {
        const req = queue.shift()!;
        if (cancelled.delete(req.id)) {
          fail(req.id, "cancelled", "cancelled");
          continue;
        }
        // the client's timeout for this request starts now, not while it waited behind others
        send({ id: req.id, started: true });
        try {
          const result = await handle(req);
          if (cancelled.has(req.id)) fail(req.id, "cancelled", "cancelled");
          else send({ id: req.id, ok: true, result });
        } catch (e) {
          if (e instanceof CancelledError) fail(req.id, "cancelled", "cancelled");
          else if (e instanceof SupersededError) fail(req.id, "superseded", e.message);
          else if (e instanceof ModelFolderError) fail(req.id, "model", e.message, e.file);
          else if (e instanceof TypeError || e instanceof RangeError) fail(req.id, "input", e.message);
          else fail(req.id, "internal", (e as Error)?.message ?? String(e));
        } finally {
          cancelled.delete(req.id);
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
    if (isCancel(m)) {
      const i = queue.findIndex((q) => q.id === m.id);
      if (i >= 0) {
        queue.splice(i, 1);
        fail(m.id, "cancelled", "cancelled");
      } else cancelled.add(m.id);
      return;
    }
    const parsed = parseRequest(m, extraNames);
    if (!parsed.ok) {
      const id = messageId(m);
      if (id !== undefined) fail(id, "input", parsed.message);
      else process.stderr.write(`ignored a message that is not a request: ${parsed.message}\n`);
      return;
    }
    const req = parsed.request;
    if (req.method === "suggest") {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i].method === "suggest") {
          fail(queue[i].id, "superseded", "superseded by a newer request");
          queue.splice(i, 1);
        }
      }
    }
    queue.push(req);
    void pump();
  });

  // the extension host went away: nothing left to serve
  process.on("disconnect", () => process.exit(0));
}
