import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { demoLoaded, loadDemoData } from '../../../server/seed/load-demo.js';
import { DATA_DIR, isolatedTestDatabase } from '../../setup/test-database.js';

const END = Date.parse('2026-06-01T12:00:00Z');
let db: Database;

beforeAll(async () => {
  db = await isolatedTestDatabase('demo');
});
afterAll(() => db?.close());

const one = async <T>(sql: string) => (await db.query<T>(sql))[0]!;

describe('loading the synthetic demo slice', () => {
  it('loads 4,500 cameras, 30 days of incidents and 3 days of readings, all labelled synthetic', async () => {
    expect(await demoLoaded(db)).toBe(false);
    const result = await loadDemoData(db, DATA_DIR, { size: 'slice', endMs: END });
    expect(result).toMatchObject({
      size: 'slice',
      seed: '911',
      endAt: '2026-06-01T12:00:00.000Z',
      cameras: 4500,
    });
    expect(await demoLoaded(db)).toBe(true);

    const counts = await one<{ cameras: number; incidents: number; readings: number; real: number }>(`SELECT
      (SELECT count(*)::int FROM cameras WHERE synthetic) AS cameras,
      (SELECT count(*)::int FROM incidents WHERE synthetic) AS incidents,
      (SELECT count(*)::int FROM thermal_readings WHERE synthetic) AS readings,
      (SELECT count(*)::int FROM cameras WHERE NOT synthetic) + (SELECT count(*)::int FROM incidents WHERE NOT synthetic) AS real`);
    expect(counts).toEqual({
      cameras: 4500,
      incidents: result.incidents,
      readings: result.readings,
      real: 0,
    });
    // About 1M a year: 30 days is ~82,000 (the generator's rhythm varies by season).
    expect(result.incidents).toBeGreaterThan(70_000);
    expect(result.incidents).toBeLessThan(95_000);
  });

  it('keeps incidents within the 30 days and readings within the 3 days before the end', async () => {
    const span = await one<{ i0: Date; i1: Date; r0: Date; r1: Date }>(`SELECT
      (SELECT min(occurred_at) FROM incidents) AS i0, (SELECT max(occurred_at) FROM incidents) AS i1,
      (SELECT min(ts) FROM thermal_readings) AS r0, (SELECT max(ts) FROM thermal_readings) AS r1`);
    expect(span.i0.getTime()).toBeGreaterThanOrEqual(END - 30 * 86_400_000);
    expect(span.i1.getTime()).toBeLessThan(END);
    expect(span.r0.getTime()).toBeGreaterThanOrEqual(END - 3 * 86_400_000);
    expect(span.r1.getTime()).toBeLessThan(END);
  });

  it("puts every camera and incident inside a province, to the boundaries' 1 m precision (checked by PostGIS, not by the generator)", async () => {
    const outside = await one<{ cameras: number; incidents: number }>(`SELECT
      (SELECT count(*)::int FROM cameras c WHERE NOT EXISTS (SELECT 1 FROM provinces p WHERE ST_Intersects(p.geom, c.geom))
         AND NOT EXISTS (SELECT 1 FROM provinces p WHERE ST_DWithin(p.geom::geography, c.geom::geography, 1))) AS cameras,
      (SELECT count(*)::int FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM provinces p WHERE ST_Intersects(p.geom, i.geom))
         AND NOT EXISTS (SELECT 1 FROM provinces p WHERE ST_DWithin(p.geom::geography, i.geom::geography, 1))) AS incidents`);
    expect(outside).toEqual({ cameras: 0, incidents: 0 });
  });

  it('marks the volcanoes that carry thermal cameras as monitored, and only those', async () => {
    const rows = await db.query<{ name: string; monitored: boolean; cams: number }>(`
      SELECT v.name, v.monitored, count(c.id)::int AS cams FROM volcanoes v
      LEFT JOIN cameras c ON c.volcano_gvp = v.gvp_number AND c.kind = 'thermal' GROUP BY 1, 2`);
    for (const r of rows) expect(r.monitored).toBe(r.cams > 0);
    expect(rows.filter((r) => r.monitored).map((r) => r.name)).toEqual(
      expect.arrayContaining(['Cotopaxi', 'Tungurahua', 'Sangay', 'Reventador']),
    );
  });

  it('stores the ground truth of the injected episodes', async () => {
    const row = await one<{
      ground_truth: { synthetic: boolean; thermalEpisodes: unknown[]; incidentSurges: unknown[] };
    }>('SELECT ground_truth FROM demo_datasets');
    expect(row.ground_truth.synthetic).toBe(true);
    expect(row.ground_truth.thermalEpisodes.length).toBeGreaterThanOrEqual(3);
    expect(row.ground_truth.incidentSurges.length).toBeGreaterThanOrEqual(4);
  });

  it('is reproducible: loading again with the same seed and end replaces the set with identical rows', async () => {
    const before = await one<{ h: string }>(
      `SELECT md5(string_agg(external_id || ':' || ST_AsText(geom) || occurred_at::text, ',' ORDER BY external_id)) AS h FROM incidents`,
    );
    await loadDemoData(db, DATA_DIR, { size: 'slice', endMs: END });
    const after = await one<{ h: string; n: number }>(
      `SELECT md5(string_agg(external_id || ':' || ST_AsText(geom) || occurred_at::text, ',' ORDER BY external_id)) AS h, count(*)::int AS n FROM incidents`,
    );
    expect(after.h).toBe(before.h);
    expect(await one<{ n: number }>('SELECT count(*)::int AS n FROM demo_datasets')).toEqual({ n: 1 });
  });
});
