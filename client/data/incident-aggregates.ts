/** Incident aggregates the server sends (GET /api/incidents/density and /api/incidents/histogram). */

export interface IncidentDensity {
  /** H3 resolution of the cells. */
  res: number;
  from: string | null;
  to: string | null;
  total: number;
  /** How many of the counted incidents are synthetic. */
  synthetic: number;
  /** Cells with at least one incident, most first. */
  cells: { h3: string; n: number }[];
}

export interface IncidentHistogram {
  from: string;
  to: string;
  bucketSeconds: number;
  total: number;
  synthetic: number;
  /** Every bucket of the range, oldest first. */
  buckets: { t: string; n: number }[];
}
