import { describe, expect, it } from 'vitest';
import {
  alertPeriodsFor,
  thresholdsFor,
  thresholdsInView,
  type AlertSummary,
  type RuleSummary,
} from '../../client/charts/thermal-annotations.js';

const rule = (overrides: Partial<RuleSummary>): RuleSummary => ({
  name: 'r',
  kind: 'thermal_threshold',
  severity: 'yellow',
  enabled: true,
  scope: { type: 'volcano', gvpNumber: 352050 },
  params: { thresholdC: 60, field: 'max' },
  ...overrides,
});

describe('thresholdsFor', () => {
  it('keeps the enabled max-temperature threshold rules on the volcano, one of its cameras or all, by value', () => {
    const rules = [
      rule({ name: 'incandescence', severity: 'orange', params: { thresholdC: 250 } }),
      rule({ name: 'hot spot', params: { thresholdC: 60, field: 'max' } }),
      rule({ name: 'camera', scope: { type: 'camera', cameraId: 'C2' }, params: { thresholdC: 90 } }),
      rule({ name: 'everywhere', scope: { type: 'all' }, params: { thresholdC: 500 } }),
      rule({ name: 'other volcano', scope: { type: 'volcano', gvpNumber: 352080 } }),
      rule({ name: 'other camera', scope: { type: 'camera', cameraId: 'X9' } }),
      rule({ name: 'region', scope: { type: 'region' } }),
      rule({ name: 'disabled', enabled: false }),
      rule({ name: 'mean', params: { thresholdC: 30, field: 'mean' } }),
      rule({ name: 'rate', kind: 'thermal_rate', params: {} }),
    ];
    expect(thresholdsFor(rules, 352050, ['C1', 'C2']).map((l) => [l.label, l.valueC, l.severity])).toEqual([
      ['hot spot', 60, 'yellow'],
      ['camera', 90, 'yellow'],
      ['incandescence', 250, 'orange'],
      ['everywhere', 500, 'yellow'],
    ]);
  });
});

describe('alertPeriodsFor', () => {
  const H = 3_600_000;
  const T0 = Date.parse('2026-11-22T00:00:00Z');
  const iso = (hours: number) => new Date(T0 + hours * H).toISOString();
  const alert = (overrides: Partial<AlertSummary>): AlertSummary => ({
    kind: 'thermal_rate',
    scopeKey: 'camera:C1',
    severity: 'yellow',
    firingAt: iso(5),
    resolvedAt: iso(6),
    ...overrides,
  });
  const day = { from: T0, to: T0 + 24 * H };

  it('merges overlapping firings of the same severity across cameras into one band', () => {
    const periods = alertPeriodsFor(
      [
        alert({}),
        alert({ scopeKey: 'camera:C2', firingAt: iso(5.5), resolvedAt: iso(7) }),
        alert({ scopeKey: 'camera:C2', firingAt: iso(10), resolvedAt: iso(11) }),
      ],
      ['C1', 'C2'],
      day,
    );
    expect(periods).toEqual([
      { from: T0 + 5 * H, to: T0 + 7 * H, severity: 'yellow' },
      { from: T0 + 10 * H, to: T0 + 11 * H, severity: 'yellow' },
    ]);
  });

  it('keeps a firing alert open-ended and draws the more severe band last', () => {
    const periods = alertPeriodsFor(
      [alert({ severity: 'orange', firingAt: iso(20), resolvedAt: null }), alert({})],
      ['C1'],
      day,
    );
    expect(periods).toEqual([
      { from: T0 + 5 * H, to: T0 + 6 * H, severity: 'yellow' },
      { from: T0 + 20 * H, to: null, severity: 'orange' },
    ]);
  });

  it('leaves out other cameras, obscured alerts, other kinds, pending ones and those outside the window', () => {
    const periods = alertPeriodsFor(
      [
        alert({ scopeKey: 'camera:X9' }),
        alert({ scopeKey: 'camera:C1:obscured' }),
        alert({ kind: 'stale_sensor' }),
        alert({ firingAt: null, resolvedAt: iso(6) }),
        alert({ firingAt: iso(-5), resolvedAt: iso(0) }),
        alert({ firingAt: iso(24), resolvedAt: iso(25) }),
      ],
      ['C1'],
      day,
    );
    expect(periods).toEqual([]);
  });
});

describe('thresholdsInView', () => {
  const line = (valueC: number) => ({ valueC, label: `${valueC}`, severity: 'yellow' as const });

  it('stretches the axis to thresholds within one data span above, and names the farther ones', () => {
    // Readings 20–40 °C: a span of 20, so thresholds up to 60 °C fit (with a 1 °C margin).
    const view = thresholdsInView([20, 40], [line(55), line(400)]);
    expect(view.inView.map((l) => l.valueC)).toEqual([55]);
    expect(view.offScale.map((l) => l.valueC)).toEqual([400]);
    expect(view.extent).toEqual([20, 56]);
  });

  it('reaches at least 10 °C for flat readings, and leaves the axis alone with no thresholds', () => {
    expect(thresholdsInView([-5, 0], [line(9)]).inView).toHaveLength(1);
    expect(thresholdsInView([-5, 0], [line(11)]).offScale).toHaveLength(1);
    expect(thresholdsInView([-5, 0], []).extent).toEqual([-5, 0]);
  });
});
