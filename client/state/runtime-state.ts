/**
 * What the page knows at run time but does not put in links: the reference data as it loads, the
 * server's health, whether the map has finished its first render, and the data layers load on
 * demand (cameras, incident density and its histogram).
 */
import { INITIAL_ALERT_FEED, type AlertFeed } from '../data/alert-stream.js';
import type { CameraCollection } from '../data/camera-features.js';
import type { IncidentDensity, IncidentHistogram } from '../data/incident-aggregates.js';
import { idle, type LiveData } from '../data/live-data.js';
import type { ReferenceData } from '../data/reference-features.js';
import type { RegionValues } from '../data/region-stats.js';
import type { VolcanoWatchMap } from '../data/volcano-watch.js';
import { timeDomain } from '../data/density-query.js';
import { INITIAL_SESSION, type SessionState } from '../data/session.js';
import { INITIAL_PLANNER, type PlannerRuntime } from '../panels/planner-state.js';
import type { TimeWindow } from './app-state.js';

export type Dataset<T> =
  { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; message: string };

export type ServerHealth = 'unknown' | 'ok' | 'unreachable';

export interface RuntimeState {
  datasets: { [K in keyof ReferenceData]: Dataset<ReferenceData[K]> };
  health: ServerHealth;
  /** ISO time of the last successful health check, for the banner. */
  lastHealthyAt: string | null;
  mapReady: boolean;
  /** The map's visible bounds [west, south, east, north] after the last move; null before the first. */
  viewBounds: [number, number, number, number] | null;
  cameras: LiveData<CameraCollection>;
  density: LiveData<IncidentDensity>;
  histogram: LiveData<IncidentHistogram>;
  /** Alert level and latest temperature of the monitored volcanoes, refreshed every minute. */
  volcanoWatch: LiveData<VolcanoWatchMap>;
  /** The span of the time slider (data/density-query.ts, timeDomain). */
  timeDomain: TimeWindow;
  /** The time slider is animating its window. */
  playing: boolean;
  /** Who the page acts as (GET /api/session): anonymous or the signed-in token's role and permissions. */
  session: SessionState;
  /** The alerts, live from the SSE stream (data/alert-stream.ts). */
  alerts: AlertFeed;
  /** The coverage planner: its raster, figures and gaps, siting results and what-if scenario. */
  planner: PlannerRuntime;
  /** The figures the region choropleth draws, for the measure last asked (data/region-stats.ts). */
  regionStats: LiveData<RegionValues>;
}

export const INITIAL_RUNTIME_STATE: RuntimeState = {
  datasets: {
    provinces: { status: 'loading' },
    regions: { status: 'loading' },
    centers: { status: 'loading' },
    volcanoes: { status: 'loading' },
  },
  health: 'unknown',
  lastHealthyAt: null,
  mapReady: false,
  viewBounds: null,
  cameras: idle(),
  density: idle(),
  histogram: idle(),
  volcanoWatch: idle(),
  timeDomain: timeDomain(Date.now()),
  playing: false,
  session: INITIAL_SESSION,
  alerts: INITIAL_ALERT_FEED,
  planner: INITIAL_PLANNER,
  regionStats: idle(),
};

/** The dataset's data when ready, else undefined. */
export function readyData<T>(dataset: Dataset<T>): T | undefined {
  return dataset.status === 'ready' ? dataset.data : undefined;
}
