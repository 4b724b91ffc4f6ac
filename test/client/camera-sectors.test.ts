import distance from '@turf/distance';
import { describe, expect, it } from 'vitest';
import type { CameraCollection } from '../../client/data/camera-features.js';
import { cameraSectors, destination, sectorRing } from '../../client/map/camera-sectors.js';

/** Twice the signed area of a ring in degrees² (shoelace): positive when counter-clockwise. */
function signedArea(ring: [number, number][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  }
  return sum;
}

const metres = (a: [number, number], b: [number, number]) => distance(a, b, { units: 'meters' });

describe('destination', () => {
  it('goes 1000 m north from the equator by 1000 / 6 371 008.8 rad = 0.0089932°', () => {
    const [lng, lat] = destination([0, 0], 1000, 0);
    expect(lng).toBeCloseTo(0, 12);
    expect(lat).toBeCloseTo(0.0089932, 7);
  });

  it('goes east along the equator by the same angle', () => {
    const [lng, lat] = destination([0, 0], 1000, 90);
    expect(lng).toBeCloseTo(0.0089932, 7);
    expect(lat).toBeCloseTo(0, 12);
  });
});

describe('sectorRing', () => {
  const camera: [number, number] = [-78.5, -0.2];

  it('is a closed wedge from the camera, its arc at the range and at most 7.5° per step', () => {
    const ring = sectorRing(camera, 0, 90, 1000);
    // Camera, 90 / 7.5 = 12 steps (13 arc points), camera again.
    expect(ring).toHaveLength(15);
    expect(ring[0]).toEqual(camera);
    expect(ring[ring.length - 1]).toEqual(camera);
    for (const p of ring.slice(1, -1)) expect(metres(camera, p)).toBeCloseTo(1000, 0);
    // Facing north 90° wide: the arc runs from north-east to north-west.
    const first = ring[1]!;
    const last = ring[ring.length - 2]!;
    expect(first[0]).toBeGreaterThan(camera[0]);
    expect(last[0]).toBeLessThan(camera[0]);
    expect(first[1]).toBeCloseTo(last[1], 9);
    expect(signedArea(ring)).toBeGreaterThan(0);
  });

  it('draws a full circle without the centre for 360° cameras', () => {
    const ring = sectorRing(camera, 123, 360, 250);
    expect(ring).toHaveLength(49);
    expect(ring[0]).toEqual(ring[48]);
    for (const p of ring) expect(metres(camera, p)).toBeCloseTo(250, 0);
    expect(signedArea(ring)).toBeGreaterThan(0);
  });

  it('refuses a sector without range or width, naming the values', () => {
    expect(() => sectorRing(camera, 0, 90, 0)).toThrow('range 0 m, field of view 90°');
    expect(() => sectorRing(camera, 0, 0, 100)).toThrow('range 100 m, field of view 0°');
  });
});

describe('cameraSectors', () => {
  it('keeps id, kind and status, skips cameras without a range, and is memoised per collection', () => {
    const base = {
      name: 'x',
      status: 'online' as const,
      mountHeightM: 6,
      azimuthDeg: 0,
      vfovDeg: 30,
      tiltDeg: 0,
      resolutionHPx: 1,
      resolutionVPx: 1,
      installDate: null,
      unitCostUsd: null,
      volcanoGvp: null,
      synthetic: true,
    };
    const cameras: CameraCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-78.5, -0.2] },
          properties: { ...base, externalId: 'A', kind: 'ptz', hfovDeg: 360, rangeM: 300 },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-78.4, -0.2] },
          properties: { ...base, externalId: 'B', kind: 'fixed', hfovDeg: 60, rangeM: 0 },
        },
      ],
    };
    const sectors = cameraSectors(cameras);
    expect(sectors.features.map((f) => f.properties)).toEqual([
      { externalId: 'A', kind: 'ptz', status: 'online' },
    ]);
    expect(cameraSectors(cameras)).toBe(sectors);
  });
});
