/**
 * The incident aggregates behind the map's hexagon layer and time slider, on hand-made incidents
 * in a window of their own (March 2031) so that other suites' rows in the shared database do not
 * count. Runs on PGlite, or on PostgreSQL with DATABASE_URL.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { polygon } from '@turf/helpers';
import express from 'express';
import { cellToBoundary, getResolution } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDensityRoutes } from '../../../server/api/density-routes.js';
import { apiNotFound, problemDetails } from '../../../server/api/problem-details.js';
import { ApiRoutes } from '../../../server/api/route-registry.js';
import type { Database } from '../../../server/db/database.js';
import {
  countByH3,
  fillBuckets,
  incidentDensity,
  unpackPositions,
} from '../../../server/db/density-queries.js';
import { stageIncidents } from '../../../server/db/ingest-store.js';
import type { Incident, IncidentCategory, LngLat } from '../../../server/domain/types.js';
import { createLogger } from '../../../server/logger.js';
import { testDatabase } from '../../setup/test-database.js';

const P = `D${process.pid}-`;
const QUITO: LngLat = [-78.5, -0.2];
const GUAYAQUIL: LngLat = [-79.9, -2.19];
const CUENCA: LngLat = [-79.0, -2.9];
const WINDOW = 'from=2031-03-01T00:00:00Z&to=2031-03-02T00:00:00Z';

let db: Database;
let url: string;
let server: Server;
let serial = 0;

function incident(position: LngLat, at: string, category: IncidentCategory, synthetic = false): Incident {
  serial += 1;
  return {
    externalId: `${P}${serial}`,
    category,
    priority: 3,
    occurredAt: at,
    position,
    description: null,
    synthetic,
  };
}

async function insert(incidents: Incident[]): Promise<void> {
  await db.transaction(async (tx) => {
    const staged = await stageIncidents(tx);
    await staged.append(incidents);
    await staged.merge();
  });
}

beforeAll(async () => {
  db = await testDatabase();
  // 1 March 2031, UTC. Quito: 3 traffic at 01:xx, 2 medical at 02:xx, 1 fire exactly at 23:59:59.
  // Guayaquil: 4 traffic at 01:xx, 1 synthetic. Cuenca: 1 fire at 00:00:00 (the window's first
  // instant, counted). Outside: one at 2031-03-02T00:00:00Z (the window's end, not counted), one on
  // 28 February.
  await insert([
    incident(QUITO, '2031-03-01T01:00:00Z', 'traffic'),
    incident(QUITO, '2031-03-01T01:10:00Z', 'traffic'),
    incident(QUITO, '2031-03-01T01:20:00Z', 'traffic'),
    incident(QUITO, '2031-03-01T02:00:00Z', 'medical'),
    incident(QUITO, '2031-03-01T02:30:00Z', 'medical'),
    incident(QUITO, '2031-03-01T23:59:59Z', 'fire'),
    incident(GUAYAQUIL, '2031-03-01T01:00:00Z', 'traffic'),
    incident(GUAYAQUIL, '2031-03-01T01:00:00Z', 'traffic'),
    incident(GUAYAQUIL, '2031-03-01T01:00:00Z', 'traffic', true),
    incident(GUAYAQUIL, '2031-03-01T01:45:00Z', 'traffic'),
    incident(CUENCA, '2031-03-01T00:00:00Z', 'fire'),
    incident(CUENCA, '2031-03-02T00:00:00Z', 'fire'),
    incident(QUITO, '2031-02-28T12:00:00Z', 'traffic'),
  ]);
  const api = new ApiRoutes(true);
  addDensityRoutes(api, db);
  const app = express();
  app.set('query parser', 'simple');
  app.use(api.router);
  app.use('/api', apiNotFound);
  app.use(problemDetails(createLogger('silent')));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

async function get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url + path);
  return { status: res.status, body: (await res.json()) as T };
}

interface Density {
  res: number;
  total: number;
  synthetic: number;
  cells: { h3: string; n: number }[];
}

/** Whether the H3 cell's boundary (lat, lng pairs from h3-js) contains the [lng, lat] point. */
function cellContains(h3: string, [lng, lat]: LngLat): boolean {
  const ring = cellToBoundary(h3).map(([la, ln]) => [ln, la]);
  return booleanPointInPolygon([lng, lat], polygon([[...ring, ring[0]!]]));
}

describe('GET /api/incidents/density', () => {
  it('counts the window [from, to) per cell: the first instant in, the last out', async () => {
    const { status, body } = await get<Density>(`/api/incidents/density?res=8&${WINDOW}`);
    expect(status).toBe(200);
    // Quito 6, Guayaquil 4, Cuenca 1: three places far apart, three cells.
    expect(body.total).toBe(11);
    expect(body.synthetic).toBe(1);
    expect(body.cells.map((c) => c.n)).toEqual([6, 4, 1]);
    const [quito, guayaquil, cuenca] = body.cells;
    expect(cellContains(quito!.h3, QUITO)).toBe(true);
    expect(cellContains(guayaquil!.h3, GUAYAQUIL)).toBe(true);
    expect(cellContains(cuenca!.h3, CUENCA)).toBe(true);
    expect(body.cells.every((c) => getResolution(c.h3) === 8)).toBe(true);
  });

  it('filters by category and by bbox', async () => {
    const traffic = (await get<Density>(`/api/incidents/density?res=5&${WINDOW}&category=traffic`)).body;
    expect(traffic.cells.map((c) => c.n)).toEqual([4, 3]);
    const fireOrMedical = (await get<Density>(`/api/incidents/density?res=5&${WINDOW}&category=medical,fire`))
      .body;
    expect(fireOrMedical.total).toBe(4);
    expect(fireOrMedical.cells.map((c) => c.n)).toEqual([3, 1]);
    const coast = (await get<Density>(`/api/incidents/density?res=5&${WINDOW}&bbox=-80.5,-2.5,-79.5,-2`))
      .body;
    expect(coast.cells).toHaveLength(1);
    expect(coast.total).toBe(4);
    expect(cellContains(coast.cells[0]!.h3, GUAYAQUIL)).toBe(true);
  });

  it('sees an incident added after a first answer (the cache is keyed by the newest incident)', async () => {
    const window = 'from=2031-03-05T00:00:00Z&to=2031-03-06T00:00:00Z';
    expect((await get<Density>(`/api/incidents/density?res=6&${window}`)).body.total).toBe(0);
    await insert([incident(QUITO, '2031-03-05T10:00:00Z', 'security')]);
    const after = (await get<Density>(`/api/incidents/density?res=6&${window}`)).body;
    expect(after.total).toBe(1);
    expect(after.cells).toHaveLength(1);
  });

  it('names bad parameters', async () => {
    const low = await get<{ errors: { field: string }[] }>('/api/incidents/density?res=2');
    expect(low.status).toBe(400);
    expect(low.body.errors[0]!.field).toBe('res');
    const missing = await get<{ errors: { field: string }[] }>('/api/incidents/density');
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]!.field).toBe('res');
    const backwards = await get<{ errors: { field: string }[] }>(
      '/api/incidents/density?res=5&from=2031-03-02T00:00:00Z&to=2031-03-01T00:00:00Z',
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0]!.field).toBe('to');
    const category = await get<{ errors: { field: string }[] }>(
      '/api/incidents/density?res=5&category=flood',
    );
    expect(category.body.errors[0]!.field).toBe('category.0');
  });
});

describe('incidentDensity', () => {
  it('reads in chunks without losing or repeating incidents that share a timestamp', async () => {
    // Three Guayaquil incidents share 01:00:00; chunks of 2 split them across reads.
    const density = await incidentDensity(
      db,
      { from: new Date('2031-03-01T00:00:00Z'), to: new Date('2031-03-02T00:00:00Z') },
      8,
      2,
    );
    expect(density.total).toBe(11);
    expect(density.cells.map((c) => c.n)).toEqual([6, 4, 1]);
  });
});

describe('GET /api/incidents/histogram', () => {
  it('counts per hour with every hour of the window present', async () => {
    const { status, body } = await get<{
      bucketSeconds: number;
      total: number;
      buckets: { t: string; n: number }[];
    }>(`/api/incidents/histogram?${WINDOW}&bucket=3600`);
    expect(status).toBe(200);
    expect(body.bucketSeconds).toBe(3600);
    expect(body.buckets).toHaveLength(24);
    expect(body.total).toBe(11);
    const n = body.buckets.map((b) => b.n);
    // 00h: Cuenca; 01h: 3 Quito + 4 Guayaquil; 02h: 2 Quito; 23h: 1 Quito.
    expect(n.slice(0, 3)).toEqual([1, 7, 2]);
    expect(n[23]).toBe(1);
    expect(n.reduce((a, b) => a + b, 0)).toBe(11);
    expect(body.buckets[0]!.t).toBe('2031-03-01T00:00:00.000Z');
    expect(body.buckets[23]!.t).toBe('2031-03-01T23:00:00.000Z');
  });

  it('counts per day, filtered by category', async () => {
    const { body } = await get<{ buckets: { t: string; n: number }[] }>(
      '/api/incidents/histogram?from=2031-02-28T00:00:00Z&to=2031-03-03T00:00:00Z&bucket=86400&category=fire',
    );
    // Fires: Quito and Cuenca on 1 March, Cuenca on 2 March.
    expect(body.buckets).toEqual([
      { t: '2031-02-28T00:00:00.000Z', n: 0 },
      { t: '2031-03-01T00:00:00.000Z', n: 2 },
      { t: '2031-03-02T00:00:00.000Z', n: 1 },
    ]);
  });

  it('refuses a bucket width it does not serve, and too many buckets', async () => {
    const odd = await get<{ errors: { field: string }[] }>(`/api/incidents/histogram?${WINDOW}&bucket=60`);
    expect(odd.status).toBe(400);
    expect(odd.body.errors[0]!.field).toBe('bucket');
    const many = await get<{ errors: { field: string }[] }>(
      '/api/incidents/histogram?from=2030-01-01T00:00:00Z&to=2031-02-01T00:00:00Z&bucket=3600',
    );
    expect(many.status).toBe(400);
    expect(many.body.errors[0]!.field).toBe('bucket');
  });
});

describe('countByH3', () => {
  it("matches h3-js's documented example cell", () => {
    // h3-js README: latLngToCell(37.3615593, -122.0553238, 7) === '87283472bffffff'.
    const counts = countByH3([-122.0553238, -122.0553238], [37.3615593, 37.3615593], 7);
    expect([...counts]).toEqual([['87283472bffffff', 2]]);
  });

  it('refuses arrays of different lengths and resolutions outside 0..15', () => {
    expect(() => countByH3([1, 2], [1], 5)).toThrow(/differ in length: 2 vs 1/);
    expect(() => countByH3([], [], 16)).toThrow(/Invalid H3 resolution: 16/);
  });
});

describe('unpackPositions', () => {
  it('reads big-endian float8 pairs', () => {
    // 1.5 is 0x3FF8000000000000 and -2 is 0xC000000000000000 in IEEE 754 binary64.
    const bytes = new Uint8Array([0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0]);
    const { lngs, lats } = unpackPositions(bytes);
    expect([...lngs]).toEqual([1.5]);
    expect([...lats]).toEqual([-2]);
    expect(() => unpackPositions(new Uint8Array(15))).toThrow(/multiple of 16 bytes, got 15/);
  });
});

describe('fillBuckets', () => {
  it('starts on the grid at or before from and fills the gaps with zeros', () => {
    const hour = 3_600_000;
    const t0 = Date.UTC(2031, 2, 1, 0);
    // A window from 00:30 to 03:00 covers the buckets starting 00:00, 01:00 and 02:00.
    const buckets = fillBuckets([{ t: t0 + 2 * hour, n: 5 }], t0 + hour / 2, t0 + 3 * hour, 3600);
    expect(buckets).toEqual([
      { t: '2031-03-01T00:00:00.000Z', n: 0 },
      { t: '2031-03-01T01:00:00.000Z', n: 0 },
      { t: '2031-03-01T02:00:00.000Z', n: 5 },
    ]);
  });
});
