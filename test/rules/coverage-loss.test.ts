import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import { classifyCoverageLoss } from '../../server/rules/coverage-loss.js';
import { createEvaluator, createRule, summary, S } from './rule-fixtures.js';

function coverageRule(params: Record<string, unknown> = {}, scope: unknown = { type: 'all' }) {
  return createRule({
    name: 'coverage',
    kind: 'coverage_loss',
    severity: 'advisory',
    scope,
    params: { thresholdPercent: 50, clearThresholdPercent: 60, ...params },
  } as never);
}

describe('classifyCoverageLoss', () => {
  it('matches below the threshold, clears at or above the clear threshold, holds between', () => {
    const p = coverageRule().params as never;
    expect([0.4999, 0.5, 0.59, 0.6, 0.9].map((f) => classifyCoverageLoss(p, f))).toEqual([
      'match',
      'hold',
      'hold',
      'clear',
      'clear',
    ]);
  });
});

describe('coverage loss', () => {
  it('fires when coverage drops below x %, stays through the band, resolves at the clear level', () => {
    const ev = createEvaluator([coverageRule({ forSeconds: 120 })], [], 60);
    const out: AlertTransition[] = [];
    for (const [s, f] of [
      [0, 0.8],
      [100, 0.45],
      [150, 0.42],
      [400, 0.55],
      [500, 0.6],
    ] as const) {
      ev.ingestCoverage(
        { regionId: 'quito', tsMs: s * S, coveredFraction: f, offlineCameraIds: ['cam-7', 'cam-9'] },
        out,
      );
    }
    // Below 50 % from 100 s; for 120 s → the sweep at 240 s re-applies 42 % and fires.
    expect(summary(out, true)).toEqual([
      'region:quito inactive>pending@100',
      'region:quito pending>firing@240',
      'region:quito firing>resolved@500',
    ]);
    expect(out[1]!.evidence).toMatchObject({
      coveragePercent: 42,
      thresholdPercent: 50,
      offlineCameraIds: ['cam-7', 'cam-9'],
    });
  });

  it('watches only its region when scoped to one', () => {
    const ev = createEvaluator([coverageRule({}, { type: 'region', centerId: 'cuenca' })], [], 60);
    const out = ev.ingestCoverage({ regionId: 'quito', tsMs: 0, coveredFraction: 0.1 });
    ev.ingestCoverage({ regionId: 'cuenca', tsMs: 10 * S, coveredFraction: 0.1 }, out);
    expect(summary(out, true)).toEqual([
      'region:cuenca inactive>pending@10',
      'region:cuenca pending>firing@10',
    ]);
  });

  it('shows a coverage figure that is not a fraction as an error', () => {
    const ev = createEvaluator([coverageRule()], [], 60);
    const out = ev.ingestCoverage({ regionId: 'quito', tsMs: 0, coveredFraction: 1.5 });
    expect(summary(out)).toEqual(['inactive>error@0']);
    expect(out[0]!.message).toBe('coverage of region quito must be a fraction in [0, 1], got 1.5');
  });
});
