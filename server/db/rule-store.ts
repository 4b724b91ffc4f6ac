/**
 * SQL for the rules side of alerting: the `alert_rules` table (a row maps one to one onto a rule
 * definition, see server/rules/rule-schema.ts), the registry and history the evaluator reads (cameras,
 * thermal readings in columns, incidents with their region), and the evaluator's persisted snapshot.
 */
import { QUALITY_CODES } from '../rules/camera-feed.js';
import type { ReadingColumns } from '../rules/history-columns.js';
import type { IncidentInput } from '../rules/rule-inputs.js';
import {
  parseRule,
  type RuleDefinition,
  type RuleIssue,
  type RuleReferences,
  type StoredRule,
} from '../rules/rule-schema.js';
import type { CameraRef } from '../rules/scope.js';
import type { CameraKind, CameraStatus, IncidentCategory, ReadingQuality } from '../domain/types.js';
import { appendAudit } from './audit-store.js';
import { maybeOne, one, type Database, type Queryable } from './database.js';

// ---------------------------------------------------------------- rules

interface RuleRow {
  id: number;
  name: string;
  kind: string;
  severity: string;
  scope: unknown;
  params: unknown;
  labels: unknown;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A row of `alert_rules`: the validated rule (or, for a row that no longer validates, why not). */
export interface RuleRecord {
  id: number;
  /** null when the stored row fails today's schema (edited by hand, or an older schema). */
  rule: StoredRule | null;
  issues: RuleIssue[];
  /** The stored fields as they are. */
  definition: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

const RULE_COLUMNS = 'id, name, kind, severity, scope, params, labels, enabled, created_at, updated_at';

function recordOf(row: RuleRow): RuleRecord {
  const definition = {
    name: row.name,
    kind: row.kind,
    severity: row.severity,
    scope: row.scope,
    params: row.params,
    labels: row.labels,
    enabled: row.enabled,
  };
  const parsed = parseRule(definition);
  return {
    id: row.id,
    rule: parsed.ok ? { ...parsed.rule, id: String(row.id) } : null,
    issues: parsed.ok ? [] : parsed.issues,
    definition,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Every rule, by id. */
export async function listRules(db: Queryable): Promise<RuleRecord[]> {
  const rows = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules ORDER BY id`);
  return rows.map(recordOf);
}

export async function findRule(db: Queryable, id: number): Promise<RuleRecord | null> {
  const row = await maybeOne<RuleRow>(db, `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1`, [id]);
  return row ? recordOf(row) : null;
}

function ruleParams(rule: RuleDefinition): unknown[] {
  return [
    rule.name,
    rule.kind,
    rule.severity,
    JSON.stringify(rule.scope),
    JSON.stringify(rule.params),
    JSON.stringify(rule.labels),
    rule.enabled,
  ];
}

/** Stores a validated rule and audits it, in the caller's transaction. */
export async function insertRule(
  tx: Queryable,
  rule: RuleDefinition,
  audit: { actor: string; requestId?: string | null },
): Promise<RuleRecord> {
  const row = await one<RuleRow>(
    tx,
    `INSERT INTO alert_rules (name, kind, severity, scope, params, labels, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${RULE_COLUMNS}`,
    ruleParams(rule),
  );
  await appendAudit(tx, {
    actor: audit.actor,
    action: 'rule.create',
    entity: 'alert_rule',
    entityId: String(row.id),
    after: rule,
    requestId: audit.requestId ?? null,
  });
  return recordOf(row);
}

/** Replaces a rule's definition and audits before/after; null when there is no such rule. */
export async function updateRule(
  tx: Queryable,
  id: number,
  rule: RuleDefinition,
  audit: { actor: string; requestId?: string | null },
): Promise<RuleRecord | null> {
  const before = await maybeOne<RuleRow>(
    tx,
    `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!before) return null;
  const row = await one<RuleRow>(
    tx,
    `UPDATE alert_rules SET name = $1, kind = $2, severity = $3, scope = $4, params = $5, labels = $6,
       enabled = $7, updated_at = now()
     WHERE id = $8 RETURNING ${RULE_COLUMNS}`,
    [...ruleParams(rule), id],
  );
  await appendAudit(tx, {
    actor: audit.actor,
    action: 'rule.update',
    entity: 'alert_rule',
    entityId: String(id),
    before: recordOf(before).definition,
    after: rule,
    requestId: audit.requestId ?? null,
  });
  return recordOf(row);
}

/** How many alerts a rule has raised (a rule with alerts is disabled, not deleted: they cascade). */
export async function countRuleAlerts(db: Queryable, id: number): Promise<number> {
  const row = await one<{ n: number }>(db, 'SELECT count(*)::int AS n FROM alerts WHERE rule_id = $1', [id]);
  return row.n;
}

/** Deletes a rule and audits it; false when there is no such rule. */
export async function deleteRule(
  tx: Queryable,
  id: number,
  audit: { actor: string; requestId?: string | null },
): Promise<boolean> {
  const rows = await tx.query<RuleRow>(`DELETE FROM alert_rules WHERE id = $1 RETURNING ${RULE_COLUMNS}`, [
    id,
  ]);
  const row = rows[0];
  if (!row) return false;
  await appendAudit(tx, {
    actor: audit.actor,
    action: 'rule.delete',
    entity: 'alert_rule',
    entityId: String(id),
    before: recordOf(row).definition,
    requestId: audit.requestId ?? null,
  });
  return true;
}

/**
 * Seeds an empty `alert_rules` with `rules` (data/rules.yaml), each audited as created by `actor`, in one
 * transaction. Returns how many were inserted: 0 when the table already had rules.
 */
export async function seedRules(
  db: Database,
  rules: readonly RuleDefinition[],
  actor = 'seed',
): Promise<number> {
  return db.transaction(async (tx) => {
    // Two servers starting on one PostgreSQL must not both seed.
    if (db.kind === 'postgres') await tx.query('LOCK TABLE alert_rules IN SHARE ROW EXCLUSIVE MODE');
    const [row] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_rules');
    if (row!.n > 0) return 0;
    for (const rule of rules) await insertRule(tx, rule, { actor });
    return rules.length;
  });
}

/** The ids a rule's scope may name, to refuse a rule about a camera, volcano or center that does not exist. */
export async function ruleReferences(db: Queryable): Promise<Required<RuleReferences>> {
  const [cameras, volcanoes, centers] = await Promise.all([
    db.query<{ id: string }>('SELECT external_id AS id FROM cameras'),
    db.query<{ id: number }>('SELECT gvp_number AS id FROM volcanoes'),
    db.query<{ id: string }>('SELECT id FROM centers'),
  ]);
  return {
    cameraIds: new Set(cameras.map((r) => r.id)),
    gvpNumbers: new Set(volcanoes.map((r) => r.id)),
    centerIds: new Set(centers.map((r) => r.id)),
  };
}

// ---------------------------------------------------------------- registry and history

/** A camera point falls in at most one region; on a shared border the lowest center id wins, everywhere. */
const REGION_OF = (geom: string) =>
  `(SELECT r.center_id FROM regions r WHERE ST_Intersects(r.geom, ${geom}) ORDER BY r.center_id LIMIT 1)`;

/**
 * The camera registry as the rules see it. `lastSeenBeforeMs`: each camera's latest reading before this
 * instant becomes its `lastSeenMs` (silence is measured across restarts). `externalIds` limits the rows.
 */
export async function cameraRefs(
  db: Queryable,
  options: { lastSeenBeforeMs?: number; externalIds?: readonly string[] } = {},
): Promise<CameraRef[]> {
  const params: unknown[] = [];
  let lastSeen = 'NULL::timestamptz';
  if (options.lastSeenBeforeMs !== undefined) {
    params.push(new Date(options.lastSeenBeforeMs));
    lastSeen = `(SELECT max(t.ts) FROM thermal_readings t WHERE t.camera_id = c.id AND t.ts < $${params.length})`;
  }
  let where = '';
  if (options.externalIds) {
    params.push(options.externalIds);
    where = `WHERE c.external_id = ANY($${params.length}::text[])`;
  }
  const rows = await db.query<{
    id: string;
    kind: CameraKind;
    status: CameraStatus;
    volcano_gvp: number | null;
    center_id: string | null;
    last_seen: Date | null;
  }>(
    `SELECT c.external_id AS id, c.kind, c.status, c.volcano_gvp, ${REGION_OF('c.geom')} AS center_id,
            ${lastSeen} AS last_seen
     FROM cameras c ${where} ORDER BY c.external_id`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    volcanoGvp: r.volcano_gvp,
    centerId: r.center_id,
    lastSeenMs: r.last_seen ? r.last_seen.getTime() : null,
  }));
}

/** The region (center id) of each point, in order; null outside every region. */
export async function regionsOfPoints(
  db: Queryable,
  points: readonly { lng: number; lat: number }[],
): Promise<(string | null)[]> {
  if (points.length === 0) return [];
  const rows = await db.query<{ ord: number; center_id: string | null }>(
    `SELECT p.ord::int AS ord, ${REGION_OF('ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)')} AS center_id
     FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lng, lat, ord)`,
    [points.map((p) => p.lng), points.map((p) => p.lat)],
  );
  const out: (string | null)[] = new Array<string | null>(points.length).fill(null);
  for (const r of rows) out[r.ord - 1] = r.center_id;
  return out;
}

export interface HistoryRange {
  /** Exclusive lower bound, epoch ms. */
  afterMs: number;
  /** Inclusive upper bound, epoch ms; open when absent. */
  toMs?: number;
}

/**
 * Thermal readings with afterMs < ts ≤ toMs in time order (ties by camera), as backtest columns.
 * `cameraIds` (external ids) limits the cameras; all when absent.
 */
export async function readingHistory(
  db: Queryable,
  range: HistoryRange,
  cameraIds?: readonly string[],
): Promise<ReadingColumns> {
  const params: unknown[] = [new Date(range.afterMs)];
  let filter = '';
  if (range.toMs !== undefined) {
    params.push(new Date(range.toMs));
    filter += ` AND t.ts <= $${params.length}`;
  }
  if (cameraIds) {
    params.push(cameraIds);
    filter += ` AND c.external_id = ANY($${params.length}::text[])`;
  }
  const rows = await db.query<{
    cam: string;
    ts: Date;
    max: number;
    mean: number | null;
    q: ReadingQuality;
  }>(
    `SELECT c.external_id AS cam, t.ts, t.max_temp_c AS max, t.mean_temp_c AS mean, t.quality AS q
     FROM thermal_readings t JOIN cameras c ON c.id = t.camera_id
     WHERE t.ts > $1${filter}
     ORDER BY t.ts, c.external_id`,
    params,
  );
  const n = rows.length;
  const ids: string[] = [];
  const index = new Map<string, number>();
  const cols: ReadingColumns = {
    cameraIds: ids,
    camera: new Uint32Array(n),
    ts: new Float64Array(n),
    maxC: new Float64Array(n),
    meanC: new Float64Array(n),
    quality: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    let c = index.get(r.cam);
    if (c === undefined) {
      c = ids.length;
      ids.push(r.cam);
      index.set(r.cam, c);
    }
    cols.camera[i] = c;
    cols.ts[i] = r.ts.getTime();
    cols.maxC[i] = r.max;
    cols.meanC[i] = r.mean ?? NaN;
    cols.quality[i] = QUALITY_CODES[r.q] ?? QUALITY_CODES.invalid;
  }
  return cols;
}

/**
 * Incidents with afterMs < occurred_at ≤ toMs — or, with `createdAfterMs`, also those stored after that
 * instant whatever their time (late arrivals a restart must not miss) — in time order, with their
 * region when `withRegion` (otherwise regionId is null).
 */
export async function incidentHistory(
  db: Queryable,
  range: HistoryRange & { createdAfterMs?: number; withRegion?: boolean; categories?: readonly string[] },
): Promise<IncidentInput[]> {
  const params: unknown[] = [new Date(range.afterMs)];
  let when = 'i.occurred_at > $1';
  if (range.toMs !== undefined) {
    params.push(new Date(range.toMs));
    when += ` AND i.occurred_at <= $${params.length}`;
  }
  if (range.createdAfterMs !== undefined) {
    params.push(new Date(range.createdAfterMs));
    when = `(${when}) OR i.created_at > $${params.length}`;
  }
  if (range.categories) {
    params.push(range.categories);
    when = `(${when}) AND i.category = ANY($${params.length}::text[])`;
  }
  const region = range.withRegion === false ? 'NULL::text' : REGION_OF('i.geom');
  const rows = await db.query<{
    id: string;
    at: Date;
    category: IncidentCategory;
    lng: number;
    lat: number;
    region: string | null;
  }>(
    `SELECT i.external_id AS id, i.occurred_at AS at, i.category, ST_X(i.geom) AS lng, ST_Y(i.geom) AS lat,
            ${region} AS region
     FROM incidents i WHERE ${when}
     ORDER BY i.occurred_at, i.id`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    tsMs: r.at.getTime(),
    category: r.category,
    regionId: r.region,
    lng: r.lng,
    lat: r.lat,
  }));
}

// ---------------------------------------------------------------- evaluator snapshot

export interface StoredSnapshot {
  takenAt: Date;
  /** The evaluator's clock (its latest tick) when taken, epoch ms. */
  evaluatedToMs: number;
  /** The JSON text as stored. */
  state: string;
}

/** Replaces the one stored snapshot. */
export async function saveEvaluatorSnapshot(
  db: Queryable,
  evaluatedToMs: number,
  state: string,
): Promise<void> {
  await db.query(
    `INSERT INTO rule_evaluator_snapshots (id, taken_at, evaluated_to, state) VALUES (1, now(), $1, $2)
     ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at, evaluated_to = excluded.evaluated_to,
       state = excluded.state`,
    [new Date(evaluatedToMs), state],
  );
}

export async function loadEvaluatorSnapshot(db: Queryable): Promise<StoredSnapshot | null> {
  const row = await maybeOne<{ taken_at: Date; evaluated_to: Date; state: string }>(
    db,
    'SELECT taken_at, evaluated_to, state FROM rule_evaluator_snapshots WHERE id = 1',
  );
  return row ? { takenAt: row.taken_at, evaluatedToMs: row.evaluated_to.getTime(), state: row.state } : null;
}

export async function deleteEvaluatorSnapshot(db: Queryable): Promise<void> {
  await db.query('DELETE FROM rule_evaluator_snapshots');
}
