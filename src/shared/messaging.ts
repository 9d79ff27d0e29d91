// The one messaging kit of every boundary (extension ↔ model host, extension ↔ each webview), used on both
// ends: numbered envelopes { messageId, inReplyTo?, body }; a request is a promise that its reply (the
// message whose inReplyTo is the request's id) resolves, or that a timeout, its cancellation or close()
// rejects. Beside the envelopes, two notices: "started" (the other end began a request; a timeout that
// counts from the start runs from here, so that a long queue of healthy work never times out) and "cancel"
// (the requester no longer wants the answer; the token the other end serves that request with fires).
// While the other end is not ready, nothing is posted (a webview's extension side resends its whole screen
// when the webview says "ready"). The messages' bodies are each boundary's protocol. PURE: no vscode,
// Node or DOM types.

/** Every message of a channel: numbered, and naming the message it answers, if any. */
export interface Envelope<B> {
  messageId: number;
  /** the messageId of the message this one answers */
  inReplyTo?: number;
  body: B;
}

/** The other end began the request whose messageId is `started`. */
export interface StartedNotice {
  messageId: number;
  started: number;
}

/** The requester no longer wants the request whose messageId is `cancel` answered. */
export interface CancelNotice {
  messageId: number;
  cancel: number;
}

export type Notice = StartedNotice | CancelNotice;

const isId = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

/** A well-formed notice: a plain message with a messageId and one request id, started or cancelled. */
export function isNotice(m: unknown): m is Notice {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return false;
  const n = m as Record<string, unknown>;
  return isId(n.messageId) && !("body" in n) && (isId(n.started) !== isId(n.cancel));
}

/** vscode's CancellationToken, without vscode. */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** A cancellation source with the shape a request accepts (vscode's, without vscode). */
export class CancelSource {
  private cancelled = false;
  private readonly listeners = new Set<() => void>();
  readonly token: CancelToken;

  constructor() {
    const isCancelled = () => this.cancelled;
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested: (listener) => {
        if (this.cancelled) {
          listener();
          return { dispose: () => undefined };
        }
        this.listeners.add(listener);
        return { dispose: () => this.listeners.delete(listener) };
      },
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }
}

/** A cancelled or superseded request (the error's code), or any error after our own cancel: stale work, not a failure to show. */
export function isCancellation(e: unknown, token: CancelToken): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return token.isCancellationRequested || code === "cancelled" || code === "superseded";
}

export class RequestTimeout extends Error {}

/** The request's token was cancelled before its reply came (a cancel notice was sent). */
export class RequestCancelled extends Error {
  readonly code = "cancelled";
  constructor() {
    super("cancelled");
  }
}

export interface RequestOptions {
  /** how long the reply may take (ms) */
  timeoutMs: number;
  /** "started": the timeout counts from the other end's started notice (it queues requests); default "sent" */
  timeoutFrom?: "sent" | "started";
  /** cancels the request: it rejects with RequestCancelled, and the other end gets a cancel notice */
  token?: CancelToken;
}

interface Waiting<In> {
  resolve: (m: Envelope<In>) => void;
  reject: (e: Error) => void;
  timeoutMs: number;
  timer?: ReturnType<typeof setTimeout>;
  cancelSub?: { dispose(): void };
}

export class Channel<Out, In> {
  private nextId = 1;
  private ready: boolean;
  /** this end's requests, waiting for their replies (oldest first) */
  private readonly waiting = new Map<number, Waiting<In>>();
  /** the other end's requests that this end serves, until it replies: each one's cancellation */
  private readonly serving = new Map<number, CancelSource>();
  private readonly notify: (notice: Notice) => void;

  /**
   * `ready`: whether the other end listens from the start (a webview's extension does; a webview must say so).
   * `notify`: how notices are posted (the model host's boundary); without it none are (the webviews').
   */
  constructor(
    private readonly post: (message: Envelope<Out>) => void,
    opts: { ready?: boolean; notify?: (notice: Notice) => void } = {},
  ) {
    this.ready = opts.ready ?? true;
    this.notify = opts.notify ?? (() => undefined);
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** requests of this end still waiting for their replies */
  get pending(): number {
    return this.waiting.size;
  }

  /** The other end said it is ready (true), or went away (false: a hidden webview is torn down). */
  setReady(ready: boolean): void {
    this.ready = ready;
  }

  /** Post a message, as the reply to `inReplyTo` if given; false (and nothing posted) while the other end is not ready. */
  send(body: Out, inReplyTo?: number): boolean {
    if (inReplyTo !== undefined) this.serving.delete(inReplyTo);
    if (!this.ready) return false;
    const messageId = this.nextId++;
    this.post(inReplyTo === undefined ? { messageId, body } : { messageId, inReplyTo, body });
    return true;
  }

  /**
   * Post a message and wait for its reply. Rejects with RequestTimeout after the timeout (from sending, or
   * from the started notice), with RequestCancelled when the token fires first, with close()'s error, or at
   * once when the other end is not ready.
   */
  request(body: Out, timeout: number | RequestOptions): Promise<Envelope<In>> {
    const { timeoutMs, timeoutFrom = "sent", token } = typeof timeout === "number" ? { timeoutMs: timeout } : timeout;
    if (!this.ready) return Promise.reject(new Error("the other end is not ready"));
    if (token?.isCancellationRequested) return Promise.reject(new RequestCancelled());
    const id = this.nextId;
    return new Promise((resolve, reject) => {
      const w: Waiting<In> = { resolve, reject, timeoutMs };
      this.waiting.set(id, w);
      if (timeoutFrom === "sent") this.startTimer(id, w);
      w.cancelSub = token?.onCancellationRequested(() => {
        if (!this.settle(id)) return;
        this.notify({ messageId: this.nextId++, cancel: id });
        reject(new RequestCancelled());
      });
      this.send(body);
    });
  }

  /**
   * Hand in a checked incoming message: a reply settles the request it answers; a started notice starts
   * that request's timeout; a cancel notice fires the token its request is served with (accept).
   */
  receive(message: Envelope<In> | Notice): void {
    if ("started" in message) {
      const w = this.waiting.get(message.started);
      if (w && !w.timer) this.startTimer(message.started, w);
    } else if ("cancel" in message) {
      this.serving.get(message.cancel)?.cancel();
    } else if (message.inReplyTo !== undefined) {
      const w = this.waiting.get(message.inReplyTo);
      if (w && this.settle(message.inReplyTo)) w.resolve(message);
    }
  }

  /** Serve a request of the other end: the token fires when the requester cancels it; the reply (send) releases it. */
  accept(messageId: number): CancelToken {
    const source = new CancelSource();
    this.serving.set(messageId, source);
    return source.token;
  }

  /** Tell the requester that its request has begun (its timeout counts from now, if it asked so). */
  started(messageId: number): void {
    this.notify({ messageId: this.nextId++, started: messageId });
  }

  /** Reject the oldest request still waiting (the other end is frozen: it has sent nothing for too long). */
  failOldest(error: Error): void {
    const first = this.waiting.entries().next();
    if (first.done) return;
    const [id, w] = first.value;
    this.settle(id);
    w.reject(error);
  }

  /** Reject every request still waiting and stop posting (the other end goes away, or this end does). */
  close(error: Error = new Error("the channel was closed")): void {
    for (const [id, w] of [...this.waiting]) {
      this.settle(id);
      w.reject(error);
    }
    this.serving.clear();
    this.ready = false;
  }

  private startTimer(id: number, w: Waiting<In>): void {
    w.timer = setTimeout(() => {
      if (this.settle(id)) w.reject(new RequestTimeout(`no reply within ${w.timeoutMs} ms`));
    }, w.timeoutMs);
  }

  /** Forget a waiting request (true), or say it was settled already (false). */
  private settle(id: number): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.cancelSub?.dispose();
    return true;
  }
}
