/**
 * The outbox in memory: the reference for what the `webhook_outbox` table and its queries must do (see
 * OutboxStore), used by the tests and usable for a database-less demo. Not durable, by definition.
 */
import type { NewOutboxDelivery, OutboxDelivery, OutboxId, OutboxStore } from './webhook-outbox.js';

export type OutboxState = 'pending' | 'delivered' | 'dead';

/** A stored row, as the table would hold it. */
export interface OutboxRow extends NewOutboxDelivery {
  id: number;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

export class MemoryOutboxStore implements OutboxStore {
  private readonly rows: OutboxRow[] = [];
  private readonly webhooks = new Map<string, { url: string; secret: string }>();
  private nextId = 1;

  /** Register or change a webhook's URL and secret (joined at claim time, like the table's join). */
  setWebhook(id: string | number, url: string, secret: string): void {
    this.webhooks.set(String(id), { url, secret });
  }

  /** Insert rows (the evaluation side); returns their ids. */
  enqueue(deliveries: readonly NewOutboxDelivery[]): number[] {
    return deliveries.map((d) => {
      const row: OutboxRow = {
        ...d,
        id: this.nextId++,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: d.createdAt,
        leaseUntil: null,
        lastAttemptAt: null,
        lastStatus: null,
        lastError: null,
        deliveredAt: null,
      };
      this.rows.push(row);
      return row.id;
    });
  }

  /** Every row, copies, in insertion order. */
  list(): OutboxRow[] {
    return this.rows.map((r) => ({ ...r }));
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxDelivery[]> {
    const heads = new Map<string, OutboxRow>();
    for (const r of this.rows) {
      if (r.state !== 'pending') continue;
      const chain = `${r.webhookId}\u0000${r.orderingKey}`;
      if (!heads.has(chain)) heads.set(chain, r); // rows are in insertion (id) order
    }
    const due = [...heads.values()]
      .filter(
        (r) =>
          r.nextAttemptAt <= now &&
          (r.leaseUntil === null || r.leaseUntil <= now) &&
          this.webhooks.has(String(r.webhookId)),
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id)
      .slice(0, limit);
    return due.map((r) => {
      r.leaseUntil = now + leaseMs;
      const w = this.webhooks.get(String(r.webhookId))!;
      return {
        id: r.id,
        webhookId: r.webhookId,
        url: w.url,
        secret: w.secret,
        idempotencyKey: r.idempotencyKey,
        orderingKey: r.orderingKey,
        body: r.body,
        attempts: r.attempts,
        createdAt: r.createdAt,
      };
    });
  }

  async markDelivered(id: OutboxId, at: number, status: number): Promise<void> {
    const r = this.row(id);
    if (r.state === 'delivered') return;
    Object.assign(r, {
      state: 'delivered',
      attempts: r.attempts + 1,
      leaseUntil: null,
      lastAttemptAt: at,
      lastStatus: status,
      lastError: null,
      deliveredAt: at,
    });
  }

  async markFailed(
    id: OutboxId,
    at: number,
    error: string,
    nextAttemptAt: number,
    status: number | null,
  ): Promise<void> {
    const r = this.row(id);
    if (r.state !== 'pending') return; // another worker got there first
    Object.assign(r, {
      attempts: r.attempts + 1,
      leaseUntil: null,
      lastAttemptAt: at,
      lastStatus: status,
      lastError: error,
      nextAttemptAt,
    });
  }

  async markDead(id: OutboxId, at: number, error: string, status: number | null): Promise<void> {
    const r = this.row(id);
    if (r.state !== 'pending') return;
    Object.assign(r, {
      state: 'dead',
      attempts: r.attempts + 1,
      leaseUntil: null,
      lastAttemptAt: at,
      lastStatus: status,
      lastError: error,
    });
  }

  async release(id: OutboxId, _at: number): Promise<void> {
    this.row(id).leaseUntil = null;
  }

  /** Put a dead row back in the queue (an operator's "retry"). */
  requeue(id: OutboxId, now: number): void {
    const r = this.row(id);
    if (r.state !== 'dead')
      throw new RangeError(`outbox row ${id} is ${r.state}, only dead rows can be requeued`);
    Object.assign(r, { state: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: null });
  }

  private row(id: OutboxId): OutboxRow {
    const r = this.rows.find((x) => x.id === Number(id));
    if (!r) throw new RangeError(`no outbox row with id ${JSON.stringify(id)}`);
    return r;
  }
}
