/**
 * XYZ tile arithmetic in spherical Web Mercator (EPSG:3857), the tiling MapLibre requests.
 *
 * Tile (z, x, y) covers the global pixels [x·S, (x+1)·S) × [y·S, (y+1)·S) of a 2^z·S square world,
 * x growing east from −180°, y growing south from +85.0511°. Formulas: OSM "Slippy map tilenames"
 * and EPSG Guidance Note 7-2 §1.3.3.2 (Popular Visualisation Pseudo-Mercator):
 *   x/2^z = (λ + 180°)/360°,   y/2^z = (1 − ln(tan φ + sec φ)/π)/2,
 *   φ = atan(sinh(π(1 − 2y/2^z))).
 */
import type { BBox } from '../domain/types.js';
import { metresPerDegree } from '../coverage/ground-scale.js';

/** Pixels on a side of a raster tile (MapLibre's default tileSize). */
export const TILE_SIZE = 256;

/** Latitude where the square Web Mercator world ends: atan(sinh π), degrees. */
export const MAX_MERCATOR_LAT = (Math.atan(Math.sinh(Math.PI)) * 180) / Math.PI;

const DEG = Math.PI / 180;

/** Longitude of a global tile coordinate (fractional tiles allowed) at zoom z, degrees. */
export function tileXToLon(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

/** Latitude of a global tile coordinate (fractional tiles allowed) at zoom z, degrees. */
export function tileYToLat(y: number, z: number): number {
  return Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) / DEG;
}

/** Fractional tile column of a longitude at zoom z. */
export function lonToTileX(lon: number, z: number): number {
  return ((lon + 180) / 360) * 2 ** z;
}

/** Fractional tile row of a latitude at zoom z (clamped to the Mercator square). */
export function latToTileY(lat: number, z: number): number {
  const phi = Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat)) * DEG;
  return ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * 2 ** z;
}

/** The tile holding a point at zoom z. */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, Math.floor(v)));
  return { x: clamp(lonToTileX(lon, z)), y: clamp(latToTileY(lat, z)) };
}

/**
 * The tile's outer edges as [west, south, east, north], degrees.
 * @example tileBounds(9, 144, 256) → [−78.75, −0.70311, −78.046875, 0]
 */
export function tileBounds(z: number, x: number, y: number): BBox {
  return [tileXToLon(x, z), tileYToLat(y + 1, z), tileXToLon(x + 1, z), tileYToLat(y, z)];
}

/** Inclusive tile ranges at zoom z of the tiles that overlap a bbox (edges touching do not count). */
export function tilesCovering(
  bbox: BBox,
  z: number,
): { xMin: number; xMax: number; yMin: number; yMax: number } {
  const [west, south, east, north] = bbox;
  const n = 2 ** z;
  const lo = (v: number) => Math.max(0, Math.min(n - 1, Math.floor(v)));
  const hi = (v: number) => Math.max(0, Math.min(n - 1, Math.ceil(v) - 1));
  return {
    xMin: lo(lonToTileX(west, z)),
    xMax: hi(lonToTileX(east, z)),
    yMin: lo(latToTileY(north, z)),
    yMax: hi(latToTileY(south, z)),
  };
}

/** Whether two [west, south, east, north] boxes share some area. */
export function bboxesOverlap(a: BBox, b: BBox): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/**
 * Longitudes of the pixel-column centres and latitudes of the pixel-row centres of a tile,
 * degrees: pixel (i, j) is sampled at (lons[i], lats[j]). Columns are equally spaced in
 * longitude; rows are equally spaced in Mercator y, not in latitude.
 */
export function tilePixelCentres(
  z: number,
  x: number,
  y: number,
  size: number = TILE_SIZE,
): { lons: Float64Array; lats: Float64Array } {
  const lons = new Float64Array(size);
  const lats = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    lons[i] = tileXToLon(x + (i + 0.5) / size, z);
    lats[i] = tileYToLat(y + (i + 0.5) / size, z);
  }
  return { lons, lats };
}

/**
 * East–west ground size of one pixel at a latitude, metres, on the WGS 84 ellipsoid: a pixel
 * spans 360°/(S·2^z) of longitude, N(φ)·cos φ metres per radian. (Mercator pixels are square on
 * the map, so this is also their north–south size to within the sphere/ellipsoid difference.)
 */
export function groundPixelSizeM(z: number, latDeg: number, size: number = TILE_SIZE): number {
  return (360 / (size * 2 ** z)) * metresPerDegree(latDeg).east;
}

/**
 * The zoom whose pixels match a cell size best on a log scale: the zoom that neither throws away
 * much of the data (coarser) nor invents much (finer). 3″ (≈ 92.7 m) near the equator → 11
 * (76.4 m pixels), 9″ (≈ 278 m) → 9 (305.7 m).
 * @param cellSizeM ground size of a source cell, metres
 * @param latDeg latitude where it is measured, degrees
 */
export function nativeZoom(cellSizeM: number, latDeg: number, size: number = TILE_SIZE): number {
  if (!(cellSizeM > 0)) throw new Error(`Cell size must be positive metres, got ${cellSizeM}`);
  const z0 = groundPixelSizeM(0, latDeg, size);
  return Math.max(0, Math.round(Math.log2(z0 / cellSizeM)));
}
