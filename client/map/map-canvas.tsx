/** The map's element; mounts the MapLibre map once and hands its controller to the app. */
import { useEffect, useRef } from 'preact/hooks';
import type { AppState } from '../state/app-state.js';
import { whenReferenceDataSettled } from '../data/load-reference-data.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { mountMap, type MapController } from './map-controller.js';

export interface MapCanvasProps {
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  viewFromUrl: boolean;
  onReady: (controller: MapController) => void;
}

/**
 * How long the map waits for the reference data before it starts without them, ms. Created with
 * the data in its first style, the map's worker tiles each layer once; created before, it drew
 * empty layers, then parsed and tiled everything again when the data came (~0.4 s more on a cold
 * load under software WebGL). The data are requested before the page's main script is parsed
 * (main.tsx), so on a normal connection the wait is nil.
 */
export const REFERENCE_DATA_WAIT_MS = 1500;

export function MapCanvas({ app, runtime, viewFromUrl, onReady }: MapCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let controller: MapController | null = null;
    let unmounted = false;
    void whenReferenceDataSettled(runtime, REFERENCE_DATA_WAIT_MS).then(() => {
      if (unmounted || !container.current) return;
      controller = mountMap({ container: container.current, app, runtime, viewFromUrl });
      onReady(controller);
    });
    return () => {
      unmounted = true;
      controller?.destroy();
    };
    // Mount once: the controller follows the stores itself.
  }, []);
  return <div id="map" class="map" ref={container} />;
}
