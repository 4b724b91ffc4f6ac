/**
 * The page: header, alerts, the layer sidebar, the map with its info panel, and under the map the
 * docks of the thermal chart (a monitored volcano selected) and the density time slider.
 */
import type { Feature, Point } from 'geojson';
import { useCallback, useState } from 'preact/hooks';
import type { HealthMonitor } from './data/health-monitor.js';
import type { LayerDataLoader } from './data/layer-data-loader.js';
import { loadReferenceData, failedDatasets } from './data/load-reference-data.js';
import type { ReferenceData, VolcanoProperties } from './data/reference-features.js';
import { t } from './i18n.js';
import { MapCanvas } from './map/map-canvas.js';
import type { MapController } from './map/map-controller.js';
import { FeatureInfo } from './panels/feature-info.js';
import { Header } from './panels/header.js';
import { LayerPanel } from './panels/layer-panel.js';
import { LoadingIndicator } from './panels/loading-indicator.js';
import { ServerBanner } from './panels/server-banner.js';
import { ThermalPanel } from './panels/thermal-panel.js';
import { TimeSlider } from './panels/time-slider.js';
import { VIEW_PRESETS } from './map/view-presets.js';
import type { AppState, Selection } from './state/app-state.js';
import { readyData, type RuntimeState } from './state/runtime-state.js';
import type { Store } from './state/store.js';
import { useStore } from './state/use-store.js';

export interface AppProps {
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  health: HealthMonitor;
  loader: LayerDataLoader;
  viewFromUrl: boolean;
}

export function App({ app, runtime, health, loader, viewFromUrl }: AppProps) {
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
    loader.retry();
  }, [health, runtime, loader]);

  const d = rt.datasets;
  const data: ReferenceData = {
    provinces: readyData(d.provinces) ?? { type: 'FeatureCollection', features: [] },
    regions: readyData(d.regions) ?? { type: 'FeatureCollection', features: [] },
    centers: readyData(d.centers) ?? { type: 'FeatureCollection', features: [] },
    volcanoes: readyData(d.volcanoes) ?? { type: 'FeatureCollection', features: [] },
  };
  const selection = state.selection;
  const thermalVolcano: Feature<Point, VolcanoProperties> | undefined =
    selection?.kind === 'volcano'
      ? data.volcanoes.features.find(
          (f) => String(f.properties.gvpNumber) === selection.id && f.properties.monitored,
        )
      : undefined;
  const terrainUnknownInView =
    state.overlays.has('terrain') && intersects(rt.viewBounds, VIEW_PRESETS.galapagos);

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
          <div class="map-stage">
            <MapCanvas app={app} runtime={runtime} viewFromUrl={viewFromUrl} onReady={onReady} />
            <LoadingIndicator language={language} runtime={rt} />
            {terrainUnknownInView ? (
              <p class="map-note" role="note" data-testid="terrain-note">
                {t(language, 'terrain.galapagosNote')}
              </p>
            ) : null}
            {selection ? (
              <FeatureInfo
                language={language}
                selection={selection}
                data={data}
                cameras={rt.cameras.data}
                camerasLoading={rt.cameras.status === 'loading' || rt.cameras.status === 'idle'}
                volcanoWatch={rt.volcanoWatch.data}
                onClose={close}
                onSelect={select}
              />
            ) : null}
          </div>
          {thermalVolcano ? (
            <ThermalPanel
              language={language}
              volcano={thermalVolcano}
              range={state.thermalRange}
              onRange={(thermalRange) => app.set({ thermalRange })}
            />
          ) : null}
          {state.overlays.has('density') ? (
            <TimeSlider app={app} runtime={runtime} state={state} rt={rt} />
          ) : null}
        </main>
      </div>
    </div>
  );
}

/** Whether two [west, south, east, north] boxes overlap. */
function intersects(
  a: [number, number, number, number] | null,
  b: readonly [number, number, number, number],
): boolean {
  if (!a) return false;
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}
