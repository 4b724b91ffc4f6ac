/**
 * Longitude/latitude to and from the coordinates of the CRSs the terrain store accepts:
 * EPSG:4326 (identity) and WGS 84 / UTM (EPSG:326zz, 327zz).
 */
import type { RasterCrs } from '../coverage/dem-raster.js';
import { lonLatToUtm, utmToLonLat, utmZoneOfEpsg } from './utm.js';

/** Converts a position between longitude/latitude degrees and a CRS's x, y. */
export type PointTransform = (a: number, b: number) => { x: number; y: number };

/** Whether the terrain store can hold a raster in this CRS. */
export function isSupportedCrs(crs: RasterCrs): boolean {
  return crs.kind === 'geographic' ? crs.epsg === 4326 : utmZoneOfEpsg(crs.epsg) !== null;
}

/** Text naming a CRS for messages, e.g. `EPSG:32717 (projected)`. */
export function describeCrs(crs: RasterCrs): string {
  return `EPSG:${crs.epsg} (${crs.kind})`;
}

/** (lon, lat) degrees → (x, y) in the CRS. Throws for a CRS other than EPSG:4326 or UTM. */
export function lonLatToCrs(crs: RasterCrs): PointTransform {
  if (crs.kind === 'geographic' && crs.epsg === 4326) return (lon, lat) => ({ x: lon, y: lat });
  const zone = crs.kind === 'projected' ? utmZoneOfEpsg(crs.epsg) : null;
  if (!zone)
    throw new Error(`Unsupported CRS ${describeCrs(crs)}; expected EPSG:4326 or UTM (EPSG:326xx/327xx)`);
  return (lon, lat) => lonLatToUtm(lon, lat, zone);
}

/** (x, y) in the CRS → (lon, lat) degrees, returned as { x: lon, y: lat }. */
export function crsToLonLat(crs: RasterCrs): PointTransform {
  if (crs.kind === 'geographic' && crs.epsg === 4326) return (x, y) => ({ x, y });
  const zone = crs.kind === 'projected' ? utmZoneOfEpsg(crs.epsg) : null;
  if (!zone)
    throw new Error(`Unsupported CRS ${describeCrs(crs)}; expected EPSG:4326 or UTM (EPSG:326xx/327xx)`);
  return (x, y) => {
    const p = utmToLonLat(x, y, zone);
    return { x: p.lon, y: p.lat };
  };
}
