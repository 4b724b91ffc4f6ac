import { describe, expect, it } from 'vitest';
import { evidenceFacts, evidenceReadings, evidenceThreshold } from '../../client/data/alert-evidence.js';
import { alertPlace, type PlaceNames } from '../../client/data/alert-place.js';
import { sparkline } from '../../client/charts/evidence-sparkline.js';

// Shaped like what server/rules/thermal-rule-runtime.ts writes for a thermal_threshold rule.
const thermal = {
  kind: 'thermal_threshold',
  cause: 'match',
  cameraId: 'COTO-TH-01',
  volcanoGvp: 352050,
  field: 'max',
  value: 92.4,
  unit: '°C',
  forSeconds: 120,
  thresholdC: 60,
  clearThresholdC: 45,
  readings: [
    { at: '2026-11-16T10:02:00.000Z', maxTempC: 92.4, meanTempC: 10, quality: 'ok' },
    { at: '2026-11-16T10:00:00.000Z', maxTempC: 30, meanTempC: 8, quality: 'ok' },
    { at: '2026-11-16T10:01:00.000Z', maxTempC: null, meanTempC: null, quality: 'obscured' },
  ],
};

const facts = (language: 'es' | 'en', evidence: Record<string, unknown>) =>
  evidenceFacts(language, evidence, Date.parse('2026-11-16T12:00:00Z')).map((f) => [f.label, f.text]);

describe('evidenceFacts', () => {
  it('gives a thermal threshold its value, threshold with the clear level, and how long it had to hold', () => {
    expect(facts('en', thermal)).toEqual([
      ['alerts.evidence.value', '92.4 °C'],
      ['alerts.evidence.threshold', '> 60 °C (clears at ≤ 45 °C)'],
      ['alerts.evidence.sustained', 'at least 2 min'],
    ]);
    expect(facts('es', thermal)[0]).toEqual(['alerts.evidence.value', '92,4 °C']);
  });

  it('gives an incident surge its count against the threshold and the usual count, and its categories', () => {
    const surge = {
      kind: 'incident_surge',
      count: 31,
      countAbove: 20,
      rateMultiplier: 3,
      usualCount: 7.5,
      windowSeconds: 3600,
      categories: ['fire', 'medical'],
    };
    expect(facts('en', surge)).toEqual([
      ['alerts.evidence.count', '31'],
      ['alerts.evidence.threshold', '> 20 and > 3 × usual (7.5)'],
      ['alerts.evidence.window', '1 h'],
      ['alerts.evidence.categories', 'Fire, Medical'],
    ]);
  });

  it('says how long a silent sensor has been silent against its limit', () => {
    const stale = { kind: 'stale_sensor', lastSeenAt: null, silenceSeconds: 5400, maxSilenceSeconds: 1800 };
    expect(facts('en', stale)).toEqual([
      ['alerts.evidence.lastSeen', 'never'],
      ['alerts.evidence.silence', '1 h 30 min (at most 30 min)'],
    ]);
  });

  it('names a blind camera and an error, and skips fields it cannot read', () => {
    const blind = {
      kind: 'thermal_threshold',
      reason: 'obscured',
      obscuredSeconds: 90_000,
      obscuredAlertAfterSeconds: 86_400,
    };
    expect(facts('en', blind)).toEqual([['alerts.evidence.obscured', '1 d 1 h (alert after 1 d)']]);
    expect(facts('en', { kind: 'coverage_loss', error: 'no DEM', coveragePercent: 'n/a' })).toEqual([
      ['alerts.evidence.error', 'no DEM'],
    ]);
    expect(evidenceFacts('en', undefined)).toEqual([]);
  });
});

describe('evidenceReadings and evidenceThreshold', () => {
  it('lists the readings oldest first, keeping obscured ones as gaps', () => {
    expect(evidenceReadings(thermal)).toEqual([
      { t: Date.parse('2026-11-16T10:00:00Z'), maxC: 30, quality: 'ok' },
      { t: Date.parse('2026-11-16T10:01:00Z'), maxC: null, quality: 'obscured' },
      { t: Date.parse('2026-11-16T10:02:00Z'), maxC: 92.4, quality: 'ok' },
    ]);
    expect(evidenceThreshold(thermal)).toBe(60);
    expect(evidenceThreshold({ kind: 'incident_surge', countAbove: 20 })).toBeNull();
  });
});

describe('sparkline', () => {
  it('spans the box with the values and the threshold, breaking the line at a gap', () => {
    // Values 30 and 90, threshold 60: range [30, 90] in a 100 × 20 box with no padding.
    const line = sparkline(
      [
        { t: 0, v: 30 },
        { t: 50, v: null },
        { t: 100, v: 90 },
      ],
      60,
      100,
      20,
      0,
    )!;
    expect(line.path).toBe('M0,20M100,0');
    expect(line.dots).toEqual([
      [0, 20],
      [100, 0],
    ]);
    expect(line.thresholdY).toBe(10);
  });

  it('widens the range to a threshold above every value', () => {
    const line = sparkline(
      [
        { t: 0, v: 10 },
        { t: 10, v: 20 },
      ],
      40,
      100,
      30,
      0,
    )!;
    // Range [10, 40]: 20 °C sits two thirds down the box, the threshold at the top.
    expect(line.path).toBe('M0,30L100,20');
    expect(line.thresholdY).toBe(0);
  });

  it('draws nothing without a valid value', () => {
    expect(sparkline([{ t: 0, v: null }], 60, 100, 20)).toBeNull();
  });
});

describe('alertPlace', () => {
  const names: PlaceNames = {
    volcano: (gvp) => (gvp === 352050 ? 'Cotopaxi' : null),
    region: (id) => (id === 'quito' ? 'Quito' : null),
    cameraVolcano: (id) => (id === 'COTO-TH-02' ? 352050 : null),
  };

  it('names the volcano a camera watches, from the evidence or the camera network', () => {
    expect(alertPlace('es', { scopeKey: 'camera:COTO-TH-01', evidence: thermal }, names)).toBe(
      'Cotopaxi · cámara COTO-TH-01',
    );
    expect(alertPlace('en', { scopeKey: 'camera:COTO-TH-02' }, names)).toBe('Cotopaxi · camera COTO-TH-02');
    expect(alertPlace('en', { scopeKey: 'camera:UIO-0042' }, names)).toBe('Camera UIO-0042');
    expect(alertPlace('en', { scopeKey: 'camera:UIO-0042:obscured' }, names)).toBe('Camera UIO-0042, blind');
  });

  it('names regions and H3 cells, and shows an unknown scope as it is', () => {
    expect(alertPlace('es', { scopeKey: 'region:quito' }, names)).toBe('Región Quito');
    expect(alertPlace('en', { scopeKey: 'region:zz' }, names)).toBe('Region zz');
    expect(alertPlace('en', { scopeKey: 'h3:8766a4c5effffff' }, names)).toBe('H3 cell 8766a4c5effffff');
    expect(alertPlace('en', { scopeKey: 'all' }, names)).toBe('all');
  });
});
