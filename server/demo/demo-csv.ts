import { INCIDENT_CATEGORIES, READING_QUALITIES, type Camera } from '../domain/types.js';
import { incidentExternalId, type IncidentColumns } from './demo-incidents.js';
import type { ReadingColumns } from './demo-readings.js';

/**
 * CSV text for PostgreSQL's `COPY table (columns) FROM STDIN WITH (FORMAT csv)` (or PGlite's
 * `COPY … FROM '/dev/blob'`), matching server/db/migrations/001_reference_and_core.sql. Points are
 * EWKT (`SRID=4326;POINT(lon lat)`), which the geometry type parses on input; instants are UTC
 * (`2025-05-31 23:59:00+00`); NULL is an empty unquoted field. Every row carries synthetic = true.
 */

export const CAMERA_COPY_COLUMNS = [
  'external_id',
  'name',
  'kind',
  'status',
  'geom',
  'mount_height_m',
  'azimuth_deg',
  'hfov_deg',
  'vfov_deg',
  'tilt_deg',
  'range_m',
  'resolution_h_px',
  'resolution_v_px',
  'install_date',
  'unit_cost_usd',
  'volcano_gvp',
  'synthetic',
] as const;

export const INCIDENT_COPY_COLUMNS = [
  'external_id',
  'category',
  'priority',
  'occurred_at',
  'geom',
  'description',
  'synthetic',
] as const;

export const READING_COPY_COLUMNS = [
  'camera_id',
  'ts',
  'max_temp_c',
  'mean_temp_c',
  'quality',
  'synthetic',
] as const;

/** All cameras as one CSV text (a few thousand rows), columns CAMERA_COPY_COLUMNS. */
export function cameraCsv(cameras: readonly Camera[]): string {
  let text = '';
  for (const c of cameras) {
    text +=
      [
        quote(c.externalId),
        quote(c.name),
        c.kind,
        c.status,
        point(c.position[0], c.position[1]),
        c.mountHeightM,
        c.azimuthDeg,
        c.hfovDeg,
        c.vfovDeg,
        c.tiltDeg,
        c.rangeM,
        c.resolutionHPx,
        c.resolutionVPx,
        c.installDate ?? '',
        c.unitCostUsd === null ? '' : c.unitCostUsd.toFixed(2),
        c.volcanoGvp ?? '',
        c.synthetic ? 't' : 'f',
      ].join(',') + '\n';
  }
  return text;
}

/**
 * The incidents as CSV text in chunks of `rowsPerChunk` lines, columns INCIDENT_COPY_COLUMNS. The
 * description says the incident is synthetic and, for a surge, names the scenario.
 */
export function* incidentCsvChunks(columns: IncidentColumns, rowsPerChunk = 1000): Generator<string> {
  const descriptions = INCIDENT_CATEGORIES.map((c) => [
    quote(`Synthetic demo incident: ${c.replace('_', ' ')}`),
    ...columns.surges.map((s) => quote(`Synthetic demo incident: ${c.replace('_', ' ')}. Surge: ${s.label}`)),
  ]);
  const clock = new UtcClock();
  // Lines gathered in an array and joined per chunk. Small chunks (≈1,000 rows, ≈130 kB) are 3× cheaper
  // than 20,000-row ones: fewer young strings survive to be copied by the garbage collector.
  let lines: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const c = columns.category[i] as number;
    lines.push(
      `${incidentExternalId(columns, i)},${INCIDENT_CATEGORIES[c]},${columns.priority[i]},` +
        `${clock.format(columns.timeMs[i] as number)},${point(columns.lon[i] as number, columns.lat[i] as number)},` +
        `${descriptions[c]?.[columns.surge[i] as number]},t\n`,
    );
    if (lines.length === rowsPerChunk) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/**
 * The readings as CSV text in chunks, columns READING_COPY_COLUMNS. `cameraIds[k]` is written as
 * camera_id for readings of `columns.cameras[k]`: the database ids after the cameras are inserted
 * (or external ids, when loading into a staging table that joins on them).
 */
export function* readingCsvChunks(
  columns: ReadingColumns,
  cameraIds: readonly (number | bigint | string)[],
  rowsPerChunk = 1000,
): Generator<string> {
  if (cameraIds.length !== columns.cameras.length) {
    throw new RangeError(`Expected ${columns.cameras.length} camera ids, got ${cameraIds.length}`);
  }
  const ids = cameraIds.map((id) => String(id));
  const clock = new UtcClock();
  let lines: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const mean = columns.meanTempC[i] as number;
    lines.push(
      `${ids[columns.camera[i] as number]},${clock.format(columns.timeMs[i] as number)},` +
        `${fixed2(columns.maxTempC[i] as number)},${Number.isNaN(mean) ? '' : fixed2(mean)},` +
        `${READING_QUALITIES[columns.quality[i] as number]},t\n`,
    );
    if (lines.length === rowsPerChunk) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('');
}

function point(lon: number, lat: number): string {
  return `SRID=4326;POINT(${lon} ${lat})`;
}

/** Like `value.toFixed(2)` (ties away from zero), several times faster: readings are written in millions. */
function fixed2(value: number): string {
  const cents = Math.round(Math.abs(value) * 100);
  const frac = cents % 100;
  return `${value < 0 && cents > 0 ? '-' : ''}${(cents - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Formats ms since epoch as `YYYY-MM-DD HH:MM:SS+00`, caching the date part (rows come in time order). */
class UtcClock {
  private day = Number.NaN;
  private prefix = '';
  private lastMs = Number.NaN;
  private last = '';

  format(ms: number): string {
    if (ms === this.lastMs) return this.last;
    this.lastMs = ms;
    this.last = this.build(ms);
    return this.last;
  }

  private build(ms: number): string {
    const day = Math.floor(ms / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.prefix = new Date(day * 86_400_000).toISOString().slice(0, 10);
    }
    const s = Math.floor((ms - day * 86_400_000) / 1000);
    const hh = Math.floor(s / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = s % 60;
    return `${this.prefix} ${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}:${ss < 10 ? '0' : ''}${ss}+00`;
  }
}
