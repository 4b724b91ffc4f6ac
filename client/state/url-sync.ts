/**
 * Keeps the address bar and the app state in step: state changes replace the fragment (no history
 * entry per pan), and an edited fragment or the back button updates the state.
 */
import type { AppState } from './app-state.js';
import type { Store } from './store.js';
import { decodeState, encodeState } from './url-codec.js';

export function syncUrlWithStore(store: Store<AppState>): () => void {
  const write = (state: AppState) => {
    const fragment = encodeState(state);
    if (window.location.hash !== fragment) {
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${window.location.search}${fragment}`,
      );
    }
  };
  const onHashChange = () => {
    const decoded = decodeState(window.location.hash);
    store.set(decoded);
  };
  const unsubscribe = store.subscribe((state) => write(state));
  window.addEventListener('hashchange', onHashChange);
  write(store.get());
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
  };
}
