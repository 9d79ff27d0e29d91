// The model host: a child process that owns the ONNX session, so that onnxruntime's synchronous work
// never runs on the extension host's thread, and a crash of the native code cannot take the editor down.
// Requests are served one at a time; a newer suggestion request supersedes the ones still queued.
import { Engine, SupersededError } from "./engine";
import { ModelFolderError } from "./modelFolder";
import { neighbourSpace } from "./neighbourSpace";
import { CancelledError } from "../core/wordSearch";
import { isCancel, isRequest, type ErrorCode, type Methods, type RequestMessage, type ResponseMessage } from "./protocol";

let engine: Engine | null = null;
let enginePath = "";
let engineQuantized = true;
const queue: RequestMessage[] = [];
const cancelled = new Set<number>();
let busy = false;

function send(msg: ResponseMessage): void {
  if (process.send) process.send(msg);
}

function fail(id: number, code: ErrorCode, message: string, file?: string): void {
  send({ id, ok: false, error: { code, message, ...(file ? { file } : {}) } });
}

function needEngine(): Engine {
  if (!engine) throw new ModelFolderError("no model loaded");
  return engine;
}

async function handle(req: RequestMessage): Promise<unknown> {
  const isCancelled = () => cancelled.has(req.id);
  switch (req.method) {
    case "load": {
      const p = req.params as Methods["load"]["params"];
      const quantize = p.quantize !== false;
      if (engine && enginePath === p.modelPath && engineQuantized === quantize) return engine.info();
      const old = engine;
      engine = null;
      enginePath = "";
      await old?.dispose();
      engine = await Engine.load(p.modelPath, { threads: p.threads, quantize });
      enginePath = p.modelPath;
      engineQuantized = quantize;
      return engine.info();
    }
    case "suggest": {
      const p = req.params as Methods["suggest"]["params"];
      if (typeof p.text !== "string") throw new TypeError("suggest: text must be a string");
      return needEngine().suggest(p.text, p.options, isCancelled, typeof p.offset === "number" ? p.offset : 0);
    }
    case "attention": {
      const p = req.params as Methods["attention"]["params"];
      if (typeof p.text !== "string") throw new TypeError("attention: text must be a string");
      if (typeof p.maxTokens !== "number" || !Number.isInteger(p.maxTokens) || p.maxTokens < 1) throw new TypeError("attention: maxTokens must be a positive integer");
      return needEngine().attentionFirst(p.text, p.maxTokens);
    }
    case "attentionDetails": {
      const p = req.params as Methods["attentionDetails"]["params"];
      if (typeof p.detailsId !== "number") throw new TypeError("attentionDetails: detailsId must be a number");
      return needEngine().attentionDetails(p.detailsId);
    }
    case "neighbours": {
      const p = req.params as Methods["neighbours"]["params"];
      if (typeof p.query !== "string") throw new TypeError("neighbours: query must be a string");
      if (p.mode !== "static" && p.mode !== "contextual") throw new TypeError("neighbours: mode must be static or contextual");
      if (p.before !== undefined && typeof p.before !== "string") throw new TypeError("neighbours: before must be a string");
      return neighbourSpace(needEngine()).search(p);
    }
    case "neighbourIndex": {
      const p = req.params as Methods["neighbourIndex"]["params"];
      if (typeof p.budgetMs !== "number" || !(p.budgetMs > 0)) throw new TypeError("neighbourIndex: budgetMs must be a positive number");
      return neighbourSpace(needEngine()).buildIndex(p.budgetMs, isCancelled);
    }
    case "hang":
      return new Promise(() => undefined);
    default:
      throw new TypeError(`unknown method ${JSON.stringify((req as RequestMessage).method)}`);
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
  if (!isRequest(m)) return;
  if (m.method === "suggest") {
    for (let i = queue.length - 1; i >= 0; i--) {
      if (queue[i].method === "suggest") {
        fail(queue[i].id, "superseded", "superseded by a newer request");
        queue.splice(i, 1);
      }
    }
  }
  queue.push(m);
  void pump();
});

// the extension host went away: nothing left to serve
process.on("disconnect", () => process.exit(0));
