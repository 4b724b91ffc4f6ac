import { describe, expect, it } from 'vitest';
import { MemoryOutboxStore } from '../../server/alerts/webhook-memory-outbox.js';
import type { NewOutboxDelivery } from '../../server/alerts/webhook-outbox.js';

// The semantics the webhook_outbox table and its queries must reproduce.
const T0 = 1_000_000;

function row(webhookId: string, orderingKey: string, key: string, createdAt = T0): NewOutboxDelivery {
  return { webhookId, idempotencyKey: key, orderingKey, body: '{}', createdAt };
}

function createStore(): MemoryOutboxStore {
  const store = new MemoryOutboxStore();
  store.setWebhook('a', 'http://a.example/hook', 'sa');
  store.setWebhook('b', 'http://b.example/hook', 'sb');
  return store;
}

describe('MemoryOutboxStore.claimDue', () => {
  it('claims only the head of each (webhook, ordering key) chain, oldest due first', async () => {
    const store = createStore();
    store.enqueue([
      row('a', 'alert:1', 'a1'),
      row('a', 'alert:1', 'a2'),
      row('a', 'alert:2', 'a3'),
      row('b', 'alert:1', 'b1'),
    ]);
    const claimed = await store.claimDue(T0, 10, 5000);
    expect(claimed.map((d) => d.idempotencyKey)).toEqual(['a1', 'a3', 'b1']);
    expect(claimed[0]).toMatchObject({ url: 'http://a.example/hook', secret: 'sa', attempts: 0 });
  });

  it('leases what it claims: a second worker gets nothing until the lease ends (a crashed worker’s rows return)', async () => {
    const store = createStore();
    store.enqueue([row('a', 'alert:1', 'a1')]);
    expect(await store.claimDue(T0, 10, 5000)).toHaveLength(1);
    expect(await store.claimDue(T0 + 4999, 10, 5000)).toHaveLength(0);
    expect((await store.claimDue(T0 + 5000, 10, 5000)).map((d) => d.idempotencyKey)).toEqual(['a1']);
  });

  it('moves a chain on after delivery, not after a failure', async () => {
    const store = createStore();
    const [id1] = store.enqueue([row('a', 'alert:1', 'a1'), row('a', 'alert:1', 'a2')]);
    await store.claimDue(T0, 10, 5000);
    await store.markFailed(id1!, T0 + 10, 'HTTP 500', T0 + 1000, 500);
    expect(await store.claimDue(T0 + 999, 10, 5000)).toEqual([]);
    const again = await store.claimDue(T0 + 1000, 10, 5000);
    expect(again.map((d) => [d.idempotencyKey, d.attempts])).toEqual([['a1', 1]]);
    await store.markDelivered(id1!, T0 + 1010, 204);
    expect((await store.claimDue(T0 + 1010, 10, 5000)).map((d) => d.idempotencyKey)).toEqual(['a2']);
  });

  it('respects the limit', async () => {
    const store = createStore();
    store.enqueue([
      row('a', 'alert:1', 'a1', T0 + 2),
      row('a', 'alert:2', 'a2', T0 + 1),
      row('a', 'alert:3', 'a3', T0),
    ]);
    expect((await store.claimDue(T0 + 2, 2, 5000)).map((d) => d.idempotencyKey)).toEqual(['a3', 'a2']);
  });

  it('keeps dead rows, and requeues only dead rows', async () => {
    const store = createStore();
    const [id] = store.enqueue([row('a', 'alert:1', 'a1')]);
    await store.claimDue(T0, 10, 5000);
    await store.markDead(id!, T0 + 1, 'HTTP 500', 500);
    expect(store.list()).toEqual([
      expect.objectContaining({ state: 'dead', attempts: 1, lastError: 'HTTP 500' }),
    ]);
    store.requeue(id!, T0 + 2);
    expect(store.list()[0]).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: T0 + 2 });
    expect(() => store.requeue(id!, T0 + 3)).toThrow(/pending/);
  });
});
