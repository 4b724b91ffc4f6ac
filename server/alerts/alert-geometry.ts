/**
 * Where an alert is, from its scope key (server/rules/scope.ts): the thing the map and the bbox filter
 * show it at. A thermal alert of a camera watching a volcano is placed at the volcano (that is where the
 * heat is); any other camera alert at the camera; a region alert is the region's polygon; an H3 alert
 * the cell's hexagon (h3-js `cellToBoundary`).
 */
import { cellToBoundary, isValidCell } from 'h3-js';
import type { RuleKind } from '../rules/rule-schema.js';

export type AlertPlace =
  | { type: 'camera'; cameraId: string; atVolcano: boolean }
  | { type: 'region'; centerId: string }
  /** A polygon in WKT, EPSG:4326. */
  | { type: 'polygon'; wkt: string };

const THERMAL_KINDS: ReadonlySet<RuleKind> = new Set([
  'thermal_threshold',
  'thermal_rate',
  'thermal_anomaly',
]);
const OBSCURED_SUFFIX = ':obscured';

/** The place of an alert with this scope key, or null for keys with no place (`input:incident`). */
export function alertPlace(scopeKey: string, kind: RuleKind): AlertPlace | null {
  const colon = scopeKey.indexOf(':');
  if (colon < 0) return null;
  const type = scopeKey.slice(0, colon);
  const rest = scopeKey.slice(colon + 1);
  if (type === 'camera' && rest.length > 0) {
    const thermal = THERMAL_KINDS.has(kind);
    // Only thermal rules make `camera:<id>:obscured` keys; a camera id may itself contain colons.
    const cameraId =
      thermal && rest.endsWith(OBSCURED_SUFFIX) ? rest.slice(0, -OBSCURED_SUFFIX.length) : rest;
    return { type: 'camera', cameraId, atVolcano: thermal };
  }
  if (type === 'region' && rest.length > 0) return { type: 'region', centerId: rest };
  if (type === 'h3' && isValidCell(rest)) return { type: 'polygon', wkt: h3CellWkt(rest) };
  return null;
}

/** The closed hexagon (or pentagon) of an H3 cell as a WKT polygon, lng lat order. */
export function h3CellWkt(cell: string): string {
  // In GeoJSON order the ring comes back closed (last vertex = first).
  const ring = cellToBoundary(cell, true);
  return `POLYGON((${ring.map(([lng, lat]) => `${lng} ${lat}`).join(', ')}))`;
}
