import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLandMask, type ProvinceCollection } from '../../server/demo/land-mask.js';
import { createRng } from '../../server/demo/random.js';
import { loadProvinces, turfInsideEcuador } from './reference.js';

const squares = JSON.parse(
  readFileSync(new URL('../fixtures/demo/squares-with-hole.geojson', import.meta.url), 'utf8'),
) as ProvinceCollection;

describe('buildLandMask on hand-drawn polygons (test/fixtures/demo/squares-with-hole.geojson)', () => {
  const mask = buildLandMask(squares, 0.3);

  it.each([
    ['inside the west square', 0.2, 0.2, true],
    ['in the hole of the west square', 0.5, 0.5, false],
    ['just west of the shared edge x = 1', 0.99, 0.5, true],
    ['just east of the shared edge x = 1', 1.01, 0.5, true],
    ['inside the east square', 1.5, 0.5, true],
    ['between the east square and the island', 2.5, 0.5, false],
    ['on the island of the MultiPolygon', 3.5, 0.5, true],
    ['above the island', 3.5, 0.8, false],
    ['in the gap between squares and triangle', 0.5, 1.25, false],
    // At y = 1.9 the triangle spans x 0.8…1.2 (edges from (0, 1.5) and (2, 1.5) to (1, 2)).
    ['in the triangle near its apex', 1.15, 1.9, true],
    ['left of the triangle at y = 1.9', 0.75, 1.9, false],
    ['right of the triangle at y = 1.9', 1.25, 1.9, false],
    ['outside the extent', -1, 0.5, false],
  ])('%s: (%s, %s) → %s', (_label, lon, lat, expected) => {
    expect(mask.contains(lon, lat)).toBe(expected);
  });

  it('reports the extent of all polygons', () => {
    expect(mask.bbox).toEqual([0, 0, 4, 2]);
  });

  it('gives the same answers whatever the band height', () => {
    const coarse = buildLandMask(squares, 5);
    const rng = createRng('bands');
    for (let i = 0; i < 2000; i++) {
      const lon = rng.uniform(-0.5, 4.5);
      const lat = rng.uniform(-0.5, 2.5);
      expect(coarse.contains(lon, lat)).toBe(mask.contains(lon, lat));
    }
  });

  it('rejects a bad band height and a collection without polygons', () => {
    expect(() => buildLandMask(squares, 0)).toThrow(/0/);
    expect(() => buildLandMask({ type: 'FeatureCollection', features: [] })).toThrow(/no polygon/);
  });
});

describe('buildLandMask on the provinces of Ecuador', () => {
  const mask = buildLandMask(loadProvinces());

  it('agrees with turf booleanPointInPolygon on 20,000 random points over the mainland and the Galápagos', () => {
    const turf = turfInsideEcuador();
    const rng = createRng('land-vs-turf');
    let disagreements = 0;
    let inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const galapagos = i % 4 === 0;
      const lon = galapagos ? rng.uniform(-92, -89) : rng.uniform(-81.2, -75.1);
      const lat = galapagos ? rng.uniform(-1.5, 0.7) : rng.uniform(-5.1, 1.5);
      const a = mask.contains(lon, lat);
      if (a !== turf(lon, lat)) disagreements++;
      if (a) inside++;
    }
    expect(disagreements).toBe(0);
    expect(inside).toBeGreaterThan(5000);
  });

  it.each([
    ['Quito', -78.4678, -0.1807, true],
    ['Cuenca', -79.0059, -2.9001, true],
    ['Puerto Ayora, Santa Cruz', -90.315, -0.745, true],
    ['Pacific off Manta', -81.0, -1.0, false],
    ['Peru, Tumbes', -80.45, -3.57, false],
    ['Colombia, Pasto', -77.28, 1.21, false],
  ])('%s (%s, %s) → %s', (_name, lon, lat, expected) => {
    expect(mask.contains(lon, lat)).toBe(expected);
  });
});
