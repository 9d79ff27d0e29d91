// A model host for the controllers' tests: ModelHostPort with the methods a test answers (any other is
// the test's mistake and rejects), no process and no model. Each request is recorded, and a test may
// hold it (answer later) or fail it.
import type { HostStatus, ModelHostPort } from "../../src/client/modelHostClient";
import type { Method, Methods } from "../../src/shared/hostProtocol";
import type { CancelToken } from "../../src/shared/messaging";

export type FakeAnswers = { [M in Method]?: (params: Methods[M]["params"], token?: CancelToken) => Methods[M]["result"] | Promise<Methods[M]["result"]> };

/** One request as the fake received it. */
export interface FakeCall {
  method: Method;
  params: unknown;
  token?: CancelToken;
}

export interface FakeOptions<C extends FakeCall> {
  /** every request, in order */
  calls?: C[];
  /** wait before answering this call (undefined: answer at once) */
  hold?: (c: C) => Promise<void> | undefined;
  /** fail this call */
  fail?: (c: C) => Error | undefined;
  status?: HostStatus;
}

export function fakeModelHost<C extends FakeCall = FakeCall>(answers: FakeAnswers, opts: FakeOptions<C> = {}): ModelHostPort {
  return {
    currentStatus: opts.status ?? { state: "idle" },
    ensureReady: () => Promise.reject(new Error("the fake model host loads no model")),
    async request<M extends Method>(method: M, params: Methods[M]["params"], token?: CancelToken): Promise<Methods[M]["result"]> {
      const c = { method, params, token } as C;
      opts.calls?.push(c);
      await opts.hold?.(c);
      const err = opts.fail?.(c);
      if (err) throw err;
      const answer = answers[method] as FakeAnswers[M] | undefined;
      if (!answer) throw new Error(`the fake model host does not answer ${method}`);
      return answer(params, token);
    },
  };
}
