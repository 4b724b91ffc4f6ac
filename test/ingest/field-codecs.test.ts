import { describe, expect, it } from 'vitest';
import {
  calendarDate,
  decimal,
  flag,
  instant,
  integer,
  oneOf,
  text,
} from '../../server/ingest/field-codecs.js';

const ok = <T>(value: T) => ({ ok: true, value });

describe('instant: ISO 8601 with a zone, returned in UTC', () => {
  it('converts an Ecuador mainland offset to UTC (07:42 at UTC−5 is 12:42Z)', () => {
    expect(instant('2024-05-01T07:42:00-05:00')).toEqual(ok('2024-05-01T12:42:00Z'));
  });

  it('converts a Galápagos offset across midnight (21:30 at UTC−6 on 31 Dec is 03:30Z on 1 Jan)', () => {
    expect(instant('2023-12-31T21:30:00-06:00')).toEqual(ok('2024-01-01T03:30:00Z'));
  });

  it('gives the same string for the same instant written in two zones', () => {
    const a = instant('2024-05-01T06:00:00-05:00');
    const b = instant('2024-05-01T11:00:00Z');
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
  });

  it('accepts a space for the T, minutes without seconds, lower-case z and keeps microseconds', () => {
    expect(instant('2024-05-01 07:42-05:00')).toEqual(ok('2024-05-01T12:42:00Z'));
    expect(instant('2024-05-01t12:42:00.123450z')).toEqual(ok('2024-05-01T12:42:00.12345Z'));
    expect(instant('2024-05-01T12:42:00.000Z')).toEqual(ok('2024-05-01T12:42:00Z'));
  });

  it('refuses a naive timestamp and says how to fix it', () => {
    const result = instant('2024-05-01T07:42:00');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/no time zone.*-05:00.*"2024-05-01T07:42:00"/);
  });

  it('refuses a bare date, asking for a time and zone', () => {
    const result = instant('2024-05-01');
    expect(!result.ok && result.message).toMatch(/needs a time of day and a zone/);
  });

  it.each([
    ['2024-02-30T10:00:00Z', /not a calendar date/],
    ['2023-02-29T10:00:00Z', /not a calendar date/],
    ['2024-05-01T24:00:00Z', /no such time of day/],
    ['2024-05-01T10:00:60Z', /no such time of day/],
    ['2024-05-01T10:00:00+15:00', /impossible UTC offset/],
    ['2024-05-01T10:00:00.1234567Z', /more than 6 fractional digits/],
    ['0224-05-01T10:00:00Z', /year between 1900 and 2100/],
    ['2024-05-01T10:00:00-0500', /ISO 8601 timestamp with a zone/],
    ['01/05/2024 10:00', /ISO 8601 timestamp with a zone/],
  ])('refuses %s', (raw, message) => {
    const result = instant(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });

  it('accepts 29 February in a leap year', () => {
    expect(instant('2024-02-29T00:00:00Z')).toEqual(ok('2024-02-29T00:00:00Z'));
  });

  it('refuses a JSON number (epoch seconds are not an ISO instant)', () => {
    expect(instant(1714546920).ok).toBe(false);
  });
});

describe('decimal and integer', () => {
  const height = decimal({ min: 0, max: 500, unit: 'm' });
  const range = decimal({ min: 0, max: 50_000, minExclusive: true, unit: 'm' });

  it('reads CSV strings and JSON numbers alike', () => {
    expect(height('12.5')).toEqual(ok(12.5));
    expect(height(' 12.5 ')).toEqual(ok(12.5));
    expect(height(12.5)).toEqual(ok(12.5));
    expect(height('1.25e1')).toEqual(ok(12.5));
    expect(height('.5')).toEqual(ok(0.5));
  });

  it('names a decimal comma', () => {
    const result = height('12,5');
    expect(!result.ok && result.message).toBe('must use a point as the decimal separator, got "12,5"');
  });

  it.each(['eight', '12 m', 'NaN', 'Infinity', '0x10', '', '1.2.3'])('refuses %j as a number', (raw) => {
    expect(height(raw).ok).toBe(false);
  });

  it('refuses non-finite JSON numbers and booleans', () => {
    expect(height(Number.NaN).ok).toBe(false);
    expect(height(true).ok).toBe(false);
  });

  it('checks closed and open bounds and quotes the value', () => {
    expect(height('0')).toEqual(ok(0));
    expect(height('500')).toEqual(ok(500));
    const above = height('500.1');
    expect(!above.ok && above.message).toBe('must be in [0, 500] m, got 500.1');
    const zero = range('0');
    expect(!zero.ok && zero.message).toBe('must be in (0, 50000] m, got 0');
  });

  it('integer refuses fractions but accepts 1920.0', () => {
    const px = integer({ min: 1, max: 100_000, unit: 'px' });
    expect(px('1920.0')).toEqual(ok(1920));
    expect(px('1920.5').ok).toBe(false);
  });
});

describe('oneOf, text, flag, calendarDate', () => {
  it('matches enumerations case-insensitively and returns the canonical spelling', () => {
    const kind = oneOf(['dome', 'fixed', 'ptz', 'thermal'] as const);
    expect(kind(' PTZ ')).toEqual(ok('ptz'));
    const bad = kind('bullet');
    expect(!bad.ok && bad.message).toBe('must be one of dome, fixed, ptz, thermal; got "bullet"');
  });

  it('refuses NUL and other control characters, which PostgreSQL text cannot hold or should not', () => {
    const id = text({ maxLength: 100 });
    expect(id('A\u0000B').ok).toBe(false);
    expect(id('A\nB').ok).toBe(false);
    expect(text({ maxLength: 100, multiline: true })('A\nB')).toEqual(ok('A\nB'));
    expect(text({ maxLength: 100, multiline: true })('A\u0000B').ok).toBe(false);
  });

  it('takes a JSON integer as an identifier but not as free text', () => {
    expect(text({ maxLength: 100 })(17)).toEqual(ok('17'));
    expect(text({ maxLength: 100, multiline: true })(17).ok).toBe(false);
  });

  it('limits the length', () => {
    expect(text({ maxLength: 3 })('abcd').ok).toBe(false);
    expect(text({ maxLength: 3 })('abc')).toEqual(ok('abc'));
  });

  it('reads booleans', () => {
    expect(flag('TRUE')).toEqual(ok(true));
    expect(flag('0')).toEqual(ok(false));
    expect(flag(false)).toEqual(ok(false));
    expect(flag('yes').ok).toBe(false);
  });

  it('reads calendar dates', () => {
    expect(calendarDate('2016-08-15')).toEqual(ok('2016-08-15'));
    expect(calendarDate('2016-02-30').ok).toBe(false);
    expect(calendarDate('15/08/2016').ok).toBe(false);
  });
});
