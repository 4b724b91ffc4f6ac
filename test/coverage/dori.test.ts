/** Pixel density and DORI classes (EN 62676-4), by hand arithmetic. */
import { describe, expect, it } from 'vitest';
import {
  distanceForDensityM,
  doriClass,
  doriRaster,
  pixelDensityPxPerM,
} from '../../server/coverage/dori.js';
import { computeViewshed } from '../../server/coverage/viewshed.js';
import { metricCentre, metricDem } from './synthetic-dem.js';

describe('pixelDensityPxPerM', () => {
  it('spreads the horizontal pixels over the scene width 2·d·tan(hfov/2)', () => {
    // 1920 px over 2·10·tan 45° = 20 m → 96 px/m.
    expect(pixelDensityPxPerM(1920, 90, 10)).toBeCloseTo(96, 10);
    // 3840 px, 30°: scene at 100 m is 2·100·tan 15° = 53.590 m wide → 71.655 px/m.
    expect(pixelDensityPxPerM(3840, 30, 100)).toBeCloseTo(71.655, 3);
  });

  it('inverts to the distance of a density: a 1080p 90° camera identifies (250 px/m) out to 3.84 m', () => {
    expect(distanceForDensityM(1920, 90, 250)).toBeCloseTo(3.84, 10);
    expect(pixelDensityPxPerM(1920, 90, distanceForDensityM(1920, 90, 62))).toBeCloseTo(62, 10);
  });

  it("rejects a 360° field of view: a PTZ must give its lens's own", () => {
    expect(() => pixelDensityPxPerM(1920, 360, 10)).toThrow(
      /Lens hfov must be in \(0, 180\) degrees, got 360/,
    );
    expect(() => pixelDensityPxPerM(1920, 60, 0)).toThrow(/distanceM must be > 0, got 0/);
  });
});

describe('doriClass', () => {
  it.each([
    [24.99, 'none'],
    [25, 'detect'],
    [61.9, 'detect'],
    [62, 'observe'],
    [125, 'recognise'],
    [249, 'recognise'],
    [250, 'identify'],
    [1000, 'identify'],
  ] as const)('%f px/m is %s', (px, cls) => {
    expect(doriClass(px)).toBe(cls);
  });
});

describe('doriRaster', () => {
  it('uses the slant range from the eye to the target point', () => {
    // Eye 10 m over flat ground, 1.7 m target 30 m east: slant √(30² + 8.3²) = 31.127 m;
    // 1920 px at 90° → 1920 / (2·31.127) = 30.84 px/m, detect. 5 m east: slant 9.70 m → 98.9 px/m, observe.
    const dem = metricDem(21, 21, () => 0, 5);
    const o = metricCentre(10, 10, 5);
    const vs = computeViewshed(dem, { ...o, observerHeightM: 10 });
    const q = doriRaster(dem, vs, o.x, o.y, { resolutionHPx: 1920, lensHfovDeg: 90, targetHeightM: 1.7 });
    expect(q.pxPerM[10 * 21 + 16]).toBeCloseTo(1920 / (2 * Math.hypot(30, 8.3)), 3);
    expect(q.doriClass[10 * 21 + 16]).toBe(1);
    expect(q.pxPerM[10 * 21 + 11]).toBeCloseTo(1920 / (2 * Math.hypot(5, 8.3)), 3);
    expect(q.doriClass[10 * 21 + 11]).toBe(2);
    expect(q.counts.reduce((a, b) => a + b, 0)).toBe(vs.visibleCells);
  });

  it('leaves cells the viewshed does not see without a density', () => {
    const dem = metricDem(21, 21, (c) => (c === 14 ? 50 : 0), 5);
    const o = metricCentre(10, 10, 5);
    const vs = computeViewshed(dem, { ...o, observerHeightM: 10 });
    const q = doriRaster(dem, vs, o.x, o.y, { resolutionHPx: 1920, lensHfovDeg: 60, targetHeightM: 1.7 });
    expect(vs.visible[10 * 21 + 18]).toBe(0);
    expect(q.pxPerM[10 * 21 + 18]).toBeNaN();
    expect(q.doriClass[10 * 21 + 18]).toBe(0);
  });
});
