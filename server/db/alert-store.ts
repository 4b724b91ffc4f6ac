/**
 * SQL for alerts: the rules engine's transitions become `alerts` rows and `alert_events` rows (written
 * once, so a transition replayed after a restart is neither stored nor published twice), operators act
 * on alerts (acknowledge, assign, comment, silence) with an audit record in the same transaction, and
 * the API lists them with filters.
 *
 * Mapping (server/rules/alert-slot.ts): a transition out of inactive/resolved opens a row (or continues
 * the open row of its rule and scope key, the `alerts_open_per_scope` dedupe), later ones update it;
 * `→ resolved` and `→ inactive` close it (resolved_at is when it closed). Each is one alert_events row
 * whose `kind` is the state entered and whose `data.alert` is the alert as it stood afterwards.
 */
import type { AlertTransition, AlertView } from '../rules/alert-slot.js';
import type { Evidence } from '../rules/rule-engine.js';
import type { RuleKind } from '../rules/rule-schema.js';
import type { BBox, Severity } from '../domain/types.js';
import type { AlertPlace } from '../alerts/alert-geometry.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { appendAudit } from './audit-store.js';
import { maybeOne, one, type Queryable } from './database.js';

export const ALERT_STATES = ['pending', 'firing', 'resolved', 'inactive', 'error'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const OPEN_ALERT_STATES: readonly AlertState[] = ['pending', 'firing', 'error'];
const OPEN_SQL = `('pending', 'firing', 'error')`;

export const ALERT_ACTIONS = ['acknowledged', 'assigned', 'commented', 'silenced', 'unsilenced'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** An alert as the API, SSE and webhooks show it. Instants are ISO 8601 (UTC). */
export interface AlertDto {
  id: number;
  ruleId: number;
  ruleName: string;
  kind: RuleKind;
  labels: Record<string, string>;
  scopeKey: string;
  state: AlertState;
  severity: Severity;
  episode: number;
  startedAt: string;
  firingAt: string | null;
  resolvedAt: string | null;
  lastEvalAt: string;
  lastValue: number | null;
  errorMessage: string | null;
  /** A point on the alert's place (the camera, volcano, region or cell), [lng, lat]; null without one. */
  position: [number, number] | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  assignedTo: string | null;
  silencedUntil: string | null;
  silenceReason: string | null;
  /** Silenced now: notifications are held, the state still changes. */
  silenced: boolean;
  /** Counts lifecycle changes: 1 when opened, +1 per transition (CAP message numbering). */
  version: number;
  updatedAt: string;
  /** Why it changed last: readings, counts, thresholds, window (detail, SSE and events only). */
  evidence?: Evidence;
}

/** One alert_events row; `alert` is the alert right after it. */
export interface AlertEventDto {
  id: number;
  alertId: number;
  /** The state entered (pending, firing, resolved, inactive, error) or the action (acknowledged, …). */
  kind: string;
  at: string;
  actor: string | null;
  /** Transition: from, to, episode, cause, value, message, reason; action: its fields. */
  details: Record<string, unknown>;
  alert: AlertDto;
}

interface AlertRow {
  id: number;
  rule_id: number;
  rule_name: string;
  kind: RuleKind;
  labels: Record<string, string>;
  scope_key: string;
  state: AlertState;
  severity: Severity;
  episode: number;
  started_at: Date;
  firing_at: Date | null;
  resolved_at: Date | null;
  last_eval_at: Date;
  last_value: number | null;
  error_message: string | null;
  lng: number | null;
  lat: number | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  assigned_to: string | null;
  silenced_until: Date | null;
  silence_reason: string | null;
  silenced: boolean;
  version: number;
  updated_at: Date;
  evidence?: Evidence;
}

const SELECT_ALERT = `
  SELECT a.id, a.rule_id, r.name AS rule_name, r.kind, r.labels, a.scope_key, a.state, a.severity, a.episode,
         a.started_at, a.firing_at, a.resolved_at, a.last_eval_at, a.last_value, a.error_message,
         ST_X(ST_PointOnSurface(a.geom)) AS lng, ST_Y(ST_PointOnSurface(a.geom)) AS lat,
         a.acknowledged_by, a.acknowledged_at, a.assigned_to, a.silenced_until, a.silence_reason,
         (a.silenced_until IS NOT NULL AND a.silenced_until > now()) AS silenced, a.version, a.updated_at`;
const FROM_ALERT = 'FROM alerts a JOIN alert_rules r ON r.id = a.rule_id';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function dtoOf(row: AlertRow): AlertDto {
  const dto: AlertDto = {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    kind: row.kind,
    labels: row.labels,
    scopeKey: row.scope_key,
    state: row.state,
    severity: row.severity,
    episode: row.episode,
    startedAt: row.started_at.toISOString(),
    firingAt: iso(row.firing_at),
    resolvedAt: iso(row.resolved_at),
    lastEvalAt: row.last_eval_at.toISOString(),
    lastValue: row.last_value,
    errorMessage: row.error_message,
    position: row.lng === null || row.lat === null ? null : [row.lng, row.lat],
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: iso(row.acknowledged_at),
    assignedTo: row.assigned_to,
    silencedUntil: iso(row.silenced_until),
    silenceReason: row.silence_reason,
    silenced: row.silenced,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.evidence !== undefined) dto.evidence = row.evidence;
  return dto;
}

/** One alert with its evidence; null when there is none with this id. */
export async function findAlert(db: Queryable, id: number): Promise<AlertDto | null> {
  const row = await maybeOne<AlertRow>(db, `${SELECT_ALERT}, a.evidence ${FROM_ALERT} WHERE a.id = $1`, [id]);
  return row ? dtoOf(row) : null;
}

async function alertOrThrow(db: Queryable, id: number): Promise<AlertDto> {
  const dto = await findAlert(db, id);
  if (!dto) throw new NotFoundError(`No alert ${id}`);
  return dto;
}

// ---------------------------------------------------------------- listing

export interface AlertFilter {
  state?: readonly AlertState[];
  severity?: readonly Severity[];
  ruleId?: readonly number[];
  kind?: readonly RuleKind[];
  scopeKey?: string;
  /** Changed at or after this instant (opened, transitioned, acted on). */
  since?: Date;
  bbox?: BBox;
  acknowledged?: boolean;
  assignedTo?: string;
  /** Page size. */
  limit: number;
  /** Ids below this (the previous page's last id): newest alerts first. */
  beforeId?: number;
}

/** Alerts matching every given filter, newest first; `nextBeforeId` when more remain. */
export async function listAlerts(
  db: Queryable,
  f: AlertFilter,
): Promise<{ alerts: AlertDto[]; nextBeforeId: number | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.state) add((p) => `a.state = ANY(${p}::text[])`, f.state);
  if (f.severity) add((p) => `a.severity = ANY(${p}::text[])`, f.severity);
  if (f.ruleId) add((p) => `a.rule_id = ANY(${p}::bigint[])`, f.ruleId);
  if (f.kind) add((p) => `r.kind = ANY(${p}::text[])`, f.kind);
  if (f.scopeKey !== undefined) add((p) => `a.scope_key = ${p}`, f.scopeKey);
  if (f.since) add((p) => `a.updated_at >= ${p}`, f.since);
  if (f.bbox)
    add((p) => {
      const b = `(${p}::float8[])`;
      return `ST_Intersects(a.geom, ST_MakeEnvelope(${b}[1], ${b}[2], ${b}[3], ${b}[4], 4326))`;
    }, f.bbox);
  if (f.acknowledged !== undefined)
    where.push(f.acknowledged ? 'a.acknowledged_at IS NOT NULL' : 'a.acknowledged_at IS NULL');
  if (f.assignedTo !== undefined) add((p) => `a.assigned_to = ${p}`, f.assignedTo);
  if (f.beforeId !== undefined) add((p) => `a.id < ${p}`, f.beforeId);
  params.push(f.limit + 1);
  const rows = await db.query<AlertRow>(
    `${SELECT_ALERT} ${FROM_ALERT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY a.id DESC LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  return { alerts: page.map(dtoOf), nextBeforeId: more ? page[page.length - 1]!.id : null };
}

interface EventRow {
  id: number;
  alert_id: number;
  kind: string;
  at: Date;
  actor: string | null;
  data: { alert: AlertDto } & Record<string, unknown>;
}

function eventOf(row: EventRow): AlertEventDto {
  const { alert, ...details } = row.data;
  return {
    id: row.id,
    alertId: row.alert_id,
    kind: row.kind,
    at: row.at.toISOString(),
    actor: row.actor,
    details,
    alert,
  };
}

/** Every event of one alert, oldest first. */
export async function alertEvents(db: Queryable, alertId: number): Promise<AlertEventDto[]> {
  const rows = await db.query<EventRow>(
    'SELECT id, alert_id, kind, at, actor, data FROM alert_events WHERE alert_id = $1 ORDER BY id',
    [alertId],
  );
  return rows.map(eventOf);
}

/** Events with id > afterId, in id order, at most `limit` (SSE resume). */
export async function eventsAfter(db: Queryable, afterId: number, limit: number): Promise<AlertEventDto[]> {
  const rows = await db.query<EventRow>(
    'SELECT id, alert_id, kind, at, actor, data FROM alert_events WHERE id > $1 ORDER BY id LIMIT $2',
    [afterId, limit],
  );
  return rows.map(eventOf);
}

/** The latest event id (0 when none). */
export async function latestEventId(db: Queryable): Promise<number> {
  const row = await one<{ id: number | null }>(db, 'SELECT max(id) AS id FROM alert_events');
  return row.id ?? 0;
}

// ---------------------------------------------------------------- lifecycle

interface LifecycleRow {
  id: number;
  state: AlertState;
  started_at: Date;
  firing_at: Date | null;
}

/** An alert row as the DTO, from a data-modifying statement: `WITH a AS (… RETURNING *)`. */
const returningDto = (statement: string) =>
  `WITH a AS (${statement} RETURNING *) ${SELECT_ALERT}, a.evidence FROM a JOIN alert_rules r ON r.id = a.rule_id`;

async function insertEvent(
  tx: Queryable,
  alert: AlertDto,
  kind: string,
  atMs: number,
  actor: string | null,
  fromState: string | null,
  details: Record<string, unknown>,
): Promise<AlertEventDto> {
  const row = await one<EventRow>(
    tx,
    `INSERT INTO alert_events (alert_id, at, kind, actor, data, from_state) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, alert_id, kind, at, actor, data`,
    [alert.id, new Date(atMs), kind, actor, JSON.stringify({ ...details, alert }), fromState],
  );
  return eventOf(row);
}

/** SQL for the geometry of a newly opened alert, its parameter at $n. */
function placeSql(place: AlertPlace | null, n: number): { sql: string; param: unknown } {
  if (!place) return { sql: `NULL::geometry`, param: null };
  if (place.type === 'camera') {
    const volcano = place.atVolcano ? 'v.geom, ' : '';
    return {
      sql: `(SELECT COALESCE(${volcano}c.geom) FROM cameras c LEFT JOIN volcanoes v ON v.gvp_number = c.volcano_gvp
             WHERE c.external_id = $${n})`,
      param: place.cameraId,
    };
  }
  if (place.type === 'region')
    return { sql: `(SELECT geom FROM regions WHERE center_id = $${n})`, param: place.centerId };
  return { sql: `ST_GeomFromText($${n}, 4326)`, param: place.wkt };
}

/** Opens an alert row (with its place) and returns it, or null when the key already has an open one. */
async function insertAlert(
  tx: Queryable,
  v: {
    ruleId: number;
    scopeKey: string;
    state: string;
    severity: string;
    startedAt: Date;
    firingAt: Date | null;
    resolvedAt: Date | null;
    lastEvalAt: Date;
    evidence: unknown;
    episode: number;
    lastValue: number | null;
    errorMessage: string | null;
  },
  place: AlertPlace | null,
): Promise<AlertDto | null> {
  const geom = placeSql(place, 13);
  const rows = await tx.query<AlertRow>(
    returningDto(`INSERT INTO alerts (rule_id, scope_key, state, severity, started_at, firing_at, resolved_at,
                                      last_eval_at, evidence, episode, last_value, error_message, geom)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ${geom.sql})
       ON CONFLICT (rule_id, scope_key) WHERE state IN ${OPEN_SQL} DO NOTHING`),
    [
      v.ruleId,
      v.scopeKey,
      v.state,
      v.severity,
      v.startedAt,
      v.firingAt,
      v.resolvedAt,
      v.lastEvalAt,
      JSON.stringify(v.evidence ?? {}),
      v.episode,
      v.lastValue,
      v.errorMessage,
      geom.param,
    ],
  );
  return rows[0] ? dtoOf(rows[0]) : null;
}

const isClosing = (state: string) => state === 'resolved' || state === 'inactive';

/**
 * Stores one transition of a saved rule (ruleId is the `alert_rules.id` as text) and returns the event
 * to publish, or null when it was already stored (a replay after a restart) or changes nothing.
 * `place` locates a newly opened alert. Call in order, one writer at a time (the alert service's queue).
 * Three statements: find the alert (and whether this transition is stored), write it, add the event.
 */
export async function persistTransition(
  tx: Queryable,
  t: AlertTransition,
  place: AlertPlace | null,
): Promise<AlertEventDto | null> {
  const ruleId = Number(t.ruleId);
  const at = new Date(t.at);
  const opening = t.from === 'inactive' || t.from === 'resolved';
  // Opening: the same opening replayed finds its own row, else the open row of the key is continued.
  // Later: the open row, else the latest that started by then (a replay of an alert since closed).
  const which = opening
    ? `(started_at = $3 OR state IN ${OPEN_SQL}) ORDER BY (started_at = $3) DESC, id DESC`
    : `started_at <= $3 ORDER BY (state IN ${OPEN_SQL}) DESC, started_at DESC, id DESC`;
  let row = await maybeOne<LifecycleRow & { stored: boolean }>(
    tx,
    `SELECT id, state, started_at, firing_at,
            EXISTS (SELECT 1 FROM alert_events e WHERE e.alert_id = alerts.id AND e.kind = $4 AND e.at = $3
                    AND e.from_state = $5) AS stored
     FROM alerts WHERE rule_id = $1 AND scope_key = $2 AND ${which} LIMIT 1`,
    [ruleId, t.scopeKey, at, t.to, t.from],
  );
  if (row?.stored) return null;
  const continuation = opening && row !== null && row.started_at.getTime() !== t.at;
  // Closed meanwhile (its rule changed) while the evaluator's alert goes on: that goes on as a new row.
  if (row && !opening && isClosing(row.state) && !isClosing(t.to)) row = null;
  const details = transitionDetails(t);
  const errorMessage = t.to === 'error' ? (t.message ?? 'evaluation failed') : null;
  if (!row) {
    const alert = await insertAlert(
      tx,
      {
        ruleId,
        scopeKey: t.scopeKey,
        state: t.to,
        severity: t.severity,
        startedAt: at,
        firingAt: t.to === 'firing' ? at : null,
        resolvedAt: isClosing(t.to) ? at : null,
        lastEvalAt: at,
        evidence: t.evidence,
        episode: t.episode,
        lastValue: t.value,
        errorMessage,
      },
      place,
    );
    // null: another writer opened it; the unique index kept one.
    return alert ? insertEvent(tx, alert, t.to, t.at, null, t.from, details) : null;
  }
  // A continued alert (the evaluator lost track of it, e.g. a restart without a snapshot) never goes back.
  if (row.state === t.to || (continuation && row.state === 'firing' && t.to === 'pending')) return null;
  const [updated] = await tx.query<AlertRow>(
    returningDto(`UPDATE alerts SET
       state = $2, severity = $3, episode = $4, last_value = $5,
       firing_at = CASE WHEN $2 = 'firing' THEN COALESCE(firing_at, $6) ELSE firing_at END,
       resolved_at = CASE WHEN $2 IN ('resolved', 'inactive') THEN $6 ELSE NULL END,
       last_eval_at = GREATEST(last_eval_at, $6),
       error_message = $7,
       evidence = CASE WHEN $2 IN ('resolved', 'inactive') THEN evidence ELSE $8::jsonb END,
       version = version + 1, updated_at = now()
     WHERE id = $1`),
    [row.id, t.to, t.severity, t.episode, t.value, at, errorMessage, JSON.stringify(t.evidence)],
  );
  return insertEvent(tx, dtoOf(updated!), t.to, t.at, null, t.from, details);
}

function transitionDetails(t: AlertTransition): Record<string, unknown> {
  const d: Record<string, unknown> = {
    from: t.from,
    to: t.to,
    episode: t.episode,
    cause: t.cause,
    value: t.value,
  };
  if (t.message !== undefined) d.message = t.message;
  // The alert keeps the evidence it opened, fired or failed with; what closed it is kept here.
  if (isClosing(t.to)) d.evidence = t.evidence;
  return d;
}

/** Open alerts (rule id, scope key, state), optionally of some rules only. */
export async function openAlerts(
  db: Queryable,
  ruleIds?: readonly number[],
): Promise<{ id: number; ruleId: number; scopeKey: string; state: AlertState; firingAt: Date | null }[]> {
  const rows = await db.query<{
    id: number;
    rule_id: number;
    scope_key: string;
    state: AlertState;
    firing_at: Date | null;
  }>(
    `SELECT id, rule_id, scope_key, state, firing_at FROM alerts WHERE state IN ${OPEN_SQL}
     ${ruleIds ? 'AND rule_id = ANY($1::bigint[])' : ''} ORDER BY id`,
    ruleIds ? [ruleIds] : [],
  );
  return rows.map((r) => ({
    id: r.id,
    ruleId: r.rule_id,
    scopeKey: r.scope_key,
    state: r.state,
    firingAt: r.firing_at,
  }));
}

/**
 * Closes an open alert the evaluator no longer holds open (its rule was disabled, changed or deleted,
 * or the condition ended while the server was down): resolved if it fired, inactive otherwise.
 */
export async function closeAlert(
  tx: Queryable,
  alertId: number,
  atMs: number,
  reason: string,
  actor: string | null,
): Promise<AlertEventDto | null> {
  const row = await maybeOne<LifecycleRow>(
    tx,
    `SELECT id, state, started_at, firing_at FROM alerts WHERE id = $1 AND state IN ${OPEN_SQL} FOR UPDATE`,
    [alertId],
  );
  if (!row) return null;
  const to: AlertState = row.firing_at ? 'resolved' : 'inactive';
  const at = new Date(Math.max(atMs, row.started_at.getTime()));
  const [closed] = await tx.query<AlertRow>(
    returningDto(`UPDATE alerts SET state = $2, resolved_at = $3, error_message = NULL, version = version + 1,
       updated_at = now() WHERE id = $1`),
    [alertId, to, at],
  );
  return insertEvent(tx, dtoOf(closed!), to, at.getTime(), actor, row.state, { from: row.state, to, reason });
}

/**
 * Brings the open alert of a view's rule and key in line with the evaluator (after a rule change or a
 * restart): opens a row when none is open, moves an open one to the view's state. Returns the event, or
 * null when the row already agrees.
 */
export async function alignAlert(
  tx: Queryable,
  view: AlertView,
  atMs: number,
  reason: string,
  actor: string | null,
  place: AlertPlace | null,
): Promise<AlertEventDto | null> {
  const ruleId = Number(view.ruleId);
  const open = await maybeOne<LifecycleRow>(
    tx,
    `SELECT id, state, started_at, firing_at FROM alerts WHERE rule_id = $1 AND scope_key = $2 AND state IN ${OPEN_SQL} FOR UPDATE`,
    [ruleId, view.scopeKey],
  );
  const details = { from: open?.state ?? 'inactive', to: view.state, episode: view.episode, reason };
  const started = new Date(view.startedAt ?? atMs);
  const firing = view.firingAt === null ? null : new Date(view.firingAt);
  const lastEval = new Date(view.lastEvalAt ?? atMs);
  if (!open) {
    const alert = await insertAlert(
      tx,
      {
        ruleId,
        scopeKey: view.scopeKey,
        state: view.state,
        severity: view.severity,
        startedAt: started,
        firingAt: firing,
        resolvedAt: null,
        lastEvalAt: lastEval,
        evidence: view.evidence,
        episode: view.episode,
        lastValue: view.lastValue,
        errorMessage: view.errorMessage,
      },
      place,
    );
    return alert ? insertEvent(tx, alert, view.state, atMs, actor, null, details) : null;
  }
  if (open.state === view.state) return null;
  const [updated] = await tx.query<AlertRow>(
    returningDto(`UPDATE alerts SET state = $2, firing_at = COALESCE(firing_at, $3), error_message = $4,
       episode = $5, last_value = $6, version = version + 1, updated_at = now()
     WHERE id = $1`),
    [open.id, view.state, firing, view.errorMessage, view.episode, view.lastValue],
  );
  return insertEvent(tx, dtoOf(updated!), view.state, atMs, actor, null, details);
}

/**
 * Repeated matches update an open alert without a transition: its latest evaluation time and value.
 * One statement for every open alert the evaluator reports.
 */
export async function recordEvaluations(
  tx: Queryable,
  views: readonly { ruleId: number; scopeKey: string; lastEvalMs: number; lastValue: number | null }[],
): Promise<number> {
  if (views.length === 0) return 0;
  const rows = await tx.query(
    `UPDATE alerts a SET last_eval_at = v.at, last_value = v.value
     FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::float8[]) AS v(rule_id, scope_key, at, value)
     WHERE a.rule_id = v.rule_id AND a.scope_key = v.scope_key AND a.state IN ${OPEN_SQL} AND a.last_eval_at < v.at
     RETURNING a.id`,
    [
      views.map((v) => v.ruleId),
      views.map((v) => v.scopeKey),
      views.map((v) => new Date(v.lastEvalMs)),
      views.map((v) => v.lastValue),
    ],
  );
  return rows.length;
}

// ---------------------------------------------------------------- operator actions

export interface ActionContext {
  /** Who acts: the token's name. */
  actor: string;
  requestId?: string | null;
  /** The action's time, epoch ms. */
  nowMs: number;
}

export type AlertActionInput =
  | { action: 'acknowledged' }
  | { action: 'assigned'; assignee: string | null }
  | { action: 'commented'; comment: string }
  | { action: 'silenced'; until: Date; reason: string }
  | { action: 'unsilenced'; reason: string | null };

interface ActionRow {
  id: number;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  assigned_to: string | null;
  silenced_until: Date | null;
  silence_reason: string | null;
}

/**
 * One operator action on an alert, with its alert_events row and audit record in the caller's
 * transaction. Acknowledging twice is a conflict (it names who did it first). Throws NotFoundError for
 * an unknown alert.
 */
export async function actOnAlert(
  tx: Queryable,
  alertId: number,
  input: AlertActionInput,
  ctx: ActionContext,
): Promise<AlertEventDto> {
  const before = await maybeOne<ActionRow>(
    tx,
    `SELECT id, acknowledged_by, acknowledged_at, assigned_to, silenced_until, silence_reason
     FROM alerts WHERE id = $1 FOR UPDATE`,
    [alertId],
  );
  if (!before) throw new NotFoundError(`No alert ${alertId}`);
  const now = new Date(ctx.nowMs);
  let details: Record<string, unknown>;
  switch (input.action) {
    case 'acknowledged':
      if (before.acknowledged_at) {
        throw new ConflictError(
          `Alert ${alertId} was already acknowledged by ${before.acknowledged_by} at ${before.acknowledged_at.toISOString()}`,
        );
      }
      await tx.query(
        'UPDATE alerts SET acknowledged_by = $2, acknowledged_at = $3, updated_at = now() WHERE id = $1',
        [alertId, ctx.actor, now],
      );
      details = {};
      break;
    case 'assigned':
      await tx.query('UPDATE alerts SET assigned_to = $2, updated_at = now() WHERE id = $1', [
        alertId,
        input.assignee,
      ]);
      details = { assignee: input.assignee, previous: before.assigned_to };
      break;
    case 'commented':
      await tx.query('UPDATE alerts SET updated_at = now() WHERE id = $1', [alertId]);
      details = { comment: input.comment };
      break;
    case 'silenced':
      await tx.query(
        'UPDATE alerts SET silenced_until = $2, silence_reason = $3, updated_at = now() WHERE id = $1',
        [alertId, input.until, input.reason],
      );
      details = { until: input.until.toISOString(), reason: input.reason };
      break;
    case 'unsilenced':
      await tx.query(
        'UPDATE alerts SET silenced_until = NULL, silence_reason = NULL, updated_at = now() WHERE id = $1',
        [alertId],
      );
      details = { reason: input.reason, wasUntil: iso(before.silenced_until) };
      break;
  }
  const event = await insertEvent(
    tx,
    await alertOrThrow(tx, alertId),
    input.action,
    ctx.nowMs,
    ctx.actor,
    null,
    details,
  );
  const after = event.alert;
  await appendAudit(tx, {
    actor: ctx.actor,
    action: `alert.${input.action}`,
    entity: 'alert',
    entityId: String(alertId),
    before: {
      acknowledgedBy: before.acknowledged_by,
      acknowledgedAt: iso(before.acknowledged_at),
      assignedTo: before.assigned_to,
      silencedUntil: iso(before.silenced_until),
      silenceReason: before.silence_reason,
    },
    after: {
      acknowledgedBy: after.acknowledgedBy,
      acknowledgedAt: after.acknowledgedAt,
      assignedTo: after.assignedTo,
      silencedUntil: after.silencedUntil,
      silenceReason: after.silenceReason,
      ...(input.action === 'commented' ? { comment: input.comment } : {}),
    },
    requestId: ctx.requestId ?? null,
  });
  return event;
}
