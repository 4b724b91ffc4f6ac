import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RetryPolicy } from '../../server/alerts/webhook-backoff.js';
import {
  deliverDueWebhooks,
  WebhookDeliveryLoop,
  type WebhookDeliveryOptions,
} from '../../server/alerts/webhook-delivery.js';
import { MemoryOutboxStore } from '../../server/alerts/webhook-memory-outbox.js';
import {
  outboxDeliveriesFor,
  type OutboxDelivery,
  type OutboxStore,
  type WebhookSubscription,
} from '../../server/alerts/webhook-outbox.js';
import { webhookEvent, webhookIdempotencyKey } from '../../server/alerts/webhook-payload.js';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import type { AlertPhase } from '../../server/rules/rule-engine.js';
import { createReceiver, type TestReceiver } from './webhook-receiver.js';

const SECRET = 'whsec-test-0123456789';
const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const POLICY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 10 };

const receivers: TestReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.down()));
});

async function receiver(initially: 'up' | 'down' = 'up'): Promise<TestReceiver> {
  const r = await createReceiver(SECRET, initially);
  receivers.push(r);
  return r;
}

function transition(alertId: number, to: AlertPhase, at: number): AlertTransition {
  return {
    ruleId: 'r1',
    ruleName: 'Cotopaxi cráter',
    labels: {},
    kind: 'thermal_threshold',
    scopeKey: `camera:CTX-T${alertId}`,
    severity: 'orange',
    episode: 1,
    from: to === 'firing' ? 'pending' : 'firing',
    to,
    at,
    cause: to === 'firing' ? 'match' : 'clear',
    value: 91.5,
    evidence: { cameraId: `CTX-T${alertId}`, value: 91.5 },
  };
}

/** Store an event and its outbox rows, as the lead's transaction would. Returns the idempotency key. */
function enqueue(
  store: MemoryOutboxStore,
  webhooks: WebhookSubscription[],
  alertId: number,
  eventId: number,
  to: AlertPhase,
  at: number,
): string {
  const event = webhookEvent(transition(alertId, to, at), { alertId, eventId });
  store.enqueue(outboxDeliveriesFor(event, webhooks, at));
  return event.key;
}

function subscription(id: string, r: TestReceiver): WebhookSubscription {
  return { id, url: r.url, secret: SECRET, enabled: true };
}

/** A clock the test moves by hand. */
function clock(start = T0) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('webhook delivery to a receiver that is down, then failing, then up', () => {
  it('delivers every event exactly once (by idempotency key) once it is back, each alert in order', async () => {
    const r = await receiver('down');
    const store = new MemoryOutboxStore();
    const hooks = [subscription('w1', r)];
    store.setWebhook('w1', r.url, SECRET);
    const c = clock();
    const keys = [
      enqueue(store, hooks, 1, 101, 'firing', T0),
      enqueue(store, hooks, 2, 102, 'firing', T0),
      enqueue(store, hooks, 1, 103, 'resolved', T0),
      enqueue(store, hooks, 3, 104, 'firing', T0),
    ];
    const options: WebhookDeliveryOptions = {
      store,
      fetch,
      now: c.now,
      random: () => 0.5,
      policy: POLICY,
      timeoutMs: 2000,
    };

    // Down: nothing listens. Only the head of each alert's chain is tried (alert 1's resolve waits).
    const first = await deliverDueWebhooks(options);
    expect(first).toMatchObject({ claimed: 3, delivered: 0, retried: 3, dead: 0 });
    expect(r.requests).toHaveLength(0);
    for (const row of store.list().filter((x) => x.attempts === 1)) {
      expect(row.lastError).toMatch(/ECONNREFUSED|fetch failed/);
      // First retry: half (random ½) of the 1 s base.
      expect(row.nextAttemptAt).toBe(T0 + 500);
    }

    // Not yet due: nothing is claimed.
    c.t = T0 + 499;
    expect((await deliverDueWebhooks(options)).claimed).toBe(0);

    // Up, but answering 503.
    await r.up();
    r.behaviour = () => ({ status: 503, body: 'warming up' });
    c.t = T0 + 500;
    const second = await deliverDueWebhooks(options);
    expect(second).toMatchObject({ claimed: 3, retried: 3 });
    expect(store.list().find((x) => x.idempotencyKey === keys[0])).toMatchObject({
      attempts: 2,
      lastStatus: 503,
      lastError: 'HTTP 503: warming up',
    });

    // Healthy: drain the outbox, moving the clock past every backoff.
    r.behaviour = () => ({ status: 200 });
    for (let i = 0; i < 10 && store.list().some((x) => x.state === 'pending'); i++) {
      c.t += POLICY.maxDelayMs;
      await deliverDueWebhooks(options);
    }

    expect(store.list().map((x) => x.state)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect([...r.processed].sort()).toEqual([...keys].sort());
    expect(new Set(r.processed).size).toBe(4);
    expect(r.requests.every((q) => q.signatureValid)).toBe(true);
    // Alert 1's firing reached the receiver before its resolution, and the resolution was tried only once.
    expect(r.processed.indexOf(keys[0]!)).toBeLessThan(r.processed.indexOf(keys[2]!));
    expect(r.requests.filter((q) => q.key === keys[2])).toHaveLength(1);
    expect(r.requests.filter((q) => q.key === keys[0]).map((q) => q.attempt)).toEqual(['2', '3']);
  });

  it('sends the same key and bytes on a retry, so a receiver that already acted does not act twice', async () => {
    const r = await receiver();
    const store = new MemoryOutboxStore();
    store.setWebhook('w1', r.url, SECRET);
    const c = clock();
    const key = enqueue(store, [subscription('w1', r)], 9, 900, 'firing', T0);
    // The receiver acts on the first request but its answer never arrives (lost response); then it answers.
    let calls = 0;
    r.behaviour = () => (calls++ === 0 ? 'hang' : { status: 200 });
    const options: WebhookDeliveryOptions = {
      store,
      fetch,
      now: c.now,
      random: () => 0,
      policy: POLICY,
      timeoutMs: 150,
    };

    expect(await deliverDueWebhooks(options)).toMatchObject({ retried: 1 });
    expect(store.list()[0]!.lastError).toBe('timed out after 150 ms');
    c.t += 1;
    expect(await deliverDueWebhooks(options)).toMatchObject({ delivered: 1 });

    expect(r.requests).toHaveLength(2);
    expect(r.requests[0]!.key).toBe(key);
    expect(r.requests[1]!.key).toBe(key);
    expect(r.requests[1]!.body).toBe(r.requests[0]!.body);
    expect(r.requests[1]!.signature).toBe(r.requests[0]!.signature);
    expect(r.processed).toEqual([key]);
    expect(key).toBe(webhookIdempotencyKey(9, 900));
  });
});

describe('a slow receiver', () => {
  it('times out and is retried, while another receiver is served in the same run', async () => {
    const slow = await receiver();
    slow.behaviour = () => 'hang';
    const fast = await receiver();
    const store = new MemoryOutboxStore();
    store.setWebhook('slow', slow.url, SECRET);
    store.setWebhook('fast', fast.url, SECRET);
    const c = clock();
    const key = enqueue(
      store,
      [subscription('slow', slow), subscription('fast', fast)],
      5,
      500,
      'firing',
      T0,
    );
    const calls: string[] = [];
    const spy = recordingStore(store, calls);

    const summary = await deliverDueWebhooks({
      store: spy,
      fetch,
      now: c.now,
      random: () => 0.5,
      policy: POLICY,
      timeoutMs: 300,
    });

    expect(summary).toMatchObject({ claimed: 2, delivered: 1, retried: 1 });
    expect(fast.processed).toEqual([key]);
    // The fast delivery was recorded before the slow one gave up: the slow request did not hold it back.
    expect(calls).toEqual(['markDelivered fast', 'markFailed slow']);
    const slowRow = store.list().find((x) => x.webhookId === 'slow')!;
    expect(slowRow).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'timed out after 300 ms',
      nextAttemptAt: T0 + 500,
    });
  });
});

describe('dead-lettering', () => {
  it('marks a delivery dead after maxAttempts, keeps it visible and logged, and a requeue delivers it', async () => {
    const r = await receiver();
    r.behaviour = () => ({ status: 500, body: 'boom' });
    const store = new MemoryOutboxStore();
    store.setWebhook('w1', r.url, SECRET);
    const c = clock();
    const key = enqueue(store, [subscription('w1', r)], 4, 400, 'firing', T0);
    const log = { warn: vi.fn(), error: vi.fn() };
    const options: WebhookDeliveryOptions = {
      store,
      fetch,
      now: c.now,
      random: () => 0.5,
      policy: { ...POLICY, maxAttempts: 3 },
      timeoutMs: 2000,
      log,
    };

    expect(await deliverDueWebhooks(options)).toMatchObject({ retried: 1 });
    c.t += POLICY.maxDelayMs;
    expect(await deliverDueWebhooks(options)).toMatchObject({ retried: 1 });
    c.t += POLICY.maxDelayMs;
    expect(await deliverDueWebhooks(options)).toMatchObject({ dead: 1 });

    expect(store.list()).toEqual([
      expect.objectContaining({
        idempotencyKey: key,
        state: 'dead',
        attempts: 3,
        lastStatus: 500,
        lastError: 'HTTP 500: boom',
      }),
    ]);
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0]![0]).toMatchObject({ idempotencyKey: key, attempts: 3, status: 500 });
    c.t += POLICY.maxDelayMs;
    expect((await deliverDueWebhooks(options)).claimed).toBe(0);
    expect(r.requests).toHaveLength(3);

    r.behaviour = () => ({ status: 200 });
    store.requeue(store.list()[0]!.id, c.t);
    expect(await deliverDueWebhooks(options)).toMatchObject({ delivered: 1 });
    expect(r.processed).toEqual([key]);
  });

  it('does not let a dead delivery hold back the later events of its alert', async () => {
    const r = await receiver();
    const store = new MemoryOutboxStore();
    store.setWebhook('w1', r.url, SECRET);
    const c = clock();
    const hooks = [subscription('w1', r)];
    const firing = enqueue(store, hooks, 6, 600, 'firing', T0);
    const resolved = enqueue(store, hooks, 6, 601, 'resolved', T0);
    r.behaviour = (q) => (q.key === firing ? { status: 400 } : { status: 200 });
    const options: WebhookDeliveryOptions = {
      store,
      fetch,
      now: c.now,
      random: () => 0,
      policy: { ...POLICY, maxAttempts: 1 },
      timeoutMs: 2000,
    };

    expect(await deliverDueWebhooks(options)).toMatchObject({ dead: 1 });
    expect(await deliverDueWebhooks(options)).toMatchObject({ delivered: 1 });
    expect(r.processed).toEqual([resolved]);
  });
});

describe('deliveries of one chain in one batch', () => {
  it('run in order, and stop at the first failure, giving the rest back unattempted', async () => {
    const r = await receiver();
    r.behaviour = (q) => (q.key === 'k1' ? { status: 502 } : { status: 200 });
    const calls: string[] = [];
    // A store that (wrongly) hands out a whole chain at once: the worker must still keep the order.
    const rows: OutboxDelivery[] = ['k1', 'k2', 'k3'].map((k, i) => ({
      id: i + 1,
      webhookId: 'w1',
      url: r.url,
      secret: SECRET,
      idempotencyKey: k,
      orderingKey: 'alert:1',
      body: `{"n":${i}}`,
      attempts: 0,
      createdAt: T0,
    }));
    const store: OutboxStore = {
      claimDue: async () => rows,
      markDelivered: async (id) => void calls.push(`delivered ${id}`),
      markFailed: async (id) => void calls.push(`failed ${id}`),
      markDead: async (id) => void calls.push(`dead ${id}`),
      release: async (id) => void calls.push(`released ${id}`),
    };
    const summary = await deliverDueWebhooks({
      store,
      fetch,
      now: () => T0,
      random: () => 0,
      policy: POLICY,
      timeoutMs: 2000,
    });
    expect(summary).toMatchObject({ claimed: 3, retried: 1, released: 2, delivered: 0 });
    expect(calls).toEqual(['failed 1', 'released 2', 'released 3']);
    expect(r.requests.map((q) => q.key)).toEqual(['k1']);
  });
});

describe('the request', () => {
  it('carries JSON, the idempotency key, a verifiable signature and the attempt number', async () => {
    const r = await receiver();
    const store = new MemoryOutboxStore();
    store.setWebhook('w1', r.url, SECRET);
    const key = enqueue(store, [subscription('w1', r)], 8, 800, 'firing', T0);
    await deliverDueWebhooks({ store, fetch, now: () => T0, policy: POLICY, timeoutMs: 2000 });
    expect(r.requests).toHaveLength(1);
    const q = r.requests[0]!;
    expect(q).toMatchObject({ key, attempt: '1', signatureValid: true });
    expect(JSON.parse(q.body)).toMatchObject({
      version: 1,
      type: 'alert.firing',
      id: key,
      occurredAt: '2025-03-01T12:00:00.000Z',
      alert: {
        id: '8',
        ruleName: 'Cotopaxi cráter',
        severity: 'orange',
        state: 'firing',
        evidence: { cameraId: 'CTX-T8' },
      },
      transition: { from: 'pending', to: 'firing', cause: 'match' },
    });
  });

  it('honours Retry-After on 429', async () => {
    const r = await receiver();
    r.behaviour = () => ({ status: 429, headers: { 'Retry-After': '5' } });
    const store = new MemoryOutboxStore();
    store.setWebhook('w1', r.url, SECRET);
    enqueue(store, [subscription('w1', r)], 8, 801, 'firing', T0);
    await deliverDueWebhooks({
      store,
      fetch,
      now: () => T0,
      random: () => 0,
      policy: POLICY,
      timeoutMs: 2000,
    });
    expect(store.list()[0]).toMatchObject({ nextAttemptAt: T0 + 5000, lastStatus: 429 });
  });
});

describe('outboxDeliveriesFor', () => {
  it('makes one row per enabled webhook that wants the event, ordered by alert', () => {
    const event = webhookEvent(transition(3, 'resolved', T0), { alertId: 3, eventId: 33 });
    const hooks: WebhookSubscription[] = [
      { id: 'a', url: 'http://a', secret: 's', enabled: true },
      { id: 'b', url: 'http://b', secret: 's', enabled: false },
      { id: 'c', url: 'http://c', secret: 's', enabled: true, states: ['firing'] },
      { id: 'd', url: 'http://d', secret: 's', enabled: true, severities: ['red'] },
      {
        id: 'e',
        url: 'http://e',
        secret: 's',
        enabled: true,
        states: ['resolved'],
        severities: ['orange', 'red'],
      },
    ];
    const rows = outboxDeliveriesFor(event, hooks, T0);
    expect(rows.map((x) => x.webhookId)).toEqual(['a', 'e']);
    expect(rows[0]).toEqual({
      webhookId: 'a',
      idempotencyKey: 'atalaya-alert-3-event-33',
      orderingKey: 'alert:3',
      body: event.body,
      createdAt: T0,
    });
  });
});

describe('WebhookDeliveryLoop', () => {
  it('delivers what is enqueued after a wake, and stops', async () => {
    const r = await receiver();
    const store = new MemoryOutboxStore();
    store.setWebhook('w1', r.url, SECRET);
    const loop = new WebhookDeliveryLoop(
      { store, fetch, now: () => T0, policy: POLICY, timeoutMs: 2000 },
      60_000,
    );
    loop.start();
    const key = enqueue(store, [subscription('w1', r)], 2, 200, 'firing', T0);
    loop.wake();
    await vi.waitFor(() => expect(r.processed).toEqual([key]), { timeout: 5000, interval: 10 });
    await loop.stop();
    expect(store.list()[0]!.state).toBe('delivered');
  });
});

/** The store, with each outcome call also written to `calls` as "<method> <webhookId>". */
function recordingStore(store: MemoryOutboxStore, calls: string[]): OutboxStore {
  const webhookOf = (id: unknown) => String(store.list().find((x) => x.id === id)?.webhookId);
  return {
    claimDue: (now, limit, lease) => store.claimDue(now, limit, lease),
    markDelivered: async (id, at, status) => {
      calls.push(`markDelivered ${webhookOf(id)}`);
      await store.markDelivered(id, at, status);
    },
    markFailed: async (id, at, error, next, status) => {
      calls.push(`markFailed ${webhookOf(id)}`);
      await store.markFailed(id, at, error, next, status);
    },
    markDead: async (id, at, error, status) => {
      calls.push(`markDead ${webhookOf(id)}`);
      await store.markDead(id, at, error, status);
    },
    release: (id, at) => store.release(id, at),
  };
}
