/**
 * GET /metrics: who may read it, and that its figures move with what the server does — requests
 * (by route template), imports, rule evaluation, alerts by state, SSE clients and the webhook outbox.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../../server/alerts/alert-service.js';
import { createApp, type AppOptions } from '../../../server/app.js';
import type { Database } from '../../../server/db/database.js';
import { insertRule } from '../../../server/db/rule-store.js';
import { createWebhook } from '../../../server/db/webhook-store.js';
import { createLogger } from '../../../server/logger.js';
import { assertRule } from '../../../server/rules/rule-schema.js';
import {
  createClock,
  createTokens,
  insertCamera,
  openStream,
  readingsNdjson,
  resetAlertData,
  S,
  testEpoch,
} from '../alerts/alert-harness.js';
import { opsTestDatabase, sample } from '../../ops/ops-database.js';

const SCRAPE_TOKEN = 'scrape-secret-0123456789abcdef0123456789abcdef';
const T0 = testEpoch();
const clock = createClock(T0);
let db: Database;
let service: AlertService;
let tokens: Awaited<ReturnType<typeof createTokens>>;
const servers: { url: string; close(): Promise<void> }[] = [];
let main: { url: string };

async function listen(options: Partial<AppOptions> = {}): Promise<{ url: string }> {
  const app = createApp({ db, log: createLogger('silent'), ...options });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const entry = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(entry);
  return entry;
}

async function scrape(url = main.url, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return res.text();
}

async function postReadings(body: string): Promise<number> {
  const res = await fetch(`${main.url}/api/readings`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-ndjson', Authorization: `Bearer ${tokens.operator}` },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  db = await opsTestDatabase();
  await resetAlertData(db);
  await db.exec('DELETE FROM webhooks');
  tokens = await createTokens(db, `metrics-${process.pid}`);
  await insertCamera(db, { externalId: 'MET-COTO', lng: -78.5, lat: -0.75, volcanoGvp: 352050 });
  await db.transaction((tx) =>
    insertRule(
      tx,
      assertRule({
        name: 'metrics test threshold',
        kind: 'thermal_threshold',
        severity: 'orange',
        scope: { type: 'camera', cameraId: 'MET-COTO' },
        params: { thresholdC: 60, clearThresholdC: 45 },
      }),
      { actor: 'test' },
    ),
  );
  // Nothing listens there: the delivery stays pending in the outbox (no delivery loop runs here).
  await createWebhook(db, {
    name: 'metrics test desk',
    url: 'http://127.0.0.1:9/hook',
    secret: 'metrics-test-secret',
    states: ['firing', 'resolved'],
    severities: null,
  });
  service = new AlertService({
    db,
    log: createLogger('silent'),
    rulesFile: null,
    tickEveryMs: 0,
    clock: clock.now,
    publishing: { sender: 'atalaya@test.example' },
  });
  await service.start();
  main = await listen({ alerts: service, metricsAccess: { public: false, token: SCRAPE_TOKEN } });
});

afterAll(async () => {
  await service?.stop();
  for (const s of servers) await s.close();
});

describe('who may read /metrics', () => {
  const status = async (headers: Record<string, string>, url = main.url) => {
    const res = await fetch(`${url}/metrics`, { headers });
    await res.arrayBuffer();
    return res.status;
  };

  it('answers a direct loopback caller in the Prometheus text format', async () => {
    const res = await fetch(`${main.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/^# HELP /m);
  });

  it('treats a loopback connection forwarded by a proxy as remote: token needed', async () => {
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip'])
      expect(await status({ [header]: '203.0.113.9' })).toBe(401);
  });

  it('lets a remote caller in with the scrape token or an admin token, not a viewer or a wrong secret', async () => {
    const remote = { 'X-Forwarded-For': '203.0.113.9' };
    expect(await status({ ...remote, Authorization: `Bearer ${SCRAPE_TOKEN}` })).toBe(200);
    expect(await status({ ...remote, Authorization: `Bearer ${tokens.admin}` })).toBe(200);
    expect(await status({ ...remote, Authorization: `Bearer ${tokens.viewer}` })).toBe(403);
    expect(await status({ ...remote, Authorization: `Bearer ${SCRAPE_TOKEN}x` })).toBe(401);
  });

  it('is open to anyone when configured public', async () => {
    const open = await listen({ metricsAccess: { public: true } });
    expect(await status({ 'X-Forwarded-For': '203.0.113.9' }, open.url)).toBe(200);
  });
});

describe('what /metrics counts', () => {
  it('times requests by route template, never by raw path', async () => {
    // Without ?from=&to= the route answers 400: still one series for every camera id.
    const labels = { method: 'GET', route: '/api/cameras/:id/readings', status: '400' };
    const before = sample(await scrape(), 'atalaya_http_request_duration_seconds_count', labels);
    for (const id of ['NO-SUCH-CAMERA-1', 'NO-SUCH-CAMERA-2'])
      await (await fetch(`${main.url}/api/cameras/${id}/readings`)).arrayBuffer();
    await (await fetch(`${main.url}/api/no-such-route-42`)).arrayBuffer();
    const text = await scrape();
    expect(sample(text, 'atalaya_http_request_duration_seconds_count', labels)).toBe(before + 2);
    expect(
      sample(text, 'atalaya_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/*',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('NO-SUCH-CAMERA');
    expect(text).not.toContain('no-such-route-42');
  });

  it('counts committed and rejected rows by kind and times each import by outcome', async () => {
    const count = (text: string, outcome: string) =>
      sample(text, 'atalaya_import_duration_seconds_count', { kind: 'readings', outcome });
    const before = await scrape();
    const good = readingsNdjson([
      { camera: 'MET-COTO', t: T0 - 20 * S, maxC: 20 },
      { camera: 'MET-COTO', t: T0 - 10 * S, maxC: 21 },
    ]);
    expect(await postReadings(good)).toBe(200);
    // One good row and one naming an unknown camera: refused whole (all-or-nothing).
    const bad = readingsNdjson([
      { camera: 'MET-COTO', t: T0 - 5 * S, maxC: 22 },
      { camera: 'MET-UNKNOWN', t: T0 - 5 * S, maxC: 22 },
    ]);
    expect(await postReadings(bad)).toBe(422);
    const after = await scrape();
    const rows = (text: string, name: string) => sample(text, name, { kind: 'readings' });
    expect(rows(after, 'atalaya_ingest_rows_committed_total')).toBe(
      rows(before, 'atalaya_ingest_rows_committed_total') + 2,
    );
    expect(rows(after, 'atalaya_ingest_rows_rejected_total')).toBe(
      rows(before, 'atalaya_ingest_rows_rejected_total') + 1,
    );
    expect(count(after, 'committed')).toBe(count(before, 'committed') + 1);
    expect(count(after, 'refused')).toBe(count(before, 'refused') + 1);
  });

  it('times rule evaluation per ingest batch and sweep, and counts alerts by state and the outbox', async () => {
    clock.set(T0 + S);
    await service.tick();
    await service.whenIdle();
    const before = await scrape();
    // Above the 60 °C threshold with no `for`: the alert fires on this reading.
    expect(await postReadings(readingsNdjson([{ camera: 'MET-COTO', t: T0, maxC: 75 }]))).toBe(200);
    await service.whenIdle();
    clock.set(T0 + 61 * S);
    await service.tick();
    const after = await scrape();
    const passes = (text: string, trigger: string) =>
      sample(text, 'atalaya_rule_evaluation_duration_seconds_count', { trigger });
    const inputs = (text: string, trigger: string) =>
      sample(text, 'atalaya_rule_evaluations_total', { trigger });
    expect(passes(after, 'readings')).toBe(passes(before, 'readings') + 1);
    expect(inputs(after, 'readings')).toBe(inputs(before, 'readings') + 1);
    // The evaluator's clock (2 s behind) moves from T0 - 1 s to T0 + 59 s: sweeps at T0, +15, +30, +45 s.
    expect(passes(after, 'sweep')).toBe(passes(before, 'sweep') + 1);
    expect(inputs(after, 'sweep')).toBe(inputs(before, 'sweep') + 4);
    expect(sample(after, 'atalaya_alerts', { state: 'firing' })).toBe(
      sample(before, 'atalaya_alerts', { state: 'firing' }) + 1,
    );
    // The firing event was queued for the one webhook and nothing delivers it here.
    expect(sample(after, 'atalaya_webhook_outbox', { state: 'pending' })).toBe(
      sample(before, 'atalaya_webhook_outbox', { state: 'pending' }) + 1,
    );
    expect(sample(after, 'atalaya_alert_service_running')).toBe(1);
    expect(sample(after, 'atalaya_database_up')).toBe(1);
  });

  it('counts the clients connected to the alert stream', async () => {
    const base = sample(await scrape(), 'atalaya_sse_clients');
    const stream = await openStream(main.url);
    expect(sample(await scrape(), 'atalaya_sse_clients')).toBe(base + 1);
    stream.close();
    let now = base + 1;
    for (let i = 0; i < 50 && now !== base; i++) {
      await new Promise((r) => setTimeout(r, 20));
      now = sample(await scrape(), 'atalaya_sse_clients');
    }
    expect(now).toBe(base);
  });

  it("carries the process's default metrics", async () => {
    const text = await scrape();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('keeps one registry per application: a request to one app is not counted by another', async () => {
    const other = await listen();
    const labels = { method: 'GET', route: '/api/health/live', status: '200' };
    const mainBefore = sample(await scrape(), 'atalaya_http_request_duration_seconds_count', labels);
    await (await fetch(`${other.url}/api/health/live`)).arrayBuffer();
    await (await fetch(`${other.url}/api/health/live`)).arrayBuffer();
    expect(sample(await scrape(other.url), 'atalaya_http_request_duration_seconds_count', labels)).toBe(2);
    expect(sample(await scrape(), 'atalaya_http_request_duration_seconds_count', labels)).toBe(mainBefore);
  });
});
