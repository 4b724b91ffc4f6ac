import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import type { RuleDefinitionInput } from '../../server/rules/rule-schema.js';
import { classifyThermalThreshold } from '../../server/rules/thermal-threshold.js';
import { createEvaluator, createRule, feed, series, summary, S } from './rule-fixtures.js';

const COTOPAXI = 352050;
const TUNGURAHUA = 352080;
const cameras = [
  { id: 'c1', kind: 'thermal' as const, volcanoGvp: COTOPAXI, centerId: 'ambato' },
  { id: 'c2', kind: 'thermal' as const, volcanoGvp: COTOPAXI, centerId: 'ambato' },
  { id: 'c3', kind: 'thermal' as const, volcanoGvp: TUNGURAHUA, centerId: 'ambato' },
];

function thresholdRule(
  params: Record<string, unknown>,
  scope: RuleDefinitionInput['scope'] = { type: 'camera', cameraId: 'c1' },
) {
  return createRule({
    name: 'hot',
    kind: 'thermal_threshold',
    severity: 'yellow',
    scope,
    params: { thresholdC: 80, clearThresholdC: 70, forSeconds: 60, ...params },
  } as RuleDefinitionInput);
}

describe('classifyThermalThreshold', () => {
  const p = thresholdRule({}).params as Parameters<typeof classifyThermalThreshold>[0];
  it('matches strictly above the threshold, clears at or below the clear threshold, holds between', () => {
    expect([80.01, 80, 75, 70, 69].map((v) => classifyThermalThreshold(p, v))).toEqual([
      'match',
      'hold',
      'hold',
      'clear',
      'clear',
    ]);
  });
});

describe('thermal threshold: transition times', () => {
  it('is pending at the first reading above T and firing D later', () => {
    const ev = createEvaluator([thresholdRule({})], cameras);
    const out = feed(ev, 'c1', [
      [0, 75],
      [10, 81],
      [20, 82],
      [30, 79], // in the band: keeps pending
      [40, 85],
      [50, 83],
      [60, 84],
      [70, 81],
    ]);
    expect(summary(out)).toEqual(['inactive>pending@10', 'pending>firing@70']);
    expect(out[1]).toMatchObject({ ruleId: 'r1', scopeKey: 'camera:c1', severity: 'yellow', value: 81 });
  });

  it('fires at the first sweep after pending + D when readings pause', () => {
    // Sweeps every 15 s re-apply the latest reading (still fresh: noDataAfterSeconds is 300).
    const ev = createEvaluator([thresholdRule({})], cameras, 15);
    const out = feed(
      ev,
      'c1',
      series(10, 60, 10, () => 90),
    );
    ev.tick(200 * S, out);
    expect(summary(out)).toEqual(['inactive>pending@10', 'pending>firing@75']);
  });

  it('does not flap when readings hover at the threshold ± noise, and resolves at the clear threshold', () => {
    const noise = [1.5, -1.5, 0.5, -1.0];
    const hover = series(0, 3600, 10, (s) => 80 + noise[(s / 10) % 4]!);
    const ev = createEvaluator([thresholdRule({ clearThresholdC: 75 })], cameras);
    const out = feed(ev, 'c1', [...hover, [3600, 76], [3610, 75.5], [3620, 75]]);
    ev.tick(4000 * S, out);
    // 81.5 at 0 opens; the next reading above 80 at or after 60 s is 80.5 at 60 s; nothing until 75 at 3620.
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@60', 'firing>resolved@3620']);

    // The same readings without a band flap all hour long: that is what the clear threshold is for.
    const flappy = createEvaluator([thresholdRule({ clearThresholdC: 80 })], cameras);
    expect(feed(flappy, 'c1', hover).length).toBeGreaterThan(100);
  });

  it('stays firing for minFiringSeconds, then resolves at the first clear evaluation', () => {
    const ev = createEvaluator([thresholdRule({ forSeconds: 0, minFiringSeconds: 120 })], cameras, 15);
    const out = feed(ev, 'c1', [
      [0, 90],
      [10, 60],
      [20, 60],
    ]);
    ev.tick(300 * S, out);
    // Cleared from 10 s on; the sweep at 120 s is the first evaluation at or after 0 + 120 s.
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@0', 'firing>resolved@120']);
  });
});

describe('thermal threshold: frame quality', () => {
  it('obscured frames never fire a pending alert, however long they last', () => {
    const ev = createEvaluator([thresholdRule({})], cameras);
    const out = feed(ev, 'c1', [[0, 90], ...series(10, 600, 10, () => 95, 'obscured'), [600, 91]]);
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@600']);
  });

  it('obscured or invalid frames reading cold never resolve a firing alert', () => {
    const ev = createEvaluator([thresholdRule({ forSeconds: 0 })], cameras);
    const out = feed(ev, 'c1', [
      [0, 90],
      ...series(10, 1800, 10, () => -5, 'obscured'),
      [1800, 10, 'invalid'],
      [1810, 69],
    ]);
    ev.tick(2000 * S, out);
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@0', 'firing>resolved@1810']);
  });

  it('alerts when a camera has been obscured longer than obscuredAlertAfterSeconds, and resolves when it sees again', () => {
    const ev = createEvaluator(
      [thresholdRule({ obscuredAlertAfterSeconds: 600, obscuredSeverity: 'white' })],
      cameras,
      15,
    );
    const out = feed(ev, 'c1', [[0, 20], ...series(100, 1000, 10, () => 5, 'obscured'), [1000, 20]]);
    const blind = out.filter((t) => t.scopeKey === 'camera:c1:obscured');
    // Blind since 100 s; longer than 600 s from 700 s on: the sweep at 705 s is the first evaluation after that.
    expect(summary(blind)).toEqual(['inactive>pending@705', 'pending>firing@705', 'firing>resolved@1000']);
    expect(blind[1]).toMatchObject({ severity: 'white', value: 605 });
    expect(blind[1]!.evidence).toMatchObject({
      reason: 'obscured',
      obscuredSince: new Date(100 * S).toISOString(),
      obscuredSeconds: 605,
    });
    expect(out.filter((t) => t.scopeKey === 'camera:c1')).toEqual([]);
  });

  it('a frame without a mean holds a mean rule', () => {
    const ev = createEvaluator([thresholdRule({ field: 'mean', forSeconds: 0 })], cameras);
    const out = ev.ingestReading({ cameraId: 'c1', tsMs: 0, maxTempC: 500, meanTempC: 85, quality: 'ok' });
    ev.ingestReading({ cameraId: 'c1', tsMs: 10 * S, maxTempC: 20, meanTempC: null, quality: 'ok' }, out);
    ev.ingestReading({ cameraId: 'c1', tsMs: 20 * S, maxTempC: 500, meanTempC: 60, quality: 'ok' }, out);
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@0', 'firing>resolved@20']);
  });
});

describe('thermal threshold: no data', () => {
  it('resolve: silence longer than noDataAfterSeconds resolves at the first sweep after it', () => {
    const ev = createEvaluator(
      [thresholdRule({ forSeconds: 0, noData: 'resolve', noDataAfterSeconds: 300 })],
      cameras,
      15,
    );
    const out = feed(ev, 'c1', [[0, 90]]);
    ev.tick(1000 * S, out);
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@0', 'firing>resolved@315']);
    expect(out[2]!.cause).toBe('nodata');
  });

  it('keep: silence leaves a firing alert firing', () => {
    const ev = createEvaluator([thresholdRule({ forSeconds: 0, noData: 'keep' })], cameras, 15);
    const out = feed(ev, 'c1', [[0, 90]]);
    ev.tick(100_000 * S, out);
    expect(summary(out)).toEqual(['inactive>pending@0', 'pending>firing@0']);
  });

  it('alert: a camera of the scope that never reports alerts after for', () => {
    const ev = createEvaluator([thresholdRule({ forSeconds: 30, noData: 'alert' })], cameras, 15);
    const out = ev.tick(100 * S);
    expect(summary(out)).toEqual(['inactive>pending@15', 'pending>firing@45']);
    expect(out[1]!.evidence).toMatchObject({ cause: 'nodata', lastReadingAt: null });
  });
});

describe('thermal threshold: errors, scope and dedupe', () => {
  it('puts a reading that cannot be evaluated in the error state, with the reason, and recovers', () => {
    const ev = createEvaluator([thresholdRule({ forSeconds: 0 })], cameras);
    const out = feed(ev, 'c1', [
      [0, 90],
      [10, NaN],
      [20, 95],
    ]);
    expect(summary(out)).toEqual([
      'inactive>pending@0',
      'pending>firing@0',
      'firing>error@10',
      'error>firing@20',
    ]);
    expect(out[2]!.message).toMatch(/maxTempC of camera c1 .* not a finite number: NaN/);
    expect(ev.alerts()[0]).toMatchObject({ state: 'firing', errorMessage: null });
  });

  it('keeps one alert per camera of a volcano, updated by repeated matches', () => {
    const ev = createEvaluator(
      [thresholdRule({ forSeconds: 0 }, { type: 'volcano', gvpNumber: COTOPAXI })],
      cameras,
    );
    const out: AlertTransition[] = [];
    for (const [s, v] of series(0, 100, 10, (s) => 90 + s / 10))
      for (const cam of ['c1', 'c2', 'c3']) feed(ev, cam, [[s, v]], out);
    expect(summary(out, true)).toEqual([
      'camera:c1 inactive>pending@0',
      'camera:c1 pending>firing@0',
      'camera:c2 inactive>pending@0',
      'camera:c2 pending>firing@0',
    ]);
    const alerts = ev.alerts();
    expect(alerts.map((a) => [a.scopeKey, a.state, a.episode, a.lastEvalAt, a.lastValue])).toEqual([
      ['camera:c1', 'firing', 1, 90 * S, 99],
      ['camera:c2', 'firing', 1, 90 * S, 99],
    ]);
  });

  it('watches thermal cameras only', () => {
    const ev = createEvaluator(
      [thresholdRule({ forSeconds: 0 }, { type: 'all' })],
      [...cameras, { id: 'dome-1', kind: 'dome' }],
    );
    const out = feed(ev, 'dome-1', [[0, 500]]);
    feed(ev, 'unregistered', [[0, 500]], out);
    expect(summary(out, true)).toEqual([
      'camera:unregistered inactive>pending@0',
      'camera:unregistered pending>firing@0',
    ]);
    expect(out[0]!.labels).toEqual({});
  });

  it('records the readings, threshold and timing that made it fire', () => {
    const ev = createEvaluator([thresholdRule({ forSeconds: 20 })], cameras);
    const out = feed(ev, 'c1', [
      [0, 60],
      [10, 85],
      [20, 70, 'obscured'],
      [30, 88],
    ]);
    const fired = out.find((t) => t.to === 'firing')!;
    expect(fired.at).toBe(30 * S);
    expect(fired.evidence).toMatchObject({
      kind: 'thermal_threshold',
      cameraId: 'c1',
      volcanoGvp: COTOPAXI,
      field: 'max',
      value: 88,
      thresholdC: 80,
      clearThresholdC: 70,
      forSeconds: 20,
      pendingSince: new Date(10 * S).toISOString(),
      readings: [
        { at: new Date(0).toISOString(), maxTempC: 60, meanTempC: null, quality: 'ok' },
        { at: new Date(10 * S).toISOString(), maxTempC: 85, meanTempC: null, quality: 'ok' },
        { at: new Date(20 * S).toISOString(), maxTempC: 70, meanTempC: null, quality: 'obscured' },
        { at: new Date(30 * S).toISOString(), maxTempC: 88, meanTempC: null, quality: 'ok' },
      ],
    });
  });
});
