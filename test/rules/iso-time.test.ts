import { describe, expect, it } from 'vitest';
import { isoOrNull, isoTime } from '../../server/rules/iso-time.js';

describe('isoTime', () => {
  it('formats exactly as Date#toISOString across days, years and odd milliseconds', () => {
    const instants = [
      0,
      1,
      999,
      86_399_999,
      86_400_000,
      Date.UTC(2024, 1, 29, 23, 59, 59, 7),
      Date.UTC(2025, 2, 1, 7, 5),
      Date.UTC(1969, 11, 31, 23, 0, 0, 50),
      Date.UTC(2025, 11, 31, 23, 59, 59, 999),
    ];
    for (const ms of instants) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    // And back and forth between days, so the cached day prefix is refreshed.
    for (const ms of [...instants].reverse()) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('falls back to Date for fractional milliseconds', () => {
    expect(isoTime(1.5)).toBe(new Date(1.5).toISOString());
  });

  it('gives null for missing or infinite times', () => {
    expect([null, undefined, -Infinity, NaN].map(isoOrNull)).toEqual([null, null, null, null]);
  });
});
