/** Preact binding: re-renders the component whenever the store changes. */
import { useEffect, useState } from 'preact/hooks';
import type { Store } from './store.js';

export function useStore<S extends object>(store: Store<S>): S {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe((next) => setState(next));
  }, [store]);
  return state;
}
