import { checkRecord } from './check-record.js';
import type { FieldIssue } from './ingest-errors.js';
import { POSITION_FIELD, type RecordSpec } from './record-schemas.js';

/**
 * Validate one parsed JSON value as a record of `spec`. Two shapes are accepted:
 * - a GeoJSON Feature: `properties` are the columns, a Point `geometry` gives lon and lat (a third,
 *   altitude, coordinate is ignored), and the Feature's `id` stands for `external_id` when the
 *   properties lack one. Kinds without a position (readings) need `geometry: null`.
 * - a plain object whose keys are the columns, lon and lat included.
 * Fields are named as in the source: "properties.kind", "geometry.coordinates[1]", "id".
 */
export function checkJsonItem<T>(
  spec: RecordSpec<T>,
  value: unknown,
): { record: T } | { errors: FieldIssue[] } {
  if (!isObject(value)) {
    return {
      errors: [
        {
          field: null,
          message: `must be a JSON object (a record or a GeoJSON Feature), got ${describe(value)}`,
        },
      ],
    };
  }
  if (value.type === 'Feature') return checkFeature(spec, value);
  if ('type' in value) {
    return {
      errors: [{ field: 'type', message: `must be "Feature" or absent, got ${JSON.stringify(value.type)}` }],
    };
  }
  return checkRecord(spec, value);
}

function checkFeature<T>(
  spec: RecordSpec<T>,
  feature: Record<string, unknown>,
): { record: T } | { errors: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  const properties = feature.properties ?? {};
  if (!isObject(properties))
    return { errors: [{ field: 'properties', message: `must be an object, got ${describe(properties)}` }] };
  const flat: Record<string, unknown> = { ...properties };
  let idFromFeature = false;

  const hasExternalId = spec.columns.some((c) => c.name === 'external_id');
  if (hasExternalId && feature.id !== undefined && feature.id !== null) {
    if (flat.external_id === undefined || flat.external_id === null) {
      flat.external_id = feature.id;
      idFromFeature = true;
    } else if (String(flat.external_id) !== String(feature.id)) {
      errors.push({
        field: 'id',
        message: `differs from properties.external_id (${JSON.stringify(flat.external_id)}), got ${JSON.stringify(feature.id)}`,
      });
    }
  }

  const geometry = feature.geometry;
  if (spec.hasPosition) {
    for (const key of ['lon', 'lat']) {
      if (key in flat) {
        errors.push({
          field: `properties.${key}`,
          message: 'must be absent: a Feature takes its position from geometry',
        });
        delete flat[key];
      }
    }
    const position = readPoint(geometry);
    if ('message' in position) errors.push({ field: position.field, message: position.message });
    else [flat.lon, flat.lat] = position.coordinates;
  } else if (geometry !== null && geometry !== undefined) {
    errors.push({
      field: 'geometry',
      message: `must be null: ${spec.kind} carry no position, got ${describe(geometry)}`,
    });
  }

  const checked = checkRecord(spec, flat, (column) => {
    if (column === 'lon') return 'geometry.coordinates[0]';
    if (column === 'lat') return 'geometry.coordinates[1]';
    if (column === POSITION_FIELD) return 'geometry.coordinates';
    if (column === 'external_id' && idFromFeature) return 'id';
    return `properties.${column}`;
  });
  if ('record' in checked && errors.length === 0) return checked;
  // A missing geometry makes lon and lat "required" as well; say it once.
  const fromSchema = 'errors' in checked ? checked.errors : [];
  const geometryBroken = errors.some((e) => e.field?.startsWith('geometry'));
  return {
    errors: [...errors, ...fromSchema.filter((e) => !(geometryBroken && e.field?.startsWith('geometry')))],
  };
}

function readPoint(
  geometry: unknown,
): { coordinates: [number, number] } | { field: string; message: string } {
  if (!isObject(geometry))
    return { field: 'geometry', message: `must be a Point, got ${describe(geometry)}` };
  if (geometry.type !== 'Point')
    return { field: 'geometry.type', message: `must be "Point", got ${JSON.stringify(geometry.type)}` };
  const c = geometry.coordinates;
  if (!Array.isArray(c) || c.length < 2 || c.length > 3) {
    return {
      field: 'geometry.coordinates',
      message: `must be [lon, lat] or [lon, lat, altitude], got ${describe(c)}`,
    };
  }
  for (let i = 0; i < c.length; i++) {
    if (typeof c[i] !== 'number')
      return {
        field: `geometry.coordinates[${i}]`,
        message: `must be a number, got ${JSON.stringify(c[i])}`,
      };
  }
  return { coordinates: [c[0] as number, c[1] as number] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return value.length > 4 ? `an array of ${value.length}` : JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
