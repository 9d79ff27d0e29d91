// The VS Code webview API, acquired once, and the webview's end of its messaging channel
// (src/shared/messaging.ts): the extension listens from the start, so the channel is ready at once.
import { Channel } from "../../src/shared/messaging";

export interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** what the extension has this long to answer "ready" before the webview says it is not answering */
export const READY_TIMEOUT_MS = 15000;

export function connect<S, Out, In>(): { api: VsCodeApi<S>; channel: Channel<Out, In> } {
  const api = acquireVsCodeApi<S>();
  return { api, channel: new Channel<Out, In>((m) => api.postMessage(m)) };
}
