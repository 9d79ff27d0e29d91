// The one messaging kit of both webview boundaries, used on both ends (src/ui/ panels and webview/):
// numbered envelopes { messageId, inReplyTo?, body }; while the other end is not ready, nothing is posted
// (the extension side resends its whole screen when the webview says "ready"); a request is a promise
// that its reply (the message whose inReplyTo is the request's id) resolves, or that a timeout or
// close() rejects. PURE: no vscode, Node or DOM types.

/** Every message of a channel: numbered, and naming the message it answers, if any. */
export interface Envelope<B> {
  messageId: number;
  /** the messageId of the message this one answers */
  inReplyTo?: number;
  body: B;
}

export class RequestTimeout extends Error {}

export class Channel<Out, In> {
  private nextId = 1;
  private ready: boolean;
  private readonly pending = new Map<number, { resolve: (m: Envelope<In>) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  /** `ready`: whether the other end listens from the start (a webview's extension does; a webview must say so) */
  constructor(
    private readonly post: (message: Envelope<Out>) => void,
    opts: { ready?: boolean } = {},
  ) {
    this.ready = opts.ready ?? true;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The other end said it is ready (true), or went away (false: a hidden webview is torn down). */
  setReady(ready: boolean): void {
    this.ready = ready;
  }

  /** Post a message, as the reply to `inReplyTo` if given; false (and nothing posted) while the other end is not ready. */
  send(body: Out, inReplyTo?: number): boolean {
    if (!this.ready) return false;
    const messageId = this.nextId++;
    this.post(inReplyTo === undefined ? { messageId, body } : { messageId, inReplyTo, body });
    return true;
  }

  /** Post a message and wait for its reply; rejects after timeoutMs, or at once when the other end is not ready. */
  request(body: Out, timeoutMs: number): Promise<Envelope<In>> {
    if (!this.ready) return Promise.reject(new Error("the other end is not ready"));
    const id = this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeout(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send(body);
    });
  }

  /** Hand in a validated incoming message: it settles the request it replies to, if any. */
  receive(message: Envelope<In>): void {
    if (message.inReplyTo === undefined) return;
    const p = this.pending.get(message.inReplyTo);
    if (!p) return;
    this.pending.delete(message.inReplyTo);
    clearTimeout(p.timer);
    p.resolve(message);
  }

  /** Reject every request still waiting (the panel or the webview goes away). */
  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new Error("the channel was closed"));
    }
    this.ready = false;
  }
}
