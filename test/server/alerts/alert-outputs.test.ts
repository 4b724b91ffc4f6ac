/**
 * What a stored alert sends out: a CAP 1.2 Alert when it fires and a Cancel referencing it when it
 * resolves (valid against the OASIS schema), and webhook deliveries from the durable outbox that
 * survive a receiver that is down and arrive, in order and exactly once, when it is back.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueWebhooks } from '../../../server/alerts/webhook-delivery.js';
import { addCapRoutes } from '../../../server/api/cap-routes.js';
import { problemDetails } from '../../../server/api/problem-details.js';
import { ApiRoutes } from '../../../server/api/route-registry.js';
import type { Database } from '../../../server/db/database.js';
import { insertRule } from '../../../server/db/rule-store.js';
import { createWebhook, databaseOutbox } from '../../../server/db/webhook-store.js';
import { createLogger } from '../../../server/logger.js';
import { assertRule } from '../../../server/rules/rule-schema.js';
import { validateCap, xpathAll, xpathString } from '../../alerts/xmllint.js';
import { createReceiver, type TestReceiver } from '../../alerts/webhook-receiver.js';
import {
  alertTestDatabase,
  createClock,
  createTokens,
  insertCamera,
  post,
  readingsNdjson,
  resetAlertData,
  S,
  startHarness,
  testEpoch,
  type Harness,
} from './alert-harness.js';

const T0 = testEpoch() + 7200 * S;
const SECRET = 'a-test-secret-of-some-length';
const clock = createClock(T0);
let db: Database;
let harness: Harness;
let receiver: TestReceiver;
let tokens: Awaited<ReturnType<typeof createTokens>>;
let ruleId: number;
let capServer: Server;
let capUrl: string;

beforeAll(async () => {
  db = await alertTestDatabase();
  await resetAlertData(db);
  await db.exec('DELETE FROM webhooks');
  tokens = await createTokens(db, 'alert-outputs');
  receiver = await createReceiver(SECRET, 'down');
  await createWebhook(db, {
    name: 'ops desk',
    url: receiver.url,
    secret: SECRET,
    states: ['firing', 'resolved'],
    severities: null,
  });
  await insertCamera(db, { externalId: 'OUT-A', lng: -78.6, lat: -0.85, volcanoGvp: 352050 });
  const record = await db.transaction((tx) =>
    insertRule(
      tx,
      assertRule({
        name: 'outputs test threshold',
        kind: 'thermal_threshold',
        severity: 'orange',
        scope: { type: 'camera', cameraId: 'OUT-A' },
        params: { thresholdC: 60, clearThresholdC: 45, forSeconds: 30, minFiringSeconds: 60 },
      }),
      { actor: 'test' },
    ),
  );
  ruleId = Number(record.rule!.id);
  harness = await startHarness(db, { clock: clock.now, publishing: { sender: 'atalaya@test.example' } });
  const app = express();
  const api = new ApiRoutes(true);
  addCapRoutes(api, db);
  app.use((req, _res, next) => {
    req.principal = { name: 'anonymous', role: null, tokenId: null };
    next();
  });
  app.use(api.router);
  app.use(problemDetails(createLogger('silent')));
  capServer = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  capUrl = `http://127.0.0.1:${(capServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await harness?.close();
  await receiver?.down();
  capServer?.close();
});

describe('alert outputs', () => {
  it('a fired and resolved alert is published as a CAP Alert and a Cancel that references it', async () => {
    for (const [s, v] of [
      [10, 20],
      [20, 70],
      [30, 72],
      [40, 75],
      [50, 74],
      [60, 50],
      [70, 40],
    ] as const) {
      clock.set(T0 + (s + 1) * S);
      await harness.service.tick();
      const res = await post(
        harness.url,
        'readings',
        readingsNdjson([{ camera: 'OUT-A', t: T0 + s * S, maxC: v }]),
        tokens.operator,
      );
      expect(res.status).toBe(200);
      await harness.service.whenIdle();
    }
    clock.set(T0 + 127 * S);
    await harness.service.tick();

    const messages = await db.query<{
      version: number;
      msg_type: string;
      identifier: string;
      status: string;
      xml: string;
    }>(
      'SELECT m.version, m.msg_type, m.identifier, m.status, m.xml FROM cap_messages m JOIN alerts a ON a.id = m.alert_id WHERE a.rule_id = $1 ORDER BY m.version',
      [ruleId],
    );
    expect(messages.map((m) => [m.version, m.msg_type, m.status])).toEqual([
      [1, 'Alert', 'Actual'],
      [2, 'Cancel', 'Actual'],
    ]);
    for (const m of messages) expect(validateCap(m.xml).output).not.toMatch(/fails to validate|error/i);
    for (const m of messages) expect(validateCap(m.xml).ok).toBe(true);
    const [alert, cancel] = messages;
    expect(xpathString(cancel!.xml, 'string(//*[local-name()="references"])')).toContain(alert!.identifier);
    // The camera watches Cotopaxi: the area is a 10 km circle on the volcano (GVP position; CAP writes "lat,lon radius").
    // One area per info block (Spanish, English).
    expect(xpathAll(alert!.xml, '//*[local-name()="circle"]/text()')).toEqual([
      '-0.677,-78.436 10',
      '-0.677,-78.436 10',
    ]);

    // Served as the latest message and in the Atom feed.
    const alertId = Number(alert!.identifier.split('-')[2]);
    const xml = await fetch(`${capUrl}/api/cap/alerts/${alertId}.xml`);
    expect(xml.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
    expect(await xml.text()).toBe(cancel!.xml);
    const feed = await (await fetch(`${capUrl}/api/cap/alerts.atom`)).text();
    expect(feed).toContain(`/api/cap/alerts/${alertId}.xml`);
    expect((await fetch(`${capUrl}/api/cap/alerts/99999999.xml`)).status).toBe(404);
  });

  it('webhooks wait in the outbox while the receiver is down, then arrive in order, once, signed', async () => {
    const store = databaseOutbox(db);
    const run = (now: number) => deliverDueWebhooks({ store, fetch, now: () => now, timeoutMs: 2000 });
    // Down: the first delivery fails and is rescheduled; its successor waits behind it.
    // The deliveries are due from the transitions' times (the test clock, ahead of the real one).
    const down = await run(T0 + 200 * S);
    expect(down.claimed).toBe(1);
    expect(receiver.processed).toEqual([]);
    await receiver.up();
    // Up: passes an hour apart (past any backoff) deliver the firing, then the resolution.
    let later = T0 + 200 * S;
    for (let i = 0; i < 6 && receiver.processed.length < 2; i++) {
      later += 3_600_000;
      await run(later);
    }
    const outbox = await db.query<{ idempotency_key: string; state: string; attempts: number; body: string }>(
      'SELECT idempotency_key, state, attempts, body FROM webhook_outbox ORDER BY id',
    );
    expect(outbox.map((o) => o.state)).toEqual(['delivered', 'delivered']);
    expect(outbox[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.processed).toEqual(outbox.map((o) => o.idempotency_key));
    expect(outbox.map((o) => (JSON.parse(o.body) as { type: string }).type)).toEqual([
      'alert.firing',
      'alert.resolved',
    ]);
    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
    // Nothing is left to send: another pass sends nothing more.
    await run(later + 3_600_000);
    expect(receiver.processed).toHaveLength(2);
  });
});
