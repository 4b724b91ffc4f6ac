/**
 * The durable outbox webhooks are delivered from. Evaluation never calls a receiver: it only inserts
 * outbox rows (in the same transaction as the alert event, so an event is never stored without its
 * deliveries nor delivered without being stored), and the delivery worker (webhook-delivery.ts) drains
 * the outbox at its own pace. A slow or dead receiver therefore delays nothing but its own deliveries.
 *
 * Ordering: deliveries to one webhook about one alert go in order (an alert's `resolved` never overtakes
 * its `firing`); different alerts, and different webhooks, are independent. The store enforces it by
 * claiming only the earliest pending delivery of each (webhook, ordering key) chain. A dead delivery no
 * longer holds its chain back: later events of that alert still go (each payload carries the alert's
 * full state, so a receiver is never left with a stale one).
 *
 * The store is the lead's (table `webhook_outbox`); webhook-memory-outbox.ts is a reference
 * implementation of these semantics in memory.
 */
import type { Severity } from '../domain/types.js';
import type { AlertPhase } from '../rules/rule-engine.js';
import type { WebhookEvent } from './webhook-payload.js';

export type OutboxId = string | number;

/** A registered receiver and what it wants. */
export interface WebhookSubscription {
  id: string | number;
  url: string;
  secret: string;
  enabled: boolean;
  /** Alert phases it is told about; firing and resolved by default. */
  states?: readonly AlertPhase[];
  /** Severities it is told about; all by default. */
  severities?: readonly Severity[];
}

/** A row to insert. */
export interface NewOutboxDelivery {
  webhookId: string | number;
  idempotencyKey: string;
  /** Deliveries of the same webhook and ordering key go in insertion order. */
  orderingKey: string;
  body: string;
  /** Epoch ms; also the first attempt's due time. */
  createdAt: number;
}

/** A claimed row, joined with its webhook's current URL and secret (a rotated secret applies to retries). */
export interface OutboxDelivery {
  id: OutboxId;
  webhookId: string | number;
  url: string;
  secret: string;
  idempotencyKey: string;
  orderingKey: string;
  body: string;
  /** Attempts already made (0 on the first try). */
  attempts: number;
  createdAt: number;
}

/**
 * What the delivery worker needs from storage. Times are epoch ms chosen by the worker's injected clock.
 * Every method must be safe to call for a row whose lease expired meanwhile (at-least-once delivery:
 * a receiver may see a key twice, never zero times).
 */
export interface OutboxStore {
  /**
   * Lease up to `limit` due deliveries: pending, `nextAttemptAt ≤ now`, lease free (`leaseUntil` null or
   * ≤ now), and the earliest pending row of their (webhookId, orderingKey) chain; oldest due first. Sets
   * `leaseUntil = now + leaseMs` so a crashed worker's rows come back after the lease.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxDelivery[]>;
  /** A 2xx: state delivered, attempts + 1, lease cleared. */
  markDelivered(id: OutboxId, at: number, status: number): Promise<void>;
  /** A failure with attempts left: attempts + 1, error and status kept, due again at nextAttemptAt, lease cleared. */
  markFailed(
    id: OutboxId,
    at: number,
    error: string,
    nextAttemptAt: number,
    status: number | null,
  ): Promise<void>;
  /** The last allowed attempt failed: state dead (kept and listed, never deleted), attempts + 1. */
  markDead(id: OutboxId, at: number, error: string, status: number | null): Promise<void>;
  /** Give back a claimed row without attempting it (lease cleared, attempts unchanged). */
  release(id: OutboxId, at: number): Promise<void>;
}

const DEFAULT_STATES: readonly AlertPhase[] = ['firing', 'resolved'];

/**
 * The outbox rows for one event: one per enabled webhook that wants its phase and severity. The ordering
 * key is the alert, so one alert's events reach each receiver in order.
 * @param now epoch ms, the rows' creation and first due time
 */
export function outboxDeliveriesFor(
  event: WebhookEvent,
  webhooks: readonly WebhookSubscription[],
  now: number,
): NewOutboxDelivery[] {
  if (!Number.isFinite(now)) throw new RangeError(`now must be finite epoch ms, got ${now}`);
  return webhooks
    .filter(
      (w) =>
        w.enabled &&
        (w.states ?? DEFAULT_STATES).includes(event.to) &&
        (!w.severities || w.severities.includes(event.severity)),
    )
    .map((w) => ({
      webhookId: w.id,
      idempotencyKey: event.key,
      orderingKey: `alert:${event.alertId}`,
      body: event.body,
      createdAt: now,
    }));
}
