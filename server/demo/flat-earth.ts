import type { LngLat } from '../domain/types.js';

/**
 * Local flat-earth (equirectangular) conversions between degrees and kilometres, for offsets of up to
 * a few tens of kilometres near the equator. All of Ecuador lies within 5.1° of it, where cos(lat) ≥ 0.996,
 * and over 20 km the error against the WGS 84 ellipsoid is below 0.3 % — far below what synthetic
 * placement needs. Constants: length of one degree on WGS 84 at the equator (meridian 110.574 km,
 * parallel 111.320 km).
 */
export const KM_PER_DEG_LAT = 110.574;
export const KM_PER_DEG_LON_EQUATOR = 111.32;

/** Kilometres per degree of longitude at latitude `lat` (degrees). */
export function kmPerDegLon(lat: number): number {
  return KM_PER_DEG_LON_EQUATOR * Math.cos((lat * Math.PI) / 180);
}

/**
 * The point `eastKm` east and `northKm` north of (lon, lat).
 * @example offsetLngLat(-78.5, 0, 1.1132, 0) // ≈ [-78.49, 0]
 */
export function offsetLngLat(lon: number, lat: number, eastKm: number, northKm: number): LngLat {
  return [lon + eastKm / kmPerDegLon(lat), lat + northKm / KM_PER_DEG_LAT];
}

/** Distance in kilometres between two nearby points (flat-earth approximation). */
export function distanceKm(a: LngLat, b: LngLat): number {
  const midLat = (a[1] + b[1]) / 2;
  const dx = (b[0] - a[0]) * kmPerDegLon(midLat);
  const dy = (b[1] - a[1]) * KM_PER_DEG_LAT;
  return Math.hypot(dx, dy);
}

/** Bearing from `a` to `b`, degrees clockwise from true north in [0, 360) (flat-earth approximation). */
export function bearingDeg(a: LngLat, b: LngLat): number {
  const midLat = (a[1] + b[1]) / 2;
  const dx = (b[0] - a[0]) * kmPerDegLon(midLat);
  const dy = (b[1] - a[1]) * KM_PER_DEG_LAT;
  const deg = (Math.atan2(dx, dy) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg >= 360 ? deg - 360 : deg;
}

/** The point `distanceKmValue` away from `origin` on bearing `bearing` (degrees from north). */
export function destinationLngLat(origin: LngLat, bearing: number, distanceKmValue: number): LngLat {
  const rad = (bearing * Math.PI) / 180;
  return offsetLngLat(origin[0], origin[1], distanceKmValue * Math.sin(rad), distanceKmValue * Math.cos(rad));
}
