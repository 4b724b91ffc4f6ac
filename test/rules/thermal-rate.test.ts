import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import { RuleEvaluator } from '../../server/rules/rule-evaluator.js';
import type { StoredRule } from '../../server/rules/rule-schema.js';
import { ratePerHourC, windowMinimum } from '../../server/rules/thermal-rate.js';
import { createEvaluator, createRandom, createRule, feed, series, summary, S } from './rule-fixtures.js';

function rateRule(params: Record<string, unknown>, id = 'rate'): StoredRule {
  return createRule(
    {
      name: `rate ${id}`,
      kind: 'thermal_rate',
      severity: 'yellow',
      scope: { type: 'all' },
      params: { windowSeconds: 600, ratePerHourC: 30, clearRatePerHourC: 10, forSeconds: 0, ...params },
    } as never,
    id,
  );
}

describe('windowMinimum (the naive definition)', () => {
  const ts = Float64Array.from([0, 60, 120, 180], (s) => s * S);

  it('finds the lowest usable value in [now − window, now] and counts the samples', () => {
    const m = windowMinimum(ts, Float64Array.from([10, 8, 12, 9]), 4, 180 * S, 120);
    expect(m).toEqual({ minC: 8, minAt: 60 * S, samples: 3 });
  });

  it('reports the latest of equal minima', () => {
    expect(windowMinimum(ts, Float64Array.from([5, 7, 5, 6]), 4, 180 * S, 200)).toEqual({
      minC: 5,
      minAt: 120 * S,
      samples: 4,
    });
  });

  it('rate is the rise over the whole window, per hour', () => {
    expect(ratePerHourC(10, 600)).toBe(60);
    expect(ratePerHourC(15, 3600)).toBe(15);
  });
});

describe('thermal rate of rise', () => {
  it('fires when the rise over the window passes R·W and resolves at the clear rate (hand-computed ramp)', () => {
    // Flat 20 °C, then +1 °C per minute from 600 s to 1200 s, then flat 30 °C; one reading a minute.
    // Window 600 s → rate = 6 × rise. Fires when 6·rise > 30 (rise 6 °C, at 960 s); after the ramp the
    // rise is 10 − (t − 1200)/60 and clears when 6·rise ≤ 10: the first minute with that is 1740 s.
    const v = (s: number) => (s <= 600 ? 20 : s <= 1200 ? 20 + (s - 600) / 60 : 30);
    const ev = createEvaluator([rateRule({})]);
    const out = feed(ev, 'c1', series(0, 2400, 60, v));
    expect(summary(out)).toEqual(['inactive>pending@960', 'pending>firing@960', 'firing>resolved@1740']);
    expect(out[1]!.value).toBe(36);
    expect(out[1]!.evidence).toMatchObject({
      windowMinC: 20,
      windowMinAt: new Date(600 * S).toISOString(),
      samples: 11,
      unit: '°C/h',
    });
  });

  it('leaves obscured frames out of the window (cold cloud is not a low starting point)', () => {
    const ev = createEvaluator([rateRule({})]);
    const out = feed(ev, 'c1', [[0, 20], ...series(60, 600, 60, () => 0, 'obscured'), [600, 30]]);
    // Window [0, 600]: usable 20 and 30 → rise 10 °C → 60 °C/h (with the cloud it would be 180).
    expect(summary(out)).toEqual(['inactive>pending@600', 'pending>firing@600']);
    expect(out[0]!.value).toBe(60);
  });

  it('holds while the window has fewer than minSamples usable readings', () => {
    const ev = createEvaluator([rateRule({ minSamples: 3 })]);
    const out = feed(ev, 'c1', [
      [0, 20],
      [300, 80],
      [360, 90],
    ]);
    expect(summary(out)).toEqual(['inactive>pending@360', 'pending>firing@360']);
  });
});

describe('incremental and rescan windows agree', () => {
  it('gives identical transitions and evidence on a noisy random series with obscured runs and gaps', () => {
    const rules = [
      rateRule({}, 'a'),
      rateRule(
        {
          windowSeconds: 3600,
          ratePerHourC: 8,
          clearRatePerHourC: 4,
          forSeconds: 300,
          minFiringSeconds: 600,
          minSamples: 10,
        },
        'b',
      ),
    ];
    const run = (strategy: 'incremental' | 'rescan') => {
      const ev = new RuleEvaluator({ rules, cameras: [], startMs: 0, sweepIntervalSeconds: 30, strategy });
      const rnd = createRandom(7);
      const out: AlertTransition[] = [];
      let v = 10;
      let obscured = 0;
      for (let s = 0; s < 2 * 86400; s += 60) {
        if (rnd() < 0.02) continue; // a missed frame
        v += (rnd() - 0.5) * 3 + (rnd() < 0.01 ? 20 : 0) - (v - 10) * 0.01;
        if (obscured > 0) obscured--;
        else if (rnd() < 0.01) obscured = Math.floor(rnd() * 120);
        ev.ingestReading(
          {
            cameraId: 'c1',
            tsMs: s * S,
            maxTempC: Math.round(v * 100) / 100,
            meanTempC: null,
            quality: obscured > 0 ? 'obscured' : 'ok',
          },
          out,
        );
      }
      ev.tick(2 * 86400 * S, out);
      return out;
    };
    const incremental = run('incremental');
    expect(incremental.filter((t) => t.to === 'firing').length).toBeGreaterThan(3);
    expect(incremental).toEqual(run('rescan'));
  });
});
