import type { FeatureCollection, Point } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cameraIdsByExternalId,
  stageCameras,
  stageIncidents,
  stageReadings,
  type ReadingRow,
} from '../../../server/db/ingest-store.js';
import { bucketSecondsFor } from '../../../server/db/network-queries.js';
import type { Incident } from '../../../server/domain/types.js';
import { testDatabase } from '../../setup/test-database.js';
import { testCamera } from '../../setup/test-camera.js';
import { startTestServer, type TestServer } from '../../setup/test-server.js';

const P = `N${process.pid}-`;
let server: TestServer;

beforeAll(async () => {
  const db = await testDatabase();
  await db.transaction(async (tx) => {
    const cams = await stageCameras(tx);
    await cams.append([
      testCamera(`${P}thermal`, {
        name: 'Cotopaxi norte',
        kind: 'thermal',
        position: [-78.44, -0.6],
        volcanoGvp: 352050,
        rangeM: 15000,
      }),
      testCamera(`${P}dome`, { name: 'Quito centro', kind: 'dome', position: [-78.51, -0.22] }),
      testCamera(`${P}off`, {
        name: 'Guayaquil',
        kind: 'fixed',
        position: [-79.9, -2.19],
        status: 'offline',
      }),
    ]);
    await cams.merge();
  });
  const id = (await cameraIdsByExternalId(db, [`${P}thermal`])).get(`${P}thermal`)!;
  // 10:00–10:59 UTC, one reading a minute: max = minute, one obscured frame at 10:30.
  const readings: ReadingRow[] = Array.from({ length: 60 }, (_, m) => ({
    cameraId: id,
    ts: new Date(Date.UTC(2026, 10, 1, 10, m)).toISOString(),
    maxTempC: m,
    meanTempC: m / 2,
    quality: m === 30 ? 'obscured' : 'ok',
    synthetic: true,
  }));
  const incidents: Incident[] = Array.from({ length: 5 }, (_, i) => ({
    externalId: `${P}inc-${i}`,
    category: i % 2 === 0 ? 'traffic' : 'medical',
    priority: 3,
    occurredAt: new Date(Date.UTC(2026, 10, 1, i)).toISOString(),
    position: [-78.5 + i * 0.01, -0.2],
    description: null,
    synthetic: true,
  }));
  await db.transaction(async (tx) => {
    const r = await stageReadings(tx);
    await r.append(readings);
    await r.merge();
    const inc = await stageIncidents(tx);
    await inc.append(incidents);
    await inc.merge();
  });
  server = await startTestServer();
});
afterAll(() => server?.close());

const get = async (path: string) => {
  const res = await fetch(server.url + path);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
};

describe('GET /api/cameras', () => {
  it('filters by kind, status, volcano and bbox', async () => {
    const names = async (q: string) =>
      ((await get(`/api/cameras?${q}`)).body as unknown as FeatureCollection).features
        .map((f) => f.properties?.externalId as string)
        .filter((id) => id.startsWith(P))
        .sort();
    expect(await names('kind=thermal')).toEqual([`${P}thermal`]);
    expect(await names('kind=dome,fixed')).toEqual([`${P}dome`, `${P}off`]);
    expect(await names('status=offline')).toEqual([`${P}off`]);
    expect(await names('volcano=352050')).toEqual([`${P}thermal`]);
    expect(await names('bbox=-80,-2.5,-79.5,-2')).toEqual([`${P}off`]);
  });

  it('labels synthetic cameras and gives their optics', async () => {
    const fc = (await get('/api/cameras?kind=thermal')).body as unknown as FeatureCollection<Point>;
    const cam = fc.features.find((f) => f.properties?.externalId === `${P}thermal`)!;
    expect(cam.geometry.coordinates).toEqual([-78.44, -0.6]);
    expect(cam.properties).toMatchObject({ synthetic: true, rangeM: 15000, hfovDeg: 90, volcanoGvp: 352050 });
  });

  it('names a bad kind', async () => {
    const { status, body } = await get('/api/cameras?kind=drone');
    expect(status).toBe(400);
    expect((body.errors as { field: string }[])[0]!.field).toBe('kind.0');
  });
});

describe('GET /api/cameras/:id/readings', () => {
  it('downsamples to min, max and mean per bucket, leaving obscured frames out', async () => {
    const { status, body } = await get(
      `/api/cameras/${P}thermal/readings?from=2026-11-01T05:00:00-05:00&to=2026-11-01T11:00:00Z&maxBuckets=10`,
    );
    expect(status).toBe(200);
    // 60 minutes in at most 10 buckets: the smallest standard width is 10 minutes.
    expect(body.bucketSeconds).toBe(600);
    const buckets = body.buckets as {
      t: string;
      min: number;
      max: number;
      mean: number;
      n: number;
      masked: number;
    }[];
    expect(buckets).toHaveLength(6);
    expect(buckets[0]).toEqual({
      t: '2026-11-01T10:00:00.000Z',
      min: 0,
      max: 9,
      mean: 4.5,
      n: 10,
      masked: 0,
    });
    // 10:30–10:39: minute 30 is obscured, so min is 31 and the mean is that of 31..39.
    expect(buckets[3]).toEqual({
      t: '2026-11-01T10:30:00.000Z',
      min: 31,
      max: 39,
      mean: 35,
      n: 9,
      masked: 1,
    });
    expect(body.synthetic).toBe(true);
  });

  it('answers a known camera without readings in the range with no buckets', async () => {
    const { status, body } = await get(
      `/api/cameras/${P}thermal/readings?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z`,
    );
    expect(status).toBe(200);
    expect(body.buckets).toEqual([]);
    expect(body.synthetic).toBe(true);
  });

  it('answers 404 for an unknown camera and 400 for a naive timestamp or an inverted range', async () => {
    expect(
      (await get('/api/cameras/nope/readings?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z')).status,
    ).toBe(404);
    const naive = await get(
      `/api/cameras/${P}thermal/readings?from=2026-11-01T00:00:00&to=2026-11-02T00:00:00Z`,
    );
    expect(naive.status).toBe(400);
    expect((naive.body.errors as { field: string }[])[0]!.field).toBe('from');
    const inverted = await get(
      `/api/cameras/${P}thermal/readings?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`,
    );
    expect((inverted.body.errors as { field: string }[])[0]!.field).toBe('to');
  });
});

describe('bucketSecondsFor', () => {
  it('picks the smallest standard width that fits', () => {
    const day = 86_400_000;
    expect(bucketSecondsFor(0, 3_600_000, 60)).toBe(60);
    expect(bucketSecondsFor(0, 30 * day, 500)).toBe(7200); // 30 d / 500 = 86.4 min → 2 h
    expect(bucketSecondsFor(0, 365 * day, 100)).toBe(345_600); // beyond a day: whole days (4)
  });
});

describe('GET /api/incidents', () => {
  it('pages in time order with a cursor until the last page', async () => {
    const q = `bbox=-78.51,-0.21,-78.45,-0.19&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&limit=2`;
    const seen: string[] = [];
    let url = `/api/incidents?${q}`;
    for (let page = 0; page < 5; page++) {
      const { status, headers, body } = await get(url);
      expect(status).toBe(200);
      seen.push(
        ...(body as unknown as FeatureCollection).features.map((f) => f.properties?.externalId as string),
      );
      if (!body.next) break;
      expect(headers.get('link')).toContain('rel="next"');
      url = `/api/incidents?${q}&cursor=${body.next as string}`;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `${P}inc-${i}`));
  });

  it('filters by category and refuses a forged cursor', async () => {
    const fc = (
      await get(
        '/api/incidents?bbox=-78.51,-0.21,-78.45,-0.19&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&category=medical',
      )
    ).body as unknown as FeatureCollection;
    expect(fc.features.map((f) => f.properties?.externalId)).toEqual([`${P}inc-1`, `${P}inc-3`]);
    const bad = await get('/api/incidents?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[])[0]!.field).toBe('cursor');
  });
});
