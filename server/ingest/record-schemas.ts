import { z } from 'zod';
import {
  CAMERA_KINDS,
  CAMERA_STATUSES,
  INCIDENT_CATEGORIES,
  READING_QUALITIES,
  type Camera,
  type Incident,
  type ThermalReading,
} from '../domain/types.js';
import { ECUADOR_EXTENT, isInsideExtent, type Extent } from './extent.js';
import {
  calendarDate,
  decimal,
  flag,
  instant,
  integer,
  oneOf,
  optional,
  required,
  text,
  type Codec,
} from './field-codecs.js';
import { quote } from './ingest-errors.js';

/**
 * One record of each importable kind, as zod schemas over a flat object keyed by snake_case
 * column names (CSV header, JSON property, GeoJSON `properties` plus `lon`/`lat` from the Point).
 * Units are in the names (`_m` metres, `_deg` degrees, `_c` degrees Celsius, `_usd` US dollars,
 * `_px` pixels); there is no unit column. Numeric limits mirror the CHECKs in
 * server/db/migrations/001_reference_and_core.sql so that a validated record always inserts.
 * The formats are documented for users in data/samples/README.md.
 */

export const INGEST_KINDS = ['cameras', 'incidents', 'readings'] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];
/** A reading as imported: the domain's ThermalReading plus the row's synthetic flag (a column of
 *  thermal_readings that the domain type lacks). */
export type ImportedReading = ThermalReading & { synthetic: boolean };
export interface IngestRecordOf {
  cameras: Camera;
  incidents: Incident;
  readings: ImportedReading;
}

export interface ColumnSpec {
  name: string;
  /** Required in every row; some optional columns are required by others (see the schemas). */
  required: boolean;
}

/** Everything a parser needs to know about one kind of record. */
export interface RecordSpec<T> {
  kind: IngestKind;
  columns: readonly ColumnSpec[];
  /** Whether records carry a position (lon/lat, or a GeoJSON Point). */
  hasPosition: boolean;
  /** From a flat object keyed by column name to the domain record. */
  schema: z.ZodType<T, Record<string, unknown>>;
  /** Two records with the same key in one batch are duplicates. */
  duplicateKey(record: T): string;
  /** The column a duplicate is reported on, and how it is described. */
  duplicateField: string;
  duplicateWhat: string;
}

export interface RecordSchemaOptions {
  /** Where positions may lie; default {@link ECUADOR_EXTENT}. */
  extent?: Extent;
  /** External ids of the cameras readings may refer to (from the database); unchecked when absent. */
  knownCameraIds?: ReadonlySet<string> | ((externalId: string) => boolean);
  /** GVP numbers a camera's volcano_gvp may take (the volcanoes table); unchecked when absent. */
  knownVolcanoGvps?: ReadonlySet<number>;
}

/** The key issues about a position as a whole (extent) are reported on; GeoJSON renames it. */
export const POSITION_FIELD = 'lon,lat';

export const CAMERA_COLUMNS = columns(
  [
    'external_id',
    'name',
    'kind',
    'lon',
    'lat',
    'mount_height_m',
    'hfov_deg',
    'range_m',
    'resolution_h_px',
    'resolution_v_px',
  ],
  [
    'status',
    'azimuth_deg',
    'vfov_deg',
    'tilt_deg',
    'install_date',
    'unit_cost_usd',
    'volcano_gvp',
    'synthetic',
  ],
);
export const INCIDENT_COLUMNS = columns(
  ['external_id', 'category', 'occurred_at', 'lon', 'lat'],
  ['priority', 'description', 'synthetic'],
);
export const READING_COLUMNS = columns(
  ['camera_id', 'ts', 'max_temp_c'],
  ['mean_temp_c', 'quality', 'synthetic'],
);

const externalId = text({ maxLength: 100 });
const lon = decimal({ min: -180, max: 180, unit: '°' });
const lat = decimal({ min: -90, max: 90, unit: '°' });
// The physical range of the thermal cameras' output, as the DB CHECK on thermal_readings.
const temperatureC = decimal({ min: -80, max: 1500, unit: '°C' });

/**
 * A camera. Defaults: status online, tilt_deg 0, azimuth_deg 0 when hfov_deg is 360 (a patrolling
 * PTZ or dome; otherwise required), vfov_deg from hfov_deg and the aspect ratio when hfov_deg < 180
 * (rectilinear lens, square pixels: vfov = 2·atan(tan(hfov/2)·v/h); otherwise required).
 */
export function cameraSchema(options: RecordSchemaOptions = {}): z.ZodType<Camera, Record<string, unknown>> {
  const extent = options.extent ?? ECUADOR_EXTENT;
  const gvps = options.knownVolcanoGvps;
  const volcanoGvp: Codec<number> = (raw) => {
    const n = integer({ min: 1, max: 999_999, unit: '' })(raw);
    if (n.ok && gvps && !gvps.has(n.value))
      return { ok: false, message: `is not a known volcano GVP number, got ${n.value}` };
    return n;
  };
  return z
    .object({
      external_id: required(externalId),
      name: required(text({ maxLength: 200 })),
      kind: required(oneOf(CAMERA_KINDS)),
      status: optional(oneOf(CAMERA_STATUSES), 'online' as const),
      lon: required(lon),
      lat: required(lat),
      mount_height_m: required(decimal({ min: 0, max: 500, unit: 'm' })),
      azimuth_deg: optional(decimal({ min: 0, max: 360, maxExclusive: true, unit: '°' }), null),
      hfov_deg: required(decimal({ min: 0, max: 360, minExclusive: true, unit: '°' })),
      vfov_deg: optional(decimal({ min: 0, max: 180, minExclusive: true, unit: '°' }), null),
      tilt_deg: optional(decimal({ min: -90, max: 90, unit: '°' }), 0),
      range_m: required(decimal({ min: 0, max: 50_000, minExclusive: true, unit: 'm' })),
      resolution_h_px: required(integer({ min: 1, max: 100_000, unit: 'px' })),
      resolution_v_px: required(integer({ min: 1, max: 100_000, unit: 'px' })),
      install_date: optional(calendarDate, null),
      // numeric(12, 2) in the database.
      unit_cost_usd: optional(decimal({ min: 0, max: 9_999_999_999.99, unit: 'USD' }), null),
      volcano_gvp: optional(volcanoGvp, null),
      synthetic: optional(flag, false),
    })
    .transform((row, ctx): Camera => {
      const inside = checkExtent(extent, row.lon, row.lat, ctx);
      let azimuthDeg = row.azimuth_deg;
      if (azimuthDeg === null) {
        if (row.hfov_deg === 360) azimuthDeg = 0;
        else
          issue(ctx, 'azimuth_deg', `is required when hfov_deg is below 360 (got hfov_deg ${row.hfov_deg})`);
      }
      let vfovDeg = row.vfov_deg;
      if (vfovDeg === null) {
        if (row.hfov_deg < 180) vfovDeg = verticalFov(row.hfov_deg, row.resolution_h_px, row.resolution_v_px);
        else
          issue(ctx, 'vfov_deg', `is required when hfov_deg is 180 or more (got hfov_deg ${row.hfov_deg})`);
      }
      if (!inside || azimuthDeg === null || vfovDeg === null) return z.NEVER;
      return {
        externalId: row.external_id,
        name: row.name,
        kind: row.kind,
        status: row.status,
        position: [row.lon, row.lat],
        mountHeightM: row.mount_height_m,
        azimuthDeg,
        hfovDeg: row.hfov_deg,
        vfovDeg,
        tiltDeg: row.tilt_deg,
        rangeM: row.range_m,
        resolutionHPx: row.resolution_h_px,
        resolutionVPx: row.resolution_v_px,
        installDate: row.install_date,
        unitCostUsd: row.unit_cost_usd,
        volcanoGvp: row.volcano_gvp,
        synthetic: row.synthetic,
      };
    });
}

/** An incident. priority is 1 (highest) to 5; description at most 2000 characters (DB CHECK). */
export function incidentSchema(
  options: RecordSchemaOptions = {},
): z.ZodType<Incident, Record<string, unknown>> {
  const extent = options.extent ?? ECUADOR_EXTENT;
  return z
    .object({
      external_id: required(externalId),
      category: required(oneOf(INCIDENT_CATEGORIES)),
      priority: optional(integer({ min: 1, max: 5, unit: '' }), null),
      occurred_at: required(instant),
      lon: required(lon),
      lat: required(lat),
      description: optional(text({ maxLength: 2000, multiline: true }), null),
      synthetic: optional(flag, false),
    })
    .transform((row, ctx): Incident => {
      if (!checkExtent(extent, row.lon, row.lat, ctx)) return z.NEVER;
      return {
        externalId: row.external_id,
        category: row.category,
        priority: row.priority,
        occurredAt: row.occurred_at,
        position: [row.lon, row.lat],
        description: row.description || null,
        synthetic: row.synthetic,
      };
    });
}

/** A thermal reading: camera_id is the camera's external id; temperatures in °C, −80…1500. */
export function readingSchema(
  options: RecordSchemaOptions = {},
): z.ZodType<ImportedReading, Record<string, unknown>> {
  const known = options.knownCameraIds;
  const isKnown =
    known === undefined ? () => true : typeof known === 'function' ? known : (id: string) => known.has(id);
  const cameraId: Codec<string> = (raw) => {
    const id = externalId(raw);
    if (id.ok && !isKnown(id.value))
      return { ok: false, message: `is not a known camera external id, got ${quote(id.value)}` };
    return id;
  };
  return z
    .object({
      camera_id: required(cameraId),
      ts: required(instant),
      max_temp_c: required(temperatureC),
      mean_temp_c: optional(temperatureC, null),
      quality: optional(oneOf(READING_QUALITIES), 'ok' as const),
      synthetic: optional(flag, false),
    })
    .transform((row, ctx): ImportedReading => {
      if (row.mean_temp_c !== null && row.mean_temp_c > row.max_temp_c) {
        issue(
          ctx,
          'mean_temp_c',
          `must not exceed max_temp_c (${row.max_temp_c} °C), got ${row.mean_temp_c}`,
        );
        return z.NEVER;
      }
      return {
        cameraExternalId: row.camera_id,
        ts: row.ts,
        maxTempC: row.max_temp_c,
        meanTempC: row.mean_temp_c,
        quality: row.quality,
        synthetic: row.synthetic,
      };
    });
}

/** The spec for `kind`, with its schema built from `options`. */
export function recordSpec<K extends IngestKind>(
  kind: K,
  options: RecordSchemaOptions = {},
): RecordSpec<IngestRecordOf[K]> {
  return buildSpec(kind, options) as RecordSpec<IngestRecordOf[K]>;
}

function buildSpec(
  kind: IngestKind,
  options: RecordSchemaOptions,
): RecordSpec<Camera> | RecordSpec<Incident> | RecordSpec<ImportedReading> {
  switch (kind) {
    case 'cameras':
      return {
        kind,
        columns: CAMERA_COLUMNS,
        hasPosition: true,
        schema: cameraSchema(options),
        duplicateKey: (c: Camera) => c.externalId,
        duplicateField: 'external_id',
        duplicateWhat: 'external_id',
      };
    case 'incidents':
      return {
        kind,
        columns: INCIDENT_COLUMNS,
        hasPosition: true,
        schema: incidentSchema(options),
        duplicateKey: (i: Incident) => i.externalId,
        duplicateField: 'external_id',
        duplicateWhat: 'external_id',
      };
    case 'readings':
      return {
        kind,
        columns: READING_COLUMNS,
        hasPosition: false,
        schema: readingSchema(options),
        // ts is canonical UTC, so the same instant written in two zones collides here as in the
        // (camera_id, ts) primary key.
        duplicateKey: (r: ImportedReading) => `${r.cameraExternalId}\u0000${r.ts}`,
        duplicateField: 'ts',
        duplicateWhat: 'camera_id and ts',
      };
  }
}

/** Vertical field of view of a rectilinear lens with square pixels, degrees. */
export function verticalFov(hfovDeg: number, widthPx: number, heightPx: number): number {
  const halfH = (hfovDeg * Math.PI) / 360;
  return (2 * Math.atan(Math.tan(halfH) * (heightPx / widthPx)) * 180) / Math.PI;
}

function checkExtent(extent: Extent, lng: number, lat: number, ctx: z.RefinementCtx): boolean {
  if (isInsideExtent(extent, lng, lat)) return true;
  // Name the two slips that put Ecuadorian data elsewhere: swapped columns, a lost minus sign.
  const hint = isInsideExtent(extent, lat, lng)
    ? '; lon and lat look swapped'
    : isInsideExtent(extent, -lng, lat) ||
        isInsideExtent(extent, -lng, -lat) ||
        isInsideExtent(extent, lng, -lat)
      ? '; a sign looks wrong (west longitudes are negative)'
      : '';
  issue(ctx, POSITION_FIELD, `(${lng}, ${lat}) is outside the import extent "${extent.name}"${hint}`);
  return false;
}

function issue(ctx: z.RefinementCtx, field: string, message: string): void {
  ctx.addIssue({ code: 'custom', path: [field], message });
}

function columns(requiredNames: string[], optionalNames: string[]): readonly ColumnSpec[] {
  return [
    ...requiredNames.map((name) => ({ name, required: true })),
    ...optionalNames.map((name) => ({ name, required: false })),
  ];
}
