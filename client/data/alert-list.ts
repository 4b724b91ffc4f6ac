/**
 * The alerts the page knows, kept up to date from three sources that may arrive in any order: the
 * first page of GET /api/alerts, the SSE stream (one message per alert event, the alert as it stood
 * after it) and the answers to the user's own actions. Pure: each function returns a new list.
 *
 * Every source carries the whole alert with its `updatedAt` (the database's time of its last change),
 * so merging keeps, per alert, the copy changed last: a late page does not undo a newer event, and a
 * message seen twice (a resumed stream, an action answered before its event arrives) changes nothing.
 */
import type { Severity } from '../charts/severity.js';

export const ALERT_STATES = ['pending', 'firing', 'resolved', 'inactive', 'error'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
/** States of an alert still open (it can still fire or be acted on). */
export const OPEN_STATES: readonly AlertState[] = ['firing', 'pending', 'error'];

/** An alert as the API and the stream show it (server/db/alert-store.ts, AlertDto). */
export interface Alert {
  id: number;
  ruleId: number;
  ruleName: string;
  kind: string;
  labels: Record<string, string>;
  /** e.g. 'camera:COTO-TH-01', 'camera:COTO-TH-01:obscured', 'region:Q01', 'h3:87…'. */
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
  /** A point on the alert's place, [lng, lat] in degrees; null without one. */
  position: [number, number] | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  assignedTo: string | null;
  silencedUntil: string | null;
  silenceReason: string | null;
  silenced: boolean;
  version: number;
  updatedAt: string;
  /** Why it changed last (readings, counts, threshold, window); absent from list pages. */
  evidence?: Record<string, unknown>;
}

export interface AlertList {
  byId: ReadonlyMap<number, Alert>;
  /** Highest stream event id seen: where a reopened stream resumes. null before the first. */
  lastEventId: number | null;
}

export const EMPTY_ALERT_LIST: AlertList = { byId: new Map(), lastEventId: null };

/** Closed (resolved, inactive) alerts kept, at most; the ones closed longest ago go first. */
export const MAX_CLOSED_ALERTS = 200;

/**
 * One stream message: `eventId` its `id:` line, `alert` its data (the alert after the event). An
 * older copy than the one held is ignored, but its id still moves the resume point.
 */
export function applyStreamEvent(list: AlertList, eventId: number, alert: Alert): AlertList {
  const lastEventId = list.lastEventId === null ? eventId : Math.max(list.lastEventId, eventId);
  const byId = mergeAlert(list.byId, alert, 'same-or-newer');
  if (byId === list.byId && lastEventId === list.lastEventId) return list;
  return { byId: byId === list.byId ? byId : pruneClosed(byId), lastEventId };
}

/**
 * An alert from an answer (an action, the detail route): merged like a stream message but without
 * moving the resume point — events of other alerts with smaller ids may still be on their way.
 */
export function applyAlert(list: AlertList, alert: Alert): AlertList {
  const byId = mergeAlert(list.byId, alert, 'same-or-newer');
  return byId === list.byId ? list : { ...list, byId: pruneClosed(byId) };
}

/**
 * A page of GET /api/alerts: each alert replaces the held copy only when strictly newer (a page
 * carries no evidence, an equally new stream copy does).
 */
export function applySnapshot(list: AlertList, alerts: readonly Alert[]): AlertList {
  let byId = list.byId;
  for (const alert of alerts) byId = mergeAlert(byId, alert, 'newer');
  return byId === list.byId ? list : { ...list, byId: pruneClosed(byId) };
}

export function isOpen(alert: Pick<Alert, 'state'>): boolean {
  return OPEN_STATES.includes(alert.state);
}

/**
 * Severity on one scale of four, 0 (least) to 3: the volcanic levels white–yellow–orange–red, with
 * the incident levels advisory, watch and warning alongside yellow, orange and red (as the volcano
 * watch maps them, data/volcano-watch.ts).
 */
export function severityRank(severity: Severity): 0 | 1 | 2 | 3 {
  switch (severity) {
    case 'white':
      return 0;
    case 'yellow':
    case 'advisory':
      return 1;
    case 'orange':
    case 'watch':
      return 2;
    case 'red':
    case 'warning':
      return 3;
  }
}

/** When the alert entered its present state, ms since the epoch (what its age counts from). */
export function stateSince(alert: Alert): number {
  const at =
    alert.state === 'firing'
      ? (alert.firingAt ?? alert.startedAt)
      : alert.state === 'resolved' || alert.state === 'inactive'
        ? (alert.resolvedAt ?? alert.updatedAt)
        : alert.startedAt;
  return Date.parse(at);
}

export interface AlertFilter {
  states: ReadonlySet<AlertState>;
  severities: ReadonlySet<Severity>;
}

/**
 * The alerts the filter lets through, in the order an operator works them: open before closed;
 * among open ones firing, then error, then pending, the most severe first, then the most recent;
 * closed ones most recently closed first. Ties by id, newest first, so the order is stable.
 */
export function visibleAlerts(list: AlertList, filter: AlertFilter): Alert[] {
  const out: Alert[] = [];
  for (const alert of list.byId.values()) {
    if (filter.states.has(alert.state) && filter.severities.has(alert.severity)) out.push(alert);
  }
  return out.sort(compareAlerts);
}

/** Firing alerts not yet acknowledged: what the header counts. */
export function unacknowledgedFiring(list: AlertList): number {
  let n = 0;
  for (const alert of list.byId.values()) if (alert.state === 'firing' && !alert.acknowledgedBy) n++;
  return n;
}

const STATE_ORDER: Readonly<Record<AlertState, number>> = {
  firing: 0,
  error: 1,
  pending: 2,
  resolved: 3,
  inactive: 3,
};

function compareAlerts(a: Alert, b: Alert): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    (isOpen(a) ? severityRank(b.severity) - severityRank(a.severity) : 0) ||
    stateSince(b) - stateSince(a) ||
    b.id - a.id
  );
}

function mergeAlert(
  byId: ReadonlyMap<number, Alert>,
  alert: Alert,
  when: 'newer' | 'same-or-newer',
): ReadonlyMap<number, Alert> {
  const held = byId.get(alert.id);
  if (held) {
    const difference = Date.parse(alert.updatedAt) - Date.parse(held.updatedAt);
    if (difference < 0 || (difference === 0 && when === 'newer')) return byId;
  }
  // A page carries no evidence: keep the last known one until a copy with evidence comes.
  const merged = alert.evidence || !held?.evidence ? alert : { ...alert, evidence: held.evidence };
  // The same copy again (a replay, an action's answer and its event): nothing changes, not even identity.
  if (held && held.updatedAt === merged.updatedAt && JSON.stringify(held) === JSON.stringify(merged))
    return byId;
  const next = new Map(byId);
  next.set(alert.id, merged);
  return next;
}

function pruneClosed(byId: ReadonlyMap<number, Alert>): ReadonlyMap<number, Alert> {
  const closed = [...byId.values()].filter((a) => !isOpen(a));
  if (closed.length <= MAX_CLOSED_ALERTS) return byId;
  closed.sort((a, b) => stateSince(b) - stateSince(a));
  const next = new Map(byId);
  for (const alert of closed.slice(MAX_CLOSED_ALERTS)) next.delete(alert.id);
  return next;
}
