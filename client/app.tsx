/** The page: header, alerts, the layer sidebar, the map with its info panel. */
import { useCallback, useState } from 'preact/hooks';
import type { HealthMonitor } from './data/health-monitor.js';
import { loadReferenceData, failedDatasets } from './data/load-reference-data.js';
import type { ReferenceData } from './data/reference-features.js';
import { t } from './i18n.js';
import { MapCanvas } from './map/map-canvas.js';
import type { MapController } from './map/map-controller.js';
import { FeatureInfo } from './panels/feature-info.js';
import { Header } from './panels/header.js';
import { LayerPanel } from './panels/layer-panel.js';
import { LoadingIndicator } from './panels/loading-indicator.js';
import { ServerBanner } from './panels/server-banner.js';
import type { AppState, Selection } from './state/app-state.js';
import { readyData, type RuntimeState } from './state/runtime-state.js';
import type { Store } from './state/store.js';
import { useStore } from './state/use-store.js';

export interface AppProps {
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  health: HealthMonitor;
  viewFromUrl: boolean;
}

export function App({ app, runtime, health, viewFromUrl }: AppProps) {
  const state = useStore(app);
  const rt = useStore(runtime);
  const [controller, setController] = useState<MapController | null>(null);
  const { language } = state;

  const onReady = useCallback(
    (c: MapController) => {
      setController(c);
      if (window.__atalaya) {
        window.__atalaya.map = c.map;
        window.__atalaya.overlay = c.overlay;
      }
    },
    [setController],
  );
  const select = useCallback(
    (selection: Selection) => {
      app.set({ selection });
      controller?.focusSelection(selection);
    },
    [app, controller],
  );
  const close = useCallback(() => app.set({ selection: null }), [app]);
  const retry = useCallback(() => {
    void health.checkNow();
    const failed = failedDatasets(runtime.get());
    if (failed.length > 0) void loadReferenceData(runtime, failed);
  }, [health, runtime]);

  const d = rt.datasets;
  const data: ReferenceData = {
    provinces: readyData(d.provinces) ?? { type: 'FeatureCollection', features: [] },
    regions: readyData(d.regions) ?? { type: 'FeatureCollection', features: [] },
    centers: readyData(d.centers) ?? { type: 'FeatureCollection', features: [] },
    volcanoes: readyData(d.volcanoes) ?? { type: 'FeatureCollection', features: [] },
  };

  return (
    <div class="app">
      <a class="skip-link" href="#map" onClick={() => controller?.map.getCanvas().focus()}>
        {t(language, 'app.skipToMap')}
      </a>
      <Header app={app} language={language} health={rt.health} />
      <ServerBanner language={language} runtime={rt} onRetry={retry} />
      <div class="workspace">
        <LayerPanel
          app={app}
          state={state}
          runtime={rt}
          onGoTo={(preset) => controller?.goTo(preset)}
          onSelect={select}
        />
        <main class="map-area">
          <MapCanvas app={app} runtime={runtime} viewFromUrl={viewFromUrl} onReady={onReady} />
          <LoadingIndicator language={language} runtime={rt} />
          {state.selection ? (
            <FeatureInfo
              language={language}
              selection={state.selection}
              data={data}
              onClose={close}
              onSelect={select}
            />
          ) : null}
        </main>
      </div>
    </div>
  );
}
