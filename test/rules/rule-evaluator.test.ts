import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import type { StoredRule } from '../../server/rules/rule-schema.js';
import { createEvaluator, createRule, feed, summary, S } from './rule-fixtures.js';

function hot(id: string, thresholdC: number, extra: Record<string, unknown> = {}): StoredRule {
  return createRule(
    {
      name: `hot ${id}`,
      kind: 'thermal_threshold',
      severity: 'yellow',
      scope: { type: 'volcano', gvpNumber: 352050 },
      params: { thresholdC, forSeconds: 0, ...extra },
    } as never,
    id,
  );
}

const cotopaxi = { id: 'c1', kind: 'thermal' as const, volcanoGvp: 352050 };

describe('RuleEvaluator: rule changes', () => {
  it('keeps the state of unchanged rules, starts edited ones fresh and drops removed ones', () => {
    const ev = createEvaluator([hot('a', 50), hot('b', 60), hot('c', 70)], [cotopaxi]);
    feed(ev, 'c1', [[0, 80]]);
    expect(ev.alerts().map((a) => `${a.ruleId}:${a.state}`)).toEqual(['a:firing', 'b:firing', 'c:firing']);
    ev.setRules([hot('a', 50), hot('b', 65)]);
    expect(ev.alerts().map((a) => `${a.ruleId}:${a.state}`)).toEqual(['a:firing']);
    // The edited rule sees the next reading as its first.
    const out = feed(ev, 'c1', [[10, 80]]);
    expect(summary(out, true)).toEqual(['camera:c1 inactive>pending@10', 'camera:c1 pending>firing@10']);
    expect(out[0]!.ruleId).toBe('b');
  });

  it('ignores disabled rules and refuses duplicate ids', () => {
    const ev = createEvaluator([{ ...hot('a', 50), enabled: false }], [cotopaxi]);
    expect(feed(ev, 'c1', [[0, 80]])).toEqual([]);
    expect(() => ev.setRules([hot('a', 50), hot('a', 60)])).toThrow('duplicate rule id: "a"');
  });
});

describe('RuleEvaluator: cameras', () => {
  it('brings a camera assigned to the volcano later into the rule', () => {
    const ev = createEvaluator([hot('a', 50)], [{ id: 'c2', kind: 'thermal' }]);
    expect(feed(ev, 'c2', [[0, 80]])).toEqual([]);
    ev.upsertCamera({ id: 'c2', kind: 'thermal', volcanoGvp: 352050 });
    expect(summary(feed(ev, 'c2', [[10, 80]]), true)).toEqual([
      'camera:c2 inactive>pending@10',
      'camera:c2 pending>firing@10',
    ]);
  });
});

describe('RuleEvaluator: input order', () => {
  it('drops a reading not newer than the camera’s latest, and counts it', () => {
    const ev = createEvaluator([hot('a', 50)], [cotopaxi]);
    const out = feed(ev, 'c1', [
      [10, 20],
      [10, 80],
      [5, 80],
    ]);
    expect(out).toEqual([]);
    expect(ev.stats).toMatchObject({ readings: 1, outOfOrderReadings: 2 });
  });

  it('evaluates a reading that arrives after the clock passed its time at its own time', () => {
    const ev = createEvaluator([hot('a', 50)], [cotopaxi], 15);
    const out: AlertTransition[] = feed(ev, 'c1', [[0, 20]]);
    ev.tick(100 * S, out);
    feed(ev, 'c1', [[60, 80]], out); // stamped 60 s, arrives after the 90 s sweep
    // The sweeps at 15…90 s found a quiet camera and left it alone: nothing to keep monotonic.
    expect(summary(out)).toEqual(['inactive>pending@60', 'pending>firing@60']);
  });

  it('never moves a key back in time: a late incident is counted at the time its place was last evaluated', () => {
    const surge = createRule(
      {
        name: 's',
        kind: 'incident_surge',
        severity: 'watch',
        scope: { type: 'all' },
        params: { windowSeconds: 600, countAbove: 1 },
      } as never,
      's',
    );
    const ev = createEvaluator([surge], [], 15);
    const inc = (id: string, s: number) => ({
      id,
      tsMs: s * S,
      category: 'fire' as const,
      regionId: 'quito',
      lng: -78.5,
      lat: -0.2,
    });
    const out = ev.ingestIncident(inc('i1', 100));
    ev.tick(200 * S, out); // the sweeps up to 195 s evaluate quito (one incident: clear)
    ev.ingestIncident(inc('i2', 150), out); // late
    expect(summary(out, true)).toEqual([
      'region:quito inactive>pending@195',
      'region:quito pending>firing@195',
    ]);
  });

  it('refuses an unknown quality or a non-finite time, naming the value', () => {
    const ev = createEvaluator([hot('a', 50)], [cotopaxi]);
    expect(() =>
      ev.ingestReading({ cameraId: 'c1', tsMs: 0, maxTempC: 1, meanTempC: null, quality: 'foggy' as never }),
    ).toThrow('reading quality must be ok, obscured or invalid, got "foggy"');
    expect(() => ev.ingestReadingValues('c1', NaN, 1, NaN, 0)).toThrow(
      'reading time must be finite epoch milliseconds, got NaN',
    );
  });
});

describe('RuleEvaluator: sweeps', () => {
  it('runs sweeps on a fixed grid, and a sweep at s before an input stamped s', () => {
    const ev = createEvaluator([hot('a', 50, { forSeconds: 30 })], [cotopaxi], 15);
    const out = feed(ev, 'c1', [[0, 80]]);
    // Pending at 0; the sweep at 30 s re-applies the 0 s reading and fires, before the 30 s reading.
    feed(ev, 'c1', [[30, 20]], out);
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@30', 'firing>resolved@30']);
    expect(ev.stats.sweeps).toBe(2);
    expect(ev.nextSweep).toBe(45 * S);
  });
});
