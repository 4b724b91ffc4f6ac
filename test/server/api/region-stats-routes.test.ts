/**
 * Incidents per regional center's area, behind the map's region choropleth, on hand-made incidents
 * in a window of their own (April 2031) so that other suites' rows in the shared database do not
 * count. Each place is chosen well inside one region (a city and its center's province, from
 * data/centers.csv); the areas are read from the regions table, the counts are by hand.
 * Runs on PGlite, or on PostgreSQL with DATABASE_URL.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import express from 'express';
import type { MultiPolygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiNotFound, problemDetails } from '../../../server/api/problem-details.js';
import { addRegionStatsRoutes } from '../../../server/api/region-stats-routes.js';
import { ApiRoutes } from '../../../server/api/route-registry.js';
import type { Database } from '../../../server/db/database.js';
import { stageIncidents } from '../../../server/db/ingest-store.js';
import type { Incident, IncidentCategory, LngLat } from '../../../server/domain/types.js';
import { createLogger } from '../../../server/logger.js';
import { testDatabase } from '../../setup/test-database.js';

const P = `RS${process.pid}-`;
/** Quito, Pichincha: region quito. */
const QUITO: LngLat = [-78.5, -0.2];
/** Guayaquil, Guayas: region samborondon. */
const GUAYAQUIL: LngLat = [-79.9, -2.19];
/** Cuenca, Azuay: region cuenca. */
const CUENCA: LngLat = [-79.0, -2.9];
/** Puerto Ayora, Santa Cruz island, Galápagos: region san_cristobal. */
const PUERTO_AYORA: LngLat = [-90.31, -0.74];
/** The Pacific, 200 km off the coast: no region. */
const OFFSHORE: LngLat = [-82.5, -2.0];
const WINDOW = 'from=2031-04-01T00:00:00Z&to=2031-04-02T00:00:00Z';

let db: Database;
let url: string;
let server: Server;
let serial = 0;
let areaKm2: Map<string, number>;

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
  // 1 April 2031, UTC. Quito: 3 traffic and 1 synthetic medical. Guayaquil: 2 fire. Cuenca: 1
  // traffic at 00:00:00 (the window's first instant, counted) and 1 at 2 April 00:00:00 (its end,
  // not counted). Puerto Ayora: 1 other. Offshore: 1 traffic, in no region. Quito on 31 March: out.
  await insert([
    incident(QUITO, '2031-04-01T01:00:00Z', 'traffic'),
    incident(QUITO, '2031-04-01T02:00:00Z', 'traffic'),
    incident(QUITO, '2031-04-01T03:00:00Z', 'traffic'),
    incident(QUITO, '2031-04-01T04:00:00Z', 'medical', true),
    incident(GUAYAQUIL, '2031-04-01T05:00:00Z', 'fire'),
    incident(GUAYAQUIL, '2031-04-01T23:59:59Z', 'fire'),
    incident(CUENCA, '2031-04-01T00:00:00Z', 'traffic'),
    incident(CUENCA, '2031-04-02T00:00:00Z', 'traffic'),
    incident(PUERTO_AYORA, '2031-04-01T12:00:00Z', 'other'),
    incident(OFFSHORE, '2031-04-01T12:00:00Z', 'traffic'),
    incident(QUITO, '2031-03-31T23:00:00Z', 'traffic'),
  ]);
  const rows = await db.query<{ center_id: string; area_km2: number }>(
    'SELECT center_id, area_km2 FROM regions',
  );
  areaKm2 = new Map(rows.map((r) => [r.center_id, r.area_km2]));
  const api = new ApiRoutes(true);
  addRegionStatsRoutes(api, db);
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

interface RegionIncidents {
  from: string;
  to: string;
  category: string[] | null;
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

const counts = (body: RegionIncidents) =>
  Object.fromEntries(body.regions.filter((r) => r.incidents > 0).map((r) => [r.centerId, r.incidents]));

describe('GET /api/regions/incidents', () => {
  it('places the test points in the regions the test assumes (checked with turf on the stored shapes)', async () => {
    const rows = await db.query<{ center_id: string; g: string }>(
      'SELECT center_id, ST_AsGeoJSON(geom) AS g FROM regions',
    );
    const regionOf = (p: LngLat) =>
      rows.filter((r) => booleanPointInPolygon(p, JSON.parse(r.g) as MultiPolygon)).map((r) => r.center_id);
    expect(regionOf(QUITO)).toEqual(['quito']);
    expect(regionOf(GUAYAQUIL)).toEqual(['samborondon']);
    expect(regionOf(CUENCA)).toEqual(['cuenca']);
    expect(regionOf(PUERTO_AYORA)).toEqual(['san_cristobal']);
    expect(regionOf(OFFSHORE)).toEqual([]);
  });

  it('counts the window [from, to) per region, every region listed, offshore incidents in none', async () => {
    const { status, body } = await get<RegionIncidents>(`/api/regions/incidents?${WINDOW}`);
    expect(status).toBe(200);
    expect(body.from).toBe('2031-04-01T00:00:00.000Z');
    expect(body.to).toBe('2031-04-02T00:00:00.000Z');
    expect(body.category).toBeNull();
    expect(body.regions).toHaveLength(16);
    expect(body.regions.map((r) => r.centerId)).toEqual([...body.regions.map((r) => r.centerId)].sort());
    expect(counts(body)).toEqual({ quito: 4, samborondon: 2, cuenca: 1, san_cristobal: 1 });
    expect(body.total).toBe(8);
    expect(body.synthetic).toBe(1);
    expect(body.regions.find((r) => r.centerId === 'quito')!.synthetic).toBe(1);
  });

  it('gives each count per km² of the region’s official area', async () => {
    const { body } = await get<RegionIncidents>(`/api/regions/incidents?${WINDOW}`);
    const quito = body.regions.find((r) => r.centerId === 'quito')!;
    expect(quito.areaKm2).toBeCloseTo(areaKm2.get('quito')!, 6);
    expect(quito.perKm2).toBeCloseTo(4 / areaKm2.get('quito')!, 12);
    const loja = body.regions.find((r) => r.centerId === 'loja')!;
    expect(loja.incidents).toBe(0);
    expect(loja.perKm2).toBe(0);
  });

  it('counts only the categories asked for, whatever their order', async () => {
    const a = await get<RegionIncidents>(`/api/regions/incidents?${WINDOW}&category=traffic`);
    expect(counts(a.body)).toEqual({ quito: 3, cuenca: 1 });
    expect(a.body.category).toEqual(['traffic']);
    const b = await get<RegionIncidents>(`/api/regions/incidents?${WINDOW}&category=other,fire`);
    expect(counts(b.body)).toEqual({ samborondon: 2, san_cristobal: 1 });
    expect(b.body.category).toEqual(['fire', 'other']);
  });

  it('counts an incident stored after an earlier identical query (the cache follows the data)', async () => {
    const window = 'from=2031-04-10T00:00:00Z&to=2031-04-11T00:00:00Z';
    const before = await get<RegionIncidents>(`/api/regions/incidents?${window}`);
    expect(before.body.total).toBe(0);
    await insert([incident(CUENCA, '2031-04-10T06:00:00Z', 'medical')]);
    const after = await get<RegionIncidents>(`/api/regions/incidents?${window}`);
    expect(counts(after.body)).toEqual({ cuenca: 1 });
  });

  it('refuses a missing or backwards window, one over 400 days and unknown categories, naming the field', async () => {
    const missing = await get<{ errors: { field: string }[] }>(
      '/api/regions/incidents?to=2031-04-02T00:00:00Z',
    );
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]!.field).toBe('from');
    const backwards = await get<{ errors: { field: string }[] }>(
      '/api/regions/incidents?from=2031-04-02T00:00:00Z&to=2031-04-01T00:00:00Z',
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0]!.field).toBe('to');
    const long = await get<{ errors: { field: string; message: string }[] }>(
      '/api/regions/incidents?from=2030-01-01T00:00:00Z&to=2031-04-01T00:00:00Z',
    );
    expect(long.status).toBe(400);
    expect(long.body.errors[0]).toMatchObject({ field: 'to', message: expect.stringContaining('455') });
    const category = await get<{ errors: { field: string }[] }>(
      `/api/regions/incidents?${WINDOW}&category=traffic,arson`,
    );
    expect(category.status).toBe(400);
    expect(category.body.errors[0]!.field).toBe('category.1');
    const extra = await get<{ errors: { field: string }[] }>(`/api/regions/incidents?${WINDOW}&res=5`);
    expect(extra.status).toBe(400);
  });
});
