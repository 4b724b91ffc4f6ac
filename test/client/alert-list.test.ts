import { describe, expect, it } from 'vitest';
import {
  EMPTY_ALERT_LIST,
  MAX_CLOSED_ALERTS,
  OPEN_STATES,
  applyAlert,
  applySnapshot,
  applyStreamEvent,
  severityRank,
  stateSince,
  unacknowledgedFiring,
  visibleAlerts,
  type Alert,
  type AlertList,
} from '../../client/data/alert-list.js';
import { SEVERITIES } from '../../client/charts/severity.js';

/** An alert updated at `minute` minutes past 10:00 UTC on 2026-11-16. */
function createAlert(id: number, minute: number, overrides: Partial<Alert> = {}): Alert {
  const at = new Date(Date.UTC(2026, 10, 16, 10, minute)).toISOString();
  return {
    id,
    ruleId: 1,
    ruleName: `rule ${id}`,
    kind: 'thermal_threshold',
    labels: {},
    scopeKey: `camera:CAM-${id}`,
    state: 'firing',
    severity: 'yellow',
    episode: 1,
    startedAt: at,
    firingAt: at,
    resolvedAt: null,
    lastEvalAt: at,
    lastValue: 90,
    errorMessage: null,
    position: [-78.436, -0.677],
    acknowledgedBy: null,
    acknowledgedAt: null,
    assignedTo: null,
    silencedUntil: null,
    silenceReason: null,
    silenced: false,
    version: 1,
    updatedAt: at,
    ...overrides,
  };
}

const allOpen = { states: new Set(OPEN_STATES), severities: new Set(SEVERITIES) };

describe('applyStreamEvent', () => {
  it('adds an alert and moves the resume point to the event id', () => {
    const list = applyStreamEvent(EMPTY_ALERT_LIST, 17, createAlert(1, 0));
    expect([...list.byId.keys()]).toEqual([1]);
    expect(list.lastEventId).toBe(17);
  });

  it('replaces the alert with the copy after a later event (firing → acknowledged)', () => {
    let list = applyStreamEvent(EMPTY_ALERT_LIST, 17, createAlert(1, 0));
    list = applyStreamEvent(list, 18, createAlert(1, 5, { acknowledgedBy: 'op-quito' }));
    expect(list.byId.get(1)!.acknowledgedBy).toBe('op-quito');
    expect(list.lastEventId).toBe(18);
  });

  it('changes nothing when a replayed message arrives again', () => {
    const once = applyStreamEvent(EMPTY_ALERT_LIST, 17, createAlert(1, 0));
    expect(applyStreamEvent(once, 17, createAlert(1, 0))).toBe(once);
  });

  it('keeps a newer copy over an older message, but still moves the resume point', () => {
    let list = applyAlert(EMPTY_ALERT_LIST, createAlert(1, 5, { acknowledgedBy: 'op-quito' }));
    list = applyStreamEvent(list, 30, createAlert(1, 0));
    expect(list.byId.get(1)!.acknowledgedBy).toBe('op-quito');
    expect(list.lastEventId).toBe(30);
  });

  it('never moves the resume point backwards', () => {
    let list = applyStreamEvent(EMPTY_ALERT_LIST, 40, createAlert(1, 0));
    list = applyStreamEvent(list, 12, createAlert(2, 0));
    expect(list.lastEventId).toBe(40);
    expect(list.byId.has(2)).toBe(true);
  });

  it('keeps the evidence it had when a later copy carries none', () => {
    const evidence = { kind: 'thermal_threshold', value: 92, thresholdC: 60 };
    let list = applyStreamEvent(EMPTY_ALERT_LIST, 1, createAlert(1, 0, { evidence }));
    list = applyStreamEvent(list, 2, createAlert(1, 1, { assignedTo: 'brigada-3' }));
    expect(list.byId.get(1)).toMatchObject({ assignedTo: 'brigada-3', evidence });
  });
});

describe('applySnapshot', () => {
  it('does not undo a stream event with an older page (the page was read before the event)', () => {
    let list = applyStreamEvent(EMPTY_ALERT_LIST, 9, createAlert(1, 5, { state: 'resolved' }));
    list = applySnapshot(list, [createAlert(1, 0), createAlert(2, 0)]);
    expect(list.byId.get(1)!.state).toBe('resolved');
    expect(list.byId.get(2)!.state).toBe('firing');
    expect(list.lastEventId).toBe(9);
  });

  it('keeps the stream copy with its evidence over an equally new page copy', () => {
    const evidence = { value: 92 };
    const list = applySnapshot(applyStreamEvent(EMPTY_ALERT_LIST, 9, createAlert(1, 5, { evidence })), [
      createAlert(1, 5),
    ]);
    expect(list.byId.get(1)!.evidence).toEqual(evidence);
  });

  it('returns the same list when the page brings nothing new', () => {
    const list = applySnapshot(EMPTY_ALERT_LIST, [createAlert(1, 0)]);
    expect(applySnapshot(list, [createAlert(1, 0)])).toBe(list);
  });

  it(`keeps every open alert but only the ${MAX_CLOSED_ALERTS} closed most recently`, () => {
    const closed = Array.from({ length: MAX_CLOSED_ALERTS + 5 }, (_, i) =>
      createAlert(100 + i, 0, {
        state: 'resolved',
        resolvedAt: new Date(Date.UTC(2026, 10, 16, 11, 0, i)).toISOString(),
      }),
    );
    const list = applySnapshot(EMPTY_ALERT_LIST, [createAlert(1, 0), ...closed]);
    expect(list.byId.size).toBe(1 + MAX_CLOSED_ALERTS);
    expect(list.byId.has(1)).toBe(true);
    // The five closed first (ids 100–104, resolved at 11:00:00–04) are the ones dropped.
    expect([100, 101, 102, 103, 104].some((id) => list.byId.has(id))).toBe(false);
    expect(list.byId.has(105)).toBe(true);
  });
});

describe('visibleAlerts', () => {
  const list: AlertList = applySnapshot(EMPTY_ALERT_LIST, [
    createAlert(1, 10, { severity: 'yellow' }),
    createAlert(2, 20, { severity: 'orange' }),
    createAlert(3, 30, { severity: 'yellow' }),
    createAlert(4, 40, { state: 'pending', severity: 'red', firingAt: null }),
    createAlert(5, 50, { state: 'resolved', resolvedAt: '2026-11-16T10:55:00.000Z' }),
    createAlert(6, 5, { state: 'error', severity: 'advisory' }),
  ]);

  it('lists firing, then error, then pending; most severe first, then most recent', () => {
    expect(visibleAlerts(list, allOpen).map((a) => a.id)).toEqual([2, 3, 1, 6, 4]);
  });

  it('filters by state and by severity', () => {
    expect(
      visibleAlerts(list, { states: new Set(['resolved']), severities: new Set(SEVERITIES) }).map(
        (a) => a.id,
      ),
    ).toEqual([5]);
    expect(
      visibleAlerts(list, { states: new Set(OPEN_STATES), severities: new Set(['yellow']) }).map((a) => a.id),
    ).toEqual([3, 1]);
    expect(visibleAlerts(list, { states: new Set(), severities: new Set(SEVERITIES) })).toEqual([]);
  });

  it('counts the firing alerts nobody has acknowledged', () => {
    expect(unacknowledgedFiring(list)).toBe(3);
    expect(unacknowledgedFiring(applyAlert(list, createAlert(2, 21, { acknowledgedBy: 'op' })))).toBe(2);
  });
});

describe('severityRank', () => {
  it('puts the volcanic and incident scales side by side, white lowest and red/warning highest', () => {
    expect(SEVERITIES.map((s) => [s, severityRank(s)])).toEqual([
      ['white', 0],
      ['yellow', 1],
      ['orange', 2],
      ['red', 3],
      ['advisory', 1],
      ['watch', 2],
      ['warning', 3],
    ]);
  });
});

describe('stateSince', () => {
  it('counts a firing alert from when it fired, a pending one from its start, a resolved one from its end', () => {
    const started = '2026-11-16T10:00:00.000Z';
    const fired = '2026-11-16T10:02:00.000Z';
    const resolved = '2026-11-16T11:00:00.000Z';
    const base = { startedAt: started, firingAt: fired, resolvedAt: resolved };
    expect(stateSince(createAlert(1, 0, { ...base, state: 'firing' }))).toBe(Date.parse(fired));
    expect(stateSince(createAlert(1, 0, { ...base, state: 'pending' }))).toBe(Date.parse(started));
    expect(stateSince(createAlert(1, 0, { ...base, state: 'resolved' }))).toBe(Date.parse(resolved));
  });
});
