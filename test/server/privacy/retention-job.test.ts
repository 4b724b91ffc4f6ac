/**
 * The retention job on a database of its own (a second PGlite from the template, or
 * `<name>_test_retention` on PostgreSQL), since it deletes across whole tables.
 *
 * Fixed clock N = 2026-06-01T12:00Z. Cameras RET-A and RET-B have one reading a day at N − k days,
 * k = 0…800; incidents one a day at N − k days, k = 0…2500. Policy: readings 400 days, incidents
 * 1,826 days. RET-A has a firing threshold alert (forSeconds 120) that started 600 days ago, so
 * its readings from N − 600 d − 120 s − 1 d onward are evidence: k ≤ 601 stays, k = 602…800 (199)
 * go. RET-B had an alert 700 days ago that resolved: its k = 401…800 (400) go. Incidents
 * k = 1827…2500 (674) go — unless an incident-surge alert (window 1 h, baseline 28 d) that
 * started 2,000 days ago is open, which keeps k ≤ 2029: then k = 2030…2500 (471) go.
 * Batches of 50 rows: RET-A 50+50+50+49 (4), RET-B 8 × 50 + a last empty one (9), incidents
 * 13 × 50 + 24 (14): 27 statements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { runRetention } from '../../../server/retention/retention-job.js';
import { isolatedTestDatabase } from '../../setup/test-database.js';

const N = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const policy = { readingsDays: 400, incidentsDays: 1826 };
let db: Database;
let surgeAlert: number;
let cameraAlert: number;

async function counts(): Promise<{ a: number; b: number; incidents: number }> {
  const [r] = await db.query<{ a: number; b: number; incidents: number }>(
    `SELECT (SELECT count(*)::int FROM thermal_readings t JOIN cameras c ON c.id = t.camera_id WHERE c.external_id = 'RET-A') AS a,
            (SELECT count(*)::int FROM thermal_readings t JOIN cameras c ON c.id = t.camera_id WHERE c.external_id = 'RET-B') AS b,
            (SELECT count(*)::int FROM incidents) AS incidents`,
  );
  return r!;
}

const auditRows = () =>
  db.query<{ actor: string; after: Record<string, any> }>( // eslint-disable-line @typescript-eslint/no-explicit-any
    "SELECT actor, after FROM audit_log WHERE action = 'retention.run' ORDER BY id",
  );

beforeAll(async () => {
  db = await isolatedTestDatabase('retention');
  await db.query(
    `INSERT INTO cameras (external_id, name, kind, geom, mount_height_m, azimuth_deg, hfov_deg, vfov_deg, range_m,
                          resolution_h_px, resolution_v_px)
     SELECT id, 'Retention test ' || id, 'thermal', ST_SetSRID(ST_MakePoint(-78.44, -0.68), 4326), 5, 0, 30, 20, 15000, 640, 480
     FROM unnest(ARRAY['RET-A', 'RET-B']) AS id`,
  );
  await db.query(
    `INSERT INTO thermal_readings (camera_id, ts, max_temp_c)
     SELECT c.id, $1::timestamptz - make_interval(secs => k * 86400), 5
     FROM cameras c CROSS JOIN generate_series(0, 800) AS k WHERE c.external_id IN ('RET-A', 'RET-B')`,
    [N],
  );
  await db.query(
    `INSERT INTO incidents (external_id, category, occurred_at, geom)
     SELECT 'RET-' || k, 'other', $1::timestamptz - make_interval(secs => k * 86400),
            ST_SetSRID(ST_MakePoint(-78.5, -0.2), 4326)
     FROM generate_series(0, 2500) AS k`,
    [N],
  );
  const [threshold] = await db.query<{ id: number }>(
    `INSERT INTO alert_rules (name, kind, severity, scope, params)
     VALUES ('retention threshold', 'thermal_threshold', 'yellow', '{"type":"camera","cameraId":"RET-A"}',
             '{"thresholdC":60,"forSeconds":120}') RETURNING id`,
  );
  const [surge] = await db.query<{ id: number }>(
    `INSERT INTO alert_rules (name, kind, severity, scope, params)
     VALUES ('retention surge', 'incident_surge', 'watch', '{"type":"all"}',
             '{"windowSeconds":3600,"baselineDays":28,"threshold":10}') RETURNING id`,
  );
  const alert = (rule: number, key: string, state: string, startedDaysAgo: number) =>
    db.query<{ id: number }>(
      `INSERT INTO alerts (rule_id, scope_key, state, severity, started_at, firing_at, resolved_at, last_eval_at)
       VALUES ($1, $2, $3, 'yellow', $4, $4, CASE WHEN $3 = 'resolved' THEN $5::timestamptz END, $5) RETURNING id`,
      [rule, key, state, new Date(N.getTime() - startedDaysAgo * DAY), N],
    );
  cameraAlert = (await alert(threshold!.id, 'camera:RET-A', 'firing', 600))[0]!.id;
  await alert(threshold!.id, 'camera:RET-B', 'resolved', 700);
  surgeAlert = (await alert(surge!.id, 'region:quito', 'firing', 2000))[0]!.id;
});

afterAll(async () => {
  await db?.close();
});

describe('runRetention', () => {
  it('counts in a dry run and deletes nothing, with the open surge alert keeping older incidents', async () => {
    const report = await runRetention(db, policy, { now: N.getTime(), dryRun: true, batchRows: 50 });
    expect(report.readings.deleted).toBe(199 + 400);
    expect(report.incidents.deleted).toBe(471);
    expect(report.readings.cutoff).toBe('2025-04-27T12:00:00.000Z');
    expect(report.readings.keptForOpenAlerts).toEqual([
      { camera: 'RET-A', since: new Date(N.getTime() - 601 * DAY - 120_000).toISOString() },
    ]);
    expect(report.batches).toBe(0);
    expect(await counts()).toEqual({ a: 801, b: 801, incidents: 2501 });
    expect(await auditRows()).toEqual([]);
  });

  it('deletes what is past the policy in batches, keeps evidence of the open alert, and audits the counts', async () => {
    await db.query("UPDATE alerts SET state = 'resolved', resolved_at = $2 WHERE id = $1", [surgeAlert, N]);
    const report = await runRetention(db, policy, { now: N.getTime(), batchRows: 50, actor: 'test' });
    expect(report.readings.deleted).toBe(599);
    expect(report.incidents.deleted).toBe(674);
    expect(report.batches).toBe(27);
    expect(report.stopped).toBe(false);
    expect(await counts()).toEqual({ a: 602, b: 401, incidents: 1827 });
    // The oldest of RET-A's readings left is 601 days old: the evidence window's first day.
    const [oldest] = await db.query<{ ts: Date }>(
      "SELECT min(ts) AS ts FROM thermal_readings t JOIN cameras c ON c.id = t.camera_id WHERE c.external_id = 'RET-A'",
    );
    expect(oldest!.ts.toISOString()).toBe(new Date(N.getTime() - 601 * DAY).toISOString());
    const audit = await auditRows();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('test');
    expect(audit[0]!.after).toMatchObject({
      dryRun: false,
      policy,
      readings: { deleted: 599 },
      incidents: { deleted: 674 },
    });
  });

  it('finds nothing more on a second run, and says so in the audit log', async () => {
    const report = await runRetention(db, policy, { now: N.getTime(), batchRows: 50 });
    expect([report.readings.deleted, report.incidents.deleted]).toEqual([0, 0]);
    expect((await auditRows()).map((a) => a.after.readings.deleted)).toEqual([599, 0]);
  });

  it('lets the evidence go once the alert has resolved', async () => {
    await db.query("UPDATE alerts SET state = 'resolved', resolved_at = $2 WHERE id = $1", [cameraAlert, N]);
    const report = await runRetention(db, policy, { now: N.getTime() });
    // RET-A's k = 401…601.
    expect(report.readings.deleted).toBe(201);
    expect(await counts()).toEqual({ a: 401, b: 401, incidents: 1827 });
  });

  it('keeps everything with 0 days, and stops between batches when asked', async () => {
    const forever = await runRetention(db, { readingsDays: 0, incidentsDays: 0 }, { now: N.getTime() });
    expect([forever.readings.cutoff, forever.incidents.cutoff]).toEqual([null, null]);
    expect(await counts()).toEqual({ a: 401, b: 401, incidents: 1827 });
    const stop = new AbortController();
    stop.abort();
    const stopped = await runRetention(
      db,
      { readingsDays: 1, incidentsDays: 1 },
      { now: N.getTime(), signal: stop.signal },
    );
    expect(stopped).toMatchObject({ stopped: true, batches: 0 });
    expect(await counts()).toEqual({ a: 401, b: 401, incidents: 1827 });
  });
});
