import { z } from 'zod';
import { quote } from './ingest-errors.js';

/**
 * Field codecs shared by the record schemas. Each reads one raw value — a string from CSV, or a
 * JSON value — and returns the typed value or a message that quotes the bad value. CSV and JSON
 * go through the same codecs so both formats accept and refuse the same things.
 */
export type Codec<T> = (raw: unknown) => { ok: true; value: T } | { ok: false; message: string };

/** Absent, null, or an empty/blank CSV cell. */
export function isMissing(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

// `.optional()` so that zod runs the transform for an absent key (zod 4 refuses absent keys of a
// non-optional schema before any transform sees them) and the message is ours.

/** A field that must be present. */
export function required<T>(codec: Codec<T>) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): T => {
      if (isMissing(raw)) {
        ctx.addIssue({ code: 'custom', message: 'is required', input: raw });
        return z.NEVER;
      }
      return unwrap(codec(raw), raw, ctx);
    });
}

/** A field that may be absent, and then takes `fallback`. */
export function optional<T, F>(codec: Codec<T>, fallback: F) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): T | F => (isMissing(raw) ? fallback : unwrap(codec(raw), raw, ctx)));
}

function unwrap<T>(result: ReturnType<Codec<T>>, raw: unknown, ctx: z.RefinementCtx): T {
  if (result.ok) return result.value;
  ctx.addIssue({ code: 'custom', message: result.message, input: raw });
  return z.NEVER;
}

export interface Range {
  min: number;
  max: number;
  /** Whether min itself is refused (an open interval at the bottom, e.g. a range must be > 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** Printed after the numbers in messages: 'm', '°', '°C', 'USD', 'px'. */
  unit: string;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** A finite number within `range`, from a JSON number or a decimal string with a point. */
export function decimal(range: Range): Codec<number> {
  return (raw) => {
    const parsed = readNumber(raw);
    if (!parsed.ok) return parsed;
    return checkRange(parsed.value, range);
  };
}

/** An integer within `range`. */
export function integer(range: Range): Codec<number> {
  return (raw) => {
    const parsed = readNumber(raw);
    if (!parsed.ok) return parsed;
    if (!Number.isInteger(parsed.value))
      return { ok: false, message: `must be a whole number, got ${quote(raw)}` };
    return checkRange(parsed.value, range);
  };
}

function readNumber(raw: unknown): ReturnType<Codec<number>> {
  if (typeof raw === 'number') {
    return Number.isFinite(raw)
      ? { ok: true, value: raw }
      : { ok: false, message: `must be a finite number, got ${raw}` };
  }
  if (typeof raw !== 'string') return { ok: false, message: `must be a number, got ${quote(raw)}` };
  const text = raw.trim();
  if (DECIMAL.test(text)) return { ok: true, value: Number(text) };
  if (DECIMAL_COMMA.test(text)) {
    // Spanish-locale spreadsheets write -78,4678; with no thousands separator in our formats, a
    // comma is never meant as one, but guessing could turn 1,500 m into 1.5 m: refuse and say why.
    return { ok: false, message: `must use a point as the decimal separator, got ${quote(raw)}` };
  }
  return { ok: false, message: `must be a number, got ${quote(raw)}` };
}

function checkRange(
  value: number,
  { min, max, minExclusive, maxExclusive, unit }: Range,
): ReturnType<Codec<number>> {
  const tooLow = minExclusive ? value <= min : value < min;
  const tooHigh = maxExclusive ? value >= max : value > max;
  if (!tooLow && !tooHigh) return { ok: true, value };
  const interval = `${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  return { ok: false, message: `must be in ${interval}${unit ? ` ${unit}` : ''}, got ${value}` };
}

/** One of `choices`, compared case-insensitively and returned in the list's spelling. */
export function oneOf<const C extends string>(choices: readonly C[]): Codec<C> {
  return (raw) => {
    const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    const found = choices.find((choice) => choice === text);
    return found === undefined
      ? { ok: false, message: `must be one of ${choices.join(', ')}; got ${quote(raw)}` }
      : { ok: true, value: found };
  };
}

// Any C0 control or DEL; PostgreSQL text cannot hold NUL at all.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// Free text may keep tabs and line breaks.
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A string of 1…maxLength characters, trimmed. An identifier (`multiline: false`) may also come
 * as a JSON integer (`"id": 17`), which becomes "17".
 */
export function text({
  maxLength,
  multiline = false,
}: {
  maxLength: number;
  multiline?: boolean;
}): Codec<string> {
  return (raw) => {
    let value: string;
    if (typeof raw === 'string') value = raw.trim();
    else if (!multiline && typeof raw === 'number' && Number.isSafeInteger(raw)) value = String(raw);
    else return { ok: false, message: `must be a string, got ${quote(raw)}` };
    if (value.length > maxLength)
      return { ok: false, message: `must be at most ${maxLength} characters, got ${value.length}` };
    const control = (multiline ? CONTROL_EXCEPT_WHITESPACE : CONTROL).exec(value);
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
      return { ok: false, message: `must not contain control character U+${code}, got ${quote(value)}` };
    }
    return { ok: true, value };
  };
}

/** true/false (also 1/0) from a JSON boolean or a string. */
export const flag: Codec<boolean> = (raw) => {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : '';
  if (text === 'true' || text === '1') return { ok: true, value: true };
  if (text === 'false' || text === '0') return { ok: true, value: false };
  return { ok: false, message: `must be true or false, got ${quote(raw)}` };
};

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An instant written in ISO 8601 / RFC 3339 with a zone: `2024-05-01T10:00:00Z`,
 * `2024-05-01T05:00:00-05:00`; seconds and up to 6 fractional digits (PostgreSQL keeps
 * microseconds) are optional, and a space may stand for the T. Returned in UTC,
 * `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` without trailing zeros in the fraction, so equal instants
 * compare equal as strings. A timestamp without a zone is refused: it would be read in whichever
 * zone the server happens to run in.
 */
export const instant: Codec<string> = (raw) => {
  if (typeof raw !== 'string')
    return { ok: false, message: `must be an ISO 8601 timestamp string, got ${quote(raw)}` };
  const value = raw.trim();
  const m = INSTANT.exec(value);
  if (!m) {
    if (DATE.test(value)) {
      return {
        ok: false,
        message: `needs a time of day and a zone, e.g. ${value}T00:00:00-05:00; got ${quote(raw)}`,
      };
    }
    return {
      ok: false,
      message: `must be an ISO 8601 timestamp with a zone, e.g. 2024-05-01T10:00:00-05:00 or …Z; got ${quote(raw)}`,
    };
  }
  const [, y, mo, d, h, mi, s = '00', fraction = '', zulu, sign, oh, om] = m;
  if (zulu === undefined && sign === undefined) {
    return {
      ok: false,
      message: `has no time zone: add Z for UTC or an offset such as -05:00 (mainland Ecuador); got ${quote(raw)}`,
    };
  }
  if (fraction.length > 6) {
    return { ok: false, message: `has more than 6 fractional digits of a second, got ${quote(raw)}` };
  }
  const calendar = checkCalendar(Number(y), Number(mo), Number(d));
  if (calendar) return { ok: false, message: `${calendar}, got ${quote(raw)}` };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return { ok: false, message: `has no such time of day, got ${quote(raw)}` };
  }
  if (Number(oh ?? 0) > 14 || Number(om ?? 0) > 59) {
    return { ok: false, message: `has an impossible UTC offset, got ${quote(raw)}` };
  }
  const digits = fraction.replace(/0+$/, '');
  const tail = `${digits ? `.${digits}` : ''}Z`;
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  // Already UTC (the common case for sensors): the text is the answer, no Date needed.
  if (offsetMinutes === 0) return { ok: true, value: `${y}-${mo}-${d}T${h}:${mi}:${s}${tail}` };
  const utcMs =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  return { ok: true, value: `${new Date(utcMs).toISOString().slice(0, 19)}${tail}` };
};

/** A calendar date, YYYY-MM-DD. */
export const calendarDate: Codec<string> = (raw) => {
  const value = typeof raw === 'string' ? raw.trim() : '';
  const m = DATE.exec(value);
  if (!m) return { ok: false, message: `must be a date written YYYY-MM-DD, got ${quote(raw)}` };
  const problem = checkCalendar(Number(m[1]), Number(m[2]), Number(m[3]));
  return problem ? { ok: false, message: `${problem}, got ${quote(raw)}` } : { ok: true, value };
};

// Years outside 1900–2100 in this domain are typos (0224 for 2024), not history.
function checkCalendar(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2100) return 'must have a year between 1900 and 2100';
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'is not a calendar date';
  return null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
