import { INCIDENT_CATEGORIES, type IncidentCategory } from '../domain/types.js';

/**
 * The assumed shape of synthetic incidents in time and kind. ALL FIGURES ARE ATALAYA'S ASSUMPTIONS for
 * the demo, loosely modelled on how ECU 911 describes its caseload (citizen security the largest
 * service, then health, then traffic; few fires and natural-hazard events) — not its statistics.
 */

/** Share of each category among background incidents (sums to 1). */
export const CATEGORY_SHARES: Readonly<Record<IncidentCategory, number>> = {
  traffic: 0.15,
  medical: 0.25,
  fire: 0.05,
  security: 0.45,
  natural_hazard: 0.03,
  other: 0.07,
};

/**
 * Relative intensity by local hour 0…23 (only the shape matters; each category is normalised over
 * the window). Security peaks in the evening and night, traffic at the rush hours, medical through the
 * day, fires in the dry afternoon, natural hazards with afternoon convective rain, "other" in office
 * hours; everything is lowest around 03:00–05:00.
 */
// prettier-ignore
export const HOURLY_PROFILE: Readonly<Record<IncidentCategory, readonly number[]>> = {
  //                  0    1    2    3    4    5    6    7    8    9   10   11   12   13   14   15   16   17   18   19   20   21   22   23
  traffic:        [ 0.5, 0.4,0.35, 0.3,0.35, 0.6, 1.1, 1.6, 1.5, 1.1, 1.0, 1.0, 1.2, 1.3, 1.1, 1.1, 1.3, 1.7, 1.9, 1.6, 1.2, 1.0, 0.9, 0.7],
  medical:        [ 0.6, 0.5,0.45, 0.4, 0.4, 0.5, 0.7, 0.9, 1.1, 1.2,1.25,1.25, 1.2,1.15,1.15,1.15,1.15, 1.2,1.25,1.25,1.15, 1.0,0.85, 0.7],
  fire:           [ 0.4,0.35, 0.3, 0.3, 0.3,0.35, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.5, 1.8, 2.0, 1.9, 1.6, 1.3, 1.1, 1.0, 0.9, 0.7, 0.6, 0.5],
  security:       [ 1.2, 1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.3, 1.5, 1.7, 1.8, 1.8, 1.7, 1.5],
  natural_hazard: [ 0.8, 0.8,0.75,0.75,0.75, 0.8, 0.8,0.85, 0.9, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.4, 1.4,1.35, 1.3, 1.2, 1.1, 1.0, 0.9,0.85],
  other:          [ 0.3,0.25, 0.2, 0.2, 0.2, 0.3, 0.5, 0.9, 1.3, 1.5, 1.6, 1.6, 1.5, 1.5, 1.5, 1.5, 1.4, 1.3, 1.2, 1.0, 0.8, 0.6, 0.5, 0.4],
};

/**
 * Multiplier on weekend nights — Friday and Saturday from 20:00 to 04:59 the next morning, local time:
 * more fights and robberies, more drink-driving crashes.
 */
export const WEEKEND_NIGHT_FACTOR: Readonly<Record<IncidentCategory, number>> = {
  traffic: 1.8,
  medical: 1.2,
  fire: 1.0,
  security: 1.6,
  natural_hazard: 1.0,
  other: 1.0,
};

/**
 * Multiplier by month (January first): natural hazards follow the coastal rainy season
 * (January–April), fires the Andean dry season (July–September).
 */
export const MONTH_FACTOR: Readonly<Record<IncidentCategory, readonly number[]>> = {
  traffic: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1],
  medical: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  fire: [0.7, 0.6, 0.6, 0.7, 0.8, 0.9, 1.3, 1.8, 1.8, 1.2, 0.9, 0.8],
  security: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1],
  natural_hazard: [1.5, 1.8, 1.8, 1.5, 1.0, 0.7, 0.6, 0.6, 0.6, 0.7, 0.8, 1.1],
  other: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
};

/**
 * Share of each category's incidents placed along a main road instead of in a town (roads.ts):
 * crashes on the highways, a little of everything else in the countryside.
 */
export const ROAD_SHARE: Readonly<Record<IncidentCategory, number>> = {
  traffic: 0.35,
  medical: 0.04,
  fire: 0.04,
  security: 0.04,
  natural_hazard: 0.04,
  other: 0.04,
};

/** Probability of priority 1 (highest) … 5 for each category. */
export const PRIORITY_DISTRIBUTION: Readonly<Record<IncidentCategory, readonly number[]>> = {
  traffic: [0.08, 0.25, 0.37, 0.2, 0.1],
  medical: [0.15, 0.35, 0.3, 0.15, 0.05],
  fire: [0.2, 0.35, 0.3, 0.1, 0.05],
  security: [0.05, 0.2, 0.35, 0.25, 0.15],
  natural_hazard: [0.15, 0.3, 0.3, 0.15, 0.1],
  other: [0.01, 0.05, 0.2, 0.34, 0.4],
};

const HOUR_MS = 3_600_000;

/**
 * Unnormalised intensity of category `c` (index into INCIDENT_CATEGORIES) at the UTC instant `ms`
 * for a place whose civil time is UTC + `utcOffsetH` hours.
 */
export function categoryIntensity(c: number, ms: number, utcOffsetH: number): number {
  const category = INCIDENT_CATEGORIES[c] as IncidentCategory;
  const local = new Date(ms + utcOffsetH * HOUR_MS);
  const hour = local.getUTCHours();
  const dow = local.getUTCDay(); // 0 Sunday … 6 Saturday
  const weekendNight = ((dow === 5 || dow === 6) && hour >= 20) || ((dow === 6 || dow === 0) && hour < 5);
  return (
    (HOURLY_PROFILE[category][hour] as number) *
    (weekendNight ? WEEKEND_NIGHT_FACTOR[category] : 1) *
    (MONTH_FACTOR[category][local.getUTCMonth()] as number)
  );
}
