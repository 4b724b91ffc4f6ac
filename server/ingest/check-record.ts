import type { FieldIssue } from './ingest-errors.js';
import type { RecordSpec } from './record-schemas.js';

/**
 * Validate one flat record (keys are column names) against `spec`: unknown keys are refused —
 * a misspelt optional column would otherwise be dropped in silence and its default used — and
 * the zod schema's issues are named by `sourceName`, which maps a column to where it came from
 * (a GeoJSON parser names `lat` "geometry.coordinates[1]").
 */
export function checkRecord<T>(
  spec: RecordSpec<T>,
  flat: Record<string, unknown>,
  sourceName: (column: string) => string = (column) => column,
): { record: T } | { errors: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  for (const key of Object.keys(flat)) {
    if (!spec.columns.some((c) => c.name === key))
      errors.push({ field: sourceName(key), message: unknownColumnMessage(spec, key) });
  }
  const parsed = spec.schema.safeParse(flat);
  if (parsed.success && errors.length === 0) return { record: parsed.data };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const column = issue.path[0];
      errors.push({ field: typeof column === 'string' ? sourceName(column) : null, message: issue.message });
    }
  }
  return { errors };
}

const UNIT_SUFFIX = /_(c|k|f|m|km|ft|deg|rad|usd|px)$/;
const ALIASES: Record<string, string> = {
  lng: 'lon',
  long: 'lon',
  longitude: 'lon',
  x: 'lon',
  latitude: 'lat',
  y: 'lat',
  id: 'external_id',
  camera: 'camera_id',
  camera_external_id: 'camera_id',
  timestamp: 'ts',
  time: 'ts',
  datetime: 'ts',
};

/** Why `name` is not a column of `spec`, with the likeliest intended column when there is one. */
export function unknownColumnMessage(spec: RecordSpec<unknown>, name: string): string {
  const names = spec.columns.map((c) => c.name);
  const base = `unknown ${spec.kind === 'readings' ? 'reading' : spec.kind.slice(0, -1)} field "${name}"`;
  if (/^(temp(erature)?_)?units?$/.test(name)) {
    return `${base}: there is no unit column; units are part of the column names (max_temp_c is in °C, range_m in metres), so convert values before import`;
  }
  const stem = name.replace(UNIT_SUFFIX, '');
  const sameStem = names.find((known) => known !== name && known.replace(UNIT_SUFFIX, '') === stem);
  if (sameStem)
    return `${base}: the unit is part of the name, use "${sameStem}" and convert values to its unit`;
  const alias = ALIASES[name];
  if (alias && names.includes(alias)) return `${base}: did you mean "${alias}"?`;
  // Two edits, but not more than a third of the name: "a" is not a misspelling of "lat".
  const close = names.find((known) => {
    const d = editDistance(known, name);
    return d <= 2 && d * 3 <= name.length;
  });
  if (close) return `${base}: did you mean "${close}"?`;
  return `${base}; expected ${names.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
