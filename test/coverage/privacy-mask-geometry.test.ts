/**
 * Which mask polygons are accepted, and how a refusal names the coordinate it is about. The camera
 * stands in Quito's Plaza Grande (−78.5126, −0.2201); a 0.001° square next to it is ≈ 111 m a
 * side, ≈ 12,300 m² (111.32 m × 110.57 m at the equator).
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { LngLat } from '../../server/domain/types.js';
import { MASK_LIMITS, maskAreaM2, maskGeometryIssues } from '../../server/privacy/mask-geometry.js';

const CAMERA: LngLat = [-78.5126, -0.2201];
const F = 'features.0.geometry';
const square = (w: number, s: number, side: number): Position[] => [
  [w, s],
  [w + side, s],
  [w + side, s + side],
  [w, s + side],
  [w, s],
];
const poly = (...rings: Position[][]): Polygon => ({ type: 'Polygon', coordinates: rings });
const issues = (g: Polygon | MultiPolygon) => maskGeometryIssues(g, F, CAMERA);
const fields = (g: Polygon | MultiPolygon) => issues(g).map((i) => i.field);

describe('maskGeometryIssues', () => {
  it('accepts a small square by the camera, and its area is about 12,300 m²', () => {
    const g = poly(square(-78.512, -0.22, 0.001));
    expect(issues(g)).toEqual([]);
    // 0.001° of longitude 111.32 m × 0.001° of latitude 110.57 m at the equator.
    expect(maskAreaM2(g)).toBeGreaterThan(12_200);
    expect(maskAreaM2(g)).toBeLessThan(12_400);
  });

  it('refuses a self-intersecting bow tie, naming the ring and the crossing', () => {
    const bowTie = poly([
      [-78.512, -0.22],
      [-78.511, -0.219],
      [-78.511, -0.22],
      [-78.512, -0.219],
      [-78.512, -0.22],
    ]);
    const [issue, ...rest] = issues(bowTie);
    expect(rest).toEqual([]);
    expect(issue!.field).toBe(`${F}.coordinates.0`);
    expect(issue!.message).toMatch(/crosses itself: edge 0 meets edge 2 at \(-78\.5115, -0\.2195\)/);
  });

  it('refuses a spike that folds back along itself', () => {
    const spike = poly([
      [-78.512, -0.22],
      [-78.511, -0.22],
      [-78.5105, -0.22],
      [-78.5108, -0.22],
      [-78.511, -0.219],
      [-78.512, -0.22],
    ]);
    expect(issues(spike)[0]!.message).toMatch(/fold back/);
  });

  it('refuses a hole that crosses its shell, naming the hole', () => {
    const shell = square(-78.512, -0.22, 0.001);
    const hole = square(-78.5115, -0.2195, 0.001).reverse();
    expect(fields(poly(shell, hole))).toEqual([`${F}.coordinates.1`]);
  });

  it('names the polygon of a MultiPolygon that is wrong', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[square(-78.512, -0.22, 0.001)], [square(-78.51, -0.22, 0.001).slice(0, 4)]],
    };
    expect(fields(multi)).toEqual([`${F}.coordinates.1.0`]);
    expect(issues(multi)[0]!.message).toMatch(/end where it starts/);
  });

  it('refuses rings too short to enclose anything', () => {
    const g = poly([
      [-78.512, -0.22],
      [-78.511, -0.22],
      [-78.512, -0.22],
    ]);
    expect(issues(g)[0]!.message).toMatch(/at least 4 positions, got 3/);
  });

  it('refuses longitudes and latitudes out of range, naming the position', () => {
    const ring = square(-78.512, -0.22, 0.001);
    ring[2] = [200, -0.219];
    expect(issues(poly(ring))).toEqual([
      { field: `${F}.coordinates.0.2`, message: 'longitude 200 is outside [-180, 180]' },
    ]);
    ring[2] = [-78.511, 95];
    expect(issues(poly(ring))[0]).toEqual({
      field: `${F}.coordinates.0.2`,
      message: 'latitude 95 is outside [-90, 90]',
    });
  });

  it('refuses non-finite numbers and positions that are not pairs', () => {
    const ring: Position[] = square(-78.512, -0.22, 0.001);
    ring[1] = [Infinity, -0.22];
    expect(issues(poly(ring))[0]!.message).toMatch(/finite/);
    ring[1] = [-78.511];
    expect(issues(poly(ring))[0]!.message).toMatch(/\[lon, lat\]/);
  });

  it('refuses projected metres (wrong CRS) and swapped axes', () => {
    // UTM 17S metres for the same place: out of range at once.
    const utm = poly(square(776_000, 9_975_600, 100));
    expect(issues(utm)[0]!.message).toMatch(/longitude 776000 is outside/);
    // [lat, lon]: a valid position ~8,700 km away.
    const swapped = poly(square(-0.22, -78.512, 0.001));
    expect(issues(swapped)[0]!.message).toMatch(/km from the camera .* within 50 km/);
  });

  it('refuses masks larger than 25 km² and slivers under 1 m²', () => {
    // 0.05° × 0.05° ≈ 5.57 km × 5.53 km ≈ 30.8 km².
    const big = issues(poly(square(-78.53, -0.24, 0.05)));
    expect(big).toHaveLength(1);
    expect(big[0]!.field).toBe(F);
    expect(big[0]!.message).toMatch(/covers 30\.\d\d km²; a mask may cover at most 25 km²/);
    // 0.000005° × 0.000005° ≈ 0.56 m × 0.55 m ≈ 0.31 m².
    expect(issues(poly(square(-78.512, -0.22, 0.000005)))[0]!.message).toMatch(/at least 1 m²/);
  });

  it('refuses more vertices than the limit without checking them one by one', () => {
    const n = MASK_LIMITS.maxVertices + 1;
    const ring: Position[] = Array.from({ length: n }, (_, i) => [
      -78.512 + 0.001 * Math.cos((2 * Math.PI * i) / (n - 1)),
      -0.22 + 0.001 * Math.sin((2 * Math.PI * i) / (n - 1)),
    ]);
    ring[n - 1] = ring[0]!;
    expect(issues(poly(ring))).toEqual([
      { field: `${F}.coordinates`, message: `has ${n} positions; at most ${MASK_LIMITS.maxVertices}` },
    ]);
  });
});
