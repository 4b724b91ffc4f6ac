/**
 * Coverage drawn for the map: grid values resampled onto a view's pixels, largest value per
 * pixel, finer tiers where they own the ground.
 *
 * The grid, in whole and half degrees so every edge is exact: a coarse tier of 4 × 4 one-degree
 * cells over 0…4° E, 0…4° N, and a fine tier of 4 × 4 half-degree cells over its north-west
 * quarter (0…2° E, 2…4° N), which shadows coarse cells (0, 0), (1, 0), (0, 1) and (1, 1).
 */
import { describe, expect, it } from 'vitest';
import { bestDoriGrid, displayRaster } from '../../server/coverage/coverage-display.js';
import { coverageGrid, gridTierOf } from '../../server/coverage/coverage-grid.js';
import type { Footprint } from '../../server/coverage/network-coverage.js';
import { degreeDem } from './synthetic-dem.js';

const grid = coverageGrid([
  gridTierOf(
    'coarse',
    degreeDem(4, 4, 1, 0, 4, () => 0),
  ),
  gridTierOf(
    'fine',
    degreeDem(4, 4, 0.5, 0, 4, () => 0),
  ),
]);
// Finest first: the fine tier's cells come first in the index.
const fine = (c: number, r: number) => r * 4 + c;
const coarse = (c: number, r: number) => 16 + r * 4 + c;

function values(): Uint16Array {
  const v = new Uint16Array(grid.cellCount);
  v[fine(1, 1)] = 5; // centre (0.75° E, 3.25° N)
  v[coarse(3, 3)] = 2; // the south-east cell, 3…4° E, 0…1° N
  v[coarse(2, 0)] = 300; // 2…3° E, 3…4° N: more than a byte holds
  return v;
}

/** Rows of a raster as arrays, north first. */
function rows(raster: Uint8Array, width: number): number[][] {
  return Array.from({ length: raster.length / width }, (_, r) =>
    Array.from(raster.subarray(r * width, (r + 1) * width)),
  );
}

describe('displayRaster', () => {
  it('gives each one-degree pixel the largest value it holds, the fine cells in the shadowed corner, capped at 255', () => {
    const out = displayRaster(grid, values(), { bbox: [0, 0, 4, 4], width: 4, height: 4 });
    expect(rows(out, 4)).toEqual([
      [5, 0, 255, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 2],
    ]);
  });

  it('repeats a cell over the pixels smaller than it', () => {
    const out = displayRaster(grid, values(), { bbox: [0, 0, 4, 4], width: 8, height: 8 });
    const r = rows(out, 8);
    // Half-degree pixels: fine (1, 1) is pixel (1, 1); coarse (3, 3) is pixels 6–7 × 6–7.
    expect(r[1]![1]).toBe(5);
    expect(r[0]![0]).toBe(0);
    expect([r[6]![6], r[6]![7], r[7]![6], r[7]![7]]).toEqual([2, 2, 2, 2]);
    expect([r[0]![4], r[1]![5]]).toEqual([255, 255]);
    expect(out.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)).toBe(1 + 4 + 4);
  });

  it('takes the maximum over wide pixels', () => {
    const out = displayRaster(grid, values(), { bbox: [0, 0, 4, 4], width: 2, height: 1 });
    expect(Array.from(out)).toEqual([5, 255]);
  });

  it('leaves the pixels outside the grid empty', () => {
    const out = displayRaster(grid, values(), { bbox: [-2, 0, 2, 4], width: 4, height: 4 });
    expect(rows(out, 4)[0]).toEqual([0, 0, 5, 0]);
    expect(out.reduce((n, v) => n + v, 0)).toBe(5);
  });

  it('samples the cell under each pixel inside a single cell', () => {
    const out = displayRaster(grid, values(), { bbox: [3.25, 0.25, 3.75, 0.75], width: 2, height: 2 });
    expect(Array.from(out)).toEqual([2, 2, 2, 2]);
  });

  it('names a bad window or a value array of the wrong length', () => {
    expect(() => displayRaster(grid, values(), { bbox: [4, 0, 0, 4], width: 2, height: 2 })).toThrow(
      /bbox \[4, 0, 0, 4\]/,
    );
    expect(() => displayRaster(grid, values(), { bbox: [0, 0, 4, 4], width: 0, height: 2 })).toThrow(/0×2/);
    expect(() =>
      displayRaster(grid, new Uint16Array(3), { bbox: [0, 0, 4, 4], width: 2, height: 2 }),
    ).toThrow(/3 values for a 32-cell grid/);
  });
});

describe('bestDoriGrid', () => {
  it('keeps the best class any footprint gives a cell', () => {
    const fp = (cells: number[], dori: number[]): Footprint => ({
      cells: Uint32Array.from(cells),
      dori: Uint8Array.from(dori),
      tier: 0,
    });
    const best = bestDoriGrid(6, [fp([1, 2, 4], [1, 3, 2]), fp([2, 4, 5], [2, 4, 0])]);
    expect(Array.from(best)).toEqual([0, 1, 3, 0, 4, 0]);
  });
});
