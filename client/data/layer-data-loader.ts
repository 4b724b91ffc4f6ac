/**
 * Loads what the data layers need, when they need it: the cameras once the cameras overlay is on
 * (or a link selects a camera), the incident density whenever its query changes (zoom, view at
 * fine grids, time window, categories), and the histogram behind the time slider. Answers land in
 * the runtime store; the map and panels draw from there. A newer query aborts the older one.
 */
import type { AppState } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { getJson } from './api-client.js';
import { densityQuery, densityUrl, histogramUrl, timeDomain } from './density-query.js';
import type { AlertSummary } from '../charts/thermal-annotations.js';
import type { ReadingSeries } from '../charts/thermal-series.js';
import type { CameraCollection } from './camera-features.js';
import type { IncidentDensity } from './incident-aggregates.js';
import { volcanoWatch } from './volcano-watch.js';
import type { LiveData } from './live-data.js';

/** Wait this long after the last change before asking for a new density (a slider drag, a zoom). */
const DENSITY_DEBOUNCE_MS = 120;
/** Move the slider's domain forward this often, so "the last 30 days" stays the last 30 days. */
const DOMAIN_REFRESH_MS = 10 * 60_000;
/** How often the volcanoes' alert levels and latest temperatures are read again. */
const WATCH_REFRESH_MS = 60_000;
/** How far back a camera's newest reading may be to count as "latest" (its time is shown with it). */
const LATEST_READING_MS = 3 * 3_600_000;

type LiveKey = 'cameras' | 'density' | 'histogram' | 'volcanoWatch';

export interface LayerDataLoader {
  /** Retries whatever failed (after the server comes back). */
  retry(): void;
  stop(): void;
}

export function startLayerDataLoader(app: Store<AppState>, runtime: Store<RuntimeState>): LayerDataLoader {
  const inflight: Partial<Record<LiveKey, AbortController>> = {};
  let densityTimer: ReturnType<typeof setTimeout> | undefined;

  const setLive = <K extends LiveKey>(key: K, patch: Partial<LiveData<NonNullable<RuntimeState[K]['data']>>>) =>
    runtime.set((rt) => ({ [key]: { ...rt[key], ...patch } }) as Partial<RuntimeState>);

  async function load<K extends LiveKey>(key: K, url: string): Promise<void> {
    inflight[key]?.abort();
    const controller = new AbortController();
    inflight[key] = controller;
    setLive(key, { status: 'loading', error: null });
    try {
      const data = await getJson<NonNullable<RuntimeState[K]['data']>>(url, controller.signal);
      if (controller.signal.aborted) return;
      setLive(key, { status: 'ready', data, key: url, error: null } as Partial<
        LiveData<NonNullable<RuntimeState[K]['data']>>
      >);
    } catch (error) {
      if (controller.signal.aborted) return;
      setLive(key, { status: 'error', error: error instanceof Error ? error.message : String(error) });
    } finally {
      if (inflight[key] === controller) delete inflight[key];
    }
  }

  const wanted = (state: AppState, rt: RuntimeState) => {
    const density = state.overlays.has('density');
    return {
      cameras: state.overlays.has('cameras') || state.selection?.kind === 'camera' ? '/api/cameras' : null,
      density:
        density && state.incidentCategories.size > 0
          ? densityUrl(densityQuery(state, rt.timeDomain, rt.viewBounds))
          : null,
      histogram: density ? histogramUrl(state, rt.timeDomain) : null,
    };
  };

  /** The key each live dataset was last asked for, so an unchanged query is not asked again. */
  const asked: Record<Exclude<LiveKey, 'volcanoWatch'>, string | null> = {
    cameras: null,
    density: null,
    histogram: null,
  };

  const sync = (force = false) => {
    const state = app.get();
    const rt = runtime.get();
    const want = wanted(state, rt);
    if (want.cameras && (force || asked.cameras !== want.cameras) && rt.cameras.status !== 'ready') {
      asked.cameras = want.cameras;
      void load('cameras', want.cameras);
    }
    if (want.histogram && (force || asked.histogram !== want.histogram)) {
      asked.histogram = want.histogram;
      void load('histogram', want.histogram);
    }
    if (state.overlays.has('density') && state.incidentCategories.size === 0 && asked.density !== 'none') {
      // Nothing to count: an empty answer, without asking the server.
      asked.density = 'none';
      inflight.density?.abort();
      setLive('density', { status: 'ready', data: emptyDensity(), key: 'none', error: null });
    }
    if (want.density && (force || asked.density !== want.density)) {
      asked.density = want.density;
      const url = want.density;
      clearTimeout(densityTimer);
      densityTimer = setTimeout(() => void load('density', url), DENSITY_DEBOUNCE_MS);
    }
  };

  const unsubscribeApp = app.subscribe((state) => {
    // The slider leaves with the density layer; so does its playback.
    if (!state.overlays.has('density') && runtime.get().playing) runtime.set({ playing: false });
    sync();
  });
  const unsubscribeRuntime = runtime.subscribe((rt, previous) => {
    if (rt.viewBounds !== previous.viewBounds || rt.timeDomain !== previous.timeDomain) sync();
    if (rt.health === 'ok' && previous.health === 'unreachable') retry();
  });
  // Volcano watch: the thermal cameras once, then every minute the firing alerts and each camera's
  // newest reading (one small request per camera: a few dozen a minute).
  let thermalCameras: CameraCollection | null = null;
  let watchController: AbortController | null = null;
  const loadWatch = async () => {
    if (!app.get().overlays.has('volcanoes')) return;
    watchController?.abort();
    const controller = new AbortController();
    watchController = controller;
    const signal = controller.signal;
    if (runtime.get().volcanoWatch.status !== 'ready') setLive('volcanoWatch', { status: 'loading', error: null });
    try {
      thermalCameras ??= await getJson<CameraCollection>('/api/cameras?kind=thermal', signal);
      const to = Date.now();
      const from = to - LATEST_READING_MS;
      const [alerts, series] = await Promise.all([
        getJson<{ alerts: AlertSummary[] }>(
          '/api/alerts?state=firing&kind=thermal_threshold,thermal_rate,thermal_anomaly&limit=1000',
          signal,
        ).catch((error: unknown) => {
          if (signal.aborted) throw error;
          return { alerts: [] };
        }),
        Promise.all(
          thermalCameras.features.map((c) =>
            getJson<ReadingSeries>(
              `/api/cameras/${encodeURIComponent(c.properties.externalId)}/readings?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&maxBuckets=10`,
              signal,
            ).catch(() => null),
          ),
        ),
      ]);
      const latest = new Map<string, { t: number; valueC: number }>();
      for (const s of series) {
        const bucket = s ? [...s.buckets].reverse().find((b) => b.n > 0 && b.max !== null) : undefined;
        if (s && bucket) latest.set(s.cameraId, { t: Date.parse(bucket.t), valueC: bucket.max! });
      }
      if (signal.aborted) return;
      setLive('volcanoWatch', {
        status: 'ready',
        data: volcanoWatch(thermalCameras, alerts.alerts, latest),
        key: String(to),
        error: null,
      });
    } catch (error) {
      if (signal.aborted) return;
      setLive('volcanoWatch', { status: 'error', error: error instanceof Error ? error.message : String(error) });
    }
  };
  const watchTimer = setInterval(() => void loadWatch(), WATCH_REFRESH_MS);
  const unsubscribeWatch = app.subscribe((state, previous) => {
    if (state.overlays.has('volcanoes') && !previous.overlays.has('volcanoes')) void loadWatch();
  });
  // The first load waits for the map's first complete draw: the watch (a request per thermal
  // camera, then a restyle of the volcano rings and labels) is not needed to draw it, and on a cold
  // load under software WebGL it competed with the map for the main thread.
  let unsubscribeMapReady: (() => void) | null = null;
  if (runtime.get().mapReady) void loadWatch();
  else {
    unsubscribeMapReady = runtime.subscribe((rt) => {
      if (!rt.mapReady) return;
      unsubscribeMapReady?.();
      unsubscribeMapReady = null;
      void loadWatch();
    });
  }

  runtime.set({ timeDomain: timeDomain(Date.now(), app.get().timeWindow) });
  const domainTimer = setInterval(
    () => runtime.set({ timeDomain: timeDomain(Date.now(), app.get().timeWindow) }),
    DOMAIN_REFRESH_MS,
  );
  sync();

  function retry() {
    const rt = runtime.get();
    if (rt.cameras.status === 'error' || rt.density.status === 'error' || rt.histogram.status === 'error') {
      sync(true);
    }
    if (rt.volcanoWatch.status === 'error') void loadWatch();
  }

  return {
    retry,
    stop() {
      unsubscribeApp();
      unsubscribeRuntime();
      clearInterval(domainTimer);
      clearInterval(watchTimer);
      unsubscribeWatch();
      unsubscribeMapReady?.();
      watchController?.abort();
      clearTimeout(densityTimer);
      for (const controller of Object.values(inflight)) controller?.abort();
    },
  };
}

function emptyDensity(): IncidentDensity {
  return { res: 0, from: null, to: null, total: 0, synthetic: 0, cells: [] };
}
