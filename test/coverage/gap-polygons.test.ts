/**
 * Gaps and cell outlines, on shapes drawn by hand. Corner (i, j) is the top-left corner of cell
 * (i, j); on the test grid (1° cells from (0, 0), north-up) corner (i, j) is the point (i, −j),
 * so outlines can be read straight off the drawings.
 */
import { describe, expect, it } from 'vitest';
import { coverageGrid, gridTierOf } from '../../server/coverage/coverage-grid.js';
import { demandLayer } from '../../server/coverage/coverage-stats.js';
import { cellOutline, gapClusters, traceCells } from '../../server/coverage/gap-polygons.js';
import { degreeDem } from './synthetic-dem.js';

/** Cells of a drawing: 'X' is in the set. Row r of the drawing is row r of a raster as wide as the lines. */
function drawn(...rows: string[]): { width: number; cells: number[] } {
  const width = rows[0]!.length;
  const cells: number[] = [];
  rows.forEach((line, r) => [...line].forEach((ch, c) => ch === 'X' && cells.push(r * width + c)));
  return { width, cells };
}

/** Signed area of a closed ring with y up (positive: counter-clockwise). */
function signedArea(ring: number[][]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return s / 2;
}

/** Rings in corner space as map coordinates (x = i, y = −j), to check orientation and area. */
const toMap = (ring: [number, number][]) => ring.map(([i, j]) => [i, -j]);

/** Sorted corner sets, so rings compare without caring where they start. */
const corners = (ring: [number, number][]) =>
  ring
    .slice(0, -1)
    .map(([i, j]) => `${i},${j}`)
    .sort();

describe('traceCells', () => {
  it('outlines one cell as a closed counter-clockwise square', () => {
    const { width, cells } = drawn('.X.');
    const polys = traceCells(width, cells);
    expect(polys).toHaveLength(1);
    const ring = polys[0]![0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(corners(ring)).toEqual(['1,0', '1,1', '2,0', '2,1']);
    expect(signedArea(toMap(ring))).toBe(1);
  });

  it('merges a block into one rectangle with only its four corners', () => {
    const { width, cells } = drawn('XXX', 'XXX');
    const [poly] = traceCells(width, cells);
    expect(poly).toHaveLength(1);
    expect(corners(poly![0]!)).toEqual(['0,0', '0,2', '3,0', '3,2']);
    expect(signedArea(toMap(poly![0]!))).toBe(6);
  });

  it('gives a ring around an empty cell a clockwise hole', () => {
    const { width, cells } = drawn('XXX', 'X.X', 'XXX');
    const polys = traceCells(width, cells);
    expect(polys).toHaveLength(1);
    const [outer, hole] = polys[0]!;
    expect(corners(outer!)).toEqual(['0,0', '0,3', '3,0', '3,3']);
    expect(corners(hole!)).toEqual(['1,1', '1,2', '2,1', '2,2']);
    expect(signedArea(toMap(outer!))).toBe(9);
    expect(signedArea(toMap(hole!))).toBe(-1);
  });

  it('keeps cells touching only at a corner apart', () => {
    const { width, cells } = drawn('X.', '.X');
    const polys = traceCells(width, cells);
    expect(polys.map((p) => corners(p[0]!))).toEqual([
      ['0,0', '0,1', '1,0', '1,1'],
      ['1,1', '1,2', '2,1', '2,2'],
    ]);
  });

  it('splits a boundary that touches itself at a corner into an outer ring and a hole', () => {
    // Seven cells: the hole (1, 1) and the notch (2, 2) meet at corner (2, 2).
    const { width, cells } = drawn('XXX', 'X.X', 'XX.');
    const polys = traceCells(width, cells);
    expect(polys).toHaveLength(1);
    const [outer, ...holes] = polys[0]!;
    expect(corners(outer!)).toEqual(['0,0', '0,3', '2,2', '2,3', '3,0', '3,2']);
    expect(holes.map(corners)).toEqual([['1,1', '1,2', '2,1', '2,2']]);
    expect(signedArea(toMap(outer!)) + signedArea(toMap(holes[0]!))).toBe(7);
  });
});

describe('traceCells on random sets', () => {
  it('gives simple rings whose areas, outer minus holes, add up to the cells', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 200; trial++) {
      const width = 2 + Math.floor(random() * 9);
      const height = 2 + Math.floor(random() * 9);
      const density = 0.2 + 0.6 * random();
      const cells: number[] = [];
      for (let i = 0; i < width * height; i++) if (random() < density) cells.push(i);
      const polys = traceCells(width, cells);
      let area = 0;
      for (const [outer, ...holes] of polys) {
        expect(signedArea(toMap(outer!)), `trial ${trial}`).toBeGreaterThan(0);
        area += signedArea(toMap(outer!));
        for (const h of holes) {
          expect(signedArea(toMap(h)), `trial ${trial}`).toBeLessThan(0);
          area += signedArea(toMap(h));
        }
        for (const ring of [outer!, ...holes]) {
          const inner = ring.slice(0, -1).map(([i, j]) => `${i},${j}`);
          expect(new Set(inner).size, `trial ${trial}: a ring repeats a corner`).toBe(inner.length);
        }
      }
      expect(area, `trial ${trial}`).toBe(cells.length);
    }
  });
});

describe('cellOutline', () => {
  it('places corners on the grid in degrees', () => {
    const grid = coverageGrid([
      gridTierOf(
        'g',
        degreeDem(4, 3, 0.5, -78, 1, () => 0),
      ),
    ]);
    // Cells (1, 1) and (2, 1): x −77.5…−76.5, y 0.5…0.
    const mp = cellOutline(grid, [5, 6]);
    expect(mp).toHaveLength(1);
    expect(
      mp[0]![0]!
        .map((p) => `${p[0]},${p[1]}`)
        .slice(0, -1)
        .sort(),
    ).toEqual(['-77.5,0', '-77.5,0.5', '-76.5,0', '-76.5,0.5'].sort());
    expect(cellOutline(grid, [])).toEqual([]);
  });
});

describe('gapClusters', () => {
  // A 10 × 6 grid of 1° cells; demand drawn as digits, '#' a covered cell.
  const picture = [
    '11.....#..', // row 0
    '1......#..', // row 1
    '...3...#.2', // row 2
    '....4..#2.', // row 3
    '.......#..', // row 4
    '5........1', // row 5
  ];
  const width = 10;
  const grid = coverageGrid([
    gridTierOf(
      'g',
      degreeDem(width, 6, 1, 0, 6, () => 0),
    ),
  ]);
  const counts = new Uint16Array(grid.cellCount);
  const entries: [number, number][] = [];
  picture.forEach((line, r) =>
    [...line].forEach((ch, c) => {
      if (ch === '#') counts[r * width + c] = 1;
      else if (ch !== '.') entries.push([r * width + c, Number(ch)]);
    }),
  );
  // Demand under a covered cell is not a gap.
  entries.push([0 * width + 7, 50]);
  const demand = demandLayer('incidents', entries);

  it('joins 8-connected uncovered demand and ranks the clusters by demand', () => {
    const gaps = gapClusters(grid, counts, demand);
    // {(3,2),(4,3)} = 7; {(8,3),(9,2)} = 4; {(0,0),(1,0),(0,1)} = 3; (0,5) = 5; (9,5) = 1.
    expect(gaps.map((g) => g.demand)).toEqual([7, 5, 4, 3, 1]);
    expect(gaps.map((g) => g.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(gaps[0]!.cells)).toEqual([2 * width + 3, 3 * width + 4]);
    // Demand-weighted centre of 3 at (3.5, 3.5) and 4 at (4.5, 2.5) in lon/lat.
    expect(gaps[0]!.centroid[0]).toBeCloseTo((3 * 3.5 + 4 * 4.5) / 7, 12);
    expect(gaps[0]!.centroid[1]).toBeCloseTo((3 * 3.5 + 4 * 2.5) / 7, 12);
    expect(gaps[0]!.bbox).toEqual([3, 2, 5, 4]);
  });

  it('links cells up to linkCells apart', () => {
    const gaps = gapClusters(grid, counts, demand, { linkCells: 3 });
    // (0,5) joins (3,2) 3 cells away, and (3,2) joins (1,0): 3 + 7 + 5 = 15. (4,3) and (8,3) are
    // 4 apart: the east side stays apart, (9,5) joining (8,3) 2 rows up: 4 + 1.
    expect(gaps.map((g) => g.demand)).toEqual([15, 5]);
  });

  it('limits, filters and restricts to an area', () => {
    expect(gapClusters(grid, counts, demand, { limit: 2 }).map((g) => g.demand)).toEqual([7, 5]);
    expect(gapClusters(grid, counts, demand, { minDemand: 4 }).map((g) => g.demand)).toEqual([7, 5, 4]);
    const east = gapClusters(grid, counts, demand, { within: (c) => c % width > 7 });
    expect(east.map((g) => g.demand)).toEqual([4, 1]);
    expect(() => gapClusters(grid, counts, demand, { linkCells: 0 })).toThrow(/linkCells/);
  });
});
