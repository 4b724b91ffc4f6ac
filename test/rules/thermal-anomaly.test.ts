import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import { RuleEvaluator } from '../../server/rules/rule-evaluator.js';
import type { StoredRule } from '../../server/rules/rule-schema.js';
import { robustBaseline, sameHourDailyMaxima } from '../../server/rules/thermal-anomaly.js';
import { classifyThermalThreshold } from '../../server/rules/thermal-threshold.js';
import { createRandom, createRule, DAY, HOUR, MIN } from './rule-fixtures.js';

const T0 = Date.UTC(2025, 0, 6); // a midnight, UTC

function anomalyRule(params: Record<string, unknown>, id = 'anom'): StoredRule {
  return createRule(
    {
      name: `anomaly ${id}`,
      kind: 'thermal_anomaly',
      severity: 'yellow',
      scope: { type: 'all' },
      params: {
        baselineDays: 7,
        minBaselineDays: 7,
        k: 4,
        clearK: 2,
        minSigmaC: 1,
        forSeconds: 0,
        ...params,
      },
    } as never,
    id,
  );
}

describe('robustBaseline', () => {
  it('median and unscaled MAD, odd count', () => {
    // median 3; |x − 3| = 2 1 0 1 97 → MAD 1
    expect(robustBaseline(Float64Array.from([4, 1, 100, 3, 2]))).toEqual({ medianC: 3, madC: 1, days: 5 });
  });

  it('median and unscaled MAD, even count', () => {
    // median (2 + 3)/2 = 2.5; |x − 2.5| = 1.5 0.5 0.5 7.5 → MAD (0.5 + 1.5)/2 = 1
    expect(robustBaseline(Float64Array.from([1, 2, 3, 10]))).toEqual({ medianC: 2.5, madC: 1, days: 4 });
  });
});

describe('sameHourDailyMaxima', () => {
  it('takes, for each previous day, the highest value in the same UTC hour, skipping days without one', () => {
    const rows: [number, number][] = [
      [T0 + 12 * HOUR + 5 * MIN, 30],
      [T0 + 12 * HOUR + 50 * MIN, 34], // day 0 max at 12h: 34
      [T0 + 13 * HOUR, 99], // another hour
      [T0 + 2 * DAY + 12 * HOUR + 59 * MIN, 31], // day 2 (day 1 has none)
      [T0 + 3 * DAY + 12 * HOUR, 50], // today: never in its own baseline
    ];
    const ts = Float64Array.from(rows, (r) => r[0]);
    const values = Float64Array.from(rows, (r) => r[1]);
    const now = T0 + 3 * DAY + 12 * HOUR + 30 * MIN;
    expect(Array.from(sameHourDailyMaxima(ts, values, rows.length, now, 3))).toEqual([31, 34]);
    expect(Array.from(sameHourDailyMaxima(ts, values, rows.length, now, 2))).toEqual([31]);
  });
});

/** Seven days of readings every 20 minutes: 5 °C all day, except the noon hour peaking at the given maxima. */
function sevenSunnyDays(ev: RuleEvaluator, out: AlertTransition[]) {
  const noonPeaks = [30, 32, 31, 29, 33, 30, 31];
  for (let d = 0; d < 7; d++) {
    for (let m = 0; m < 24 * 60; m += 20) {
      const hour = Math.floor(m / 60);
      const v = hour === 12 ? noonPeaks[d]! - [2, 0, 1][(m % 60) / 20]! : 5;
      ev.ingestReading(
        { cameraId: 'c1', tsMs: T0 + d * DAY + m * MIN, maxTempC: v, meanTempC: null, quality: 'ok' },
        out,
      );
    }
  }
}

describe('thermal anomaly against the same hour of day', () => {
  it('ignores the usual noon warmth that a fixed threshold would fire on, and fires on a real departure', () => {
    const rule = anomalyRule({});
    const ev = new RuleEvaluator({ rules: [rule], cameras: [], startMs: T0, sweepIntervalSeconds: 60 });
    const out: AlertTransition[] = [];
    sevenSunnyDays(ev, out);
    expect(out).toEqual([]);
    const day7 = T0 + 7 * DAY;
    const read = (at: number, v: number) =>
      ev.ingestReading({ cameraId: 'c1', tsMs: at, maxTempC: v, meanTempC: null, quality: 'ok' }, out);

    // Night, 03h: the baseline is 5 °C every day → MAD 0, σ̂ floored at minSigmaC = 1: fires above 9, clears at 7.
    read(day7 + 3 * HOUR, 9.5);
    read(day7 + 3 * HOUR + 20 * MIN, 8); // band: stays firing
    read(day7 + 3 * HOUR + 40 * MIN, 7); // clears
    // Noon, 12h: daily maxima 30 32 31 29 33 30 31 → median 31, MAD 1, σ̂ = 1.4826:
    // fires above 31 + 4·1.4826 = 36.9304, clears at or below 31 + 2·1.4826 = 33.9652.
    read(day7 + 12 * HOUR, 35); // warm, but an ordinary sunny noon
    read(day7 + 12 * HOUR + 20 * MIN, 37);
    read(day7 + 12 * HOUR + 40 * MIN, 34); // band
    read(day7 + 12 * HOUR + 50 * MIN, 33.9);

    const at = (t: AlertTransition) => `${t.from}>${t.to}@${(t.at - day7) / MIN}min`;
    expect(out.map(at)).toEqual([
      'inactive>pending@180min',
      'pending>firing@180min',
      'firing>resolved@220min',
      'resolved>pending@740min',
      'pending>firing@740min',
      'firing>resolved@770min',
    ]);
    expect(out[4]!.evidence).toMatchObject({ hourUtc: 12, baselineDaysUsed: 7, medianC: 31, madC: 1 });
    expect((out[4]!.evidence as { sigmaC: number }).sigmaC).toBeCloseTo(1.4826, 10);
    expect((out[4]!.evidence as { fireAboveC: number }).fireAboveC).toBeCloseTo(36.9304, 10);
    // A fixed 30 °C threshold would have fired on the ordinary 35 °C noon.
    expect(classifyThermalThreshold({ thresholdC: 30 } as never, 35)).toBe('match');
  });

  it('holds until minBaselineDays of history exist at that hour', () => {
    const ev = new RuleEvaluator({
      rules: [anomalyRule({ minBaselineDays: 7 })],
      cameras: [],
      startMs: T0,
      sweepIntervalSeconds: 60,
    });
    const out: AlertTransition[] = [];
    for (let d = 0; d < 6; d++)
      ev.ingestReading(
        { cameraId: 'c1', tsMs: T0 + d * DAY + 3 * HOUR, maxTempC: 5, meanTempC: null, quality: 'ok' },
        out,
      );
    ev.ingestReading(
      { cameraId: 'c1', tsMs: T0 + 6 * DAY + 3 * HOUR, maxTempC: 1000, meanTempC: null, quality: 'ok' },
      out,
    );
    expect(out).toEqual([]);
    ev.ingestReading(
      { cameraId: 'c1', tsMs: T0 + 7 * DAY + 3 * HOUR, maxTempC: 1000, meanTempC: null, quality: 'ok' },
      out,
    );
    expect(out.map((t) => t.to)).toEqual(['pending', 'firing']);
  });

  it('incremental table and rescan of the raw history agree exactly on random data', () => {
    const rules = [
      anomalyRule({ baselineDays: 3, minBaselineDays: 2, k: 3, clearK: 1, forSeconds: 600 }, 'a'),
      anomalyRule({ baselineDays: 5, minBaselineDays: 3, k: 5, minSigmaC: 0.5 }, 'b'),
    ];
    const run = (strategy: 'incremental' | 'rescan') => {
      const ev = new RuleEvaluator({ rules, cameras: [], startMs: T0, sweepIntervalSeconds: 60, strategy });
      const rnd = createRandom(11);
      const out: AlertTransition[] = [];
      for (let t = T0; t < T0 + 10 * DAY; t += 5 * MIN) {
        if (rnd() < 0.05) continue;
        const hour = ((t - T0) % DAY) / HOUR;
        const sun = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) * 25;
        const v = 2 + sun + (rnd() - 0.5) * 4 + (rnd() < 0.005 ? 40 : 0);
        const quality = rnd() < 0.1 ? 'obscured' : 'ok';
        for (const cam of ['c1', 'c2'])
          ev.ingestReading(
            { cameraId: cam, tsMs: t, maxTempC: cam === 'c1' ? v : v + 1, meanTempC: null, quality },
            out,
          );
      }
      ev.tick(T0 + 10 * DAY, out);
      return out;
    };
    const incremental = run('incremental');
    expect(incremental.filter((t) => t.to === 'firing').length).toBeGreaterThan(3);
    expect(incremental).toEqual(run('rescan'));
  });
});
