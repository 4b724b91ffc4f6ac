import { describe, expect, it } from 'vitest';
import { ageOf, ageRefreshMs, formatAge, formatDuration } from '../../client/data/alert-age.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('ageOf', () => {
  it('says "now" for under five seconds, and for a time slightly in the future (clock skew)', () => {
    expect(ageOf(0)).toEqual({ unit: 'now', value: 0, rest: 0 });
    expect(ageOf(4_999)).toEqual({ unit: 'now', value: 0, rest: 0 });
    expect(ageOf(-3_000)).toEqual({ unit: 'now', value: 0, rest: 0 });
  });

  it('counts whole seconds, then whole minutes, rounding down', () => {
    expect(ageOf(5 * S)).toEqual({ unit: 'seconds', value: 5, rest: 0 });
    expect(ageOf(59_999)).toEqual({ unit: 'seconds', value: 59, rest: 0 });
    expect(ageOf(60 * S)).toEqual({ unit: 'minutes', value: 1, rest: 0 });
    expect(ageOf(59 * MIN + 59 * S)).toEqual({ unit: 'minutes', value: 59, rest: 0 });
  });

  it('gives hours with minutes under a day, days with hours beyond', () => {
    expect(ageOf(H)).toEqual({ unit: 'hoursMinutes', value: 1, rest: 0 });
    expect(ageOf(3 * H + 7 * MIN + 30 * S)).toEqual({ unit: 'hoursMinutes', value: 3, rest: 7 });
    expect(ageOf(D - 1)).toEqual({ unit: 'hoursMinutes', value: 23, rest: 59 });
    expect(ageOf(2 * D + 5 * H + 59 * MIN)).toEqual({ unit: 'daysHours', value: 2, rest: 5 });
  });
});

describe('formatAge', () => {
  it('reads in Spanish and English', () => {
    expect(formatAge('es', 2 * S)).toBe('ahora');
    expect(formatAge('en', 2 * S)).toBe('just now');
    expect(formatAge('es', 42 * S)).toBe('hace 42 s');
    expect(formatAge('en', 12 * MIN)).toBe('12 min ago');
    expect(formatAge('es', 3 * H + 5 * MIN)).toBe('hace 3 h 5 min');
    expect(formatAge('en', D + 2 * H)).toBe('1 d 2 h ago');
  });
});

describe('ageRefreshMs', () => {
  it('ticks every second while seconds are shown, every 15 s after', () => {
    expect(ageRefreshMs(30 * S)).toBe(1000);
    expect(ageRefreshMs(2 * MIN)).toBe(15_000);
  });
});

describe('formatDuration', () => {
  it('names a rule duration in the largest whole units', () => {
    expect(formatDuration('es', 45)).toBe('45 s');
    expect(formatDuration('es', 120)).toBe('2 min');
    expect(formatDuration('en', 5400)).toBe('1 h 30 min');
    expect(formatDuration('en', 4 * 3600)).toBe('4 h');
    expect(formatDuration('es', 3 * 86_400)).toBe('3 d');
    expect(formatDuration('en', 86_400 + 6 * 3600)).toBe('1 d 6 h');
  });
});
