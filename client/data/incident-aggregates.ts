/**
 * Incident aggregates the server sends (GET /api/incidents/density and /api/incidents/histogram):
 * the types of the routes' response schemas (server/api/density-routes.ts), so a change there is a
 * type error here. Density: H3 resolution, the window counted (null ends: open), the total and how
 * many are synthetic, and the cells with at least one incident, most first. Histogram: every bucket
 * of [from, to), oldest first.
 */
export type {
  IncidentDensityBody as IncidentDensity,
  IncidentHistogramBody as IncidentHistogram,
} from '../../server/api/density-routes.js';
