/** The map's element; mounts the MapLibre map once and hands its controller to the app. */
import { useEffect, useRef } from 'preact/hooks';
import type { AppState } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { mountMap, type MapController } from './map-controller.js';

export interface MapCanvasProps {
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  viewFromUrl: boolean;
  onReady: (controller: MapController) => void;
}

export function MapCanvas({ app, runtime, viewFromUrl, onReady }: MapCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    const controller = mountMap({ container: container.current, app, runtime, viewFromUrl });
    onReady(controller);
    return () => controller.destroy();
    // Mount once: the controller follows the stores itself.
  }, []);
  return <div id="map" class="map" ref={container} />;
}
