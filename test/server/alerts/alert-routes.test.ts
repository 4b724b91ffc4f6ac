/**
 * The alerts API: listing with filters and pages, and the operators' actions — who may take them, what
 * they write (the alert, an alert_events row, an audit record with who and when) and what they refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { insertRule } from '../../../server/db/rule-store.js';
import { assertRule, type StoredRule } from '../../../server/rules/rule-schema.js';
import {
  alertTestDatabase,
  call,
  createClock,
  createTokens,
  insertCamera,
  openStream,
  resetAlertData,
  post,
  readingsNdjson,
  S,
  startHarness,
  testEpoch,
  type Harness,
  type Json,
} from './alert-harness.js';

const T0 = testEpoch();
const clock = createClock(T0);
let db: Database;
let h: Harness;
let tokens: Awaited<ReturnType<typeof createTokens>>;
const alertIds: Record<'volcano' | 'city', number> = { volcano: 0, city: 0 };
const ruleOf: Record<'volcano' | 'city', StoredRule> = {} as Record<'volcano' | 'city', StoredRule>;

async function hot(camera: string, s: number, maxC: number): Promise<void> {
  clock.set(T0 + s * S + S);
  await h.service.tick();
  const res = await post(
    h.url,
    'readings',
    readingsNdjson([{ camera, t: T0 + s * S, maxC }]),
    tokens.operator,
  );
  expect(res.status).toBe(200);
  await h.service.whenIdle();
}

async function audits(
  alertId: number,
): Promise<{ actor: string; action: string; before: Json; after: Json }[]> {
  return db.query(
    "SELECT actor, action, before, after FROM audit_log WHERE entity = 'alert' AND entity_id = $1 ORDER BY id",
    [String(alertId)],
  );
}

beforeAll(async () => {
  db = await alertTestDatabase();
  await resetAlertData(db);
  tokens = await createTokens(db, 'alert-routes');
  // One thermal camera on Cotopaxi (its alerts sit at the volcano), one in Guayaquil watching no volcano.
  await insertCamera(db, { externalId: 'ALR-COTO', lng: -78.5, lat: -0.75, volcanoGvp: 352050 });
  await insertCamera(db, { externalId: 'ALR-GYE', lng: -79.9, lat: -2.19 });
  for (const [key, camera, severity] of [
    ['volcano', 'ALR-COTO', 'orange'],
    ['city', 'ALR-GYE', 'yellow'],
  ] as const) {
    const record = await db.transaction((tx) =>
      insertRule(
        tx,
        assertRule({
          name: `routes test ${key}`,
          kind: 'thermal_threshold',
          severity,
          scope: { type: 'camera', cameraId: camera },
          params: { thresholdC: 60, clearThresholdC: 45 },
        }),
        { actor: 'test' },
      ),
    );
    ruleOf[key] = record.rule!;
  }
  h = await startHarness(db, { clock: clock.now });
  await hot('ALR-COTO', 10, 90);
  await hot('ALR-GYE', 20, 95);
  const rows = await db.query<{ id: number; rule_id: number }>(
    'SELECT id, rule_id FROM alerts WHERE rule_id = ANY($1::bigint[])',
    [[Number(ruleOf.volcano.id), Number(ruleOf.city.id)]],
  );
  alertIds.volcano = rows.find((r) => r.rule_id === Number(ruleOf.volcano.id))!.id;
  alertIds.city = rows.find((r) => r.rule_id === Number(ruleOf.city.id))!.id;
});

afterAll(async () => {
  await h?.close();
});

describe('GET /api/alerts', () => {
  const mine = () => `rule=${ruleOf.volcano.id},${ruleOf.city.id}`;

  it('filters by rule, state and severity, newest first', async () => {
    const all = await call(h.url, 'GET', `/api/alerts?${mine()}`, null);
    expect(all.status).toBe(200);
    expect(all.body.alerts.map((a: { id: number }) => a.id)).toEqual([alertIds.city, alertIds.volcano]);
    expect(all.body.alerts[0]).toMatchObject({
      state: 'firing',
      severity: 'yellow',
      scopeKey: 'camera:ALR-GYE',
    });
    expect(all.body.alerts[0].evidence).toBeUndefined();
    const orange = await call(
      h.url,
      'GET',
      `/api/alerts?${mine()}&severity=orange&state=firing,pending`,
      null,
    );
    expect(orange.body.alerts.map((a: { id: number }) => a.id)).toEqual([alertIds.volcano]);
    const resolved = await call(h.url, 'GET', `/api/alerts?${mine()}&state=resolved`, null);
    expect(resolved.body.alerts).toEqual([]);
  });

  it('places a volcano camera alert at the volcano and a street camera alert at the camera (bbox)', async () => {
    // Cotopaxi's summit is at (−78.436, −0.677); the camera itself (−78.5, −0.75) is outside this box.
    const summit = await call(h.url, 'GET', `/api/alerts?${mine()}&bbox=-78.45,-0.69,-78.42,-0.66`, null);
    expect(summit.body.alerts.map((a: { id: number }) => a.id)).toEqual([alertIds.volcano]);
    expect(summit.body.alerts[0].position).toEqual([-78.436, -0.677]);
    const guayaquil = await call(h.url, 'GET', `/api/alerts?${mine()}&bbox=-80,-2.3,-79.8,-2.1`, null);
    expect(guayaquil.body.alerts.map((a: { id: number }) => a.id)).toEqual([alertIds.city]);
  });

  it('pages with a cursor, and refuses unknown parameters naming them', async () => {
    const first = await call(h.url, 'GET', `/api/alerts?${mine()}&limit=1`, null);
    expect(first.body.alerts).toHaveLength(1);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await call(h.url, 'GET', `/api/alerts?${mine()}&limit=1&cursor=${first.body.next}`, null);
    expect(second.body.alerts.map((a: { id: number }) => a.id)).toEqual([alertIds.volcano]);
    expect(second.body.next).toBeNull();
    const bad = await call(h.url, 'GET', '/api/alerts?colour=red&state=burning', null);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'state.0']);
  });

  it('shows one alert with its evidence and its events; 404 for an unknown one', async () => {
    const one = await call(h.url, 'GET', `/api/alerts/${alertIds.volcano}`, null);
    expect(one.body.alert.evidence).toMatchObject({ value: 90, cameraId: 'ALR-COTO', volcanoGvp: 352050 });
    expect(one.body.events.map((e: { kind: string }) => e.kind)).toEqual(['pending', 'firing']);
    expect((await call(h.url, 'GET', '/api/alerts/999999999', null)).status).toBe(404);
  });
});

describe('operator actions', () => {
  it('are for operators (and admins): anonymous 401, viewer 403, analyst 403', async () => {
    const path = `/api/alerts/${alertIds.volcano}/acknowledge`;
    expect((await call(h.url, 'POST', path, null)).status).toBe(401);
    expect((await call(h.url, 'POST', path, tokens.viewer)).status).toBe(403);
    expect((await call(h.url, 'POST', path, tokens.analyst)).status).toBe(403);
    for (const action of ['assign', 'comment', 'silence', 'unsilence'])
      expect(
        (await call(h.url, 'POST', `/api/alerts/${alertIds.volcano}/${action}`, tokens.analyst, {})).status,
      ).toBe(403);
    expect(await audits(alertIds.volcano)).toEqual([]);
  });

  it('acknowledge records who and when (alert, event, audit); a second acknowledgement is a conflict', async () => {
    const stream = await openStream(h.url);
    clock.set(T0 + 60 * S);
    const res = await call(h.url, 'POST', `/api/alerts/${alertIds.volcano}/acknowledge`, tokens.operator);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'acknowledged',
      actor: 'alert-routes-operator',
      at: new Date(T0 + 60 * S).toISOString(),
    });
    expect(res.body.alert).toMatchObject({
      acknowledgedBy: 'alert-routes-operator',
      acknowledgedAt: new Date(T0 + 60 * S).toISOString(),
      state: 'firing',
    });
    const [audit] = await audits(alertIds.volcano);
    expect(audit).toMatchObject({
      actor: 'alert-routes-operator',
      action: 'alert.acknowledged',
      before: { acknowledgedBy: null },
      after: { acknowledgedBy: 'alert-routes-operator' },
    });
    const again = await call(h.url, 'POST', `/api/alerts/${alertIds.volcano}/acknowledge`, tokens.admin);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('alert-routes-operator');
    const [event] = await stream.until((es) => es.some((e) => e.event === 'acknowledged'));
    expect(event).toMatchObject({ id: String(res.body.id), event: 'acknowledged' });
    expect(event!.data.event).toMatchObject({ actor: 'alert-routes-operator' });
    stream.close();
  });

  it('assign, comment: each an event and an audit record naming the actor', async () => {
    const id = alertIds.volcano;
    const assigned = await call(h.url, 'POST', `/api/alerts/${id}/assign`, tokens.operator, {
      assignee: 'brigada-3',
    });
    expect(assigned.body.alert.assignedTo).toBe('brigada-3');
    const commented = await call(h.url, 'POST', `/api/alerts/${id}/comment`, tokens.admin, {
      comment: 'IG-EPN informado por radio',
    });
    expect(commented.body).toMatchObject({
      kind: 'commented',
      actor: 'alert-routes-admin',
      details: { comment: 'IG-EPN informado por radio' },
    });
    const log = await audits(id);
    expect(log.map((a) => [a.actor, a.action])).toEqual([
      ['alert-routes-operator', 'alert.acknowledged'],
      ['alert-routes-operator', 'alert.assigned'],
      ['alert-routes-admin', 'alert.commented'],
    ]);
    expect(log[1]).toMatchObject({ before: { assignedTo: null }, after: { assignedTo: 'brigada-3' } });
    const bad = await call(h.url, 'POST', `/api/alerts/${id}/comment`, tokens.operator, { text: 'hola' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['comment', 'text']);
  });

  it('silence is time-boxed and needs a reason; it holds notifications, not the state', async () => {
    const id = alertIds.city;
    const past = await call(h.url, 'POST', `/api/alerts/${id}/silence`, tokens.operator, {
      until: new Date(T0).toISOString(),
      reason: 'maintenance',
    });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].field).toBe('until');
    const tooLong = await call(h.url, 'POST', `/api/alerts/${id}/silence`, tokens.operator, {
      until: new Date(T0 + 31 * 86_400 * S).toISOString(),
      reason: 'maintenance',
    });
    expect(tooLong.status).toBe(422);
    const noReason = await call(h.url, 'POST', `/api/alerts/${id}/silence`, tokens.operator, {
      until: new Date(T0 + 7200 * S).toISOString(),
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');

    const until = new Date(T0 + 7200 * S).toISOString();
    const silenced = await call(h.url, 'POST', `/api/alerts/${id}/silence`, tokens.operator, {
      until,
      reason: 'cámara en mantenimiento programado',
    });
    expect(silenced.status).toBe(200);
    expect(silenced.body.alert).toMatchObject({
      silenced: true,
      silencedUntil: until,
      silenceReason: 'cámara en mantenimiento programado',
    });
    // The state still follows the data: a clear reading resolves the silenced alert.
    await hot('ALR-GYE', 100, 20);
    const after = await call(h.url, 'GET', `/api/alerts/${id}`, null);
    expect(after.body.alert).toMatchObject({ state: 'resolved', silenced: true });
    expect(after.body.events.map((e: { kind: string }) => e.kind)).toEqual([
      'pending',
      'firing',
      'silenced',
      'resolved',
    ]);

    const lifted = await call(h.url, 'POST', `/api/alerts/${id}/unsilence`, tokens.operator, {
      reason: 'vuelve a servicio',
    });
    expect(lifted.body.alert).toMatchObject({ silenced: false, silencedUntil: null });
    expect((await audits(id)).map((a) => a.action)).toEqual(['alert.silenced', 'alert.unsilenced']);
  });

  it('404 for an alert that does not exist, 400 for an id that is not one', async () => {
    expect((await call(h.url, 'POST', '/api/alerts/999999999/acknowledge', tokens.operator)).status).toBe(
      404,
    );
    const bad = await call(h.url, 'POST', '/api/alerts/abc/acknowledge', tokens.operator);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('id');
  });
});
