/**
 * The alert service end to end on a real database: readings POSTed through the ingest path raise alerts
 * at the times a hand evaluation gives, SSE clients see them and resume with Last-Event-ID, restarts
 * (graceful and a crash) lose and duplicate nothing, retried incident batches count once, and a backtest
 * over the stored history raises exactly what live evaluation did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { cameraRefs, insertRule } from '../../../server/db/rule-store.js';
import type { AlertTransition } from '../../../server/rules/alert-slot.js';
import { RuleEvaluator } from '../../../server/rules/rule-evaluator.js';
import { assertRule, type RuleDefinitionInput, type StoredRule } from '../../../server/rules/rule-schema.js';
import {
  alertTestDatabase,
  call,
  commitUnevaluated,
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
  type FakeClock,
  type Harness,
  type Reading,
  type SseClient,
} from './alert-harness.js';

const T0 = testEpoch();
/** The restart scenario's time origin: after everything the first tests feed. */
const B = T0 + 600 * S;
/** The incident scenario's. */
const I0 = T0 + 1200 * S;

let db: Database;
let tokens: Awaited<ReturnType<typeof createTokens>>;
const clock: FakeClock = createClock(T0);
const rules: Record<string, StoredRule> = {};
let harness: Harness;

/** Near Latacunga (Cotopaxi province, served by ECU 911 Ambato), watching Cotopaxi. */
const CAMERA_AT = { lng: -78.6, lat: -0.85, volcanoGvp: 352050 };

function threshold(
  name: string,
  cameraId: string,
  extra: Partial<Record<string, number>> = {},
): RuleDefinitionInput {
  return {
    name,
    kind: 'thermal_threshold',
    severity: 'yellow',
    scope: { type: 'camera', cameraId },
    params: { thresholdC: 60, clearThresholdC: 45, forSeconds: 30, minFiringSeconds: 60, ...extra },
  };
}

async function addRule(key: string, input: RuleDefinitionInput): Promise<StoredRule> {
  const record = await db.transaction((tx) => insertRule(tx, assertRule(input), { actor: 'test' }));
  rules[key] = record.rule!;
  return record.rule!;
}

/** Moves the clock to 1 s after `t`, runs the sweeps due (as the timer would), then posts the readings. */
async function feed(h: Harness, t: number, readings: Reading[]): Promise<void> {
  clock.set(t + 1 * S);
  await h.service.tick();
  const res = await post(h.url, 'readings', readingsNdjson(readings), tokens.operator);
  expect(res.status).toBe(200);
  await h.service.whenIdle();
}

async function tickTo(h: Harness, t: number): Promise<void> {
  clock.set(t);
  await h.service.tick();
}

interface EventRow {
  id: number;
  alert_id: number;
  kind: string;
  at: Date;
  from_state: string | null;
  data: { alert: { evidence?: unknown }; evidence?: unknown; episode?: number };
}

async function ruleEvents(ruleId: string): Promise<EventRow[]> {
  return db.query<EventRow>(
    `SELECT e.id, e.alert_id, e.kind, e.at, e.from_state, e.data FROM alert_events e JOIN alerts a ON a.id = e.alert_id
     WHERE a.rule_id = $1 AND e.from_state IS NOT NULL ORDER BY e.id`,
    [Number(ruleId)],
  );
}

/** Transitions as "from>to@seconds after origin". */
const summary = (events: EventRow[], origin: number) =>
  events.map((e) => `${e.from_state}>${e.kind}@${(e.at.getTime() - origin) / S}`);

beforeAll(async () => {
  db = await alertTestDatabase();
  await resetAlertData(db);
  tokens = await createTokens(db, 'alert-service');
  for (const id of ['ALS-A', 'ALS-R', 'ALS-C']) await insertCamera(db, { externalId: id, ...CAMERA_AT });
  await addRule('A', threshold('service test A', 'ALS-A'));
  await addRule('R', threshold('service test restart', 'ALS-R'));
  await addRule('C', threshold('service test crash', 'ALS-C'));
  await addRule('I', {
    name: 'service test hazard surge in Quito',
    kind: 'incident_surge',
    severity: 'warning',
    scope: { type: 'region', centerId: 'quito' },
    params: { categories: ['natural_hazard'], groupBy: 'region', windowSeconds: 600, countAbove: 2 },
  });
  await addRule('V', {
    name: 'service test coverage in Cuenca',
    kind: 'coverage_loss',
    severity: 'advisory',
    scope: { type: 'region', centerId: 'cuenca' },
    params: { thresholdPercent: 50 },
  });
  harness = await startHarness(db, { clock: clock.now });
});

afterAll(async () => {
  await harness?.close();
});

describe('live evaluation through the ingest path', () => {
  let stream: SseClient;
  let lastSeen = 0;

  it('raises pending then firing at the exact times of a hand-built sequence, and SSE delivers each', async () => {
    stream = await openStream(harness.url);
    // threshold 60 °C, clear at 45, for 30 s, min firing 60 s; a reading every 10 s.
    const values: [number, number][] = [
      [10, 20],
      [20, 70], // match: pending at 20
      [30, 72],
      [40, 75],
      [50, 74], // held 30 s since 20: firing at 50
      [60, 50], // in the band: hold
      [70, 40], // clear, but firing only 20 s: stays firing
    ];
    for (const [s, v] of values)
      await feed(harness, T0 + s * S, [{ camera: 'ALS-A', t: T0 + s * S, maxC: v }]);
    // The sweeps re-apply "clear" (the reading at 70) on the 15 s grid; the first at least 60 s after
    // firing is 120: resolved at 120. Ticking to 127 runs the sweeps through 125 (2 s lag).
    await tickTo(harness, T0 + 127 * S);

    const events = await ruleEvents(rules.A!.id);
    expect(summary(events, T0)).toEqual(['inactive>pending@20', 'pending>firing@50', 'firing>resolved@120']);
    const [alert] = await db.query<{
      state: string;
      started_at: Date;
      firing_at: Date;
      resolved_at: Date;
      evidence: {
        value: number;
        cameraId: string;
        volcanoGvp: number;
        centerId: string;
        readings: { maxTempC: number }[];
      };
      version: number;
    }>('SELECT state, started_at, firing_at, resolved_at, evidence, version FROM alerts WHERE rule_id = $1', [
      Number(rules.A!.id),
    ]);
    expect(alert).toMatchObject({ state: 'resolved', version: 3 });
    expect(alert!.started_at.getTime()).toBe(T0 + 20 * S);
    expect(alert!.firing_at.getTime()).toBe(T0 + 50 * S);
    expect(alert!.resolved_at.getTime()).toBe(T0 + 120 * S);
    // The evidence is what fired it: the reading at 50 (74 °C), the camera, its volcano and region.
    expect(alert!.evidence).toMatchObject({
      value: 74,
      cameraId: 'ALS-A',
      volcanoGvp: 352050,
      centerId: 'ambato',
    });
    expect(alert!.evidence.readings.map((r) => r.maxTempC)).toEqual([20, 70, 72, 75, 74]);

    const mine = (
      await stream.until((es) => es.filter((e) => e.data.ruleId === Number(rules.A!.id)).length >= 3)
    ).filter((e) => e.data.ruleId === Number(rules.A!.id));
    expect(mine.map((e) => e.event)).toEqual(['pending', 'firing', 'resolved']);
    expect(mine.map((e) => Number(e.id))).toEqual(events.map((e) => e.id));
    expect(mine[1]!.data).toMatchObject({
      state: 'firing',
      scopeKey: 'camera:ALS-A',
      startedAt: new Date(T0 + 20 * S).toISOString(),
      firingAt: new Date(T0 + 50 * S).toISOString(),
      event: { kind: 'firing', from: 'pending', at: new Date(T0 + 50 * S).toISOString() },
    });
    lastSeen = Number(stream.events[stream.events.length - 1]!.id);
  });

  it('resumes with Last-Event-ID: exactly the missed events from the database, then live ones', async () => {
    stream.close();
    for (const s of [200, 210, 220, 230])
      await feed(harness, T0 + s * S, [{ camera: 'ALS-A', t: T0 + s * S, maxC: 80 }]);
    const missed = await db.query<{ id: number; kind: string; rule_id: number }>(
      'SELECT e.id, e.kind, a.rule_id FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id > $1 ORDER BY e.id',
      [lastSeen],
    );
    // Rule A: pending at 200, firing at 230 (30 s later).
    const isA = (ruleId: number) => ruleId === Number(rules.A!.id);
    expect(missed.filter((e) => isA(e.rule_id)).map((e) => e.kind)).toEqual(['pending', 'firing']);

    const resumed = await openStream(harness.url, lastSeen);
    await resumed.until((es) => es.length >= missed.length);
    expect(resumed.events.map((e) => Number(e.id))).toEqual(missed.map((e) => e.id));
    const firing = resumed.events.find((e) => isA(e.data.ruleId) && e.event === 'firing');
    expect(firing!.data).toMatchObject({ state: 'firing', firingAt: new Date(T0 + 230 * S).toISOString() });

    // Live again: a clear reading at 240; 60 s after firing is 290, and the first sweep of the 15 s grid
    // at or after it, 300, resolves it.
    await feed(harness, T0 + 240 * S, [{ camera: 'ALS-A', t: T0 + 240 * S, maxC: 30 }]);
    await tickTo(harness, T0 + 302 * S);
    const ofA = () => resumed.events.filter((e) => isA(e.data.ruleId));
    await resumed.until(() => ofA().length >= 3);
    expect(ofA().map((e) => e.event)).toEqual(['pending', 'firing', 'resolved']);
    expect(ofA()[2]!.data.resolvedAt).toBe(new Date(T0 + 300 * S).toISOString());
    const ids = resumed.events.map((e) => Number(e.id));
    expect(new Set(ids).size).toBe(ids.length);
    resumed.close();
  });
});

describe('restarts', () => {
  // 20 °C until 40 s, 80 °C 50–120 s, 30 °C 130–180 s, 90 °C 190–300 s; a reading every 10 s.
  const value = (s: number) => (s < 50 ? 20 : s <= 120 ? 80 : s <= 180 ? 30 : 90);
  const both = (s: number): Reading[] =>
    ['ALS-R', 'ALS-C'].map((camera) => ({ camera, t: B + s * S, maxC: value(s) }));
  const steps = (from: number, to: number) =>
    Array.from({ length: (to - from) / 10 + 1 }, (_, i) => from + i * 10);
  // By hand (threshold 60, clear 45, for 30 s, min firing 60 s): pending at 50, firing at 80 (30 s on),
  // the clear at 130 comes 50 s after firing (held), the one at 140 resolves; pending again at 190,
  // firing at 220.
  const expected = [
    'inactive>pending@50',
    'pending>firing@80',
    'firing>resolved@140',
    'resolved>pending@190',
    'pending>firing@220',
  ];

  it('a graceful stop and then a crash give the alerts of uninterrupted evaluation, each exactly once', async () => {
    await harness.close();
    clock.set(B);
    let h = await startHarness(db, { clock: clock.now });
    for (const s of steps(10, 60)) await feed(h, B + s * S, both(s));
    // Graceful, while pending (since 50): stop (snapshot), start a new service on the same database.
    clock.set(B + 62 * S);
    await h.close();
    h = await startHarness(db, { clock: clock.now });
    for (const s of steps(70, 180)) await feed(h, B + s * S, both(s));
    // Crash after a whole episode (firing at 80, resolved at 140): the service goes without a snapshot
    // (its last is from its start, at 62 s, still pending), and the readings of 190–230 s are committed
    // while nothing evaluates them. The next start replays 70–230 s: the episode already stored must
    // not come back as a second alert, and what happened while down must not be lost.
    await h.abandon();
    await commitUnevaluated(db, steps(190, 230).flatMap(both));
    clock.set(B + 232 * S);
    h = await startHarness(db, { clock: clock.now });
    for (const s of steps(240, 300)) await feed(h, B + s * S, both(s));
    await tickTo(h, B + 302 * S);
    harness = h;

    const uninterrupted = new RuleEvaluator({
      rules: [rules.R!, rules.C!],
      cameras: await cameraRefs(db, { externalIds: ['ALS-R', 'ALS-C'] }),
      startMs: B - 3600 * S,
    });
    const reference: AlertTransition[] = [];
    for (const s of steps(10, 300))
      for (const r of both(s))
        uninterrupted.ingestReading(
          { cameraId: r.camera, tsMs: r.t, maxTempC: r.maxC, meanTempC: null, quality: 'ok' },
          reference,
        );
    uninterrupted.tick(B + 300 * S, reference);

    for (const key of ['R', 'C']) {
      const rule = rules[key]!;
      const events = await ruleEvents(rule.id);
      expect(summary(events, B), `rule ${key}`).toEqual(expected);
      const ref = reference.filter((t) => t.ruleId === rule.id);
      expect(ref.map((t) => `${t.from}>${t.to}@${(t.at - B) / S}`)).toEqual(expected);
      // The same evidence as the uninterrupted evaluator, transition by transition.
      events.forEach((e, i) => {
        const stored =
          e.kind === 'resolved' || e.kind === 'inactive' ? e.data.evidence : e.data.alert.evidence;
        expect(stored, `rule ${key} event ${i}`).toEqual(ref[i]!.evidence);
      });
      const alerts = await db.query<{ state: string; episode: number; started_at: Date }>(
        'SELECT state, episode, started_at FROM alerts WHERE rule_id = $1 ORDER BY started_at',
        [Number(rule.id)],
      );
      expect(alerts.map((a) => [a.state, a.episode, (a.started_at.getTime() - B) / S])).toEqual([
        ['resolved', 1, 50],
        ['firing', 2, 190],
      ]);
    }
  });

  it('a start without a snapshot (lost) warms up from history and carries on with the stored alert', async () => {
    const before = await ruleEvents(rules.R!.id);
    await db.query('DELETE FROM rule_evaluator_snapshots');
    clock.set(B + 305 * S);
    await harness.close();
    await db.query('DELETE FROM rule_evaluator_snapshots');
    harness = await startHarness(db, { clock: clock.now });
    // The warm-up replays the history and finds episode 2 firing, as stored: nothing new is written.
    expect(await ruleEvents(rules.R!.id)).toEqual(before);
    // Firing since 220 s; a clear reading at 310 s (90 s on, past the 60 s minimum) resolves that alert.
    await feed(harness, B + 310 * S, [{ camera: 'ALS-R', t: B + 310 * S, maxC: 30 }]);
    const events = await ruleEvents(rules.R!.id);
    expect(summary(events, B).slice(before.length)).toEqual(['firing>resolved@310']);
    expect(events.at(-1)!.alert_id).toBe(before.at(-1)!.alert_id);
  });
});

describe('incidents', () => {
  const csv = (rows: [string, number][]) =>
    [
      'external_id,category,priority,occurred_at,lon,lat,description,synthetic',
      ...rows.map(
        ([id, s]) => `${id},natural_hazard,2,${new Date(I0 + s * S).toISOString()},-78.49,-0.20,,true`,
      ),
    ].join('\n');

  it('counts a retried batch once and opens the surge in the region that contains the incidents', async () => {
    const h = harness;
    const sendAt = async (s: number, body: string) => {
      clock.set(I0 + s * S);
      await h.service.tick();
      expect((await post(h.url, 'incidents', body, tokens.operator)).status).toBe(200);
      await h.service.whenIdle();
    };
    // Two in La Mariscal, Quito: not above 2. The same batch again (a client retrying) is still two.
    await sendAt(
      12,
      csv([
        ['ALS-INC-1', 10],
        ['ALS-INC-2', 11],
      ]),
    );
    await sendAt(
      13,
      csv([
        ['ALS-INC-1', 10],
        ['ALS-INC-2', 11],
      ]),
    );
    expect(await ruleEvents(rules.I!.id)).toEqual([]);
    // A third: three in 600 s is above 2, and with no `for` it opens and fires at once.
    await sendAt(21, csv([['ALS-INC-3', 20]]));
    const events = await ruleEvents(rules.I!.id);
    expect(summary(events, I0)).toEqual(['inactive>pending@20', 'pending>firing@20']);
    const alert = (await call(h.url, 'GET', `/api/alerts/${events[0]!.alert_id}`, null)).body.alert;
    expect(alert).toMatchObject({
      scopeKey: 'region:quito',
      state: 'firing',
      lastValue: 3,
      severity: 'warning',
    });
    // Placed in the Quito region (Pichincha): a point on its surface.
    const [lng, lat] = alert.position as [number, number];
    const [inside] = await db.query<{ ok: boolean }>(
      "SELECT ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) AS ok FROM provinces WHERE name = 'Pichincha'",
      [lng, lat],
    );
    expect(inside!.ok).toBe(true);
  });
});

describe('coverage', () => {
  it('a region falling below its coverage threshold raises an alert on the region, and recovers', async () => {
    const at = I0 + 100 * S;
    clock.set(at + S);
    await harness.service.ingestCoverage([
      { regionId: 'cuenca', tsMs: at, coveredFraction: 0.4, offlineCameraIds: ['X'] },
    ]);
    // 40 % is below 50 %: with no `for`, pending and firing at once; 70 % is back above: resolved.
    await harness.service.ingestCoverage([{ regionId: 'cuenca', tsMs: at + 60 * S, coveredFraction: 0.7 }]);
    const events = await ruleEvents(rules.V!.id);
    expect(summary(events, at)).toEqual(['inactive>pending@0', 'pending>firing@0', 'firing>resolved@60']);
    const alert = (await call(harness.url, 'GET', `/api/alerts/${events[0]!.alert_id}`, null)).body.alert;
    expect(alert).toMatchObject({ scopeKey: 'region:cuenca', state: 'resolved', severity: 'advisory' });
    const [inside] = await db.query<{ ok: boolean }>(
      "SELECT bool_or(ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))) AS ok FROM provinces WHERE name IN ('Azuay', 'Cañar')",
      alert.position,
    );
    expect(inside!.ok).toBe(true);
  });
});

describe('backtest', () => {
  it('over the stored history raises exactly what live evaluation raised, with the same times and evidence', async () => {
    for (const key of ['R', 'C', 'A']) {
      const rule = rules[key]!;
      const from = key === 'A' ? T0 : B;
      // R's alert of 190 s resolved at 310 s (after the start without a snapshot).
      const to = from + (key === 'R' ? 320 : 300) * S;
      const res = await call(harness.url, 'POST', '/api/rules/backtest', tokens.analyst, {
        rule: Number(rule.id),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const live = await db.query<{
        scope_key: string;
        state: string;
        started_at: Date;
        firing_at: Date | null;
        resolved_at: Date | null;
        evidence: unknown;
      }>(
        'SELECT scope_key, state, started_at, firing_at, resolved_at, evidence FROM alerts WHERE rule_id = $1 ORDER BY started_at',
        [Number(rule.id)],
      );
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      expect(
        res.body.alerts.map((a: Record<string, unknown>) => [
          a.scopeKey,
          a.state,
          a.startedAt,
          a.firingAt,
          a.endedAt,
        ]),
        `rule ${key}`,
      ).toEqual(
        live.map((a) => [a.scope_key, a.state, iso(a.started_at), iso(a.firing_at), iso(a.resolved_at)]),
      );
      expect(res.body.alerts.map((a: { evidence: unknown }) => a.evidence)).toEqual(
        live.map((a) => a.evidence),
      );
      const events = await ruleEvents(rule.id);
      expect(
        res.body.alerts.flatMap((a: { transitions: { from: string; to: string; at: string }[] }) =>
          a.transitions.map((t) => `${t.from}>${t.to}@${t.at}`),
        ),
      ).toEqual(events.map((e) => `${e.from_state}>${e.kind}@${e.at.toISOString()}`));
    }
    const surge = await call(harness.url, 'POST', '/api/rules/backtest', tokens.analyst, {
      rule: Number(rules.I!.id),
      from: new Date(I0).toISOString(),
      to: new Date(I0 + 60 * S).toISOString(),
    });
    expect(
      surge.body.alerts.map((a: Record<string, unknown>) => [a.scopeKey, a.startedAt, a.firingAt]),
    ).toEqual([['region:quito', new Date(I0 + 20 * S).toISOString(), new Date(I0 + 20 * S).toISOString()]]);
  });

  it('runs a draft rule: 85 °C on the restart camera fires only on the 90 °C stretch', async () => {
    const draft = threshold('draft 85', 'ALS-R', { thresholdC: 85, clearThresholdC: 45 });
    const res = await call(harness.url, 'POST', '/api/rules/backtest', tokens.admin, {
      rule: draft,
      from: new Date(B).toISOString(),
      to: new Date(B + 300 * S).toISOString(),
    });
    expect(res.status).toBe(200);
    expect(res.body.ruleId).toBe('draft');
    // 90 °C from 190 s: pending at 190, firing at 220; still firing at the end.
    expect(
      res.body.alerts.map((a: Record<string, unknown>) => [
        a.scopeKey,
        a.state,
        a.startedAt,
        a.firingAt,
        a.endedAt,
      ]),
    ).toEqual([
      [
        'camera:ALS-R',
        'firing',
        new Date(B + 190 * S).toISOString(),
        new Date(B + 220 * S).toISOString(),
        null,
      ],
    ]);
  });
});
