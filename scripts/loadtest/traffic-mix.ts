/**
 * What the load test asks for: the requests of map clients (the URLs the client in client/data builds,
 * over random views of Ecuador's cities at zooms 6–13) and of the gateways that forward the thermal
 * readings. Each class is driven by its own autocannon instance at its share of the offered rate, so
 * its latency is measured on its own.
 *
 * The shares model an operator's minute at the map — Atalaya's assumption, not a measured trace: a few
 * pans and zooms, each fetching the terrain and basemap tiles the browser does not hold yet (tiles);
 * the latest temperature of the thermal cameras refreshed every minute and a chart opened now and then
 * (series); the density layer re-queried on pans and time-brush moves and its histogram on filter
 * changes; the alert list on refreshes and filters; the reference layers and the camera network on page
 * loads, and API callers asking for a bbox. Readings arrive at the national rate of the README: 4,500
 * cameras each reporting every 10 s, 450 readings/s, forwarded by one gateway per regional center as one
 * batch a second.
 */
import { densityQuery, densityUrl, histogramUrl, timeDomain } from '../../client/data/density-query.js';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../client/state/app-state.js';
import type { Rng } from '../../server/demo/random.js';

/** One request, as autocannon's setupRequest takes it. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface TrafficClass {
  name: string;
  /** Requests per second this class is offered. */
  rate: number;
  /** Keep-alive connections it uses (concurrent requests at most). */
  connections: number;
  /** Each connection is an independent client with its own phase in the second (the gateways). */
  independentClients?: boolean;
  next(rng: Rng): RequestSpec;
}

/** What the mix is drawn from, read from the server before the run. */
export interface World {
  /** The clock of the run (the demo slice ends at the hour before it), epoch ms. */
  nowMs: number;
  /** Places views centre on: [longitude, latitude] of the regional centers' cities. */
  cities: readonly (readonly [number, number])[];
  /** External ids of every camera (the gateways report them all). */
  cameraIds: readonly string[];
  /** External ids of the thermal cameras (the thermal chart reads them). */
  thermalCameraIds: readonly string[];
  /** Tile paths under /tiles that exist (terrain PNGs, basemap GeoJSON). */
  tilePaths: readonly string[];
}

/** Share of the map reads per class; they sum to 1. */
export const READ_SHARES = {
  tiles: 0.45,
  series: 0.2,
  reference: 0.1,
  density: 0.08,
  alerts: 0.07,
  cameras: 0.05,
  histogram: 0.05,
} as const;

/** Screen of the views, CSS pixels; MapLibre's zoom counts 512 px tiles. */
const SCREEN = { width: 1366, height: 768 } as const;
const HOUR_MS = 3_600_000;

/** A map view: centre near a city, a zoom, its bounds [west, south, east, north] in degrees. */
export function randomView(
  world: World,
  rng: Rng,
  zooms: [number, number],
): { center: [number, number]; zoom: number; bounds: [number, number, number, number] } {
  const city = world.cities[rng.int(world.cities.length)]!;
  const zoom = rng.uniform(zooms[0], zooms[1]);
  const widthDeg = (SCREEN.width / 512) * (360 / 2 ** zoom);
  const heightDeg = widthDeg * (SCREEN.height / SCREEN.width);
  const spread = Math.min(0.3, widthDeg / 2);
  const center: [number, number] = [
    city[0] + rng.uniform(-spread, spread),
    city[1] + rng.uniform(-spread, spread),
  ];
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    center,
    zoom,
    bounds: [
      r4(center[0] - widthDeg / 2),
      r4(center[1] - heightDeg / 2),
      r4(center[0] + widthDeg / 2),
      r4(center[1] + heightDeg / 2),
    ],
  };
}

const get = (path: string): RequestSpec => ({ method: 'GET', path });
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

function categories(rng: Rng): Set<IncidentCategory> {
  // Most operators count everything; some look at one category.
  return rng.chance(0.8) ? new Set(INCIDENT_CATEGORIES) : new Set([pick(rng, INCIDENT_CATEGORIES)]);
}

/**
 * The map-read classes at `rate` requests per second in all, with `connections` spread over them
 * (each class gets at least one).
 */
export function mapReadClasses(world: World, rate: number, connections: number): TrafficClass[] {
  const domain = timeDomain(world.nowMs);
  const iso = (ms: number) => new Date(ms).toISOString();
  const specs: Record<keyof typeof READ_SHARES, (rng: Rng) => RequestSpec> = {
    tiles: (rng) => get(`/tiles/${pick(rng, world.tilePaths)}`),
    reference: (rng) => {
      const layer = pick(rng, ['provinces', 'regions', 'centers', 'volcanoes']);
      // A page load reads whole layers; API callers ask for a view.
      if (rng.chance(0.8)) return get(`/api/${layer}`);
      return get(`/api/${layer}?bbox=${randomView(world, rng, [6, 12]).bounds.join(',')}`);
    },
    cameras: (rng) => {
      const u = rng.next();
      // The map reads the whole network (2.2 MB) when a page loads with cameras on, and the thermal
      // cameras for the volcano layer; API callers ask for a view.
      if (u < 0.05) return get('/api/cameras');
      if (u < 0.55) return get('/api/cameras?kind=thermal');
      return get(`/api/cameras?bbox=${randomView(world, rng, [11, 14]).bounds.join(',')}`);
    },
    density: (rng) => {
      const view = randomView(world, rng, [6, 13]);
      // The slider's whole span, or one day of it (playback, a brushed window).
      const day = rng.int(30);
      const timeWindow = rng.chance(0.6)
        ? null
        : { from: domain.to - (day + 1) * 24 * HOUR_MS, to: domain.to - day * 24 * HOUR_MS };
      const query = densityQuery(
        {
          view: { center: view.center, zoom: view.zoom, bearing: 0, pitch: 0 },
          incidentCategories: categories(rng),
          timeWindow,
        },
        domain,
        view.bounds,
      );
      return get(densityUrl(query));
    },
    histogram: (rng) => get(histogramUrl({ incidentCategories: categories(rng) }, domain)),
    alerts: (rng) => {
      const u = rng.next();
      if (u < 0.5)
        return get('/api/alerts?state=firing&kind=thermal_threshold,thermal_rate,thermal_anomaly&limit=1000');
      if (u < 0.8) return get('/api/alerts?limit=100');
      return get(`/api/alerts?state=pending,firing&bbox=${randomView(world, rng, [6, 10]).bounds.join(',')}`);
    },
    series: (rng) => {
      const id = encodeURIComponent(pick(rng, world.thermalCameraIds));
      // Ranges end now, as the client's do: no two requests ask for quite the same thing.
      const to = Date.now();
      // The map's latest-temperature reads (10 buckets over 3 h), or a chart of 6 h, 24 h or 3 days.
      if (rng.chance(0.6))
        return get(`/api/cameras/${id}/readings?from=${iso(to - 3 * HOUR_MS)}&to=${iso(to)}&maxBuckets=10`);
      const span = pick(rng, [6, 24, 72]) * HOUR_MS;
      return get(`/api/cameras/${id}/readings?from=${iso(to - span)}&to=${iso(to)}&maxBuckets=500`);
    },
  };
  const names = Object.keys(READ_SHARES) as (keyof typeof READ_SHARES)[];
  return names.map((name) => ({
    name,
    rate: Math.max(1, Math.round(rate * READ_SHARES[name])),
    connections: Math.max(1, Math.round(connections * READ_SHARES[name])),
    next: specs[name],
  }));
}

/** Readings every camera reports per 10 s: the national rate is cameraIds.length / 10 a second. */
export const READING_INTERVAL_S = 10;

/**
 * The gateways' batches: batch k comes from gateway k mod G with its token and carries the readings of
 * the tenth of that gateway's cameras whose turn it is, stamped now — so at G batches a second every
 * camera reports once every 10 s. One camera (`hotCameraId`) reads 90 °C after `hotAfterMs`, so the
 * alert rules raise something for the SSE clients to receive.
 */
export function gatewayIngestClass(
  world: World,
  tokens: readonly string[],
  options: { hotCameraId?: string; hotAfterMs?: number } = {},
): TrafficClass {
  const gateways = tokens.length;
  const startMs = Date.now();
  let k = 0;
  return {
    name: 'ingest',
    rate: gateways,
    connections: gateways,
    independentClients: true,
    next(rng) {
      const g = k % gateways;
      const turn = Math.floor(k / gateways) % READING_INTERVAL_S;
      k++;
      const now = Date.now();
      const ts = new Date(now).toISOString();
      const hot = options.hotCameraId !== undefined && now - startMs >= (options.hotAfterMs ?? 0);
      let body = '';
      // Gateway g serves cameras g, g + G, g + 2G, …; in its turn t, every tenth of those.
      for (let i = g + turn * gateways; i < world.cameraIds.length; i += gateways * READING_INTERVAL_S) {
        const camera = world.cameraIds[i]!;
        const maxC =
          hot && camera === options.hotCameraId ? 90 : Math.round((8 + rng.normal(0, 2)) * 100) / 100;
        body += `{"camera_id":${JSON.stringify(camera)},"ts":"${ts}","max_temp_c":${maxC},"quality":"ok","synthetic":true}\n`;
      }
      return {
        method: 'POST',
        path: '/api/readings',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${tokens[g]}` },
        body,
      };
    },
  };
}
