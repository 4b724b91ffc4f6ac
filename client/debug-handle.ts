/**
 * `window.__atalaya`: the live map and stores, for end-to-end tests and for debugging from the
 * browser console. Not an API: nothing in the app reads it.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { MapboxOverlay } from '@deck.gl/mapbox';
import type { AppState } from './state/app-state.js';
import type { RuntimeState } from './state/runtime-state.js';
import type { Store } from './state/store.js';

export interface AtalayaDebugHandle {
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  map: MapLibreMap | null;
  overlay: MapboxOverlay | null;
}

declare global {
  interface Window {
    __atalaya?: AtalayaDebugHandle;
  }
}
