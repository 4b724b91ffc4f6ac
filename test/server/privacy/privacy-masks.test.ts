/**
 * Privacy masks end to end, on the real test database (PGlite, or PostgreSQL with DATABASE_URL):
 * the admin API (roles, validation, audit) and the mask's effect on every coverage answer —
 * figures, the counts GeoTIFF, gaps, siting demand, what-if and a camera's coverage GeoJSON.
 *
 * Terrain: a flat 3″ grid of 120 × 120 cells over −77.0…−76.9, −1.6…−1.5 (Pastaza), away from the
 * other suites. At −1.55° a column is 92.7 m and a row 92.2 m. Cameras A (cell 60, 60) and B
 * (63, 60), online 360° domes with a 300 m range on a 10 m mast, see the flat ground within 300 m
 * (3.2 cells): they stand 278 m apart, so each sees the other's cell. Incidents: 3 at (57, 60),
 * which only A sees; 4 at (66, 60), which only B sees; 2 at (20, 100), which nobody sees.
 * The mask: the 9 × 9 cells 56–64 on both axes, which hold all A sees.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { distance } from '@turf/distance';
import express from 'express';
import { fromArrayBuffer } from 'geotiff';
import type { FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCoverageRoutes } from '../../../server/api/coverage-routes.js';
import { authenticate } from '../../../server/api/authenticate.js';
import { addPrivacyRoutes } from '../../../server/api/privacy-routes.js';
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

const P = `MASK${process.pid}-`;
const PX = 1 / 1200;
const WEST = -77.0;
const NORTH = -1.5;
const N = 120;
const at = (c: number, r: number): [number, number] => [WEST + (c + 0.5) * PX, NORTH - (r + 0.5) * PX];
const BOX = 'bbox:-77,-1.6,-76.9,-1.5';
const A = `${P}A`;
const B = `${P}B`;

/** The cells c0–c1 × r0–r1 as a polygon whose sides run along cell lines. */
const cellSquare = (c0: number, r0: number, c1: number, r1: number): Polygon => {
  const w = WEST + c0 * PX;
  const e = WEST + (c1 + 1) * PX;
  const n = NORTH - r0 * PX;
  const s = NORTH - (r1 + 1) * PX;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
};
const MASK = cellSquare(56, 56, 64, 64);
const inMask = (c: number, r: number) => c >= 56 && c <= 64 && r >= 56 && r <= 64;
/** Metres between cell centres, by the haversine (turf), independent of the viewshed's own formula. */
const metres = (c: number, r: number, from: [number, number]) =>
  distance(at(c, r), at(from[0], from[1]), { units: 'meters' });

const camera = (externalId: string, position: [number, number]): Camera =>
  testCamera(externalId, {
    name: `Mask test ${externalId}`,
    position,
    mountHeightM: 10,
    hfovDeg: 360,
    vfovDeg: 60,
    unitCostUsd: 3000,
  });

let db: Database;
let coverage: CoverageService;
let server: Server;
let url: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  db = await testDatabase();
  await db.transaction(async (tx) => {
    const batch = await stageCameras(tx);
    await batch.append([camera(A, at(60, 60)), camera(B, at(63, 60))]);
    await batch.merge();
  });
  const incidents: Incident[] = [
    ...Array.from({ length: 3 }, () => at(57, 60)),
    ...Array.from({ length: 4 }, () => at(66, 60)),
    ...Array.from({ length: 2 }, () => at(20, 100)),
  ].map((position, i) => ({
    externalId: `${P}inc-${i}`,
    category: 'medical',
    priority: 2,
    occurredAt: new Date(Date.UTC(2026, 8, 1, i)).toISOString(),
    position,
    description: null,
    synthetic: true,
  }));
  await db.transaction(async (tx) => {
    const batch = await stageIncidents(tx);
    await batch.append(incidents);
    await batch.merge();
  });
  for (const role of ['viewer', 'analyst', 'admin'] as const) {
    tokens[role] = (await createToken(db, `${P}${role}`, role)).secret;
  }
  coverage = new CoverageService(db, {
    terrain: memoryTerrain([{ name: 'mask-test-3s', dem: degreeDem(N, N, PX, WEST, NORTH, () => 800) }]),
    cameraSyncIntervalMs: 0,
    demandMaxAgeMs: 0,
    persist: false,
  });
  const app = express();
  app.use('/api', authenticate(db));
  const api = new ApiRoutes(true);
  addPrivacyRoutes(api, db);
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

async function call(
  method: string,
  path: string,
  body?: unknown,
  role: string | null = 'admin',
  type = 'application/geo+json',
): Promise<{ status: number; body: Json }> {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'Content-Type': type } : {}),
      ...(role ? { Authorization: `Bearer ${tokens[role]}` } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

const masksPath = (id: string) => `/api/cameras/${encodeURIComponent(id)}/privacy-masks`;
const collection = (...geometries: (Polygon | MultiPolygon)[]) => ({
  type: 'FeatureCollection',
  features: geometries.map((geometry, i) => ({
    type: 'Feature',
    geometry,
    properties: { reason: `vivienda ${i + 1}` },
  })),
});
const fields = (body: Json) => (body.errors as { field: string }[]).map((e) => e.field);

async function countsTif(): Promise<Uint16Array> {
  const res = await fetch(`${url}/api/coverage/counts.tif?area=${BOX}`);
  expect(res.status).toBe(200);
  const image = await (await fromArrayBuffer(await res.arrayBuffer())).getImage();
  expect([image.getWidth(), image.getHeight()]).toEqual([N, N]);
  const [band] = (await image.readRasters()) as unknown as Uint16Array[];
  return band!;
}

async function auditRows(): Promise<{ action: string; actor: string; before: Json[]; after: Json[] }[]> {
  return db.query(
    "SELECT action, actor, before, after FROM audit_log WHERE entity = 'camera' AND entity_id = $1 ORDER BY id",
    [A],
  );
}

describe('before any mask', () => {
  it('counts A and B: A-only cells 1, cells both see 2', async () => {
    const band = await countsTif();
    let aOnly = 0;
    let both = 0;
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        const dA = metres(c, r, [60, 60]);
        const dB = metres(c, r, [63, 60]);
        if (dA < 280 && dB > 320) {
          expect(band[r * N + c], `cell ${c},${r}`).toBe(1);
          aOnly++;
        }
        if (dA < 280 && dB < 280) {
          expect(band[r * N + c], `cell ${c},${r}`).toBe(2);
          both++;
        }
      }
    }
    expect(aOnly).toBeGreaterThan(5);
    expect(both).toBeGreaterThan(5);
    const report = await call('GET', `/api/coverage?area=${BOX}`, undefined, null);
    expect(report.body.summary.demand.incidents).toEqual({ total: 9, covered: 7, coveredPct: 77.78 });
  });
});

describe('the privacy-mask API', () => {
  it('is for admins only', async () => {
    expect((await call('GET', masksPath(A), undefined, null)).status).toBe(401);
    expect((await call('GET', masksPath(A), undefined, 'viewer')).status).toBe(403);
    expect((await call('PUT', masksPath(A), collection(MASK), 'analyst')).status).toBe(403);
    expect((await call('DELETE', `${masksPath(A)}/1`, undefined, 'analyst')).status).toBe(403);
  });

  it('answers 404 for an unknown camera', async () => {
    const res = await call('GET', masksPath(`${P}nope`));
    expect(res.status).toBe(404);
    expect(res.body.detail).toMatch(/nope/);
  });

  it('lists no masks at first', async () => {
    const res = await call('GET', masksPath(A));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('refuses a self-intersecting polygon with a 400 naming the ring, and stores nothing', async () => {
    const [w, s] = at(57, 62);
    const [e, n] = at(62, 57);
    const bowTie: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, n],
          [e, s],
          [w, n],
          [w, s],
        ],
      ],
    };
    const res = await call('PUT', masksPath(A), collection(MASK, bowTie));
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['features.1.geometry.coordinates.0']);
    expect(res.body.errors[0].message).toMatch(/crosses itself/);
    expect((await call('GET', masksPath(A))).body.features).toEqual([]);
    expect(await auditRows()).toEqual([]);
  });

  it('refuses what only PostGIS catches: a hole outside its shell', async () => {
    const outer = cellSquare(56, 56, 58, 58).coordinates[0]!;
    const hole = cellSquare(61, 61, 62, 62).coordinates[0]!.slice().reverse();
    const res = await call('PUT', masksPath(A), collection({ type: 'Polygon', coordinates: [outer, hole] }));
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['features.0.geometry']);
    expect(res.body.errors[0].message).toMatch(/not a valid polygon: Hole lies outside shell/);
  });

  it('refuses out-of-range and far-away positions, naming each', async () => {
    const ring = MASK.coordinates[0]!.map((p) => [...p]);
    ring[2] = [-200, -1.55];
    const res = await call('PUT', masksPath(A), collection({ type: 'Polygon', coordinates: [ring] }));
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['features.0.geometry.coordinates.0.2']);
    const far: Position[] = cellSquare(56, 56, 64, 64).coordinates[0]!.map(([x, y]) => [x! + 1, y!]);
    const farRes = await call('PUT', masksPath(A), collection({ type: 'Polygon', coordinates: [far] }));
    expect(farRes.status).toBe(400);
    expect(farRes.body.errors[0].message).toMatch(/km from the camera/);
  });

  it('refuses bad bodies: unknown keys, a missing reason, too many masks, another media type', async () => {
    const extra = collection(MASK);
    (extra.features[0]!.properties as Json).colour = 'red';
    expect(fields((await call('PUT', masksPath(A), extra)).body)).toEqual(['features.0.properties.colour']);
    const noReason = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: MASK, properties: {} }],
    };
    expect(fields((await call('PUT', masksPath(A), noReason)).body)).toEqual([
      'features.0.properties.reason',
    ]);
    const many = collection(...Array.from({ length: 101 }, () => MASK));
    expect(fields((await call('PUT', masksPath(A), many)).body)).toEqual(['features']);
    expect((await call('PUT', masksPath(A), 'x=1', 'admin', 'text/plain')).status).toBe(415);
  });

  it('stores a mask, answers with it, and writes before and after to the audit log', async () => {
    const res = await call('PUT', masksPath(A), collection(MASK));
    expect(res.status).toBe(200);
    const fc = res.body as FeatureCollection<MultiPolygon>;
    expect(fc.features).toHaveLength(1);
    const f = fc.features[0]!;
    expect(f.geometry.type).toBe('MultiPolygon');
    expect(f.geometry.coordinates[0]![0]!).toHaveLength(5);
    expect(f.properties).toMatchObject({ camera: A, reason: 'vivienda 1', createdBy: `${P}admin` });
    // 9 columns × 92.7 m by 9 rows × 92.2 m ≈ 0.692 km².
    expect(f.properties!.areaM2).toBeGreaterThan(690_000);
    expect(f.properties!.areaM2).toBeLessThan(695_000);
    expect((await call('GET', masksPath(A))).body).toEqual(res.body);
    const audit = await auditRows();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'privacy_masks.replace', actor: `${P}admin`, before: [] });
    expect(audit[0]!.after).toEqual([
      { id: f.id, reason: 'vivienda 1', createdBy: `${P}admin`, geometry: f.geometry },
    ]);
  });
});

describe('with A masked over all it sees', () => {
  it('the counts GeoTIFF is 0 where only A saw, and 1 wherever B sees, masked or not', async () => {
    const band = await countsTif();
    let maskedZero = 0;
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        const dA = metres(c, r, [60, 60]);
        const dB = metres(c, r, [63, 60]);
        if (dA < 280 && dB > 320) {
          expect(inMask(c, r)).toBe(true);
          expect(band[r * N + c], `cell ${c},${r}`).toBe(0);
          maskedZero++;
        }
        if (dB < 280) expect(band[r * N + c], `cell ${c},${r}`).toBe(1);
        if (dA > 320 && dB > 320) expect(band[r * N + c], `cell ${c},${r}`).toBe(0);
      }
    }
    expect(maskedZero).toBeGreaterThan(5);
    expect(Math.max(...band)).toBe(1);
  });

  it('the figures no longer count the incidents only A saw', async () => {
    const report = await call('GET', `/api/coverage?area=${BOX}`, undefined, null);
    expect(report.body.summary.demand.incidents).toEqual({ total: 9, covered: 4, coveredPct: 44.44 });
  });

  it("A's coverage GeoJSON is empty; B's is what it was", async () => {
    const a = await call('GET', `/api/cameras/${A}/coverage`, undefined, null);
    expect(a.status).toBe(200);
    expect(a.body.properties).toMatchObject({ camera: A, cells: 0, counted: false });
    expect(a.body.geometry).toEqual({ type: 'MultiPolygon', coordinates: [] });
    const b = await call('GET', `/api/cameras/${B}/coverage`, undefined, null);
    expect(b.body.properties).toMatchObject({ camera: B, counted: true });
    const band = await countsTif();
    expect(b.body.properties.cells).toBe(band.filter((v) => v > 0).length);
    expect((await call('GET', `/api/cameras/${P}nope/coverage`, undefined, null)).status).toBe(404);
  });

  it('gaps leave the masked incidents out: only the unseen pair at (20, 100) is a gap', async () => {
    const res = await fetch(`${url}/api/coverage/gaps.geojson?area=${BOX}`);
    const fc = (await res.json()) as FeatureCollection;
    expect(fc.features.map((f) => f.properties!.demand)).toEqual([2]);
  });

  it('siting demand leaves masked cells out, and candidates gain nothing there', async () => {
    const res = await call(
      'POST',
      '/api/siting',
      {
        area: BOX,
        budget: { count: 1 },
        model: {
          kind: 'dome',
          mountHeightM: 10,
          hfovDeg: 360,
          rangeM: 300,
          resolutionHPx: 1920,
          unitCostUsd: 3000,
        },
        candidates: {
          points: [{ lon: at(57, 60)[0], lat: at(57, 60)[1] }],
          highPoints: false,
          towns: false,
          roads: false,
        },
      },
      'analyst',
      'application/json',
    );
    expect(res.status).toBe(200);
    // The 3 incidents at (57, 60) are masked: 6 remain, 4 of them seen by B.
    expect(res.body.demand).toMatchObject({ total: 6, coveredByNetwork: 4, cells: 2 });
    // The only candidate stands in the masked area: it would newly see nothing worth a site.
    expect(res.body.table).toEqual([]);
  });

  it('what-if cameras gain nothing in the masked area', async () => {
    const res = await call(
      'POST',
      '/api/coverage/what-if',
      {
        changes: [
          {
            op: 'add',
            camera: {
              kind: 'dome',
              position: at(57, 60),
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
      },
      'analyst',
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(res.body.after.demand.incidents.covered).toBe(4);
    expect(res.body.gainedCells).toBeGreaterThan(0);
    // Every gained cell lies west of the mask's west side (column 56).
    const maskWest = WEST + 56 * PX;
    for (const polygon of res.body.gained.coordinates as Position[][][]) {
      for (const [x] of polygon[0]!) expect(x!).toBeLessThanOrEqual(maskWest + 1e-9);
    }
  });
});

describe('removing the mask', () => {
  it('brings A back everywhere, audited', async () => {
    const id = (await call('GET', masksPath(A))).body.features[0].id as number;
    expect((await call('DELETE', `${masksPath(A)}/${id + 1000}`)).status).toBe(404);
    expect((await call('DELETE', `${masksPath(A)}/${id}`)).status).toBe(204);
    expect((await call('GET', masksPath(A))).body.features).toEqual([]);
    const report = await call('GET', `/api/coverage?area=${BOX}`, undefined, null);
    expect(report.body.summary.demand.incidents.covered).toBe(7);
    const band = await countsTif();
    expect(band[60 * N + 57]).toBe(1);
    const audit = await auditRows();
    expect(audit.map((a) => a.action)).toEqual(['privacy_masks.replace', 'privacy_masks.delete']);
    expect(audit[1]!.before.map((m) => m.id)).toEqual([id]);
    expect(audit[1]!.after).toEqual([]);
  });

  it('an empty collection removes every mask', async () => {
    await call('PUT', masksPath(A), collection(cellSquare(56, 56, 57, 57), cellSquare(62, 62, 63, 63)));
    expect((await call('GET', masksPath(A))).body.features).toHaveLength(2);
    const res = await call('PUT', masksPath(A), { type: 'FeatureCollection', features: [] });
    expect(res.status).toBe(200);
    expect(res.body.features).toEqual([]);
    const audit = await auditRows();
    expect(audit.at(-1)!.before).toHaveLength(2);
    expect(audit.at(-1)!.after).toEqual([]);
  });
});
