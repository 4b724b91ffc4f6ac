import { readFileSync } from 'node:fs';
import path from 'node:path';
import area from '@turf/area';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../../server/db/migrate.js';
import { DATA_DIR } from '../../setup/test-database.js';
import { startTestServer, type TestServer } from '../../setup/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function get(pathAndQuery: string) {
  const res = await fetch(server.url + pathAndQuery);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: (await res.json()) as unknown,
  };
}
const collection = (body: unknown) => body as FeatureCollection;

describe('GET /api/provinces, /regions, /centers, /volcanoes', () => {
  it.each([
    ['provinces', 24],
    ['regions', 16],
    ['centers', 16],
    ['volcanoes', 36],
  ])('/api/%s is a GeoJSON FeatureCollection of %i features', async (layer, count) => {
    const { status, type, body } = await get(`/api/${layer}`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/geo\+json/);
    expect(collection(body).type).toBe('FeatureCollection');
    expect(collection(body).features).toHaveLength(count);
  });

  it('gives each province its center and its area on the ellipsoid', async () => {
    const { body } = await get('/api/provinces');
    const pichincha = collection(body).features.find(
      (f) => f.properties?.name === 'Pichincha',
    ) as Feature<MultiPolygon>;
    expect(pichincha.properties).toMatchObject({ code: 'EC17', centerId: 'quito', cantonCount: 8 });
    // Independent check: turf's spherical area of the source polygon (data/provinces.geojson).
    const source = (
      JSON.parse(readFileSync(path.join(DATA_DIR, 'provinces.geojson'), 'utf8')) as FeatureCollection<
        Polygon | MultiPolygon
      >
    ).features.find((f) => f.properties?.name === 'Pichincha')!;
    const turfKm2 = area(source) / 1e6;
    expect(Math.abs(pichincha.properties!.areaKm2 - turfKm2) / turfKm2).toBeLessThan(0.005);
  });

  it('makes each region the union of its provinces: areas add up and every province falls in one region', async () => {
    const provinces = collection((await get('/api/provinces')).body).features;
    const regions = collection((await get('/api/regions')).body).features;
    for (const region of regions) {
      const members = provinces.filter((p) => p.properties?.centerId === region.properties?.centerId);
      expect(members.map((p) => p.properties?.name).sort()).toEqual(region.properties?.provinces);
      const sum = members.reduce((s, p) => s + (p.properties?.areaKm2 as number), 0);
      expect(region.properties?.areaKm2).toBeCloseTo(sum, -1); // within 5 km²: shared borders dissolve
    }
    const ambato = regions.find((r) => r.properties?.centerId === 'ambato')!;
    expect(ambato.properties?.provinces).toEqual(['Cotopaxi', 'Pastaza', 'Tungurahua']);
    expect(ambato.geometry.type).toBe('MultiPolygon');
  });

  it('filters by bbox: the volcanoes between 79°W–78°W and 1°S–0°', async () => {
    const { status, body } = await get('/api/volcanoes?bbox=-79,-1,-78,0');
    expect(status).toBe(200);
    // From data/volcanoes.csv by hand.
    expect(
      collection(body)
        .features.map((f) => f.properties?.name)
        .sort(),
    ).toEqual([
      'Aliso',
      'Antisana',
      'Atacazo',
      'Chacana',
      'Cotopaxi',
      'Guagua Pichincha',
      'Iliniza',
      'Quilotoa',
    ]);
    const cotopaxi = collection(body).features.find(
      (f) => f.properties?.name === 'Cotopaxi',
    ) as Feature<Point>;
    expect(cotopaxi.geometry.coordinates).toEqual([-78.436, -0.677]);
    expect(cotopaxi.properties).toMatchObject({ gvpNumber: 352050, monitored: true, lastEruptionYear: 2023 });
  });

  it('returns an empty collection for a bbox with nothing in it', async () => {
    const { status, body } = await get('/api/provinces?bbox=10,10,11,11');
    expect(status).toBe(200);
    expect(collection(body).features).toEqual([]);
  });

  it('returns the provinces a bbox touches, not only those inside it', async () => {
    // A small box around Quito's centre lies wholly inside Pichincha.
    const { body } = await get('/api/provinces?bbox=-78.52,-0.23,-78.48,-0.19');
    expect(collection(body).features.map((f) => f.properties?.name)).toEqual(['Pichincha']);
  });
});

describe('bad requests', () => {
  it.each([
    ['bbox=1,2,3', 'must be four numbers'],
    ['bbox=a,b,c,d', 'must be four numbers'],
    ['bbox=-78,0,-79,1', 'west < east'],
    ['bbox=-200,0,-79,1', 'outside'],
    ['bbox=', 'must be four numbers'],
  ])('?%s gets a 400 problem naming bbox', async (query, message) => {
    const { status, type, body } = await get(`/api/volcanoes?${query}`);
    expect(status).toBe(400);
    expect(type).toMatch(/^application\/problem\+json/);
    const problem = body as { status: number; errors: { field: string; message: string }[] };
    expect(problem.status).toBe(400);
    expect(problem.errors[0]!.field).toBe('bbox');
    expect(problem.errors[0]!.message).toContain(message);
  });

  it('names an unknown parameter', async () => {
    const { status, body } = await get('/api/regions?colour=red');
    expect(status).toBe(400);
    expect((body as { errors: { field: string }[] }).errors).toEqual([
      { field: 'colour', message: 'is not a known parameter' },
    ]);
  });

  it('names a repeated parameter instead of failing', async () => {
    const { status, body } = await get('/api/regions?bbox=-79,-1,-78,0&bbox=-79,-1,-78,0');
    expect(status).toBe(400);
    expect((body as { errors: { field: string }[] }).errors[0]!.field).toBe('bbox');
  });

  it('answers an unknown API route with a JSON 404', async () => {
    const { status, type, body } = await get('/api/does-not-exist');
    expect(status).toBe(404);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: 404, detail: 'No route GET /api/does-not-exist' });
  });
});

describe('GET /api/health', () => {
  it('reports the database kind, PostGIS version and migration level', async () => {
    const { status, body } = await get('/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      database: {
        kind: process.env.DATABASE_URL ? 'postgres' : 'pglite',
        reachable: true,
        migration: (await readMigrations()).length,
      },
    });
    expect((body as { database: { postgis: string } }).database.postgis).toMatch(/^3\.\d+/);
  });

  it('carries a request id, echoing a sane one from the caller', async () => {
    const res = await fetch(`${server.url}/api/health`, { headers: { 'X-Request-Id': 'trace-42' } });
    expect(res.headers.get('x-request-id')).toBe('trace-42');
    const other = await fetch(`${server.url}/api/health`, {
      headers: { 'X-Request-Id': 'bad id with spaces' },
    });
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document describing every route and its bbox parameter', async () => {
    const { status, body } = await get('/api/openapi.json');
    expect(status).toBe(200);
    const doc = body as {
      openapi: string;
      paths: Record<string, { get: { parameters?: { name: string }[] } }>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/health', '/api/provinces', '/api/regions', '/api/centers', '/api/volcanoes']) {
      expect(doc.paths[p]?.get).toBeDefined();
    }
    expect(doc.paths['/api/volcanoes']!.get.parameters?.map((q) => q.name)).toEqual(['bbox']);
  });
});
