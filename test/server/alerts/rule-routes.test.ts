/**
 * The rules API: seeding from data/rules.yaml, who may change rules, refusals that name the bad field,
 * changes applied to the live evaluator (a new rule warmed up over stored history, a disabled one
 * closing its alerts), merge patches, deletes, and backtest refusals.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_FILE } from '../../../server/alerts/alert-service.js';
import type { Database } from '../../../server/db/database.js';
import {
  alertTestDatabase,
  call,
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
  type Json,
} from './alert-harness.js';

const T0 = testEpoch();
const clock = createClock(T0);
let db: Database;
let tokens: Awaited<ReturnType<typeof createTokens>>;

const countRules = async () =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_rules'))[0]!.n;
const ruleAudits = async (id: number | string) =>
  db.query<{ actor: string; action: string; before: Json; after: Json }>(
    "SELECT actor, action, before, after FROM audit_log WHERE entity = 'alert_rule' AND entity_id = $1 ORDER BY id",
    [String(id)],
  );

beforeAll(async () => {
  db = await alertTestDatabase();
  await resetAlertData(db);
  tokens = await createTokens(db, 'rule-routes');
});

describe('seeding', () => {
  it('fills an empty rule table from data/rules.yaml once, each rule audited as created by seed', async () => {
    const names = [...readFileSync(DEFAULT_RULES_FILE, 'utf8').matchAll(/^ {2}- name: (.+)$/gm)].map(
      (m) => m[1],
    );
    expect(names).toHaveLength(13);
    let h = await startHarness(db, { clock: clock.now, rulesFile: DEFAULT_RULES_FILE });
    const listed = await call(h.url, 'GET', '/api/rules', null);
    expect(listed.body.rules.map((r: { name: string }) => r.name)).toEqual(names);
    expect(listed.body.rules.every((r: { valid: boolean; enabled: boolean }) => r.valid && r.enabled)).toBe(
      true,
    );
    for (const r of listed.body.rules) {
      expect((await ruleAudits(r.id)).map((a) => [a.actor, a.action])).toEqual([['seed', 'rule.create']]);
    }
    await h.close();
    // A second start finds rules and seeds nothing.
    h = await startHarness(db, { clock: clock.now, rulesFile: DEFAULT_RULES_FILE });
    expect(await countRules()).toBe(13);
    await h.close();
    await db.query('DELETE FROM alert_rules');
  });
});

describe('/api/rules', () => {
  let h: Harness;
  const rule = (over: Record<string, unknown> = {}) => ({
    name: 'Rule routes: RR-1 hot',
    kind: 'thermal_threshold',
    severity: 'yellow',
    scope: { type: 'camera', cameraId: 'RR-1' },
    params: { thresholdC: 60, forSeconds: 60 },
    ...over,
  });
  let id = 0;

  beforeAll(async () => {
    await insertCamera(db, { externalId: 'RR-1', lng: -78.6, lat: -0.85, volcanoGvp: 352050 });
    h = await startHarness(db, { clock: clock.now });
    // 80 °C every 10 s for five minutes, before any rule watches the camera.
    clock.set(T0 + 302 * S);
    const readings = Array.from({ length: 31 }, (_, i) => ({ camera: 'RR-1', t: T0 + i * 10 * S, maxC: 80 }));
    expect((await post(h.url, 'readings', readingsNdjson(readings), tokens.operator)).status).toBe(200);
    await h.service.tick();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is read by anyone and written by analysts and admins only', async () => {
    expect((await call(h.url, 'GET', '/api/rules', null)).status).toBe(200);
    expect((await call(h.url, 'POST', '/api/rules', null, rule())).status).toBe(401);
    expect((await call(h.url, 'POST', '/api/rules', tokens.viewer, rule())).status).toBe(403);
    expect((await call(h.url, 'POST', '/api/rules', tokens.operator, rule())).status).toBe(403);
    expect(await countRules()).toBe(0);
  });

  it('refuses an invalid rule with 422, naming each bad field and the value received; nothing is written', async () => {
    const fields = async (body: unknown) => {
      const res = await call(h.url, 'POST', '/api/rules', tokens.analyst, body);
      expect(res.status).toBe(422);
      return res.body.errors as { field: string; message: string }[];
    };
    expect(await fields(rule({ params: { thresholdC: 'hot' } }))).toEqual([
      { field: 'params.thresholdC', message: expect.stringContaining('expected number') },
    ]);
    expect(await fields(rule({ params: { thresholdC: 80, clearThresholdC: 90 } }))).toEqual([
      { field: 'params.clearThresholdC', message: 'must be at or below thresholdC (80) (got 90)' },
    ]);
    expect(await fields(rule({ params: { thresholdC: 80, treshold: 70 } }))).toEqual([
      { field: 'params.treshold', message: 'unknown field' },
    ]);
    expect(await fields(rule({ scope: { type: 'camera', cameraId: 'NOPE-9' } }))).toEqual([
      { field: 'scope.cameraId', message: 'no such camera (got "NOPE-9")' },
    ]);
    expect((await fields(rule({ severity: 'watch' })))[0]!.field).toBe('severity');
    const notJson = await fetch(`${h.url}/api/rules`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.analyst}`, 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(notJson.status).toBe(400);
    expect(await countRules()).toBe(0);
  });

  it('creates a rule, warmed up over stored history: the camera hot for five minutes is firing at once', async () => {
    const res = await call(h.url, 'POST', '/api/rules', tokens.analyst, rule());
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(res.body).toMatchObject({
      name: 'Rule routes: RR-1 hot',
      enabled: true,
      valid: true,
      warmupSeconds: 360,
    });
    expect(res.body.params).toMatchObject({
      thresholdC: 60,
      forSeconds: 60,
      minFiringSeconds: 0,
      noData: 'keep',
    });
    expect((await ruleAudits(id)).map((a) => [a.actor, a.action])).toEqual([
      ['rule-routes-analyst', 'rule.create'],
    ]);
    // Readings from T0 at 80 °C, for 60 s: pending at T0, firing at T0 + 60 s.
    const alerts = await call(h.url, 'GET', `/api/alerts?rule=${id}`, null);
    expect(alerts.body.alerts).toHaveLength(1);
    expect(alerts.body.alerts[0]).toMatchObject({
      state: 'firing',
      startedAt: new Date(T0).toISOString(),
      firingAt: new Date(T0 + 60 * S).toISOString(),
    });
    const detail = await call(h.url, 'GET', `/api/alerts/${alerts.body.alerts[0].id}`, null);
    expect(detail.body.events).toMatchObject([
      { kind: 'firing', actor: 'rule-routes-analyst', details: { reason: 'rule created' } },
    ]);
    // And it is live: the next clear reading resolves it.
    clock.set(T0 + 311 * S);
    await post(
      h.url,
      'readings',
      readingsNdjson([{ camera: 'RR-1', t: T0 + 310 * S, maxC: 20 }]),
      tokens.operator,
    );
    await h.service.whenIdle();
    const after = await call(h.url, 'GET', `/api/alerts?rule=${id}`, null);
    expect(after.body.alerts[0]).toMatchObject({
      state: 'resolved',
      resolvedAt: new Date(T0 + 310 * S).toISOString(),
    });
  });

  it('a duplicate name is a conflict', async () => {
    const res = await call(h.url, 'POST', '/api/rules', tokens.admin, rule());
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('Rule routes: RR-1 hot');
  });

  it('disabling closes its open alerts; re-enabling warms it up again; every change is audited', async () => {
    clock.set(T0 + 321 * S);
    await post(
      h.url,
      'readings',
      readingsNdjson([{ camera: 'RR-1', t: T0 + 320 * S, maxC: 90 }]),
      tokens.operator,
    );
    await h.service.whenIdle();
    const open = await call(h.url, 'GET', `/api/alerts?rule=${id}&state=pending,firing`, null);
    expect(open.body.alerts.map((a: { state: string }) => a.state)).toEqual(['pending']);

    const disabled = await call(h.url, 'PATCH', `/api/rules/${id}`, tokens.analyst, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    const closed = await call(h.url, 'GET', `/api/alerts/${open.body.alerts[0].id}`, null);
    // It never fired, so it closes as inactive, by whoever disabled the rule.
    expect(closed.body.alert.state).toBe('inactive');
    expect(closed.body.events.at(-1)).toMatchObject({
      kind: 'inactive',
      actor: 'rule-routes-analyst',
      details: { reason: 'rule disabled or deleted' },
    });

    const enabled = await call(h.url, 'PATCH', `/api/rules/${id}`, tokens.admin, { enabled: true });
    expect(enabled.status).toBe(200);
    // 90 °C since 320 s is pending again (the for 60 s has not run out at 320 s).
    const again = await call(h.url, 'GET', `/api/alerts?rule=${id}&state=pending,firing`, null);
    expect(again.body.alerts).toMatchObject([
      { state: 'pending', startedAt: new Date(T0 + 320 * S).toISOString() },
    ]);
    expect((await ruleAudits(id)).map((a) => [a.actor, a.action])).toEqual([
      ['rule-routes-analyst', 'rule.create'],
      ['rule-routes-analyst', 'rule.update'],
      ['rule-routes-admin', 'rule.update'],
    ]);
    expect((await ruleAudits(id))[1]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
  });

  it('PATCH merges (null removes a field), PUT replaces; an invalid result is refused and nothing changes', async () => {
    const withClear = await call(h.url, 'PATCH', `/api/rules/${id}`, tokens.analyst, {
      params: { clearThresholdC: 50 },
    });
    expect(withClear.body.params).toMatchObject({ thresholdC: 60, clearThresholdC: 50, forSeconds: 60 });
    const removed = await call(h.url, 'PATCH', `/api/rules/${id}`, tokens.analyst, {
      params: { clearThresholdC: null },
    });
    expect(removed.body.params.clearThresholdC).toBeUndefined();
    const bad = await call(h.url, 'PATCH', `/api/rules/${id}`, tokens.analyst, {
      params: { clearThresholdC: 70 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { field: 'params.clearThresholdC', message: 'must be at or below thresholdC (60) (got 70)' },
    ]);
    expect((await call(h.url, 'GET', `/api/rules/${id}`, null)).body.params.clearThresholdC).toBeUndefined();

    // Replacing it with a threshold above the data closes the open alert ("rule changed").
    const replaced = await call(
      h.url,
      'PUT',
      `/api/rules/${id}`,
      tokens.analyst,
      rule({ params: { thresholdC: 200 } }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.params).toEqual({
      thresholdC: 200,
      forSeconds: 0,
      minFiringSeconds: 0,
      noData: 'keep',
      field: 'max',
      noDataAfterSeconds: 300,
    });
    const open = await call(h.url, 'GET', `/api/alerts?rule=${id}&state=pending,firing,error`, null);
    expect(open.body.alerts).toEqual([]);
    expect((await call(h.url, 'PUT', '/api/rules/999999', tokens.analyst, rule())).status).toBe(404);
  });

  it('deletes only a rule without alerts; one with alerts is to be disabled instead', async () => {
    const refused = await call(h.url, 'DELETE', `/api/rules/${id}`, tokens.analyst);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('disable it instead');
    const spare = await call(
      h.url,
      'POST',
      '/api/rules',
      tokens.analyst,
      rule({ name: 'Rule routes: spare', params: { thresholdC: 500 } }),
    );
    expect(spare.status).toBe(201);
    expect((await call(h.url, 'DELETE', `/api/rules/${spare.body.id}`, tokens.operator)).status).toBe(403);
    expect((await call(h.url, 'DELETE', `/api/rules/${spare.body.id}`, tokens.analyst)).status).toBe(204);
    expect((await call(h.url, 'GET', `/api/rules/${spare.body.id}`, null)).status).toBe(404);
    expect((await ruleAudits(spare.body.id)).map((a) => a.action)).toEqual(['rule.create', 'rule.delete']);
  });

  it('backtest refusals: operators may not, a bad draft names its field, a range is bounded, an unknown id is 404', async () => {
    const body = { rule: rule(), from: new Date(T0).toISOString(), to: new Date(T0 + 300 * S).toISOString() };
    expect((await call(h.url, 'POST', '/api/rules/backtest', tokens.operator, body)).status).toBe(403);
    const draft = await call(h.url, 'POST', '/api/rules/backtest', tokens.analyst, {
      ...body,
      rule: rule({ params: { thresholdC: 'hot' } }),
    });
    expect(draft.status).toBe(422);
    expect(draft.body.errors[0].field).toBe('params.thresholdC');
    const long = await call(h.url, 'POST', '/api/rules/backtest', tokens.analyst, {
      ...body,
      to: new Date(T0 + 93 * 86_400 * S).toISOString(),
    });
    expect(long.status).toBe(422);
    expect(long.body.errors[0].field).toBe('to');
    expect(
      (await call(h.url, 'POST', '/api/rules/backtest', tokens.analyst, { ...body, rule: 999999 })).status,
    ).toBe(404);
  });
});
