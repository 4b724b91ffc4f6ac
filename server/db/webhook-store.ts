/**
 * The webhook outbox on the database: deliveries are inserted in the transaction that stores the
 * alert event, so an alert is never lost between the two, and the delivery loop
 * (server/alerts/webhook-delivery.ts) claims them with leases, so a crashed worker's rows return.
 */
import type {
  NewOutboxDelivery,
  OutboxDelivery,
  OutboxId,
  OutboxStore,
  WebhookSubscription,
} from '../alerts/webhook-outbox.js';
import type { AlertPhase } from '../rules/rule-engine.js';
import type { Severity } from '../domain/types.js';
import type { Database, Queryable } from './database.js';

interface WebhookRow {
  id: number;
  name: string;
  url: string;
  secret: string;
  enabled: boolean;
  states: string[];
  severities: string[] | null;
  created_at: Date;
}

const toSubscription = (r: WebhookRow): WebhookSubscription => ({
  id: r.id,
  url: r.url,
  secret: r.secret,
  enabled: r.enabled,
  states: r.states as AlertPhase[],
  ...(r.severities ? { severities: r.severities as Severity[] } : {}),
});

export async function enabledWebhooks(db: Queryable): Promise<WebhookSubscription[]> {
  const rows = await db.query<WebhookRow>('SELECT * FROM webhooks WHERE enabled ORDER BY id');
  return rows.map(toSubscription);
}

export interface WebhookInfo {
  id: number;
  name: string;
  url: string;
  enabled: boolean;
  states: string[];
  severities: string[] | null;
  createdAt: string;
  pending: number;
  dead: number;
  delivered: number;
}

/** Webhooks with their delivery counts; secrets are never listed. */
export async function listWebhooks(db: Queryable): Promise<WebhookInfo[]> {
  const rows = await db.query<WebhookRow & { pending: number; dead: number; delivered: number }>(`
    SELECT w.*, count(*) FILTER (WHERE o.state = 'pending')::int AS pending,
           count(*) FILTER (WHERE o.state = 'dead')::int AS dead,
           count(*) FILTER (WHERE o.state = 'delivered')::int AS delivered
    FROM webhooks w LEFT JOIN webhook_outbox o ON o.webhook_id = w.id GROUP BY w.id ORDER BY w.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    url: r.url,
    enabled: r.enabled,
    states: r.states,
    severities: r.severities,
    createdAt: r.created_at.toISOString(),
    pending: r.pending,
    dead: r.dead,
    delivered: r.delivered,
  }));
}

export async function createWebhook(
  db: Queryable,
  w: { name: string; url: string; secret: string; states: string[]; severities: string[] | null },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    'INSERT INTO webhooks (name, url, secret, states, severities) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [w.name, w.url, w.secret, w.states, w.severities],
  );
  return row!.id;
}

export async function deleteWebhook(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('DELETE FROM webhooks WHERE id = $1 RETURNING id', [id])).length > 0;
}

/** Puts a webhook's dead deliveries back in the queue. */
export async function requeueDead(db: Queryable, webhookId: number): Promise<number> {
  const rows = await db.query(
    `UPDATE webhook_outbox SET state = 'pending', next_attempt_at = now(), lease_until = NULL
     WHERE webhook_id = $1 AND state = 'dead' RETURNING id`,
    [webhookId],
  );
  return rows.length;
}

/** Adds deliveries (duplicates by idempotency key are ignored: a replayed event is not sent twice). */
export async function enqueueDeliveries(
  tx: Queryable,
  deliveries: readonly NewOutboxDelivery[],
  alertEventId: number,
): Promise<void> {
  for (const d of deliveries) {
    await tx.query(
      `INSERT INTO webhook_outbox (webhook_id, alert_event_id, idempotency_key, ordering_key, body, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (webhook_id, idempotency_key) DO NOTHING`,
      [d.webhookId, alertEventId, d.idempotencyKey, d.orderingKey, d.body, new Date(d.createdAt)],
    );
  }
}

interface OutboxRow {
  id: number;
  webhook_id: number;
  url: string;
  secret: string;
  idempotency_key: string;
  ordering_key: string;
  body: string;
  attempts: number;
  created_at: Date;
}

/** The OutboxStore the delivery loop works on. */
export function databaseOutbox(db: Database): OutboxStore {
  return {
    async claimDue(now, limit, leaseMs): Promise<OutboxDelivery[]> {
      // Only the head of each (webhook, alert) chain is due, so one alert's deliveries stay in order.
      const rows = await db.query<OutboxRow>(
        `WITH heads AS (
           SELECT DISTINCT ON (webhook_id, ordering_key) id, next_attempt_at, lease_until
           FROM webhook_outbox WHERE state = 'pending' ORDER BY webhook_id, ordering_key, id),
         due AS (
           SELECT o.id FROM webhook_outbox o JOIN heads h USING (id)
           WHERE h.next_attempt_at <= $1 AND (h.lease_until IS NULL OR h.lease_until <= $1)
           ORDER BY o.next_attempt_at, o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
         UPDATE webhook_outbox o SET lease_until = $1::timestamptz + $3 * interval '1 millisecond'
         FROM due, webhooks w WHERE o.id = due.id AND w.id = o.webhook_id AND w.enabled
         RETURNING o.id, o.webhook_id, w.url, w.secret, o.idempotency_key, o.ordering_key, o.body, o.attempts, o.created_at`,
        [new Date(now), limit, leaseMs],
      );
      return rows.map((r) => ({
        id: r.id,
        webhookId: r.webhook_id,
        url: r.url,
        secret: r.secret,
        idempotencyKey: r.idempotency_key,
        orderingKey: r.ordering_key,
        body: r.body,
        attempts: r.attempts,
        createdAt: r.created_at.getTime(),
      }));
    },
    async markDelivered(id: OutboxId, at, status) {
      await db.query(
        `UPDATE webhook_outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = $2, last_attempt_at = $2,
           last_status = $3, lease_until = NULL WHERE id = $1`,
        [id, new Date(at), status],
      );
    },
    async markFailed(id: OutboxId, at, error, nextAttemptAt, status) {
      await db.query(
        `UPDATE webhook_outbox SET attempts = attempts + 1, last_attempt_at = $2, last_error = $3, next_attempt_at = $4,
           last_status = $5, lease_until = NULL WHERE id = $1`,
        [id, new Date(at), error.slice(0, 1000), new Date(nextAttemptAt), status],
      );
    },
    async markDead(id: OutboxId, at, error, status) {
      await db.query(
        `UPDATE webhook_outbox SET state = 'dead', attempts = attempts + 1, last_attempt_at = $2, last_error = $3,
           last_status = $4, lease_until = NULL WHERE id = $1`,
        [id, new Date(at), error.slice(0, 1000), status],
      );
    },
    async release(id: OutboxId) {
      await db.query('UPDATE webhook_outbox SET lease_until = NULL WHERE id = $1', [id]);
    },
  };
}
