/**
 * Coverage and siting over HTTP, on the real test database (PGlite, or PostgreSQL with
 * DATABASE_URL) and a synthetic terrain: a flat 3″ grid of 120 × 120 cells over
 * −77.2…−77.1, −1.6…−1.5 (Pastaza, EC16, served by the Ambato center), away from the other
 * suites' cameras and incidents.
 *
 * Placed by hand: camera A (online, 360°, 300 m) at cell (60, 60); camera B (offline, the same
 * optics) at cell (90, 60). Incidents: 5 in A's cell, 2 in B's, and 3 in cells (20, 100),
 * (21, 100), (21, 101). So 5 of 10 incidents are seen (50 %); the uncovered ones form two gaps,
 * 3 (the 8-connected trio) then 2 (B's cell).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { inflateSync } from 'node:zlib';
import express from 'express';
import { fromArrayBuffer } from 'geotiff';
import type { FeatureCollection, MultiPolygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCoverageRoutes } from '../../../server/api/coverage-routes.js';
import { authenticate } from '../../../server/api/authenticate.js';
import { problemDetails } from '../../../server/api/problem-details.js';
import { ApiRoutes } from '../../../server/api/route-registry.js';
import { memoryTerrain } from '../../../server/coverage/coverage-grid.js';
import { CoverageService } from '../../../server/coverage/coverage-service.js';
import type { Database } from '../../../server/db/database.js';
import { stageCameras, stageIncidents } from '../../../server/db/ingest-store.js';
import { createToken } from '../../../server/db/token-store.js';
import type { Camera, Incident } from '../../../server/domain/types.js';
import { createLogger } from '../../../server/logger.js';
import { degreeDem } from '../../coverage/synthetic-dem.js';
import { testCamera } from '../../setup/test-camera.js';
import { testDatabase } from '../../setup/test-database.js';

const P = `COV${process.pid}-`;
const PX = 1 / 1200;
const WEST = -77.2;
const NORTH = -1.5;
const at = (c: number, r: number): [number, number] => [WEST + (c + 0.5) * PX, NORTH - (r + 0.5) * PX];
const BOX = 'bbox:-77.2,-1.6,-77.1,-1.5';
const terrain = () =>
  memoryTerrain([{ name: 'synthetic-3s', dem: degreeDem(120, 120, PX, WEST, NORTH, () => 500) }]);

const camera = (id: string, position: [number, number], status: Camera['status']): Camera =>
  testCamera(`${P}${id}`, {
    name: `Coverage test ${id}`,
    status,
    position,
    mountHeightM: 10,
    hfovDeg: 360,
    vfovDeg: 60,
    unitCostUsd: 3516.8,
  });

let db: Database;
let coverage: CoverageService;
let server: Server;
let url: string;
const tokens: Record<string, string> = {};

async function upsertCameras(cameras: Camera[]): Promise<void> {
  await db.transaction(async (tx) => {
    const batch = await stageCameras(tx);
    await batch.append(cameras);
    await batch.merge();
  });
}

beforeAll(async () => {
  db = await testDatabase();
  await upsertCameras([camera('A', at(60, 60), 'online'), camera('B', at(90, 60), 'offline')]);
  const incidents: Incident[] = [
    ...Array.from({ length: 5 }, () => at(60, 60)),
    ...Array.from({ length: 2 }, () => at(90, 60)),
    at(20, 100),
    at(21, 100),
    at(21, 101),
  ].map((position, i) => ({
    externalId: `${P}inc-${i}`,
    category: 'traffic',
    priority: 3,
    occurredAt: new Date(Date.UTC(2026, 9, 1, i)).toISOString(),
    position,
    description: null,
    synthetic: true,
  }));
  await db.transaction(async (tx) => {
    const batch = await stageIncidents(tx);
    await batch.append(incidents);
    await batch.merge();
  });
  for (const role of ['viewer', 'analyst'] as const) {
    tokens[role] = (await createToken(db, `coverage-test-${role}`, role)).secret;
  }
  coverage = new CoverageService(db, { terrain: terrain(), cameraSyncIntervalMs: 0, demandMaxAgeMs: 0 });
  const app = express();
  app.use('/api', authenticate(db));
  const api = new ApiRoutes(true);
  addCoverageRoutes(api, coverage);
  app.use(api.router);
  app.use(problemDetails(createLogger('silent')));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await db?.query('DELETE FROM incidents WHERE external_id LIKE $1', [`${P}%`]);
  await db?.query('DELETE FROM cameras WHERE external_id LIKE $1', [`${P}%`]);
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function get(path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url + path);
  return { status: res.status, body: (await res.json()) as Json };
}

async function post(path: string, body: unknown, role: string | null = 'analyst', type = 'application/json') {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'Content-Type': type, ...(role ? { Authorization: `Bearer ${tokens[role]}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as Json) : {},
  };
}

const fields = (body: Json) => (body.errors as { field: string }[]).map((e) => e.field);

const model = {
  kind: 'dome',
  mountHeightM: 10,
  hfovDeg: 360,
  rangeM: 300,
  resolutionHPx: 1920,
  unitCostUsd: 3516.8,
};

describe('GET /api/coverage', () => {
  it('counts online cameras only and weighs incidents seen', async () => {
    const { status, body } = await get(`/api/coverage?area=${BOX}`);
    expect(status).toBe(200);
    expect(body.area).toMatchObject({ kind: 'bbox' });
    expect(body.summary.cells).toBe(120 * 120);
    expect(body.summary.coveredAreaKm2).toBeGreaterThan(0);
    expect(body.summary.demand.incidents).toEqual({ total: 10, covered: 5, coveredPct: 50 });
    expect(body.provinces).toEqual([]);
  });

  it('gives every province and region, the synthetic grid falling in Pastaza', async () => {
    const { body } = await get('/api/coverage');
    expect(body.provinces).toHaveLength(24);
    expect(body.regions).toHaveLength(16);
    const pastaza = body.provinces.find((p: Json) => p.id === 'EC16');
    expect(pastaza.cells).toBe(120 * 120);
    expect(pastaza.demand.incidents.covered).toBe(5);
    expect(body.provinces.filter((p: Json) => p.id !== 'EC16').every((p: Json) => p.cells === 0)).toBe(true);
    const ambato = body.regions.find((r: Json) => r.id === 'ambato');
    expect(ambato.coveredAreaKm2).toBe(pastaza.coveredAreaKm2);
    expect(body.summary.coveredAreaKm2).toBe(pastaza.coveredAreaKm2);
  });

  it('answers for a province by code and keeps its region', async () => {
    const { body } = await get('/api/coverage?area=EC16');
    expect(body.area).toMatchObject({ id: 'EC16', kind: 'province', name: 'Pastaza' });
    expect(body.provinces.map((p: Json) => p.id)).toEqual(['EC16']);
    expect(body.regions.map((r: Json) => r.id)).toEqual(['ambato']);
  });

  it('names a bad area or parameter', async () => {
    const bad = await get('/api/coverage?area=atlantis');
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['area']);
    expect(bad.body.errors[0].message).toMatch(/atlantis/);
    const extra = await get('/api/coverage?colour=red');
    expect(fields(extra.body)).toEqual(['colour']);
  });
});

describe('GET /api/coverage/gaps', () => {
  it('ranks the uncovered clusters by incidents, as GeoJSON', async () => {
    const res = await fetch(`${url}/api/coverage/gaps.geojson?area=${BOX}`);
    expect(res.headers.get('content-type')).toMatch(/geo\+json/);
    const fc = (await res.json()) as FeatureCollection<MultiPolygon>;
    expect(fc.features.map((f) => f.properties!.demand)).toEqual([3, 2]);
    expect(fc.features[0]!.properties!.cells).toBe(3);
    // The L-shaped trio is one polygon of 6 corners.
    expect(fc.features[0]!.geometry.coordinates[0]![0]).toHaveLength(7);
  });

  it('and as CSV', async () => {
    const res = await fetch(`${url}/api/coverage/gaps.csv?area=${BOX}&limit=1`);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^rank,demand_kind,demand,cells,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^1,incidents,3,3,/);
  });

  it('names a bad link', async () => {
    const { status, body } = await get('/api/coverage/gaps.geojson?link=0');
    expect(status).toBe(400);
    expect(fields(body)).toEqual(['link']);
  });
});

describe('GET /api/coverage/counts.tif', () => {
  it('is a GeoTIFF of the area with A counted once', async () => {
    const res = await fetch(`${url}/api/coverage/counts.tif?area=${BOX}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/tiff');
    const image = await (await fromArrayBuffer(await res.arrayBuffer())).getImage();
    expect(image.getWidth()).toBe(120);
    const [band] = (await image.readRasters()) as unknown as Uint16Array[];
    expect(band![60 * 120 + 60]).toBe(1);
    expect(band![60 * 120 + 90]).toBe(0);
    expect(Math.max(...band!)).toBe(1);
  });
});

describe('POST /api/coverage/what-if', () => {
  it('shows what removing, adding and moving a camera would change, and saves nothing', async () => {
    const removed = await post('/api/coverage/what-if', {
      changes: [{ op: 'remove', externalId: `${P}A` }],
      area: BOX,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.before.demand.incidents.covered).toBe(5);
    expect(removed.body.after.demand.incidents.covered).toBe(0);
    expect(removed.body.after.coveredAreaKm2).toBe(0);
    expect(removed.body.provinces.map((p: Json) => p.id)).toEqual(['EC16']);
    expect(removed.body.regions.map((r: Json) => r.id)).toEqual(['ambato']);
    expect(removed.body.lost.type).toBe('MultiPolygon');

    const added = await post('/api/coverage/what-if', {
      changes: [
        {
          op: 'add',
          camera: {
            kind: 'dome',
            position: at(20, 100),
            mountHeightM: 10,
            azimuthDeg: 0,
            hfovDeg: 360,
            vfovDeg: 60,
            tiltDeg: 0,
            rangeM: 300,
            resolutionHPx: 1920,
          },
        },
      ],
      area: BOX,
    });
    expect(added.body.after.demand.incidents.covered).toBe(8);

    const moved = await post('/api/coverage/what-if', {
      changes: [{ op: 'move', externalId: `${P}A`, position: at(20, 100) }],
      area: BOX,
      geometry: false,
    });
    expect(moved.body.after.demand.incidents.covered).toBe(3);
    expect(moved.body.gained).toBeUndefined();

    expect((await get(`/api/coverage?area=${BOX}`)).body.summary.demand.incidents.covered).toBe(5);
  });

  it('needs the siting permission and names bad changes', async () => {
    expect((await post('/api/coverage/what-if', { changes: [] }, null)).status).toBe(401);
    expect((await post('/api/coverage/what-if', { changes: [] }, 'viewer')).status).toBe(403);
    const empty = await post('/api/coverage/what-if', { changes: [] });
    expect(fields(empty.body)).toEqual(['changes']);
    const unknown = await post('/api/coverage/what-if', { changes: [{ op: 'remove', externalId: 'nope' }] });
    expect(unknown.status).toBe(400);
    expect(fields(unknown.body)).toEqual(['changes.0.externalId']);
    const badOp = await post('/api/coverage/what-if', { changes: [{ op: 'teleport', externalId: 'x' }] });
    expect(fields(badOp.body)).toEqual(['changes.0.op']);
    const badPos = await post('/api/coverage/what-if', {
      changes: [{ op: 'move', externalId: `${P}A`, position: [-200, 0] }],
    });
    expect(fields(badPos.body)).toEqual(['changes.0.position.0']);
    const notJson = await post('/api/coverage/what-if', 'changes=1', 'analyst', 'text/plain');
    expect(notJson.status).toBe(415);
  });
});

/**
 * The pixels of an 8-bit greyscale PNG as the encoder writes it (one IDAT, filter 0 on every
 * row); GDAL checks the encoder itself (test/coverage/png-encode.test.ts).
 */
function greyPixels(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const idat: Uint8Array[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    expect(raw[r * (width + 1)]).toBe(0);
    pixels.set(raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)), r * width);
  }
  return { width, height, pixels };
}

describe('GET /api/coverage/raster.png', () => {
  it('draws the counts of the view, one cell a pixel here: A seen, offline B not', async () => {
    const res = await fetch(`${url}/api/coverage/raster.png?bbox=-77.2,-1.6,-77.1,-1.5&width=120&height=120`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const { width, height, pixels } = greyPixels(new Uint8Array(await res.arrayBuffer()));
    expect([width, height]).toEqual([120, 120]);
    expect(pixels[60 * 120 + 60]).toBe(1);
    expect(pixels[60 * 120 + 90]).toBe(0);
    expect(Math.max(...pixels)).toBe(1);
    // A 300 m dome on flat ground sees a disc about 2·300 m / 92.6 m ≈ 6.5 cells wide.
    const row = Array.from(pixels.subarray(60 * 120, 61 * 120));
    expect(row.filter((v) => v === 1).length).toBeGreaterThanOrEqual(5);
    expect(row.filter((v) => v === 1).length).toBeLessThanOrEqual(8);
  });

  it('takes the largest count under a wide pixel, and the best DORI class', async () => {
    const one = await fetch(`${url}/api/coverage/raster.png?bbox=-77.2,-1.6,-77.1,-1.5&width=1&height=1`);
    expect(Array.from(greyPixels(new Uint8Array(await one.arrayBuffer())).pixels)).toEqual([1]);
    const dori = await fetch(
      `${url}/api/coverage/raster.png?bbox=-77.2,-1.6,-77.1,-1.5&width=120&height=120&layer=dori`,
    );
    const { pixels } = greyPixels(new Uint8Array(await dori.arrayBuffer()));
    // Right under the dome (30° lens assumed for a 360° camera, 1920 px): identify, class 4.
    expect(pixels[60 * 120 + 60]).toBe(4);
    expect(pixels[60 * 120 + 90]).toBe(0);
  });

  it('names a bad bbox or size', async () => {
    const flipped = await get('/api/coverage/raster.png?bbox=-77.1,-1.6,-77.2,-1.5&width=10&height=10');
    expect(flipped.status).toBe(400);
    expect(fields(flipped.body)).toEqual(['bbox']);
    const big = await get('/api/coverage/raster.png?bbox=-77.2,-1.6,-77.1,-1.5&width=5000&height=10');
    expect(fields(big.body)).toEqual(['width']);
  });

  it('draws the coverage after a what-if, and the held coverage stays as it was', async () => {
    const res = await post('/api/coverage/what-if', {
      changes: [
        { op: 'remove', externalId: `${P}A` },
        {
          op: 'add',
          camera: {
            kind: 'dome',
            position: at(20, 100),
            mountHeightM: 10,
            azimuthDeg: 0,
            hfovDeg: 360,
            vfovDeg: 60,
            tiltDeg: 0,
            rangeM: 300,
            resolutionHPx: 1920,
          },
        },
      ],
      area: BOX,
      geometry: false,
      raster: { bbox: [-77.2, -1.6, -77.1, -1.5], width: 120, height: 120 },
    });
    expect(res.status).toBe(200);
    expect(res.body.raster).toMatchObject({ width: 120, height: 120, layer: 'counts' });
    const png = Buffer.from(
      (res.body.raster.png as string).replace(/^data:image\/png;base64,/, ''),
      'base64',
    );
    const { pixels } = greyPixels(new Uint8Array(png));
    expect(pixels[60 * 120 + 60]).toBe(0);
    expect(pixels[100 * 120 + 20]).toBe(1);
    const held = await fetch(
      `${url}/api/coverage/raster.png?bbox=-77.2,-1.6,-77.1,-1.5&width=120&height=120`,
    );
    const before = greyPixels(new Uint8Array(await held.arrayBuffer())).pixels;
    expect([before[60 * 120 + 60], before[100 * 120 + 20]]).toEqual([1, 0]);
  });
});

describe('POST /api/siting', () => {
  const request = {
    area: BOX,
    budget: { count: 2 },
    model,
    candidates: {
      points: [
        { lon: at(20, 100)[0], lat: at(20, 100)[1] },
        { lon: at(90, 60)[0], lat: at(90, 60)[1] },
      ],
      highPoints: false,
      towns: false,
      roads: false,
    },
  };

  it('ranks the sites by the incidents each newly sees', async () => {
    const { status, body } = await post('/api/siting', { ...request, exact: true });
    expect(status).toBe(200);
    expect(body.demand).toMatchObject({
      kind: 'incidents',
      total: 10,
      coveredByNetwork: 5,
      coveredByNetworkPct: 50,
    });
    expect(
      body.table.map((r: Json) => [
        r.rank,
        r.label,
        r.marginalGain,
        r.cumulativeCovered,
        r.cumulativeCoveredPct,
      ]),
    ).toEqual([
      [1, 'user point 1', 3, 8, 80],
      [2, 'user point 2', 2, 10, 100],
    ]);
    expect(body.table[1].cumulativeCostUsd).toBeCloseTo(7033.6, 6);
    expect(body.exact).toMatchObject({ optimum: 5, greedyGapPct: 0, provenOptimal: true });
    expect(body.newCoverage.features).toHaveLength(2);
    expect(body.newCoverage.features[0].properties.newCells).toBeGreaterThan(0);
  });

  it('stops at the dollar budget, and answers as CSV or GeoJSON', async () => {
    const dollars = await post('/api/siting?format=csv', { ...request, budget: { dollars: 4000 } });
    const lines = dollars.text.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^1,.*,user,user point 1,3516.8,3516.8,3,/);
    const geo = await post('/api/siting?format=geojson', request);
    expect(geo.body.features.map((f: Json) => f.geometry.type)).toEqual(['Point', 'Point']);
  });

  it('names bad fields', async () => {
    const missing = await post('/api/siting', { area: BOX, model });
    expect(missing.status).toBe(400);
    expect(fields(missing.body)).toEqual(['budget']);
    const neither = await post('/api/siting', { ...request, budget: {} });
    expect(fields(neither.body)).toEqual(['budget']);
    const kind = await post('/api/siting', { ...request, model: { ...model, kind: 'drone' } });
    expect(fields(kind.body)).toEqual(['model.kind']);
    const free = await post('/api/siting', {
      ...request,
      budget: { dollars: 100 },
      model: { ...model, unitCostUsd: 0 },
    });
    expect(fields(free.body)).toEqual(['model.unitCostUsd']);
    const country = await post('/api/siting', { ...request, area: 'national' });
    expect(fields(country.body)).toEqual(['area']);
    const none = await post('/api/siting', { ...request, area: 'bbox:-77.2,-1.51,-77.19,-1.5' });
    expect(fields(none.body)).toEqual(['demand']);
    const outside = await post('/api/siting', {
      ...request,
      candidates: { points: [{ lon: -70, lat: -1.5 }] },
    });
    expect(fields(outside.body)).toEqual(['candidates.points.0']);
    const denied = await post('/api/siting', request, 'viewer');
    expect(denied.status).toBe(403);
  });
});

describe('keeping coverage current', () => {
  it('counts a camera that comes online without recomputing the others, and caches footprints in the database', async () => {
    await upsertCameras([camera('B', at(90, 60), 'online')]);
    const { body } = await get(`/api/coverage?area=${BOX}`);
    expect(body.summary.demand.incidents).toEqual({ total: 10, covered: 7, coveredPct: 70 });
    const rows = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM coverage_footprints f JOIN cameras c ON c.id = f.camera_id
       WHERE c.external_id LIKE $1 AND f.cell_count > 0`,
      [`${P}%`],
    );
    expect(rows[0]!.n).toBe(2);
    // A second server on the same database reads every footprint instead of computing it.
    const logged: Json[] = [];
    const again = new CoverageService(db, {
      terrain: terrain(),
      log: { info: (obj) => logged.push(obj), warn: () => undefined },
    });
    await again.ready();
    expect(logged[0]).toMatchObject({ computed: 0 });
    expect((await again.report(BOX)).summary.demand.incidents?.covered).toBe(7);
  });

  it('moves a camera: only its footprint changes', async () => {
    await upsertCameras([camera('A', at(20, 100), 'online')]);
    const synced = await coverage.sync();
    expect(synced.computed).toBe(1);
    expect((await coverage.report(BOX)).summary.demand.incidents?.covered).toBe(5);
    // The province figures, updated from the flipped cells, equal a fresh full scan's.
    const updated = (await coverage.report('EC16')).summary;
    const fresh = (await new CoverageService(db, { terrain: terrain() }).report('EC16')).summary;
    expect(updated).toEqual(fresh);
  });
});
