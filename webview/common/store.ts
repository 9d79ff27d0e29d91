// One store per webview: its state, replaced (never edited) by update(), which only the webview's actions
// call; everyone else reads it as DeepReadonly, so a view or drawing function that writes to the state
// fails typecheck. Subscribers (the webview's render) are told of every update and of what changed.
// Pure: no DOM, so that the unit tests can run it.

/**
 * T, read-only at every depth (arrays and tuples become read-only arrays and tuples). Typed arrays and
 * functions pass through as they are: TypeScript has no read-only Float32Array, and the attention matrices
 * are never written after they arrive.
 */
export type DeepReadonly<T> = T extends ArrayBufferView | ((...args: never[]) => unknown)
  ? T
  : T extends ReadonlyMap<infer K, infer V>
    ? ReadonlyMap<DeepReadonly<K>, DeepReadonly<V>>
    : T extends ReadonlySet<infer V>
      ? ReadonlySet<DeepReadonly<V>>
      : T extends object
        ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
        : T;

/** Some of the state's fields, new values for them: a function gets the state as it is now. */
export type Patch<S> = Partial<DeepReadonly<S>> | ((s: DeepReadonly<S>) => Partial<DeepReadonly<S>>);

export type Listener<S, C> = (state: DeepReadonly<S>, change: C) => void;

export interface Store<S, C> {
  /** the state now; a new object after every update, so that a reference comparison tells what changed */
  get(): DeepReadonly<S>;
  /** replaces the fields the patch names, then tells every subscriber, in the order they subscribed */
  update(patch: Patch<S>, change: C): void;
  /** returns the function that unsubscribes */
  subscribe(listener: Listener<S, C>): () => void;
}

/**
 * `C` names what an update changed, so that render redraws only what depends on it. An update made while
 * the subscribers run (a view's focus() fires a handler that calls an action) is applied at once and told
 * when the current round is over, so that every subscriber sees the updates in the order they were made.
 */
export function createStore<S extends object, C>(initial: DeepReadonly<S>): Store<S, C> {
  let state = initial;
  const listeners = new Set<Listener<S, C>>();
  const untold: C[] = [];
  let telling = false;
  return {
    get: () => state,
    update(patch, change) {
      const fields = typeof patch === "function" ? patch(state) : patch;
      state = { ...state, ...fields };
      untold.push(change);
      if (telling) return;
      telling = true;
      try {
        while (untold.length > 0) {
          const c = untold.shift()!;
          const now = state;
          for (const l of [...listeners]) l(now, c);
        }
      } finally {
        telling = false;
        untold.length = 0;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
