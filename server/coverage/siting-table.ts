/**
 * The siting table's rows and their downloads (CSV, GeoJSON points): pure, with no Node or database,
 * so the server's POST /api/siting?format=… and the planner's export buttons (client/panels) write the
 * very same files from one definition.
 */
import type { FeatureCollection, Point } from 'geojson';
import { csvRow } from '../csv-format.js';

/** A row of the siting table. */
export interface SitingRow {
  rank: number;
  lon: number;
  lat: number;
  azimuthDeg: number;
  source: string;
  label: string;
  costUsd: number;
  cumulativeCostUsd: number;
  /** Demand this site adds to those before it. */
  marginalGain: number;
  marginalGainPct: number | null;
  cumulativeCovered: number;
  cumulativeCoveredPct: number | null;
  /** Cells (and km²) of the area this site is the first to see. */
  newCells: number;
  newAreaKm2: number;
}

export const SITING_CSV_COLUMNS = [
  'rank',
  'lon',
  'lat',
  'azimuth_deg',
  'source',
  'label',
  'cost_usd',
  'cumulative_cost_usd',
  'marginal_gain',
  'marginal_gain_pct',
  'cumulative_covered',
  'cumulative_covered_pct',
  'new_cells',
  'new_area_km2',
] as const;

/** The ranked table as RFC 4180 CSV (CRLF lines, quoted where needed, null empty). */
export function sitingCsv(rows: readonly SitingRow[]): string {
  return [
    csvRow(SITING_CSV_COLUMNS),
    ...rows.map((r) =>
      csvRow([
        r.rank,
        r.lon,
        r.lat,
        r.azimuthDeg,
        r.source,
        r.label,
        r.costUsd,
        r.cumulativeCostUsd,
        r.marginalGain,
        r.marginalGainPct,
        r.cumulativeCovered,
        r.cumulativeCoveredPct,
        r.newCells,
        r.newAreaKm2,
      ]),
    ),
  ].join('');
}

/** The chosen sites as points, with their row of the table. */
export function sitesFeatureCollection(rows: readonly SitingRow[]): FeatureCollection<Point, SitingRow> {
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      id: r.rank,
      geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
      properties: { ...r },
    })),
  };
}
