/**
 * XYZ tile arithmetic, against values worked out by hand from the Web Mercator formulas
 * (x/2^z = (λ + 180°)/360°, φ = atan(sinh(π(1 − 2y/2^z)))).
 */
import { describe, expect, it } from 'vitest';
import {
  groundPixelSizeM,
  latToTileY,
  nativeZoom,
  tileBounds,
  tileOf,
  tilePixelCentres,
  tilesCovering,
  tileXToLon,
  tileYToLat,
} from '../../server/terrain/web-mercator.js';

describe('tileBounds', () => {
  it('gives the corners of z9 tile 144/256, the one south of the equator holding Cotopaxi', () => {
    // West 144·360/512 − 180 = −78.75, east 145·360/512 − 180 = −78.046875; north: y = 256 is
    // half of 512, φ = atan(sinh 0) = 0; south: φ = atan(sinh(−π/256)) = −0.0122715 rad = −0.7031074°.
    const [w, s, e, n] = tileBounds(9, 144, 256);
    expect(w).toBe(-78.75);
    expect(e).toBe(-78.046875);
    expect(n).toBeCloseTo(0, 12);
    expect(s).toBeCloseTo(-0.7031074, 7);
  });

  it('gives the whole Mercator square at z0', () => {
    const [w, s, e, n] = tileBounds(0, 0, 0);
    expect([w, e]).toEqual([-180, 180]);
    // atan(sinh π) = 85.0511288°, the edge of the square world.
    expect(n).toBeCloseTo(85.0511288, 6);
    expect(s).toBeCloseTo(-85.0511288, 6);
  });

  it('is the inverse of latToTileY', () => {
    for (const lat of [-4.5, -0.677, 0, 1.2])
      expect(tileYToLat(latToTileY(lat, 11), 11)).toBeCloseTo(lat, 10);
    // 577.5·360/2048 − 180 = 101.513671875 − 180.
    expect(tileXToLon(577.5, 11)).toBe(-78.486328125);
  });
});

describe('tileOf', () => {
  it('puts Cotopaxi (−78.436, −0.677) in z9 tile 144/256 and z11 tile 577/1027', () => {
    // x: 101.564/360·512 = 144.447; y: φ = −0.011816 rad, ln(tan φ + sec φ) ≈ φ, so
    // (1 + 0.011816/π)/2·512 = 256.963. At z11 both times 4: 577.79 and 1027.85.
    expect(tileOf(-78.436, -0.677, 9)).toEqual({ x: 144, y: 256 });
    expect(tileOf(-78.436, -0.677, 11)).toEqual({ x: 577, y: 1027 });
  });
});

describe('tilesCovering', () => {
  it('covers the 3″ Cotopaxi crop (−78.56125…−78.31125, −0.80125…−0.55125) with 2×2 tiles at z11', () => {
    // x: 101.43875/360·2048 = 577.07 … 101.68875/360·2048 = 578.49; y: 1027.14 … 1028.56.
    expect(tilesCovering([-78.56125, -0.80125, -78.31125, -0.55125], 11)).toEqual({
      xMin: 577,
      xMax: 578,
      yMin: 1027,
      yMax: 1028,
    });
  });

  it('does not count a tile whose edge the box only touches', () => {
    expect(tilesCovering([-78.75, -0.5, -78.046875, -0.1], 9)).toEqual({
      xMin: 144,
      xMax: 144,
      yMin: 256,
      yMax: 256,
    });
  });
});

describe('tilePixelCentres', () => {
  it('samples half a pixel in from the tile edges', () => {
    const { lons, lats } = tilePixelCentres(9, 144, 256);
    // A z9 pixel is 360/(512·256) = 0.00274658° of longitude.
    expect(lons[0]).toBeCloseTo(-78.75 + 0.00274658 / 2, 7);
    expect(lons[255]).toBeCloseTo(-78.046875 - 0.00274658 / 2, 7);
    // Near the equator a Mercator pixel is also ≈ 0.00274658° of latitude.
    expect(lats[0]).toBeCloseTo(-0.00274658 / 2, 6);
  });
});

describe('ground pixel size and native zoom', () => {
  it('is 156 543.03 m per pixel at z0 on the equator (2π·6 378 137/256) and 305.75 m at z9', () => {
    expect(groundPixelSizeM(0, 0)).toBeCloseTo(156543.034, 2);
    expect(groundPixelSizeM(9, 0)).toBeCloseTo(305.748, 2);
  });

  it('maps 3″ (92.76 m) to z11 and 9″ (278.2 m) to z9 near the equator', () => {
    // log2(156 543/92.76) = 10.72 → 11; log2(156 543/278.2) = 9.14 → 9.
    expect(nativeZoom(92.76, -0.875)).toBe(11);
    expect(nativeZoom(278.2, -1.8)).toBe(9);
    expect(nativeZoom(30, 0)).toBe(12);
    expect(() => nativeZoom(0, 0)).toThrow(/positive metres, got 0/);
  });
});
