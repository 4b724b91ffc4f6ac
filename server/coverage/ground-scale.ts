/**
 * Ground distances on the WGS 84 ellipsoid for raster cells.
 *
 * A degree of longitude is N(φ)·cos φ·π/180 metres and a degree of latitude M(φ)·π/180 metres,
 * where M and N are the meridional and prime-vertical radii of curvature (Snyder 1987,
 * "Map Projections — A Working Manual", USGS PP 1395, eq. 4-18 and 4-20). Evaluated at the
 * mean latitude of two points this "mid-latitude" distance is within a few parts per million of
 * the geodesic at the tens of kilometres a camera sees, which is far below one DEM cell.
 */

/** WGS 84 semi-major axis, metres (NIMA TR8350.2). Also the radius GDAL's viewshed uses. */
export const WGS84_A = 6378137;
/** WGS 84 flattening. */
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const DEG = Math.PI / 180;

/**
 * Metres per degree of longitude (east) and latitude (north) at a latitude.
 * @param latDeg latitude in degrees
 * @returns `{ east, north }` in metres per degree; at the equator ≈ 111 319.5 and 110 574.3
 */
export function metresPerDegree(latDeg: number): { east: number; north: number } {
  const s = Math.sin(latDeg * DEG);
  const w2 = 1 - E2 * s * s;
  const n = WGS84_A / Math.sqrt(w2);
  const m = (WGS84_A * (1 - E2)) / (w2 * Math.sqrt(w2));
  return { east: n * Math.cos(latDeg * DEG) * DEG, north: m * DEG };
}

/**
 * Horizontal ground distance between two points given in degrees, metres, by the
 * mid-latitude formula above (good to ~1e-6 relative within 50 km).
 */
export function groundDistanceDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const k = metresPerDegree((lat1 + lat2) / 2);
  const dx = (lon2 - lon1) * k.east;
  const dy = (lat2 - lat1) * k.north;
  return Math.hypot(dx, dy);
}

/**
 * Bearing from point 1 to point 2, degrees clockwise from true north in [0, 360),
 * by the same local flat approximation (good to a few thousandths of a degree within 50 km).
 */
export function groundBearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const k = metresPerDegree((lat1 + lat2) / 2);
  const b = Math.atan2((lon2 - lon1) * k.east, (lat2 - lat1) * k.north) / DEG;
  return b < 0 ? b + 360 : b;
}
