import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { BBox } from '../domain/types.js';

/** Answers "is this point on land inside Ecuador?" fast enough for millions of synthetic points. */
export interface LandMask {
  /** True when (lon, lat), degrees EPSG:4326, lies inside one of the polygons. */
  contains(lon: number, lat: number): boolean;
  /** Extent of all polygons, [west, south, east, north]. */
  readonly bbox: BBox;
}

/** The provinces (or any polygons) the demo generators accept positions inside. */
export type ProvinceCollection = FeatureCollection<Polygon | MultiPolygon>;

/**
 * Build a point-in-polygon index over a FeatureCollection of (Multi)Polygons, e.g.
 * data/provinces.geojson. Every ring edge is filed into the horizontal bands of latitude it spans;
 * a query casts a ray east through its band and counts crossings (even–odd rule, so holes work).
 * Counting crossings over all provinces at once is right because provinces do not overlap: a border
 * two provinces share is crossed twice, which leaves the parity unchanged.
 *
 * @param bandDeg height of a band in degrees; 0.02° (≈2.2 km) keeps a band to a few dozen edges.
 * @example
 * const land = buildLandMask(provinces);
 * land.contains(-78.4678, -0.1807); // Quito: true
 * land.contains(-81.5, -1.5);       // Pacific: false
 */
export function buildLandMask(polygons: ProvinceCollection, bandDeg = 0.02): LandMask {
  if (!(bandDeg > 0)) throw new RangeError(`bandDeg must be positive, got ${bandDeg}`);
  const edges: number[] = [];
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const feature of polygons.features) {
    const geometry = feature.geometry;
    if (!geometry) continue;
    const rings =
      geometry.type === 'Polygon'
        ? geometry.coordinates
        : geometry.type === 'MultiPolygon'
          ? geometry.coordinates.flat()
          : badGeometry(geometry);
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i] as number[];
        const [x2, y2] = ring[i + 1] as number[];
        if (x1 === undefined || y1 === undefined || x2 === undefined || y2 === undefined) continue;
        west = Math.min(west, x1);
        east = Math.max(east, x1);
        south = Math.min(south, y1);
        north = Math.max(north, y1);
        if (y1 !== y2) edges.push(x1, y1, x2, y2);
      }
    }
  }
  if (edges.length === 0) throw new RangeError('The FeatureCollection holds no polygon edges');

  const bandCount = Math.max(1, Math.ceil((north - south) / bandDeg));
  const bandOf = (y: number): number =>
    Math.min(bandCount - 1, Math.max(0, Math.floor((y - south) / bandDeg)));
  const counts = new Uint32Array(bandCount + 1);
  for (let e = 0; e < edges.length; e += 4) {
    const lo = bandOf(Math.min(edges[e + 1] as number, edges[e + 3] as number));
    const hi = bandOf(Math.max(edges[e + 1] as number, edges[e + 3] as number));
    for (let b = lo; b <= hi; b++) counts[b + 1]! += 1;
  }
  const start = new Uint32Array(bandCount + 1);
  for (let b = 0; b < bandCount; b++) start[b + 1] = (start[b] as number) + (counts[b + 1] as number);
  const filed = new Float64Array((start[bandCount] as number) * 4);
  const cursor = start.slice(0, bandCount);
  for (let e = 0; e < edges.length; e += 4) {
    const lo = bandOf(Math.min(edges[e + 1] as number, edges[e + 3] as number));
    const hi = bandOf(Math.max(edges[e + 1] as number, edges[e + 3] as number));
    for (let b = lo; b <= hi; b++) {
      const at = (cursor[b] as number) * 4;
      filed[at] = edges[e] as number;
      filed[at + 1] = edges[e + 1] as number;
      filed[at + 2] = edges[e + 2] as number;
      filed[at + 3] = edges[e + 3] as number;
      cursor[b]! += 1;
    }
  }

  return {
    bbox: [west, south, east, north],
    contains(lon: number, lat: number): boolean {
      if (!(lon >= west && lon <= east && lat >= south && lat <= north)) return false;
      const band = bandOf(lat);
      const end = (start[band + 1] as number) * 4;
      let inside = false;
      for (let i = (start[band] as number) * 4; i < end; i += 4) {
        const y1 = filed[i + 1] as number;
        const y2 = filed[i + 3] as number;
        if (y1 > lat !== y2 > lat) {
          const x1 = filed[i] as number;
          const x2 = filed[i + 2] as number;
          if (lon < x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
        }
      }
      return inside;
    },
  };
}

function badGeometry(geometry: { type: string }): never {
  throw new TypeError(`Expected Polygon or MultiPolygon features, got ${geometry.type}`);
}

const cache = new WeakMap<ProvinceCollection, LandMask>();

/** `buildLandMask` with the default band, built once per FeatureCollection object and reused. */
export function landMaskFor(polygons: ProvinceCollection): LandMask {
  let mask = cache.get(polygons);
  if (!mask) {
    mask = buildLandMask(polygons);
    cache.set(polygons, mask);
  }
  return mask;
}
