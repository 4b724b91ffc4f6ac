/**
 * Field-of-view sectors of the cameras as GeoJSON polygons: a wedge from the camera out to its
 * range, centred on its azimuth and as wide as its horizontal field of view; a full circle for
 * 360° cameras (PTZ and domes). Flat ground, no terrain: the coverage planner
 * (server/coverage) computes real viewsheds; this only shows where each camera points.
 */
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import type { CameraCollection, CameraKind, CameraStatus } from '../data/camera-features.js';

/** Mean Earth radius, metres (IUGG; the value Turf uses). */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Largest angle between two arc vertices, degrees: smooth at any zoom where the sectors show. */
export const ARC_STEP_DEG = 7.5;

/**
 * The point `distanceM` metres from [lng, lat] (degrees) along the great circle that leaves it at
 * `bearingDeg` clockwise from north (spherical Earth; the "destination point" formula of
 * Williams' Aviation Formulary, as in @turf/destination).
 */
export function destination(
  [lng, lat]: [number, number],
  distanceM: number,
  bearingDeg: number,
): [number, number] {
  const toRad = Math.PI / 180;
  const φ1 = lat * toRad;
  const λ1 = lng * toRad;
  const θ = bearingDeg * toRad;
  const δ = distanceM / EARTH_RADIUS_M;
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
  const λ2 =
    λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
  return [λ2 / toRad, φ2 / toRad];
}

/**
 * The outer ring of one camera's sector, closed and counter-clockwise (RFC 7946's right-hand rule
 * for exterior rings): camera, the arc from the clockwise edge of the view to the other, camera.
 * @param position camera [lng, lat] in degrees
 * @param azimuthDeg centre of the view, degrees clockwise from north
 * @param hfovDeg horizontal field of view, degrees; 360 or more gives a circle
 * @param rangeM radius of the sector, metres
 */
export function sectorRing(
  position: [number, number],
  azimuthDeg: number,
  hfovDeg: number,
  rangeM: number,
): [number, number][] {
  if (!(rangeM > 0) || !(hfovDeg > 0)) {
    throw new Error(`Invalid camera sector: range ${rangeM} m, field of view ${hfovDeg}°`);
  }
  if (hfovDeg >= 360) {
    const steps = Math.ceil(360 / ARC_STEP_DEG);
    // Decreasing bearing walks the circle counter-clockwise as seen on the map.
    const ring = Array.from({ length: steps }, (_, i) =>
      destination(position, rangeM, 360 - (i * 360) / steps),
    );
    return [...ring, ring[0]!];
  }
  const steps = Math.max(2, Math.ceil(hfovDeg / ARC_STEP_DEG));
  const start = azimuthDeg + hfovDeg / 2;
  const arc = Array.from({ length: steps + 1 }, (_, i) =>
    destination(position, rangeM, start - (i * hfovDeg) / steps),
  );
  return [position, ...arc, position];
}

export interface SectorProperties {
  externalId: string;
  kind: CameraKind;
  status: CameraStatus;
}

const cache = new WeakMap<CameraCollection, FeatureCollection<Polygon, SectorProperties>>();

/** Every camera's sector as a polygon with its id, kind and status; memoised per collection. */
export function cameraSectors(cameras: CameraCollection): FeatureCollection<Polygon, SectorProperties> {
  const cached = cache.get(cameras);
  if (cached) return cached;
  const features: Feature<Polygon, SectorProperties>[] = [];
  for (const camera of cameras.features) {
    const p = camera.properties;
    if (!(p.rangeM > 0) || !(p.hfovDeg > 0)) continue;
    features.push({
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          sectorRing(camera.geometry.coordinates as [number, number], p.azimuthDeg, p.hfovDeg, p.rangeM),
        ],
      },
      properties: { externalId: p.externalId, kind: p.kind, status: p.status },
    });
  }
  const collection: FeatureCollection<Polygon, SectorProperties> = { type: 'FeatureCollection', features };
  cache.set(cameras, collection);
  return collection;
}
