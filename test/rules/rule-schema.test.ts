import { describe, expect, it } from 'vitest';
import {
  assertRule,
  parseRule,
  RuleValidationError,
  ruleWarmupSeconds,
} from '../../server/rules/rule-schema.js';

const threshold = {
  name: 'Cotopaxi hot spot',
  kind: 'thermal_threshold',
  severity: 'yellow',
  scope: { type: 'volcano', gvpNumber: 352050 },
  params: { thresholdC: 60 },
};

function issuesOf(input: unknown, refs = {}) {
  const r = parseRule(input, refs);
  if (r.ok) throw new Error('expected the rule to be refused');
  return r.issues.map((i) => ({ path: i.path, message: i.message, value: i.value }));
}

describe('parseRule: valid rules', () => {
  it('fills defaults in explicit units', () => {
    const r = parseRule(threshold);
    expect(r.ok && r.rule).toEqual({
      ...threshold,
      labels: {},
      enabled: true,
      params: {
        thresholdC: 60,
        field: 'max',
        forSeconds: 0,
        minFiringSeconds: 0,
        noData: 'keep',
        noDataAfterSeconds: 300,
      },
    });
  });

  it('accepts each kind with its own scope and severity ladder', () => {
    const ok = [
      { ...threshold, kind: 'thermal_rate', params: { windowSeconds: 3600, ratePerHourC: 20 } },
      { ...threshold, kind: 'thermal_anomaly', severity: 'orange', scope: { type: 'all' }, params: { k: 4 } },
      {
        ...threshold,
        kind: 'stale_sensor',
        severity: 'advisory',
        scope: { type: 'camera', cameraId: 'CAM-1' },
        params: { maxSilenceSeconds: 900 },
      },
      {
        name: 'surge',
        kind: 'incident_surge',
        severity: 'warning',
        scope: { type: 'region', centerId: 'quito' },
        params: { windowSeconds: 3600, countAbove: 10 },
      },
      {
        name: 'cov',
        kind: 'coverage_loss',
        severity: 'watch',
        scope: { type: 'all' },
        params: { thresholdPercent: 40 },
      },
    ];
    for (const rule of ok) expect(parseRule(rule)).toMatchObject({ ok: true });
  });
});

describe('parseRule: refusals name the field and carry the value', () => {
  it('restricts thermal rules to the volcanic colours', () => {
    expect(issuesOf({ ...threshold, severity: 'warning' })).toEqual([
      { path: 'severity', message: expect.stringContaining('"white"'), value: 'warning' },
    ]);
  });

  it('restricts incident rules to advisory / watch / warning', () => {
    const surge = {
      name: 's',
      kind: 'incident_surge',
      severity: 'red',
      scope: { type: 'all' },
      params: { windowSeconds: 600, countAbove: 3 },
    };
    expect(issuesOf(surge)).toEqual([
      { path: 'severity', message: expect.stringContaining('"advisory"'), value: 'red' },
    ]);
  });

  it('refuses a clear threshold above the firing one', () => {
    expect(issuesOf({ ...threshold, params: { thresholdC: 60, clearThresholdC: 70 } })).toEqual([
      { path: 'params.clearThresholdC', message: 'must be at or below thresholdC (60)', value: 70 },
    ]);
  });

  it('refuses a misspelt parameter by its own name', () => {
    expect(issuesOf({ ...threshold, params: { thresholdC: 60, forSecond: 30 } })).toEqual([
      { path: 'params.forSecond', message: 'unknown field', value: undefined },
    ]);
  });

  it('refuses a wrong type, with the value received', () => {
    expect(issuesOf({ ...threshold, params: { thresholdC: 'hot' } })).toEqual([
      { path: 'params.thresholdC', message: expect.stringContaining('expected number'), value: 'hot' },
    ]);
  });

  it('refuses a camera scope on an area rule', () => {
    const surge = {
      name: 's',
      kind: 'incident_surge',
      severity: 'watch',
      scope: { type: 'camera', cameraId: 'x' },
      params: { windowSeconds: 600, countAbove: 3 },
    };
    expect(issuesOf(surge).map((i) => i.path)).toEqual(['scope.type']);
  });

  it('needs a resolution for H3 cells and a baseline for a rate multiplier', () => {
    const surge = {
      name: 's',
      kind: 'incident_surge',
      severity: 'watch',
      scope: { type: 'all' },
      params: { windowSeconds: 600, countAbove: 3, groupBy: 'h3', rateMultiplier: 3 },
    };
    expect(issuesOf(surge).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'params.hexResolution: is required when groupBy is h3',
      'params.baselineDays: is required with rateMultiplier',
    ]);
  });

  it('refuses an unknown kind', () => {
    expect(issuesOf({ ...threshold, kind: 'earthquake' }).map((i) => i.path)).toEqual(['kind']);
  });

  it('refuses scopes that name things that do not exist, when told what exists', () => {
    const refs = { gvpNumbers: new Set([352080]), centerIds: new Set(['quito']) };
    expect(issuesOf(threshold, refs)).toEqual([
      { path: 'scope.gvpNumber', message: 'no such volcano', value: 352050 },
    ]);
  });

  it('assertRule throws a RuleValidationError listing the issues', () => {
    let error: unknown;
    try {
      assertRule({ ...threshold, params: { thresholdC: 60, clearThresholdC: 70 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleValidationError);
    expect((error as Error).message).toBe(
      'invalid rule: params.clearThresholdC: must be at or below thresholdC (60) (got 70)',
    );
  });
});

describe('ruleWarmupSeconds', () => {
  it('covers the longest window or baseline of the rule', () => {
    const anomaly = assertRule({
      ...threshold,
      kind: 'thermal_anomaly',
      params: { k: 4, baselineDays: 14, forSeconds: 300 },
    });
    expect(ruleWarmupSeconds(anomaly)).toBe(300 + 15 * 86400);
    const surge = assertRule({
      name: 's',
      kind: 'incident_surge',
      severity: 'watch',
      scope: { type: 'all' },
      params: { windowSeconds: 3600, countAbove: 3, rateMultiplier: 2, baselineDays: 28 },
    });
    expect(ruleWarmupSeconds(surge)).toBe(3600 + 28 * 86400);
  });
});
