/**
 * The figure per regional center's area that the region choropleth draws, for the measure chosen
 * in the layer panel:
 *
 * - `incidents`: incidents per km² in the density layer's time window and categories
 *   (GET /api/regions/incidents: count inside the region ÷ the region's official area);
 * - `coverage`: the share of the region's area that at least one online camera sees, percent
 *   (GET /api/coverage, `regions[].coveredAreaPct`; null where the terrain model has no cells);
 * - `alerts`: alerts open now (firing, pending or in error) in the region, live from the alert
 *   feed: a `region:<centerId>` scope names its region, any other alert counts where its position
 *   falls.
 *
 * Pure functions turn each answer into values by center id; startRegionStatsLoader keeps
 * `runtime.regionStats` in step with the state.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { INCIDENT_CATEGORIES, type AppState, type IncidentCategory, type TimeWindow } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { OPEN_STATES, type Alert } from './alert-list.js';
import { getJson } from './api-client.js';
import type { CoverageReport } from './coverage-client.js';
import type { LiveData } from './live-data.js';
import type { RegionCollection } from './reference-features.js';

/** What the region choropleth can colour the regions by. */
export const REGION_MEASURES = ['incidents', 'coverage', 'alerts'] as const;
export type RegionMeasure = (typeof REGION_MEASURES)[number];

export function isRegionMeasure(value: string): value is RegionMeasure {
  return (REGION_MEASURES as readonly string[]).includes(value);
}

/** The figures of one measure, by regional center id; null where the region has no figure. */
export interface RegionValues {
  measure: RegionMeasure;
  values: Readonly<Record<string, number | null>>;
  /** For `incidents`: the window counted, and how many of the counted incidents are synthetic. */
  window?: TimeWindow;
  synthetic?: number;
}

/** GET /api/regions/incidents (server/api/region-stats-routes.ts). */
export interface RegionIncidentsAnswer {
  from: string;
  to: string;
  category: IncidentCategory[] | null;
  total: number;
  synthetic: number;
  regions: {
    centerId: string;
    name: string;
    areaKm2: number;
    incidents: number;
    synthetic: number;
    perKm2: number;
  }[];
}

/**
 * The request for incidents per region: the state's time window (or the slider's whole domain) and
 * its categories (absent when all). Null when no category is chosen: there is nothing to count.
 */
export function regionIncidentsUrl(
  state: Pick<AppState, 'incidentCategories' | 'timeWindow'>,
  domain: TimeWindow,
): string | null {
  if (state.incidentCategories.size === 0) return null;
  const window = state.timeWindow ?? domain;
  const params = new URLSearchParams({
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
  });
  if (!INCIDENT_CATEGORIES.every((c) => state.incidentCategories.has(c))) {
    params.set('category', INCIDENT_CATEGORIES.filter((c) => state.incidentCategories.has(c)).join(','));
  }
  return `/api/regions/incidents?${params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':')}`;
}

/** Incidents per km² by center id, from the API's answer. */
export function incidentValues(answer: RegionIncidentsAnswer): RegionValues {
  return {
    measure: 'incidents',
    values: Object.fromEntries(answer.regions.map((r) => [r.centerId, r.perKm2])),
    window: { from: Date.parse(answer.from), to: Date.parse(answer.to) },
    synthetic: answer.synthetic,
  };
}

/** Every region at zero incidents (no category chosen), for the regions of the loaded data. */
export function noIncidentValues(regions: RegionCollection, window: TimeWindow): RegionValues {
  return {
    measure: 'incidents',
    values: Object.fromEntries(regions.features.map((f) => [f.properties.centerId, 0])),
    window,
    synthetic: 0,
  };
}

/** Percent of each region's area seen by at least one online camera, by center id. */
export function coverageValues(report: Pick<CoverageReport, 'regions'>): RegionValues {
  return {
    measure: 'coverage',
    values: Object.fromEntries(report.regions.map((r) => [r.id, r.coveredAreaPct])),
  };
}

/**
 * Open alerts (OPEN_STATES) per region, 0 for a region without any. An alert scoped to a region
 * (`region:<centerId>`) counts there; any other counts in the region its position falls in, and
 * not at all when it has no position or falls outside every region.
 */
export function openAlertValues(alerts: Iterable<Alert>, regions: RegionCollection): RegionValues {
  const values: Record<string, number> = Object.fromEntries(
    regions.features.map((f) => [f.properties.centerId, 0]),
  );
  for (const alert of alerts) {
    if (!OPEN_STATES.includes(alert.state)) continue;
    const region = regionOfAlert(alert, regions);
    if (region !== null && region in values) values[region] = values[region]! + 1;
  }
  return { measure: 'alerts', values };
}

function regionOfAlert(alert: Pick<Alert, 'scopeKey' | 'position'>, regions: RegionCollection): string | null {
  const [type, id] = alert.scopeKey.split(':');
  if (type === 'region' && id) return id;
  if (!alert.position) return null;
  const position = alert.position;
  const hit = regions.features.find((f) => booleanPointInPolygon(position, f));
  return hit ? hit.properties.centerId : null;
}

/** Wait this long after the last change before asking again (a slider drag, category clicks). */
const DEBOUNCE_MS = 150;
/** Coverage changes only when cameras do: read it again after this long. */
const COVERAGE_REFRESH_MS = 10 * 60_000;

export interface RegionStatsLoader {
  stop(): void;
}

/**
 * Keeps `runtime.regionStats` holding the figures of the chosen measure while the regions overlay
 * is on: incidents asked again when the window or categories change, coverage read once (then
 * every COVERAGE_REFRESH_MS), open alerts recounted at each change of the alert feed.
 */
export function startRegionStatsLoader(app: Store<AppState>, runtime: Store<RuntimeState>): RegionStatsLoader {
  let inflight: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked: string | null = null;
  let coverageAt = 0;

  const set = (patch: Partial<LiveData<RegionValues>>) =>
    runtime.set((rt) => ({ regionStats: { ...rt.regionStats, ...patch } }));

  const fetchValues = (key: string, url: string, toValues: (answer: never) => RegionValues) => {
    clearTimeout(timer);
    inflight?.abort();
    const controller = new AbortController();
    inflight = controller;
    set({ status: 'loading', error: null });
    timer = setTimeout(() => {
      getJson<never>(url, controller.signal)
        .then((answer) => {
          if (controller.signal.aborted) return;
          set({ status: 'ready', data: toValues(answer), key, error: null });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          asked = null;
          set({ status: 'error', error: error instanceof Error ? error.message : String(error) });
        });
    }, DEBOUNCE_MS);
  };

  const sync = () => {
    const state = app.get();
    const rt = runtime.get();
    const measure = state.regionMeasure;
    if (!measure || !state.overlays.has('regions')) {
      asked = null;
      return;
    }
    const regions = rt.datasets.regions.status === 'ready' ? rt.datasets.regions.data : null;
    if (measure === 'incidents') {
      const window = state.timeWindow ?? rt.timeDomain;
      const url = regionIncidentsUrl(state, rt.timeDomain);
      const key = url ?? `incidents:none:${window.from}:${window.to}`;
      if (key === asked) return;
      if (url) {
        asked = key;
        fetchValues(key, url, (answer: RegionIncidentsAnswer) => incidentValues(answer));
      } else if (regions) {
        asked = key;
        inflight?.abort();
        set({ status: 'ready', data: noIncidentValues(regions, window), key, error: null });
      }
    } else if (measure === 'coverage') {
      const stale = Date.now() - coverageAt > COVERAGE_REFRESH_MS;
      if (asked === 'coverage' && !stale) return;
      asked = 'coverage';
      coverageAt = Date.now();
      fetchValues('coverage', '/api/coverage', (answer: CoverageReport) => coverageValues(answer));
    } else {
      if (!regions) return;
      const key = 'alerts';
      asked = key;
      inflight?.abort();
      set({ status: 'ready', data: openAlertValues(rt.alerts.list.byId.values(), regions), key, error: null });
    }
  };

  const unsubscribeApp = app.subscribe((state, previous) => {
    if (
      state.regionMeasure !== previous.regionMeasure ||
      state.overlays !== previous.overlays ||
      state.timeWindow !== previous.timeWindow ||
      state.incidentCategories !== previous.incidentCategories
    ) {
      sync();
    }
  });
  const unsubscribeRuntime = runtime.subscribe((rt, previous) => {
    const alertsChanged = rt.alerts.list !== previous.alerts.list && app.get().regionMeasure === 'alerts';
    const serverBack = rt.health === 'ok' && previous.health === 'unreachable';
    if (serverBack && rt.regionStats.status === 'error') asked = null;
    if (
      alertsChanged ||
      serverBack ||
      rt.timeDomain !== previous.timeDomain ||
      rt.datasets.regions !== previous.datasets.regions
    ) {
      if (alertsChanged) asked = null;
      sync();
    }
  });
  const refresh = setInterval(() => {
    if (app.get().regionMeasure === 'coverage') sync();
  }, COVERAGE_REFRESH_MS);
  sync();

  return {
    stop() {
      unsubscribeApp();
      unsubscribeRuntime();
      clearInterval(refresh);
      clearTimeout(timer);
      inflight?.abort();
    },
  };
}
