/**
 * The retention plan from a policy, the enabled rules and the open alerts: cutoffs by hand from a
 * fixed clock (2026-06-01T12:00Z), day = 86,400,000 ms.
 */
import { describe, expect, it } from 'vitest';
import {
  EVIDENCE_MARGIN_MS,
  retentionPlan,
  ruleLookbackMs,
  type OpenAlertFact,
  type RuleFact,
} from '../../../server/retention/retention-policy.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW - days * DAY);
const threshold: RuleFact = { kind: 'thermal_threshold', params: { thresholdC: 60, forSeconds: 120 } };
const policy = { readingsDays: 400, incidentsDays: 1826 };

describe('ruleLookbackMs', () => {
  it('takes the longest …Seconds or …Days parameter and nothing else', () => {
    expect(ruleLookbackMs({ windowSeconds: 1800, baselineDays: 14, thresholdC: 600 })).toBe(14 * DAY);
    expect(ruleLookbackMs({ forSeconds: 120, minFiringSeconds: 1800 })).toBe(1_800_000);
    expect(ruleLookbackMs({ thresholdC: 60, field: 'max', forSeconds: -5 })).toBe(0);
  });
});

describe('retentionPlan', () => {
  it('cuts readings at 400 days and incidents at 1,826 days with no rule or alert in the way', () => {
    const plan = retentionPlan(policy, NOW, [], []);
    expect(plan.readings).toEqual({ cutoff: ago(400), keep: [] });
    expect(plan.incidents).toEqual({ cutoff: ago(1826) });
  });

  it('keeps everything with 0 days', () => {
    const plan = retentionPlan({ readingsDays: 0, incidentsDays: 0 }, NOW, [threshold], []);
    expect(plan.readings.cutoff).toBeNull();
    expect(plan.incidents.cutoff).toBeNull();
    expect(plan.notes).toEqual(['readings: kept forever (0 days)', 'incidents: kept forever (0 days)']);
  });

  it('never cuts into the history an enabled rule reads', () => {
    const anomaly: RuleFact = { kind: 'thermal_anomaly', params: { baselineDays: 14, forSeconds: 600 } };
    const surge: RuleFact = { kind: 'incident_surge', params: { windowSeconds: 3600, baselineDays: 28 } };
    const plan = retentionPlan({ readingsDays: 1, incidentsDays: 7 }, NOW, [anomaly, surge, threshold], []);
    expect(plan.readings.cutoff).toEqual(ago(14));
    expect(plan.incidents.cutoff).toEqual(ago(28));
    expect(plan.notes[0]).toMatch(/readings: enabled rules read 14 days back, more than the 1 kept/);
  });

  it("keeps a camera's readings from an open alert's start minus its look-back and a day", () => {
    const alerts: OpenAlertFact[] = [
      // Firing for 500 days: readings from 500 d + 120 s + 1 d ago stay.
      { ...threshold, scopeKey: 'camera:CAM-1', startedAtMs: NOW - 500 * DAY },
      // Blind for 450 days with a day's patience: from 450 d + 1 d + 1 d ago.
      {
        kind: 'thermal_threshold',
        params: { obscuredAlertAfterSeconds: 86_400 },
        scopeKey: 'camera:CAM-2:obscured',
        startedAtMs: NOW - 450 * DAY,
      },
      // Started 10 days ago: its evidence is newer than the cutoff anyway.
      { ...threshold, scopeKey: 'camera:CAM-3', startedAtMs: NOW - 10 * DAY },
      // Not a camera: nothing to keep among readings.
      { kind: 'coverage_loss', params: {}, scopeKey: 'region:quito', startedAtMs: NOW - 900 * DAY },
    ];
    const plan = retentionPlan(policy, NOW, [threshold], alerts);
    expect(plan.readings.cutoff).toEqual(ago(400));
    expect(plan.readings.keep).toEqual([
      { cameraExternalId: 'CAM-1', since: new Date(NOW - 500 * DAY - 120_000 - EVIDENCE_MARGIN_MS) },
      { cameraExternalId: 'CAM-2', since: new Date(NOW - 452 * DAY) },
    ]);
    expect(plan.incidents.cutoff).toEqual(ago(1826));
  });

  it('keeps the incidents an open surge alert stands on', () => {
    const surge: OpenAlertFact = {
      kind: 'incident_surge',
      params: { windowSeconds: 3600, baselineDays: 28 },
      scopeKey: 'region:guayaquil',
      startedAtMs: NOW - 2000 * DAY,
    };
    const plan = retentionPlan(policy, NOW, [surge], [surge]);
    // 2,000 days + 28 days of baseline + a day.
    expect(plan.incidents.cutoff).toEqual(ago(2029));
    expect(plan.notes.at(-1)).toMatch(/open surge alert \(region:guayaquil\)/);
  });

  it('refuses a policy that is not whole days ≥ 0, naming it', () => {
    expect(() => retentionPlan({ readingsDays: -1, incidentsDays: 10 }, NOW, [], [])).toThrow(
      /readingsDays .* -1/,
    );
    expect(() => retentionPlan({ readingsDays: 1, incidentsDays: 1.5 }, NOW, [], [])).toThrow(
      /incidentsDays .* 1\.5/,
    );
  });
});
