/**
 * What the retention job (server/retention/retention-job.ts) reads and deletes. Deletes go in small
 * batches, each its own statement (and so its own short transaction): a batch locks only the rows
 * it removes, which are old and no one writes, so ingest and reads carry on between and during them.
 * Readings are deleted camera by camera along the primary key (camera_id, ts); incidents along
 * their (occurred_at, id) index.
 */
import type { RuleKind } from '../rules/rule-schema.js';
import type { OpenAlertFact, RuleFact } from '../retention/retention-policy.js';
import { one, type Queryable } from './database.js';

/** Enabled rules with their parameters. */
export async function enabledRuleFacts(db: Queryable): Promise<RuleFact[]> {
  const rows = await db.query<{ kind: RuleKind; params: Record<string, unknown> }>(
    'SELECT kind, params FROM alert_rules WHERE enabled ORDER BY id',
  );
  return rows.map((r) => ({ kind: r.kind, params: r.params }));
}

/** Pending, firing and error alerts with their rule's kind and parameters. */
export async function openAlertFacts(db: Queryable): Promise<OpenAlertFact[]> {
  const rows = await db.query<{
    kind: RuleKind;
    params: Record<string, unknown>;
    scope_key: string;
    started_at: Date;
  }>(
    `SELECT r.kind, r.params, a.scope_key, a.started_at
     FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
     WHERE a.state IN ('pending', 'firing', 'error') ORDER BY a.id`,
  );
  return rows.map((r) => ({
    kind: r.kind,
    params: r.params,
    scopeKey: r.scope_key,
    startedAtMs: r.started_at.getTime(),
  }));
}

/** Cameras with at least one reading before an instant (one primary-key probe per camera). */
export async function camerasWithReadingsBefore(
  db: Queryable,
  before: Date,
): Promise<{ id: number; externalId: string }[]> {
  const rows = await db.query<{ id: number; external_id: string }>(
    `SELECT c.id, c.external_id FROM cameras c
     WHERE EXISTS (SELECT 1 FROM thermal_readings r WHERE r.camera_id = c.id AND r.ts < $1)
     ORDER BY c.id`,
    [before],
  );
  return rows.map((r) => ({ id: r.id, externalId: r.external_id }));
}

/** Deletes up to `limit` of a camera's oldest readings before an instant; returns how many. */
export async function deleteReadingsBatch(
  db: Queryable,
  cameraId: number,
  before: Date,
  limit: number,
): Promise<number> {
  const row = await one<{ n: number }>(
    db,
    `WITH gone AS (
       DELETE FROM thermal_readings WHERE camera_id = $1 AND ts IN (
         SELECT ts FROM thermal_readings WHERE camera_id = $1 AND ts < $2 ORDER BY ts LIMIT $3)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [cameraId, before, limit],
  );
  return row.n;
}

/** How many of a camera's readings lie before an instant. */
export async function countReadingsBefore(db: Queryable, cameraId: number, before: Date): Promise<number> {
  const row = await one<{ n: number }>(
    db,
    'SELECT count(*)::int AS n FROM thermal_readings WHERE camera_id = $1 AND ts < $2',
    [cameraId, before],
  );
  return row.n;
}

/** Deletes up to `limit` of the oldest incidents before an instant; returns how many. */
export async function deleteIncidentsBatch(db: Queryable, before: Date, limit: number): Promise<number> {
  const row = await one<{ n: number }>(
    db,
    `WITH gone AS (
       DELETE FROM incidents WHERE id IN (
         SELECT id FROM incidents WHERE occurred_at < $1 ORDER BY occurred_at, id LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [before, limit],
  );
  return row.n;
}

/** How many incidents lie before an instant. */
export async function countIncidentsBefore(db: Queryable, before: Date): Promise<number> {
  const row = await one<{ n: number }>(
    db,
    'SELECT count(*)::int AS n FROM incidents WHERE occurred_at < $1',
    [before],
  );
  return row.n;
}
