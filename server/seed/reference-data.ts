/**
 * Parses Atalaya's reference data (data/README.md gives sources and licences) into domain
 * objects. Pure: text in, objects out; loading into the database is load-reference.ts.
 */
import { parse } from 'csv-parse/sync';
import type { Center, Volcano } from '../domain/types.js';

/** Volcanoes get thermal cameras when they erupted since this year and stand above sea level. */
export const MONITORED_SINCE_YEAR = 1900;

/**
 * Year of a GVP "last known eruption" field: `2024 CE` → 2024, `6650 BCE` → −6650,
 * `Unknown` (or anything else) → null.
 */
export function parseEruptionYear(text: string): number | null {
  const m = /^(\d{1,5})\s*(CE|BCE)$/.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  return m[2] === 'BCE' ? -year : year;
}

function rowsOf(csvText: string, required: readonly string[], file: string): Record<string, string>[] {
  const rows = parse(csvText, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  for (const [i, row] of rows.entries()) {
    for (const column of required) {
      if (row[column] === undefined || row[column] === '') {
        throw new Error(`${file} line ${i + 2}: column "${column}" is missing or empty`);
      }
    }
  }
  return rows;
}

function coordinate(value: string, file: string, line: number, field: string, limit: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || Math.abs(n) > limit)
    throw new Error(`${file} line ${line}: ${field} ${JSON.stringify(value)} is not a coordinate`);
  return n;
}

/** data/centers.csv: the 16 regional response centers and the provinces each serves. */
export function parseCenters(csvText: string): Center[] {
  const file = 'centers.csv';
  return rowsOf(csvText, ['center_id', 'name', 'kind', 'city', 'lon', 'lat', 'provinces'], file).map(
    (r, i) => {
      if (r.kind !== 'zonal' && r.kind !== 'local')
        throw new Error(`${file} line ${i + 2}: kind must be zonal or local, got ${JSON.stringify(r.kind)}`);
      return {
        id: r.center_id!,
        name: r.name!,
        kind: r.kind,
        city: r.city!,
        position: [coordinate(r.lon!, file, i + 2, 'lon', 180), coordinate(r.lat!, file, i + 2, 'lat', 90)],
        provinces: r
          .provinces!.split(';')
          .map((p) => p.trim())
          .filter(Boolean),
      };
    },
  );
}

/** data/volcanoes.csv: the Smithsonian GVP Holocene volcanoes of Ecuador. */
export function parseVolcanoes(csvText: string): Volcano[] {
  const file = 'volcanoes.csv';
  const required = [
    'gvp_number',
    'name',
    'country',
    'region',
    'primary_type',
    'last_known_eruption',
    'lat',
    'lon',
    'elevation_m',
  ];
  return rowsOf(csvText, required, file).map((r, i) => {
    const lastEruptionYear = parseEruptionYear(r.last_known_eruption!);
    const elevationM = Number(r.elevation_m);
    const gvpNumber = Number(r.gvp_number);
    if (!Number.isInteger(gvpNumber))
      throw new Error(`${file} line ${i + 2}: gvp_number ${JSON.stringify(r.gvp_number)} is not an integer`);
    if (!Number.isFinite(elevationM))
      throw new Error(`${file} line ${i + 2}: elevation_m ${JSON.stringify(r.elevation_m)} is not a number`);
    return {
      gvpNumber,
      name: r.name!,
      country: r.country!,
      volcanicRegion: r.region!,
      primaryType: r.primary_type!,
      lastKnownEruption: r.last_known_eruption!,
      lastEruptionYear,
      elevationM,
      position: [coordinate(r.lon!, file, i + 2, 'lon', 180), coordinate(r.lat!, file, i + 2, 'lat', 90)],
      monitored: lastEruptionYear !== null && lastEruptionYear >= MONITORED_SINCE_YEAR && elevationM > 0,
    };
  });
}
