/**
 * A minimal observable store: one immutable state value, shallow-merged updates, synchronous
 * listeners. Enough for a dashboard whose state fits in one object; no library needed.
 */
export interface Store<S extends object> {
  get(): S;
  /** Shallow-merges the update; listeners run only if some top-level field changed identity. */
  set(update: Partial<S> | ((state: S) => Partial<S>)): void;
  /** Calls the listener after every change with the new and the previous state; returns an unsubscribe. */
  subscribe(listener: (state: S, previous: S) => void): () => void;
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S, previous: S) => void>();
  return {
    get: () => state,
    set(update) {
      const patch = typeof update === 'function' ? update(state) : update;
      const changed = (Object.keys(patch) as (keyof S)[]).some((key) => patch[key] !== state[key]);
      if (!changed) return;
      const previous = state;
      state = { ...state, ...patch };
      for (const listener of listeners) listener(state, previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
