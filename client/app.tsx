/**
 * The page: header, alerts, the layer sidebar, the map with its info panel, and under the map the
 * docks of the thermal chart (a monitored volcano selected) and the density time slider; right of
 * the map the alerts panel. When the server lets only token holders read, a sign-in card covers
 * the workspace until the user signs in.
 */
import type { Feature, Point } from 'geojson';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { startAlertFeed, type AlertFeedController } from './data/alert-stream.js';
import { loadSession, needsSignIn } from './data/session.js';
import { startRegionStatsLoader } from './data/region-stats.js';
import type { HealthMonitor } from './data/health-monitor.js';
import type { LayerDataLoader } from './data/layer-data-loader.js';
import { loadReferenceData, failedDatasets } from './data/load-reference-data.js';
import type { ReferenceData, VolcanoProperties } from './data/reference-features.js';
import { t } from './i18n.js';
import { MapCanvas } from './map/map-canvas.js';
import type { MapController } from './map/map-controller.js';
import { FeatureInfo } from './panels/feature-info.js';
import { AlertsPanel, AlertsToggle } from './panels/alerts-panel.js';
import { Header } from './panels/header.js';
import { ExportMenu } from './panels/export-menu.js';
import { SignInControl, SignInGate } from './panels/sign-in.js';
import { LayerPanel } from './panels/layer-panel.js';
import { PlannerPanel } from './panels/planner-panel.js';
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
  const [alertFeed, setAlertFeed] = useState<AlertFeedController | null>(null);
  const { language } = state;

  // Who the page acts as, then the alerts live (the stream waits for the session).
  useEffect(() => {
    void loadSession(runtime);
    const feed = startAlertFeed(runtime);
    setAlertFeed(feed);
    return () => feed.stop();
  }, [runtime]);
  // The figures the region choropleth draws, for the measure chosen in the layer panel.
  useEffect(() => {
    const loader = startRegionStatsLoader(app, runtime);
    return () => loader.stop();
  }, [app, runtime]);

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
  const signInFirst = needsSignIn(rt.session);
  const locateAlert = (position: [number, number]) =>
    controller?.map.easeTo({ center: position, zoom: Math.max(controller.map.getZoom(), 8), duration: 600 });
  const terrainUnknownInView =
    state.overlays.has('terrain') && intersects(rt.viewBounds, VIEW_PRESETS.galapagos);

  return (
    <div class="app">
      <a class="skip-link" href="#map" onClick={() => controller?.map.getCanvas().focus()}>
        {t(language, 'app.skipToMap')}
      </a>
      <Header app={app} language={language} health={rt.health}>
        {signInFirst ? null : <AlertsToggle app={app} state={state} rt={rt} />}
        {signInFirst ? null : (
          <ExportMenu language={language} state={state} rt={rt} map={controller?.map ?? null} />
        )}
        {signInFirst ? null : (
          <SignInControl language={language} runtime={runtime} session={rt.session} onSignedIn={retry} />
        )}
      </Header>
      {signInFirst ? null : <ServerBanner language={language} runtime={rt} onRetry={retry} />}
      <div class="workspace">
        {signInFirst ? <SignInGate language={language} runtime={runtime} onSignedIn={retry} /> : null}
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
            {state.overlays.has('coverage') && !signInFirst ? (
              <PlannerPanel
                app={app}
                runtime={runtime}
                state={state}
                rt={rt}
                reference={data}
                onSelect={select}
                onFlyTo={(center, zoom) =>
                  controller?.map.easeTo({
                    center,
                    zoom: Math.max(controller.map.getZoom(), zoom),
                    duration: 600,
                  })
                }
              />
            ) : null}
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
        {state.alertPanel && !signInFirst ? (
          <AlertsPanel
            app={app}
            state={state}
            runtime={runtime}
            rt={rt}
            onRetry={() => alertFeed?.reload()}
            onLocate={locateAlert}
          />
        ) : null}
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
