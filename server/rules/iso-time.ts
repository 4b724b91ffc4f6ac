/**
 * ISO 8601 instants for evidence, fast: evidence lists dozens of reading times per transition, and a
 * backtest of a rule that fires often makes thousands of transitions. The date part is cached per UTC day;
 * the result is exactly `new Date(ms).toISOString()` for whole-millisecond instants between years 0 and 9999.
 */
const DAY_MS = 86_400_000;
let cachedDay = NaN;
let cachedPrefix = '';

/** `2025-03-01T07:05:00.000Z` for an epoch-ms instant. */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let r = ms - day * DAY_MS;
  if (!Number.isInteger(r) || cachedPrefix.length !== 11) return new Date(ms).toISOString();
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const s = Math.floor(r / 1000);
  const milli = r - s * 1000;
  return `${cachedPrefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** ISO instant; null for a missing or non-finite time. */
export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? null : isoTime(ms);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
