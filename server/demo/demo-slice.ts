/**
 * How much synthetic demo data to generate: the small slice `npm start` loads by default (a first start
 * stays well under a minute) and the full set `npm run demo-data -- --full` loads.
 *
 * | part      | slice (default)                                           | full                                |
 * |-----------|-----------------------------------------------------------|-------------------------------------|
 * | cameras   | all 4,500 (41 thermal)                                    | the same                            |
 * | incidents | last 30 days of the 365-day series, ≈ 81,000–84,000       | 365 days, ≈ 1,000,000               |
 * | readings  | last 3 days of the 30-day series, ≈ 174,000 rows          | 30 days, 1/min × 41 cameras ≈ 1.75M |
 *
 * The slice is exactly the tail of the full set (same ids, values and times): both are generated over
 * the same windows and only emitted from `fromMs`, so loading the full set later adds rows without
 * contradicting the slice. The slice's 30 days hold the festival-night surge; its 3 days of readings hold
 * the Sangay spike and the Reventador rise with its silent camera (the Cotopaxi rise needs the full set).
 */

export type DemoDataSize = 'slice' | 'full';

export interface DemoDataPlan {
  size: DemoDataSize;
  seed: number | string;
  /** End of every series (exclusive), ms since epoch. */
  endMs: number;
  cameras: { count: number };
  incidents: { count: number; days: number; fromMs: number };
  readings: { days: number; fromMs: number };
}

/** The seed used unless the caller gives another (ECU 911's number). */
export const DEFAULT_DEMO_SEED = 911;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Days of each series in the full set, and how much of it the slice keeps. */
export const DEMO_SIZES = {
  cameras: 4500,
  incidentsPerYear: 1_000_000,
  incidentDays: 365,
  readingDays: 30,
  sliceIncidentDays: 30,
  sliceReadingDays: 3,
} as const;

/**
 * The plan for a slice or the full set ending at `endMs`, which is floored to the whole hour so that
 * two runs in the same hour produce identical data (pass a fixed instant for full reproducibility).
 *
 * @example
 * demoDataPlan('slice', Date.parse('2025-06-01T12:34:00Z')).incidents.fromMs // 2025-05-02T12:00Z
 */
export function demoDataPlan(
  size: DemoDataSize,
  endMs: number,
  seed: number | string = DEFAULT_DEMO_SEED,
): DemoDataPlan {
  if (!Number.isFinite(endMs)) throw new RangeError(`Invalid endMs: ${endMs}`);
  if (size !== 'slice' && size !== 'full') throw new RangeError(`Unknown demo data size: ${String(size)}`);
  const end = Math.floor(endMs / HOUR_MS) * HOUR_MS;
  const s = DEMO_SIZES;
  const full = size === 'full';
  return {
    size,
    seed,
    endMs: end,
    cameras: { count: s.cameras },
    incidents: {
      count: s.incidentsPerYear,
      days: s.incidentDays,
      fromMs: end - (full ? s.incidentDays : s.sliceIncidentDays) * DAY_MS,
    },
    readings: { days: s.readingDays, fromMs: end - (full ? s.readingDays : s.sliceReadingDays) * DAY_MS },
  };
}
