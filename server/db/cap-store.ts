/**
 * CAP 1.2 messages as published. A firing alert is published as an Alert, its resolution as a
 * Cancel that references it (server/alerts/cap-message-sequence.ts decides); each message is
 * stored once, in the transaction of the alert event, and never edited.
 */
import { capDocument, capSummary, type AlertForCap, type CapSummary } from '../alerts/cap-document.js';
import { capIdentifier, capMessageTypeFor, type CapReference } from '../alerts/cap-message-sequence.js';
import type { CapGeometry } from '../alerts/cap-area.js';
import type { AlertTransition } from '../rules/alert-slot.js';
import type { Queryable } from './database.js';

/** Radius of the CAP circle around a point alert (a camera or a volcano), km. */
const POINT_RADIUS_KM = 10;

export interface CapPublishing {
  /** CAP <sender>, e.g. atalaya@ecu911.gob.ec. */
  sender: string;
}

async function areaOf(
  tx: Queryable,
  alertId: number,
): Promise<{ geometry: CapGeometry | null; description: string }> {
  const [row] = await tx.query<{ kind: string | null; json: string | null; region: string | null }>(
    `SELECT GeometryType(a.geom) AS kind,
            ST_AsGeoJSON(CASE WHEN GeometryType(a.geom) IN ('POLYGON', 'MULTIPOLYGON')
                              THEN ST_SimplifyPreserveTopology(a.geom, 0.005) ELSE a.geom END, 5) AS json,
            (SELECT r.name FROM regions r WHERE a.geom IS NOT NULL AND ST_Intersects(r.geom, ST_PointOnSurface(a.geom)) LIMIT 1) AS region
     FROM alerts a WHERE a.id = $1`,
    [alertId],
  );
  const where = row?.region ? ` (${row.region})` : '';
  if (!row?.json) return { geometry: null, description: `Ecuador${where}` };
  const g = JSON.parse(row.json) as { type: string; coordinates: unknown };
  if (g.type === 'Point') {
    return {
      geometry: { type: 'Circle', center: g.coordinates as [number, number], radiusKm: POINT_RADIUS_KM },
      description: `Ecuador${where}`,
    };
  }
  if (g.type === 'Polygon' || g.type === 'MultiPolygon')
    return { geometry: g as CapGeometry, description: `Ecuador${where}` };
  return { geometry: null, description: `Ecuador${where}` };
}

/**
 * Stores the CAP message a transition calls for, if any. Alerts raised while synthetic demo data
 * is loaded are published with status Exercise, never Actual.
 */
export async function publishCap(
  tx: Queryable,
  alertId: number,
  t: AlertTransition,
  options: CapPublishing,
): Promise<CapSummary | null> {
  const earlier = await tx.query<{ identifier: string; sent: Date; version: number }>(
    'SELECT identifier, sent, version FROM cap_messages WHERE alert_id = $1 ORDER BY version',
    [alertId],
  );
  const msgType = capMessageTypeFor({ from: t.from, to: t.to }, earlier.length);
  if (!msgType) return null;
  const [alert] = await tx.query<{
    started_at: Date;
    firing_at: Date | null;
    resolved_at: Date | null;
    demo: boolean;
  }>(
    `SELECT started_at, firing_at, resolved_at, EXISTS (SELECT 1 FROM demo_datasets) AS demo FROM alerts WHERE id = $1`,
    [alertId],
  );
  const version = earlier.length + 1;
  const sent = Math.floor(t.at / 1000) * 1000;
  const references: CapReference[] = earlier.map((m) => ({
    sender: options.sender,
    identifier: m.identifier,
    sent: m.sent.getTime(),
  }));
  const input: AlertForCap = {
    id: alertId,
    version,
    sender: options.sender,
    sent,
    status: alert!.demo ? 'Exercise' : 'Actual',
    msgType,
    references,
    rule: { name: t.ruleName, kind: t.kind, labels: t.labels },
    scopeKey: t.scopeKey,
    state: t.to,
    severity: t.severity,
    startedAt: alert!.started_at.getTime(),
    firingAt: alert!.firing_at?.getTime() ?? (t.to === 'firing' ? t.at : null),
    resolvedAt: alert!.resolved_at?.getTime() ?? (t.to === 'resolved' ? t.at : null),
    value: t.value,
    evidence: t.evidence,
    area: await areaOf(tx, alertId),
    ...(alert!.demo
      ? { note: 'Generated from SYNTHETIC demo data (Atalaya demo set); not a real alert.' }
      : {}),
  };
  const xml = capDocument(input);
  const summary = capSummary(input);
  await tx.query(
    `INSERT INTO cap_messages (alert_id, version, identifier, msg_type, status, sent, summary, xml)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      alertId,
      version,
      capIdentifier(alertId, version),
      msgType,
      input.status,
      new Date(sent),
      JSON.stringify(summary),
      xml,
    ],
  );
  return summary;
}

/** The latest CAP message of an alert, or null. */
export async function latestCapXml(db: Queryable, alertId: number): Promise<string | null> {
  const rows = await db.query<{ xml: string }>(
    'SELECT xml FROM cap_messages WHERE alert_id = $1 ORDER BY version DESC LIMIT 1',
    [alertId],
  );
  return rows[0]?.xml ?? null;
}

/** The newest published messages' summaries, newest first. */
export async function recentCapSummaries(db: Queryable, limit: number): Promise<CapSummary[]> {
  const rows = await db.query<{ summary: CapSummary }>(
    'SELECT summary FROM cap_messages ORDER BY sent DESC, alert_id DESC, version DESC LIMIT $1',
    [limit],
  );
  return rows.map((r) => r.summary);
}
