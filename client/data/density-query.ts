/**
 * What the density layer and its time slider ask the server for, from the app state: pure
 * functions, so that the URL a state produces is testable and doubles as the cache key.
 */
import {
  INCIDENT_CATEGORIES,
  type AppState,
  type IncidentCategory,
  type TimeWindow,
} from '../state/app-state.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How many days the time slider spans, ending at the next full hour. */
export const TIME_DOMAIN_DAYS = 30;

/**
 * Mean H3 hexagon edge length per resolution in metres (h3geo.org, "Tables of cell statistics
 * across resolutions", average edge length), for resolutions 3 to 8: the ones the API serves.
 */
export const H3_EDGE_M: Readonly<Record<number, number>> = {
  3: 59_810.86,
  4: 22_606.38,
  5: 8_544.41,
  6: 3_229.48,
  7: 1_220.63,
  8: 461.35,
};

/** Hexagons narrower than this many pixels (edge length) read as noise: the layer picks a coarser grid. */
export const MIN_HEX_EDGE_PX = 8;

/** Equatorial circumference of the WGS 84 ellipsoid, metres. */
const EARTH_CIRCUMFERENCE_M = 40_075_016.686;

/**
 * The finest H3 resolution (3 to 8) whose hexagons are at least MIN_HEX_EDGE_PX wide on screen at
 * this zoom (MapLibre's 512 px tiles) and latitude in degrees.
 */
export function h3ResolutionForZoom(zoom: number, latitude = 0): number {
  const metresPerPixel = (EARTH_CIRCUMFERENCE_M * Math.cos((latitude * Math.PI) / 180)) / (512 * 2 ** zoom);
  let res = 3;
  for (let r = 3; r <= 8; r++) {
    if (H3_EDGE_M[r]! / metresPerPixel >= MIN_HEX_EDGE_PX) res = r;
  }
  return res;
}

/**
 * The span of the time slider: TIME_DOMAIN_DAYS days ending at the next full hour after `nowMs`,
 * widened to include `window` when a link carries one from further back.
 */
export function timeDomain(nowMs: number, window: TimeWindow | null = null): TimeWindow {
  const to = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const from = to - TIME_DOMAIN_DAYS * DAY_MS;
  if (!window) return { from, to };
  return { from: Math.min(from, window.from), to: Math.max(to, window.to) };
}

export interface DensityQuery {
  res: number;
  from: number;
  to: number;
  /** Undefined for all categories. */
  categories: IncidentCategory[] | undefined;
  /** [west, south, east, north] in degrees, or undefined for the whole country. */
  bbox: [number, number, number, number] | undefined;
}

/**
 * Grid (degrees) the view's bbox snaps out to, per resolution: small pans reuse the same query.
 * Resolutions up to 5 ask for the whole country (at most a few thousand cells).
 */
const BBOX_SNAP_DEG: Readonly<Record<number, number>> = { 6: 1, 7: 0.5, 8: 0.25 };

/**
 * The density request for this state: resolution from the zoom, the state's time window (or the
 * whole domain), the categories, and for fine grids the view's bounds padded by half a screen each
 * way (cells cut by the bbox edge are then off screen, so no visible cell is undercounted).
 */
export function densityQuery(
  state: Pick<AppState, 'view' | 'incidentCategories' | 'timeWindow'>,
  domain: TimeWindow,
  viewBounds: [number, number, number, number] | null,
): DensityQuery {
  const res = h3ResolutionForZoom(state.view.zoom, state.view.center[1]);
  const window = state.timeWindow ?? domain;
  const all = INCIDENT_CATEGORIES.every((c) => state.incidentCategories.has(c));
  const snap = BBOX_SNAP_DEG[res];
  let bbox: DensityQuery['bbox'];
  if (snap !== undefined && viewBounds) {
    const [w, s, e, n] = viewBounds;
    const padX = (e - w) / 2;
    const padY = (n - s) / 2;
    // `+ 0` turns a -0 from Math.ceil into 0, so equal boxes print equally.
    bbox = [
      Math.max(-180, Math.floor((w - padX) / snap) * snap) + 0,
      Math.max(-90, Math.floor((s - padY) / snap) * snap) + 0,
      Math.min(180, Math.ceil((e + padX) / snap) * snap) + 0,
      Math.min(90, Math.ceil((n + padY) / snap) * snap) + 0,
    ];
  }
  return {
    res,
    from: window.from,
    to: window.to,
    categories: all ? undefined : INCIDENT_CATEGORIES.filter((c) => state.incidentCategories.has(c)),
    bbox,
  };
}

/** The request URL of a density query (also its cache key). */
export function densityUrl(query: DensityQuery): string {
  const params = new URLSearchParams({ res: String(query.res) });
  params.set('from', new Date(query.from).toISOString());
  params.set('to', new Date(query.to).toISOString());
  if (query.categories) params.set('category', query.categories.join(','));
  if (query.bbox) params.set('bbox', query.bbox.map((v) => +v.toFixed(4)).join(','));
  return `/api/incidents/density?${params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':')}`;
}

/** Histogram bucket width for a slider domain, seconds: hours up to 45 days, days beyond. */
export function histogramBucketSeconds(domain: TimeWindow): number {
  return domain.to - domain.from <= 45 * DAY_MS ? 3600 : 86400;
}

/** The histogram request behind the time slider: the whole domain, the selected categories. */
export function histogramUrl(
  state: Pick<AppState, 'incidentCategories'>,
  domain: TimeWindow,
): string {
  const params = new URLSearchParams({
    from: new Date(domain.from).toISOString(),
    to: new Date(domain.to).toISOString(),
    bucket: String(histogramBucketSeconds(domain)),
  });
  if (!INCIDENT_CATEGORIES.every((c) => state.incidentCategories.has(c))) {
    params.set('category', INCIDENT_CATEGORIES.filter((c) => state.incidentCategories.has(c)).join(','));
  }
  return `/api/incidents/histogram?${params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':')}`;
}
