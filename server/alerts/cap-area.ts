/**
 * An alert's geometry as CAP 1.2 `<polygon>` and `<circle>` strings (CAP 1.2 §3.2.4): WGS 84, "lat,lon"
 * pairs — latitude first, unlike GeoJSON — separated by spaces.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { LngLat } from '../domain/types.js';

/** A circle: for alerts about a point (a camera, a volcano's summit) with a radius of concern. */
export interface CapCircle {
  type: 'Circle';
  center: LngLat;
  /** Radius, kilometres (CAP's unit). */
  radiusKm: number;
}

/** What an alert's area can be drawn from: a GeoJSON (Multi)Polygon in EPSG:4326, or a circle. */
export type CapGeometry = Polygon | MultiPolygon | CapCircle;

export interface CapAreaShapes {
  /** One per polygon's outer ring. */
  polygons: string[];
  circles: string[];
}

/** Decimal places kept: 1e-6° is about 0.11 m, far below any alert's precision. */
const DECIMALS = 6;

/**
 * The `<polygon>`/`<circle>` contents for a geometry. CAP has no holes: each polygon contributes its outer
 * ring only, so the area can only over-cover (the safe side for a warning). A MultiPolygon gives one
 * `<polygon>` per part; CAP reads several polygons in one `<area>` as their union.
 * @example capAreaShapes({ type: 'Circle', center: [-78.4368, -0.6838], radiusKm: 15 }).circles[0] === '-0.6838,-78.4368 15'
 */
export function capAreaShapes(geometry: CapGeometry): CapAreaShapes {
  switch (geometry.type) {
    case 'Polygon':
      return { polygons: [capPolygon(outerRing(geometry.coordinates, 0))], circles: [] };
    case 'MultiPolygon':
      return { polygons: geometry.coordinates.map((p, i) => capPolygon(outerRing(p, i))), circles: [] };
    case 'Circle':
      return { polygons: [], circles: [capCircle(geometry.center, geometry.radiusKm)] };
    default:
      throw new RangeError(
        `CAP area: unsupported geometry type ${JSON.stringify((geometry as { type: unknown }).type)}`,
      );
  }
}

/**
 * A CAP polygon from a GeoJSON linear ring ([lon, lat] positions). An unclosed ring is closed (CAP requires
 * first = last); fewer than four pairs after closing is an error, as CAP requires at least four.
 * @example capPolygon([[-78.5, -0.2], [-78.4, -0.2], [-78.4, -0.1], [-78.5, -0.2]]) === '-0.2,-78.5 -0.2,-78.4 -0.1,-78.4 -0.2,-78.5'
 */
export function capPolygon(ring: readonly Position[]): string {
  const pairs = ring.map((p, i) => latLon(p, `polygon vertex ${i}`));
  if (pairs.length > 0 && pairs[0] !== pairs[pairs.length - 1]) pairs.push(pairs[0]!);
  if (pairs.length < 4) {
    throw new RangeError(
      `CAP polygon needs at least 4 coordinate pairs (first = last), got ${JSON.stringify(ring)}`,
    );
  }
  return pairs.join(' ');
}

/**
 * A CAP circle: "lat,lon radius" with the radius in kilometres.
 * @param center [lon, lat], degrees
 * @param radiusKm kilometres, ≥ 0 (0 is a point, as in the specification's earthquake example)
 */
export function capCircle(center: LngLat | Position, radiusKm: number): string {
  if (!Number.isFinite(radiusKm) || radiusKm < 0)
    throw new RangeError(`CAP circle radius must be a finite number of km ≥ 0, got ${radiusKm}`);
  return `${latLon(center, 'circle centre')} ${num(radiusKm)}`;
}

function outerRing(rings: readonly Position[][], part: number): Position[] {
  const ring = rings[0];
  if (!ring) throw new RangeError(`CAP area: polygon ${part} has no rings: ${JSON.stringify(rings)}`);
  return ring;
}

function latLon(p: Position | LngLat, what: string): string {
  const lon = p[0];
  const lat = p[1];
  if (
    lon === undefined ||
    lat === undefined ||
    !Number.isFinite(lon) ||
    !Number.isFinite(lat) ||
    Math.abs(lon) > 180 ||
    Math.abs(lat) > 90
  ) {
    throw new RangeError(`CAP area: ${what} is not a [lon, lat] position in degrees: ${JSON.stringify(p)}`);
  }
  return `${num(lat)},${num(lon)}`;
}

/** Shortest decimal with at most DECIMALS places, never exponent notation, never "-0". */
function num(x: number): string {
  const s = String(Number(x.toFixed(DECIMALS)));
  return s === '-0' ? '0' : s;
}
