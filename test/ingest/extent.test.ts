import fs from 'node:fs';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import { ECUADOR_EXTENT, extentFromBBoxes, isInsideExtent } from '../../server/ingest/extent.js';

interface ProvinceCollection {
  features: { properties: { code: string; name: string }; geometry: { coordinates: unknown } }[];
}
const provinces = JSON.parse(fs.readFileSync('data/provinces.geojson', 'utf8')) as ProvinceCollection;

function vertices(coordinates: unknown, out: [number, number][] = []): [number, number][] {
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number')
    out.push(coordinates as [number, number]);
  else if (Array.isArray(coordinates)) for (const c of coordinates) vertices(c, out);
  return out;
}

describe('the default extent: Ecuador, Galápagos included', () => {
  it('holds every vertex of all 24 provinces (INEC/OCHA boundaries)', () => {
    expect(provinces.features).toHaveLength(24);
    const outside = provinces.features.flatMap((f) =>
      vertices(f.geometry.coordinates)
        .filter(([lng, lat]) => !isInsideExtent(ECUADOR_EXTENT, lng, lat))
        .map((v) => `${f.properties.name} ${v.join(',')}`),
    );
    expect(outside).toEqual([]);
  });

  it.each([
    ['Quito', -78.4678, -0.1807],
    ['Puerto Baquerizo Moreno', -89.6103, -0.9017],
    ['Darwin Island, which the provinces omit', -92.003, 1.678],
    ['Isla de la Plata', -81.07, -1.27],
    ['Chiles-Cerro Negro (GVP 351110), on the Colombian border', -77.938, 0.817],
    ['Nuevo Rocafuerte, easternmost town', -75.4, -0.92],
    ['Zumba, near the southern tip', -79.13, -4.86],
  ])('holds %s', (_name, lng, lat) => {
    expect(isInsideExtent(ECUADOR_EXTENT, lng, lat)).toBe(true);
  });

  it.each([
    ['Pasto, Colombia', -77.28, 1.21],
    ['Tumaco, Colombia', -78.79, 1.81],
    ['Mocoa, Colombia', -76.65, 1.15],
    ['Tumbes, Peru', -80.45, -3.57],
    ['Piura, Peru', -80.63, -5.19],
    ['Iquitos, Peru', -73.25, -3.75],
    ['Quito with the minus sign lost', 78.4678, -0.1807],
    ['Quito with lon and lat swapped', -0.1807, -78.4678],
    ['Galapagos Rift (GVP 334070), 400 km east of the islands', -86.15, 0.792],
    ['Null Island', 0, 0],
  ])('leaves out %s', (_name, lng, lat) => {
    expect(isInsideExtent(ECUADOR_EXTENT, lng, lat)).toBe(false);
  });
});

describe('isInsideExtent', () => {
  it('agrees with turf booleanPointInPolygon on 5000 pseudo-random points around Ecuador', () => {
    const rings = ECUADOR_EXTENT.rings.map((ring) => ({
      type: 'Polygon' as const,
      coordinates: [[...ring, ring[0]!].map(([x, y]) => [x, y])],
    }));
    let seed = 20240501;
    const random = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    let disagreements = 0;
    let inside = 0;
    for (let i = 0; i < 5000; i++) {
      const lng = -93 + random() * 18.5;
      const lat = -5.5 + random() * 7.5;
      const ours = isInsideExtent(ECUADOR_EXTENT, lng, lat);
      const turf = rings.some((polygon) => booleanPointInPolygon([lng, lat], polygon));
      if (ours !== turf) disagreements++;
      if (ours) inside++;
    }
    expect(disagreements).toBe(0);
    expect(inside).toBeGreaterThan(500); // the sample does reach inside, so the test can fail
  });

  it('builds an extent from boxes', () => {
    const extent = extentFromBBoxes('Quito', [[-78.6, -0.4, -78.3, 0.0]]);
    expect(isInsideExtent(extent, -78.5, -0.2)).toBe(true);
    expect(isInsideExtent(extent, -78.2, -0.2)).toBe(false);
  });
});
