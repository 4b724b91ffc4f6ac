/**
 * Terrarium encoding: height = R·256 + G + B/256 − 32768, checked on hand-encoded pixels.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeTerrarium,
  encodeTerrarium,
  TERRARIUM_STEP_M,
  TILE_HEIGHT_STEP_M,
} from '../../server/terrain/terrarium.js';

describe('encodeTerrarium', () => {
  it('encodes sea level, Cotopaxi-like and sub-metre heights byte by byte', () => {
    // 0 m → 32768 = 128·256 + 0 → (128, 0, 0).
    // 5500.5 m → 38268.5 = 149·256 + 124 + 128/256 → (149, 124, 128).
    // −13.25 m (SRTM's lowest in the 9″ DEM, less a quarter) → 32754.75 = 127·256 + 242 + 192/256.
    expect(Array.from(encodeTerrarium([0, 5500.5, -13.25]))).toEqual([
      128, 0, 0, 149, 124, 128, 127, 242, 192,
    ]);
  });

  it('rounds to the nearest 1/256 m, clamps to the range and writes NaN as 0 m', () => {
    // 1000.002 m: 0.002·256 = 0.51 → B = 1; 1000.001 m → B = 0.
    expect(Array.from(encodeTerrarium([1000.002, 1000.001]))).toEqual([131, 232, 1, 131, 232, 0]);
    expect(Array.from(encodeTerrarium([-40000, 40000, NaN]))).toEqual([0, 0, 0, 255, 255, 255, 128, 0, 0]);
  });
});

describe('decodeTerrarium', () => {
  it('inverts the hand-encoded pixels', () => {
    expect(decodeTerrarium(128, 0, 0)).toBe(0);
    expect(decodeTerrarium(149, 124, 128)).toBe(5500.5);
    expect(decodeTerrarium(127, 242, 192)).toBe(-13.25);
  });

  it('round-trips any height in range to within half a step', () => {
    for (let h = -500; h < 6500; h += 1.37) {
      const [r, g, b] = encodeTerrarium([h]);
      expect(Math.abs(decodeTerrarium(r!, g!, b!) - h)).toBeLessThanOrEqual(TERRARIUM_STEP_M / 2 + 1e-9);
    }
  });
});

describe('encodeTerrarium with a coarser step (the served tiles)', () => {
  it('rounds to quarter metres: 5500.6 m → 5500.5, 5500.7 m → 5500.75, −13.1 m → −13', () => {
    // 5500.5 + 32768 = 38268.5 → R 149, G 124, B 0.5·256 = 128; 5500.75 → B 192; −13 → 32755 → R 127, G 243.
    expect(Array.from(encodeTerrarium([5500.6, 5500.7, -13.1], 0.25))).toEqual([
      149, 124, 128, 149, 124, 192, 127, 243, 0,
    ]);
  });

  it('keeps every blue byte a multiple of 64 and every height within an eighth of a metre', () => {
    for (let h = -500; h < 6500; h += 1.37) {
      const [r, g, b] = encodeTerrarium([h], TILE_HEIGHT_STEP_M);
      expect(b! % 64).toBe(0);
      expect(Math.abs(decodeTerrarium(r!, g!, b!) - h)).toBeLessThanOrEqual(0.125 + 1e-9);
    }
  });

  it('clamps to the largest quarter metre the encoding holds', () => {
    expect(Array.from(encodeTerrarium([40000], 0.25))).toEqual([255, 255, 192]);
  });

  it('refuses steps that are not 1/256 m times a power of two', () => {
    expect(() => encodeTerrarium([0], 0.3)).toThrow(/0\.3 m/);
    expect(() => encodeTerrarium([0], 2)).toThrow(/2 m/);
  });
});
