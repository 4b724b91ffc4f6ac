import { describe, expect, it } from 'vitest';
import {
  latestReading,
  obscuredSpans,
  seriesSegments,
  temperatureExtent,
  type ReadingBucket,
} from '../../client/charts/thermal-series.js';
import { shortCameraName } from '../../client/panels/thermal-panel.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const ok = (minutes: number, min: number, max: number, mean: number): ReadingBucket => ({
  t: at(minutes),
  min,
  max,
  mean,
  n: 10,
  masked: 0,
});
const obscured = (minutes: number): ReadingBucket => ({
  t: at(minutes),
  min: null,
  max: null,
  mean: null,
  n: 0,
  masked: 10,
});

// Ten-minute buckets: 10:00 and 10:10 valid, 10:20 obscured, 10:30 valid, 10:40 missing altogether
// (no frames: an outage), 10:50 valid, 11:00 and 11:10 obscured.
const series = {
  bucketSeconds: 600,
  buckets: [
    ok(0, 1, 3, 2),
    ok(10, 2, 5, 3),
    obscured(20),
    ok(30, 0.5, 2, 1),
    ok(50, 4, 9, 6),
    obscured(60),
    obscured(70),
  ],
};

describe('seriesSegments', () => {
  it('breaks the line at obscured buckets and at missing ones, points at bucket middles', () => {
    const segments = seriesSegments(series);
    expect(segments.map((s) => s.map((p) => new Date(p.t - T0).getTime() / MIN))).toEqual([
      [5, 15],
      [35],
      [55],
    ]);
    expect(segments[0]![1]).toEqual({ t: T0 + 15 * MIN, min: 2, max: 5, mean: 3 });
  });

  it('gives nothing for a series without valid readings', () => {
    expect(seriesSegments({ bucketSeconds: 600, buckets: [obscured(0)] })).toEqual([]);
  });
});

describe('obscuredSpans', () => {
  it('covers the obscured buckets, adjacent ones merged', () => {
    expect(obscuredSpans(series)).toEqual([
      { from: T0 + 20 * MIN, to: T0 + 30 * MIN },
      { from: T0 + 60 * MIN, to: T0 + 80 * MIN },
    ]);
  });
});

describe('temperatureExtent', () => {
  it('spans the lowest minimum to the highest maximum, padded by 8 % (at least 1 °C)', () => {
    // 0.5 … 9 °C: 8 % of 8.5 is 0.68, under the 1 °C floor.
    expect(temperatureExtent([series])).toEqual([-0.5, 10]);
    // 0 … 100 °C: 8 °C each way.
    expect(temperatureExtent([{ buckets: [ok(0, 0, 100, 50)] }])).toEqual([-8, 108]);
  });

  it('falls back to 0–10 °C with nothing to show', () => {
    expect(temperatureExtent([{ buckets: [obscured(0)] }])).toEqual([0, 10]);
  });
});

describe('latestReading', () => {
  it('is the newest bucket with valid readings, skipping obscured ones', () => {
    expect(latestReading(series)).toEqual({ t: T0 + 50 * MIN, mean: 6 });
    expect(latestReading({ buckets: [obscured(0)] })).toBeNull();
  });
});

describe('shortCameraName', () => {
  it('drops the volcano (named in the panel title) and the synthetic marker (shown as a badge)', () => {
    expect(shortCameraName('Cotopaxi thermal N flank (synthetic)', 'Cotopaxi')).toBe('thermal N flank');
    expect(shortCameraName('Cotopaxi', 'Cotopaxi')).toBe('Cotopaxi');
  });
});
