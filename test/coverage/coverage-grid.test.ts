/**
 * The coverage grid: tiers laid out finest first, which coarse cells a finer tier takes over,
 * points and coarse cells handed to the cells that own them, cell areas, refined DEMs and the
 * terrain window chosen for a camera.
 *
 * Fixture (all hand-placed on exact multiples): a 9″ tier of 8 × 8 cells from (−78.00, 0.00)
 * (0.0025° cells), and a 3″ tier of 12 × 12 cells from (−77.99, −0.005) (1/1200° cells). The
 * fine tier spans x −77.99…−77.98 and y −0.005…−0.015: exactly the coarse columns 4–7 and rows
 * 2–5, so each of those 16 coarse cells holds exactly 3 × 3 fine cells.
 */
import { describe, expect, it } from 'vitest';
import {
  cellAt,
  cellAreaM2,
  cellCentre,
  coverageGrid,
  expandToOwned,
  gridTierOf,
  isOwned,
  memoryTerrain,
  ownedCellCount,
  ownerOf,
  refineDem,
  tierCell,
} from '../../server/coverage/coverage-grid.js';
import { degreeDem } from './synthetic-dem.js';

const FINE = 1 / 1200;
const coarseDem = () => degreeDem(8, 8, 0.0025, -78, 0, () => 100);
const fineDem = () => degreeDem(12, 12, FINE, -77.99, -0.005, () => 200);

function twoTiers() {
  // Given coarse first: the grid must still put the fine tier first.
  return coverageGrid([gridTierOf('coarse', coarseDem()), gridTierOf('fine', fineDem())]);
}

describe('coverageGrid', () => {
  it('puts the finest tier first and numbers cells tier by tier, row-major', () => {
    const g = twoTiers();
    expect(g.tiers.map((t) => [t.name, t.offset])).toEqual([
      ['fine', 0],
      ['coarse', 144],
    ]);
    expect(g.cellCount).toBe(144 + 64);
    expect(tierCell(g, 144 + 8 * 3 + 5)).toEqual({ tier: 1, col: 5, row: 3 });
    expect(tierCell(g, 13)).toEqual({ tier: 0, col: 1, row: 1 });
    expect(() => tierCell(g, 208)).toThrow(/208/);
  });

  it('lets the fine tier own coarse columns 4–7, rows 2–5', () => {
    const g = twoTiers();
    expect(g.tiers[1]!.shadowed).toEqual([{ col0: 4, col1: 8, row0: 2, row1: 6 }]);
    expect(isOwned(g, 1, 4, 2)).toBe(false);
    expect(isOwned(g, 1, 3, 2)).toBe(true);
    expect(isOwned(g, 1, 4, 6)).toBe(true);
    expect(ownedCellCount(g)).toBe(144 + 64 - 16);
  });

  it('hands a shadowed coarse cell to the 3 × 3 fine cells inside it', () => {
    const g = twoTiers();
    const out: number[] = [];
    expandToOwned(g, 1, 5, 3, out); // coarse (5, 3) = fine columns 3–5, rows 3–5
    const expected = [3, 4, 5].flatMap((r) => [3, 4, 5].map((c) => r * 12 + c));
    expect(out.sort((a, b) => a - b)).toEqual(expected);
    const own: number[] = [];
    expandToOwned(g, 1, 2, 2, own);
    expect(own).toEqual([144 + 2 * 8 + 2]);
  });

  it('finds the owned cell of a point, finest tier first', () => {
    const g = twoTiers();
    // Inside the fine tier: fine cell (6, 7).
    expect(cellAt(g, -77.99 + 6.5 * FINE, -0.005 - 7.5 * FINE)).toBe(7 * 12 + 6);
    // In the coarse tier only: coarse cell (1, 6).
    expect(cellAt(g, -78 + 1.5 * 0.0025, -6.5 * 0.0025)).toBe(144 + 6 * 8 + 1);
    // Outside both.
    expect(cellAt(g, -77.9, 0)).toBe(-1);
    // A coarse cell the fine tier owns stands for the fine cell at its centre.
    expect(ownerOf(g, 1, 4, 2)).toBe(1 * 12 + 1);
  });

  it('gives each cell its area on the ellipsoid: 3″ × 3″ near the equator ≈ 92.77 m × 92.14 m', () => {
    const g = twoTiers();
    expect(cellAreaM2(g, 0)).toBeCloseTo(92.766 * 92.145, -1);
    // 9″ cells: 9 times as large.
    expect(cellAreaM2(g, 144) / cellAreaM2(g, 0)).toBeCloseTo(9, 3);
    expect(cellCentre(g, 144)).toEqual({ x: -78 + 0.00125, y: -0.00125 });
  });

  it('refuses a tier that is not north-up EPSG:4326', () => {
    const dem = coarseDem();
    expect(() =>
      coverageGrid([{ ...gridTierOf('utm', dem), crs: { kind: 'projected', epsg: 32717 } }]),
    ).toThrow(/EPSG:32717/);
    expect(() =>
      coverageGrid([{ ...gridTierOf('south-up', dem), geoTransform: [-78, 0.0025, 0, 0, 0, 0.0025] }]),
    ).toThrow(/north-up/);
  });

  it('keys the grid by geometry and source', () => {
    const a = coverageGrid([gridTierOf('x', coarseDem(), 'sha-1')]).key;
    expect(coverageGrid([gridTierOf('x', coarseDem(), 'sha-1')]).key).toBe(a);
    expect(coverageGrid([gridTierOf('x', coarseDem(), 'sha-2')]).key).not.toBe(a);
  });
});

describe('refineDem', () => {
  it('splits each cell into factor² cells, interpolating between centres', () => {
    // Heights 0, 30 across two cells: refined thirds at centres −1/3, 0, +1/3 of a cell from
    // cell 0's centre are 0 (clamped at the edge), 0, 10; then 20, 30, 30 (clamped).
    const dem = degreeDem(2, 1, 0.0025, -78, 0, (c) => 30 * c);
    const fine = refineDem(dem, 3);
    expect(fine.width).toBe(6);
    expect(fine.height).toBe(3);
    expect(Array.from(fine.data.slice(6, 12))).toEqual([0, 0, 10, 20, 30, 30]);
    expect(fine.geoTransform).toEqual([-78, 0.0025 / 3, 0, 0, 0, -0.0025 / 3]);
  });

  it('keeps nodata where a neighbour has none to interpolate with', () => {
    const dem = { ...degreeDem(2, 1, 0.0025, -78, 0, (c) => (c === 0 ? -32768 : 50)), nodata: -32768 };
    const fine = refineDem(dem, 3);
    expect(Array.from(fine.data.slice(0, 6))).toEqual([-32768, -32768, -32768, 50, 50, 50]);
  });
});

describe('memoryTerrain windows', () => {
  it('reads a camera from the finest tier that holds its whole range', () => {
    // A coarse tier of 16 × 16 cells (to −77.96, −0.04) around the same fine tier.
    const t = memoryTerrain([
      { name: 'coarse', dem: degreeDem(16, 16, 0.0025, -78, 0, () => 100) },
      { name: 'fine', dem: fineDem() },
    ]);
    // Centre of the fine tier, 100 m range (≈ 1.1 fine cells): the fine tier holds it.
    const inFine = t.windowAround(-77.985, -0.01, 100)!;
    expect(inFine.tier).toBe(0);
    expect(inFine.dem.data[0]).toBe(200);
    // 1 km range reaches outside the fine tier: the coarse tier is read.
    const big = t.windowAround(-77.985, -0.01, 1000)!;
    expect(big.tier).toBe(1);
    expect(big.dem.data[0]).toBe(100);
    expect(t.windowAround(-77.5, -0.01, 100)).toBeNull();
  });
});
