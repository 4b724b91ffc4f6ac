/**
 * How transitions map onto `alerts` and `alert_events` (server/db/alert-store.ts), with hand-made
 * transitions: errors open and close alerts, a replayed transition is stored once, an alert the evaluator
 * lost track of is continued without going back, and a thermal alert is placed at its volcano.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { alertPlace } from '../../../server/alerts/alert-geometry.js';
import { persistTransition } from '../../../server/db/alert-store.js';
import type { Database } from '../../../server/db/database.js';
import { insertRule } from '../../../server/db/rule-store.js';
import type { AlertTransition } from '../../../server/rules/alert-slot.js';
import type { AlertPhase } from '../../../server/rules/rule-engine.js';
import { assertRule } from '../../../server/rules/rule-schema.js';
import { alertTestDatabase, insertCamera, resetAlertData, S } from './alert-harness.js';

const T0 = Date.UTC(2026, 2, 1, 12);
let db: Database;
let ruleId: string;

function transition(
  from: AlertPhase,
  to: AlertPhase,
  s: number,
  episode: number,
  extra: Partial<AlertTransition> = {},
): AlertTransition {
  return {
    ruleId,
    ruleName: 'store test',
    labels: {},
    kind: 'thermal_threshold',
    scopeKey: 'camera:STORE-1',
    severity: 'yellow',
    episode,
    from,
    to,
    at: T0 + s * S,
    cause: to === 'error' ? 'error' : 'match',
    value: 70 + s,
    evidence: { note: `${from}>${to}@${s}` },
    ...extra,
  };
}

async function store(t: AlertTransition) {
  return db.transaction((tx) => persistTransition(tx, t, alertPlace(t.scopeKey, t.kind)));
}

async function rows() {
  return db.query<{
    id: number;
    state: string;
    started_at: Date;
    resolved_at: Date | null;
    error_message: string | null;
    version: number;
  }>(
    'SELECT id, state, started_at, resolved_at, error_message, version FROM alerts WHERE rule_id = $1 ORDER BY id',
    [Number(ruleId)],
  );
}

async function kinds() {
  return (
    await db.query<{ kind: string; from_state: string }>(
      'SELECT e.kind, e.from_state FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.rule_id = $1 ORDER BY e.id',
      [Number(ruleId)],
    )
  ).map((e) => `${e.from_state}>${e.kind}`);
}

beforeAll(async () => {
  db = await alertTestDatabase();
  await resetAlertData(db);
  await insertCamera(db, { externalId: 'STORE-1', lng: -78.6, lat: -0.85, volcanoGvp: 352050 });
  const record = await db.transaction((tx) =>
    insertRule(
      tx,
      assertRule({
        name: 'store test',
        kind: 'thermal_threshold',
        severity: 'yellow',
        scope: { type: 'camera', cameraId: 'STORE-1' },
        params: { thresholdC: 60 },
      }),
      { actor: 'test' },
    ),
  );
  ruleId = record.rule!.id;
});

describe('persistTransition', () => {
  it('an evaluation error opens an alert in error with its message; the next good observation closes it', async () => {
    const opened = await store(
      transition('inactive', 'error', 10, 1, { message: 'kernel failed: window corrupt', value: null }),
    );
    expect(opened).toMatchObject({
      kind: 'error',
      alert: { state: 'error', errorMessage: 'kernel failed: window corrupt', version: 1 },
    });
    const closed = await store(transition('error', 'inactive', 20, 1));
    expect(closed).toMatchObject({
      kind: 'inactive',
      alert: { state: 'inactive', errorMessage: null, version: 2 },
    });
    const [row] = await rows();
    expect(row!.resolved_at!.getTime()).toBe(T0 + 20 * S);
  });

  it('stores a replayed transition once, whether its alert is open or closed since', async () => {
    const pending = transition('inactive', 'pending', 30, 2);
    const firing = transition('pending', 'firing', 60, 2);
    const resolved = transition('firing', 'resolved', 90, 2);
    for (const t of [pending, firing, resolved]) expect(await store(t)).not.toBeNull();
    for (const t of [pending, firing, resolved]) expect(await store(t)).toBeNull();
    expect(await kinds()).toEqual([
      'inactive>error',
      'error>inactive',
      'inactive>pending',
      'pending>firing',
      'firing>resolved',
    ]);
    expect((await rows()).map((r) => r.state)).toEqual(['inactive', 'resolved']);
  });

  it('continues an open alert the evaluator lost track of without going back to pending', async () => {
    // Stored: firing since 120 s. A fresh evaluator (no snapshot) opens the key again at 150 s.
    await store(transition('inactive', 'pending', 120, 3));
    await store(transition('pending', 'firing', 120, 3));
    const before = await kinds();
    expect(await store(transition('inactive', 'pending', 150, 1))).toBeNull();
    expect(await store(transition('pending', 'firing', 180, 1))).toBeNull();
    expect(await kinds()).toEqual(before);
    const resolved = await store(transition('firing', 'resolved', 240, 1));
    expect(resolved).toMatchObject({
      kind: 'resolved',
      alert: { state: 'resolved', startedAt: new Date(T0 + 120 * S).toISOString() },
    });
    expect((await rows()).map((r) => r.state)).toEqual(['inactive', 'resolved', 'resolved']);
  });

  it('places the alert of a volcano camera at the volcano', async () => {
    const [row] = await db.query<{ x: number; y: number }>(
      'SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM alerts WHERE rule_id = $1 ORDER BY id DESC LIMIT 1',
      [Number(ruleId)],
    );
    // Cotopaxi, data/volcanoes.csv.
    expect([row!.x, row!.y]).toEqual([-78.436, -0.677]);
  });
});
