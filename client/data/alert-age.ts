/**
 * How long ago something happened, for the alert list: coarse enough to read at a glance and to
 * change rarely (the panel re-renders it every few seconds), fine enough to tell a new alert from
 * one an hour old.
 */
import { t } from '../i18n.js';
import type { Language } from '../state/app-state.js';

export type AgeUnit = 'now' | 'seconds' | 'minutes' | 'hoursMinutes' | 'daysHours';

export interface Age {
  unit: AgeUnit;
  /** Seconds, minutes, hours or days (the larger unit). */
  value: number;
  /** Minutes with hours, hours with days; 0 otherwise. */
  rest: number;
}

/**
 * Splits an elapsed time into the unit shown: under 5 s 'now'; under a minute whole seconds; under
 * an hour whole minutes; under a day hours and minutes; beyond, days and hours. Always rounded
 * down, so "1 min" means at least 60 s have passed. A negative time (a clock a little ahead of the
 * server's) counts as now.
 * @param elapsedMs milliseconds since the event
 */
export function ageOf(elapsedMs: number): Age {
  const s = Math.floor(Math.max(0, elapsedMs) / 1000);
  if (s < 5) return { unit: 'now', value: 0, rest: 0 };
  if (s < 60) return { unit: 'seconds', value: s, rest: 0 };
  const min = Math.floor(s / 60);
  if (min < 60) return { unit: 'minutes', value: min, rest: 0 };
  const h = Math.floor(min / 60);
  if (h < 24) return { unit: 'hoursMinutes', value: h, rest: min % 60 };
  return { unit: 'daysHours', value: Math.floor(h / 24), rest: h % 24 };
}

/** How often the shown age can change, ms: every second under a minute, every 15 s after. */
export function ageRefreshMs(elapsedMs: number): number {
  return elapsedMs < 60_000 ? 1_000 : 15_000;
}

/** The age in words: 'hace 3 min', '2 h 5 min ago'. */
export function formatAge(language: Language, elapsedMs: number): string {
  const age = ageOf(elapsedMs);
  return t(language, `alerts.age.${age.unit}`, { value: age.value, rest: age.rest });
}

/**
 * A rule's duration in the largest whole units it fills, rounded down: '45 s', '2 min', '1 h 30 min',
 * '3 d'.
 * @param seconds the duration, seconds
 */
export function formatDuration(language: Language, seconds: number): string {
  const s = Math.floor(Math.max(0, seconds));
  if (s < 60) return t(language, 'unit.seconds', { value: s });
  if (s < 3600) return t(language, 'unit.minutes', { value: Math.floor(s / 60) });
  if (s < 86_400) {
    const h = Math.floor(s / 3600);
    const min = Math.floor((s % 3600) / 60);
    return min === 0 ? t(language, 'unit.hours', { value: h }) : t(language, 'unit.hoursMinutes', { value: h, rest: min });
  }
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  return h === 0 ? t(language, 'unit.days', { value: d }) : t(language, 'unit.daysHours', { value: d, rest: h });
}
