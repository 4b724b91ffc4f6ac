/**
 * The in-memory copy of the incidents on a real database (PGlite, or PostgreSQL with DATABASE_URL),
 * in a database of its own since it truncates the incidents: after every kind of change the copy
 * equals a fresh full read, and its aggregates equal the SQL ones (density-queries.ts) — PostGIS
 * is the independent reference for the bbox test. On PostgreSQL only: a writer that drew lower ids
 * but commits later is not missed by a reader that refreshed between the two commits.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { incidentDensity, incidentHistogram } from '../../server/db/density-queries.js';
import { stageIncidents } from '../../server/db/ingest-store.js';
import { deleteIncidentsBatch } from '../../server/db/retention-store.js';
import type { Incident, IncidentCategory, LngLat } from '../../server/domain/types.js';
import {
  densityOf,
  histogramOf,
  type IncidentAggregateFilter,
} from '../../server/incidents/incident-columns.js';
import {
  IncidentSnapshot,
  pruneIncidentChanges,
  readAllIncidents,
  readIncidentDelta,
  unpackIncidentRows,
  type IncidentState,
} from '../../server/incidents/incident-snapshot.js';
import { isolatedTestDatabase } from '../setup/test-database.js';
import { dataVersion } from '../../server/db/data-versions.js';

const QUITO: LngLat = [-78.5, -0.2];
const GUAYAQUIL: LngLat = [-79.9, -2.19];
const DAY = { from: new Date('2031-03-01T00:00:00Z'), to: new Date('2031-03-02T00:00:00Z') };
/** One float4 step at 64°–128° (2^-17°): PostGIS's && rounds boxes to float4 outwards. */
const STEP = 2 ** -17;

let db: Database;
let serial = 0;

function incident(position: LngLat, at: string, category: IncidentCategory = 'traffic'): Incident {
  serial += 1;
  return {
    externalId: `S${process.pid}-${serial}`,
    category,
    priority: 3,
    occurredAt: at,
    position,
    description: null,
    synthetic: serial % 3 === 0,
  };
}

async function insert(incidents: Incident[]): Promise<void> {
  await db.transaction(async (tx) => {
    const staged = await stageIncidents(tx);
    await staged.append(incidents);
    await staged.merge();
  });
}

/** The copy equals a fresh full read, and its aggregates the SQL ones, for several views. */
async function expectInSync(snapshot: IncidentSnapshot): Promise<IncidentState> {
  const state = await snapshot.current();
  const fresh = await readAllIncidents(db, 7);
  expect(state.version).toBe(fresh.version);
  for (const key of ['ids', 'times', 'lngs', 'lats', 'categories', 'synthetic'] as const) {
    expect([...state.columns[key]], key).toEqual([...fresh.columns[key]]);
  }
  const filters: IncidentAggregateFilter[] = [
    {},
    DAY,
    { ...DAY, category: ['fire', 'medical'] },
    { bbox: [-78.5, -1, -78, 1] },
    { ...DAY, bbox: [-80.5, -2.5, -79.5, -2] },
  ];
  for (const filter of filters) {
    for (const res of [5, 8]) {
      expect(densityOf(state.columns, filter, res)).toEqual(await incidentDensity(db, filter, res));
    }
  }
  for (const bucket of [3600, 86400]) {
    expect(histogramOf(state.columns, DAY, bucket)).toEqual(await incidentHistogram(db, DAY, bucket));
  }
  return state;
}

beforeAll(async () => {
  db = await isolatedTestDatabase('incidents');
});
afterAll(async () => {
  await db?.close();
});

describe('IncidentSnapshot', () => {
  it('follows inserts, updates, deletes, the retention delete and TRUNCATE', async () => {
    const snapshot = new IncidentSnapshot(db);
    const v0 = (await expectInSync(snapshot)).version;
    expect(snapshot.stats).toEqual({ reloads: 1, deltas: 0 });

    await insert([
      incident(QUITO, '2031-03-01T01:00:00Z'),
      incident(QUITO, '2031-03-01T01:00:00Z', 'fire'),
      incident(GUAYAQUIL, '2031-03-01T02:30:00Z', 'medical'),
      // On the bbox's west edge, less than a float4 step outside it (counted by PostGIS), and more
      // than a step outside (not counted).
      incident([-78.5, 0.5], '2031-03-01T03:00:00Z'),
      incident([-78.5 - STEP / 2, 0.5], '2031-03-01T03:00:00Z'),
      incident([-78.5 - STEP * 2, 0.5], '2031-03-01T03:00:00Z'),
      incident(QUITO, '2031-02-28T23:59:59.999999Z'),
      incident(QUITO, '2031-03-01T23:59:59.999999Z', 'fire'),
    ]);
    const afterInsert = await expectInSync(snapshot);
    expect(afterInsert.version).toBe(v0 + 1);
    expect(afterInsert.columns.length).toBe(8);
    // Four in Quito (on the west edge too), the one on the edge and the one half a step outside.
    expect(densityOf(afterInsert.columns, { bbox: [-78.5, -1, -78, 1] }, 8).total).toBe(6);

    // An update moving one incident and changing another's category, in one statement.
    await db.query(
      `UPDATE incidents SET geom = CASE WHEN category = 'medical' THEN ST_SetSRID(ST_MakePoint(-78.5, -0.2), 4326) ELSE geom END,
                            category = CASE WHEN category = 'fire' THEN 'security' ELSE category END
       WHERE category IN ('medical', 'fire')`,
    );
    await expectInSync(snapshot);

    // A statement that changes no row moves nothing.
    const before = await dataVersion(db, 'incidents');
    await db.query(`DELETE FROM incidents WHERE category = 'other'`);
    expect(await dataVersion(db, 'incidents')).toBe(before);

    await db.query(`DELETE FROM incidents WHERE occurred_at >= '2031-03-01T03:00:00Z'`);
    await expectInSync(snapshot);
    expect(await deleteIncidentsBatch(db, new Date('2031-03-01T01:30:00Z'), 2)).toBe(2);
    const afterRetention = await expectInSync(snapshot);
    expect(snapshot.stats).toEqual({ reloads: 1, deltas: 4 });
    expect(afterRetention.columns.length).toBe(2);

    await db.exec('TRUNCATE incidents');
    expect((await expectInSync(snapshot)).columns.length).toBe(0);
    expect(snapshot.stats.reloads).toBe(2);
    await insert([incident(GUAYAQUIL, '2031-03-01T05:00:00Z')]);
    expect((await expectInSync(snapshot)).columns.length).toBe(1);
    expect(snapshot.stats).toEqual({ reloads: 2, deltas: 5 });
  });

  it('shares one refresh between concurrent requests', async () => {
    const snapshot = new IncidentSnapshot(db);
    await snapshot.current();
    await insert([incident(QUITO, '2031-03-01T06:00:00Z'), incident(QUITO, '2031-03-01T07:00:00Z')]);
    const states = await Promise.all([snapshot.current(), snapshot.current(), snapshot.current()]);
    expect(states[1]).toBe(states[0]);
    expect(states[2]).toBe(states[0]);
    expect(snapshot.stats).toEqual({ reloads: 1, deltas: 1 });
    await expectInSync(snapshot);
  });

  it('reads everything again when the log no longer reaches back, or the delta is too wide', async () => {
    const snapshot = new IncidentSnapshot(db, { pruneEveryMs: Infinity });
    const start = await snapshot.current();
    await insert([incident(QUITO, '2031-03-01T08:00:00Z')]);
    await insert([incident(GUAYAQUIL, '2031-03-01T09:00:00Z')]);
    const known = start.version;
    const delta = await readIncidentDelta(db, known, 1_000_000);
    expect(delta?.version).toBe(known + 2);
    expect(delta?.rows.ids.length).toBe(2);
    // The two inserts drew consecutive ids: one merged range.
    expect(delta?.ranges.lo.length).toBe(1);
    expect(await readIncidentDelta(db, known, 1)).toBeNull();

    // Pruning everything: the log starts after `known`.
    expect(await pruneIncidentChanges(db, 0)).toBeGreaterThanOrEqual(2);
    expect(await readIncidentDelta(db, known, 1_000_000)).toBeNull();
    await expectInSync(snapshot);
    expect(snapshot.stats).toEqual({ reloads: 2, deltas: 0 });
  });
});

describe.skipIf(!process.env.DATABASE_URL)('IncidentSnapshot on PostgreSQL, two writers', () => {
  it('does not miss the rows of a writer that drew lower ids and committed later', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `${url.pathname}_test_incidents`;
    const slow = new pg.Client({ connectionString: url.toString() });
    const fast = new pg.Client({ connectionString: url.toString() });
    const gate = new pg.Client({ connectionString: url.toString() });
    await Promise.all([slow.connect(), fast.connect(), gate.connect()]);
    const snapshot = new IncidentSnapshot(db);
    try {
      await snapshot.current();
      const lock = 731_990;
      await gate.query('SELECT pg_advisory_lock($1)', [lock]);
      // The slow writer inserts two rows in one statement: the first row draws its id, then the
      // second waits on the advisory lock before its statement (and its version bump) can end.
      const slowPid = (await slow.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await slow.query('BEGIN');
      const slowInsert = slow.query(
        `INSERT INTO incidents (external_id, category, occurred_at, geom, description)
         SELECT 'slow-' || n, 'traffic', '2031-03-01T10:00:00Z', ST_SetSRID(ST_MakePoint(-78.5, -0.2), 4326),
                CASE WHEN n = 2 THEN (SELECT 'waited' FROM pg_advisory_lock($1 + n - 2)) END
         FROM (VALUES (1), (2)) AS v (n)
         RETURNING id`,
        [lock],
      );
      await waitUntil(async () => {
        const r = await gate.query(
          `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
          [slowPid],
        );
        return r.rowCount === 1;
      });
      // The fast writer draws a higher id and commits first.
      const fastRows = await fast.query(
        `INSERT INTO incidents (external_id, category, occurred_at, geom)
         VALUES ('fast-1', 'fire', '2031-03-01T10:00:00Z', ST_SetSRID(ST_MakePoint(-79.9, -2.19), 4326))
         RETURNING id`,
      );
      const fastId = Number(fastRows.rows[0].id);
      const between = await snapshot.current();
      expect([...between.columns.ids]).toContain(fastId);
      expect(snapshot.stats.deltas).toBeGreaterThanOrEqual(1);

      await gate.query('SELECT pg_advisory_unlock($1)', [lock]);
      const slowIds = (await slowInsert).rows.map((r: { id: string }) => Number(r.id));
      await slow.query('COMMIT');
      expect(Math.min(...slowIds)).toBeLessThan(fastId);
      for (const id of slowIds) expect([...between.columns.ids]).not.toContain(id);

      const after = await snapshot.current();
      for (const id of [...slowIds, fastId]) expect([...after.columns.ids]).toContain(id);
      await expectInSync(snapshot);
    } finally {
      await Promise.all([slow.end(), fast.end(), gate.end()]);
    }
  });
});

describe('unpackIncidentRows', () => {
  it('reads the packed id, microseconds, position, category and synthetic flag', () => {
    const bytes = new Uint8Array(68);
    const view = new DataView(bytes.buffer);
    view.setBigInt64(0, 42n, false);
    view.setBigInt64(8, 1_930_000_000_123_457n, false); // µs since 1970
    view.setFloat64(16, -78.5, false);
    view.setFloat64(24, -0.2, false);
    view.setInt16(32, 2 * 2 + 1, false); // 'fire', synthetic
    view.setBigInt64(34, 9_007_199_254_740_991n, false);
    view.setBigInt64(42, -1n, false);
    view.setFloat64(50, -89.61, false);
    view.setFloat64(58, -0.9017, false);
    view.setInt16(66, 5 * 2, false); // 'other'
    const rows = unpackIncidentRows(bytes);
    expect([...rows.ids]).toEqual([42, 9_007_199_254_740_991]);
    expect([...rows.times]).toEqual([1_930_000_000_123.457, -0.001]);
    expect([...rows.lngs]).toEqual([-78.5, -89.61]);
    expect([...rows.lats]).toEqual([-0.2, -0.9017]);
    expect([...rows.categories]).toEqual([2, 5]);
    expect([...rows.synthetic]).toEqual([1, 0]);
    expect(() => unpackIncidentRows(new Uint8Array(33))).toThrow('multiple of 34 bytes, got 33');
    view.setInt16(32, 127 * 2, false);
    expect(() => unpackIncidentRows(bytes)).toThrow(
      'Incident 42 has a category outside INCIDENT_CATEGORIES (code 254)',
    );
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
