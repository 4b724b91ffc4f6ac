/**
 * Privacy masks on the coverage grid, on cases whose answer is known by hand.
 *
 * Rasterising: a 16 × 16 grid of 2⁻¹⁰° cells whose north-west corner is (−78, 0), so that every
 * cell corner is exact in binary and polygons can be drawn exactly on cell lines. A cell is
 * masked when the polygon covers part of its area: cells (c, r) span u ∈ [c, c+1], v ∈ [r, r+1]
 * in cell units (v grows south).
 *
 * Footprints: the analytic disc of network-coverage.test.ts — on flat 3″ ground at the equator a
 * 360° dome with a 200 m range sees the 13 cells at offsets (0, 0), (±1, 0), (±2, 0), (0, ±1),
 * (0, ±2), (±1, ±1) of its own.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { coverageGrid, gridTierOf, memoryTerrain, tierCell } from '../../server/coverage/coverage-grid.js';
import type { CameraForCoverage, Footprint } from '../../server/coverage/network-coverage.js';
import { cameraFootprint, NetworkCoverage } from '../../server/coverage/network-coverage.js';
import { CameraMasks } from '../../server/privacy/camera-masks.js';
import { applyMask, maskCells, withoutCells } from '../../server/privacy/privacy-mask.js';
import { degreeDem } from './synthetic-dem.js';

// ------------------------------------------------------------------------------ rasterising

const S = 2 ** -10;
const grid16 = () =>
  coverageGrid([
    gridTierOf(
      'exact',
      degreeDem(16, 16, S, -78, 0, () => 0),
    ),
  ]);
/** A point at (u, v) in cell units of grid16. */
const pt = (u: number, v: number): Position => [-78 + u * S, -v * S];
const ring = (...uv: [number, number][]): Position[] => [...uv, uv[0]!].map(([u, v]) => pt(u, v));
const polygon = (...rings: Position[][]): Polygon => ({ type: 'Polygon', coordinates: rings });
/** A rectangle u ∈ [u0, u1], v ∈ [v0, v1], counter-clockwise on the map. */
const rect = (u0: number, v0: number, u1: number, v1: number) => ring([u0, v1], [u1, v1], [u1, v0], [u0, v0]);
/** The cells (c, r) of grid16 as indices, ascending. */
const cells = (pairs: [number, number][]) => pairs.map(([c, r]) => r * 16 + c).sort((a, b) => a - b);
const block = (c0: number, r0: number, c1: number, r1: number) => {
  const out: [number, number][] = [];
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) out.push([c, r]);
  return cells(out);
};

describe('maskCells', () => {
  it('masks exactly the cells a rectangle drawn on cell lines covers', () => {
    // Columns 3–6, rows 2–4: 4 × 3 = 12 cells; its sides run along cell sides and mask nothing beyond.
    expect(Array.from(maskCells(grid16(), polygon(rect(3, 2, 7, 5))))).toEqual(block(3, 2, 6, 4));
  });

  it('masks a cell the polygon covers only partly', () => {
    // From the centre of column 3 to the centre of column 6 (rows likewise 2–4): the same 12 cells.
    expect(Array.from(maskCells(grid16(), polygon(rect(3.5, 2.5, 6.5, 4.5))))).toEqual(block(3, 2, 6, 4));
    // A rectangle reaching a thousandth of a cell past column 3's west side takes in column 2.
    expect(Array.from(maskCells(grid16(), polygon(rect(2.999, 2, 7, 5))))).toEqual(block(2, 2, 6, 4));
  });

  it('masks the cell holding a polygon smaller than a cell', () => {
    expect(Array.from(maskCells(grid16(), polygon(rect(5.1, 7.2, 5.3, 7.4))))).toEqual(cells([[5, 7]]));
  });

  it('masks the 10 cells under a right triangle whose hypotenuse runs through cell corners', () => {
    // The triangle u + v < 4: cell (c, r) meets it iff c + r < 4, i.e. 4 + 3 + 2 + 1 = 10 cells.
    const expected: [number, number][] = [];
    for (let r = 0; r < 4; r++) for (let c = 0; c + r < 4; c++) expected.push([c, r]);
    const tri = polygon(ring([0, 4], [4, 0], [0, 0]));
    expect(Array.from(maskCells(grid16(), tri))).toEqual(cells(expected));
  });

  it('leaves the cells of a hole unmasked', () => {
    // Columns and rows 0–9 less a hole over 3–6: 100 − 16 = 84 cells.
    const outer = rect(0, 0, 10, 10);
    const hole = rect(3, 3, 7, 7).reverse();
    const masked = new Set(maskCells(grid16(), polygon(outer, hole)));
    expect(masked.size).toBe(84);
    for (const c of block(3, 3, 6, 6)) expect(masked.has(c)).toBe(false);
  });

  it('unites the parts of a MultiPolygon', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[rect(0, 0, 1, 1)], [rect(14, 14, 16, 16)]],
    };
    expect(Array.from(maskCells(grid16(), multi))).toEqual([...cells([[0, 0]]), ...block(14, 14, 15, 15)]);
  });

  it('clips to the grid and masks nothing off it', () => {
    expect(Array.from(maskCells(grid16(), polygon(rect(-5, -5, 1, 1))))).toEqual(cells([[0, 0]]));
    expect(maskCells(grid16(), polygon(rect(20, 20, 30, 30)))).toHaveLength(0);
  });

  it('masks a finer tier on its own cells, not in whole coarse cells', () => {
    // Coarse 9″ (0.0025°) 16 × 16 from (−78, 0); fine 3″ 12 × 12 over coarse columns 4–7, rows 2–5.
    const terrain = memoryTerrain([
      { name: 'coarse', dem: degreeDem(16, 16, 0.0025, -78, 0, () => 0) },
      { name: 'fine', dem: degreeDem(12, 12, 1 / 1200, -77.99, -0.005, () => 0) },
    ]);
    // A square strictly inside fine cell (4, 4): one fine cell, no coarse one.
    const fineW = -77.99 + 4 / 1200;
    const fineN = -0.005 - 4 / 1200;
    const d = 0.25 / 1200;
    const inFine = maskCells(terrain.grid, {
      type: 'Polygon',
      coordinates: [
        [
          [fineW + d, fineN - 3 * d],
          [fineW + 3 * d, fineN - 3 * d],
          [fineW + 3 * d, fineN - d],
          [fineW + d, fineN - d],
          [fineW + d, fineN - 3 * d],
        ],
      ],
    });
    expect(Array.from(inFine).map((c) => tierCell(terrain.grid, c))).toEqual([{ tier: 0, col: 4, row: 4 }]);
    // A square inside coarse cell (1, 1), far from the fine tier: that coarse cell.
    const inCoarse = maskCells(terrain.grid, {
      type: 'Polygon',
      coordinates: [
        [
          [-77.9972, -0.0047],
          [-77.9953, -0.0047],
          [-77.9953, -0.0028],
          [-77.9972, -0.0028],
          [-77.9972, -0.0047],
        ],
      ],
    });
    expect(Array.from(inCoarse).map((c) => tierCell(terrain.grid, c))).toEqual([{ tier: 1, col: 1, row: 1 }]);
  });
});

// ------------------------------------------------------------------------------ footprints

const PX = 1 / 1200;
const WEST = -78 - 20.5 * PX;
const NORTH = 20.5 * PX;
const centreOf = (c: number, r: number): [number, number] => [WEST + (c + 0.5) * PX, NORTH - (r + 0.5) * PX];
/** A rectangle over columns c0–c1 and rows r0–r1 of the 41 × 41 grid, its sides on cell lines. */
const cellRect = (c0: number, r0: number, c1: number, r1: number): Polygon => {
  const w = WEST + c0 * PX;
  const e = WEST + (c1 + 1) * PX;
  const n = NORTH - r0 * PX;
  const s = NORTH - (r1 + 1) * PX;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
};
const DISC_13 = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [2, 0],
  [-2, 0],
  [0, 1],
  [0, -1],
  [0, 2],
  [0, -2],
  [1, 1],
  [1, -1],
  [-1, 1],
  [-1, -1],
];
const at = (offsets: number[][], c0: number, r0: number) =>
  offsets.map(([dc, dr]) => (r0 + dr!) * 41 + c0 + dc!).sort((a, b) => a - b);

const dome = (position: [number, number]): CameraForCoverage => ({
  kind: 'dome',
  position,
  mountHeightM: 10,
  azimuthDeg: 0,
  hfovDeg: 360,
  vfovDeg: 60,
  tiltDeg: 0,
  rangeM: 200,
  resolutionHPx: 1920,
});

function flat() {
  return memoryTerrain([{ name: 'flat', dem: degreeDem(41, 41, PX, WEST, NORTH, () => 100) }]);
}

describe('applyMask', () => {
  const terrain = flat();
  const fp = cameraFootprint(dome(centreOf(20, 20)), terrain);

  it('starts from the 13-cell disc', () => {
    expect(Array.from(fp.cells)).toEqual(at(DISC_13, 20, 20));
  });

  it('leaves no cell of a camera whose whole viewshed a mask square covers', () => {
    const mask = maskCells(terrain.grid, cellRect(15, 15, 25, 25));
    const masked = applyMask(fp, mask);
    expect(masked.cells).toHaveLength(0);
    expect(masked.dori).toHaveLength(0);
  });

  it('keeps the 9 cells east of a mask over columns ≤ 19, each with its DORI class', () => {
    // Offsets with dc ≥ 0: (0, 0), (1, 0), (2, 0), (0, ±1), (0, ±2), (1, ±1).
    const masked = applyMask(fp, maskCells(terrain.grid, cellRect(0, 0, 19, 40)));
    expect(Array.from(masked.cells)).toEqual(
      at(
        [
          [0, 0],
          [1, 0],
          [2, 0],
          [0, 1],
          [0, -1],
          [0, 2],
          [0, -2],
          [1, 1],
          [1, -1],
        ],
        20,
        20,
      ),
    );
    masked.cells.forEach((cell, i) => expect(masked.dori[i]).toBe(fp.dori[fp.cells.indexOf(cell)]));
  });

  it('gives the same footprint back when the mask misses it', () => {
    expect(applyMask(fp, maskCells(terrain.grid, cellRect(0, 0, 5, 5)))).toBe(fp);
  });
});

describe('two cameras, one masked', () => {
  // B two columns east of A: their discs share A's offsets (0, 0), (1, 0), (2, 0), (1, ±1).
  const terrain = flat();
  const a = cameraFootprint(dome(centreOf(20, 20)), terrain);
  const b = cameraFootprint(dome(centreOf(22, 20)), terrain);
  const masks = new CameraMasks();
  masks.load(terrain.grid, 'r1', [{ id: 1, cameraExternalId: 'A', geometry: cellRect(15, 15, 25, 25) }]);
  const net = new NetworkCoverage(terrain.grid);
  net.set('A', masks.footprintOf('A', a));
  net.set('B', masks.footprintOf('B', b));
  const seen = () => [...net.counts.keys()].filter((i) => net.counts[i]! > 0);

  it('counts only B: a cell both see stays covered, once', () => {
    expect(seen()).toEqual(at(DISC_13, 22, 20));
    const shared = at(
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [1, 1],
        [1, -1],
      ],
      20,
      20,
    );
    for (const c of shared) expect(net.counts[c]).toBe(1);
    // A's cells that B does not see: (−2..−1, ·) and (0, ±1), (0, ±2) of A — 8 cells at 0.
    const onlyA = at(DISC_13, 20, 20).filter((c) => !shared.includes(c));
    expect(onlyA).toHaveLength(8);
    for (const c of onlyA) expect(net.counts[c]).toBe(0);
  });

  it('keeps the masked footprint object while neither footprint nor masks change', () => {
    const first = masks.footprintOf('A', a);
    masks.load(terrain.grid, 'r2', [{ id: 1, cameraExternalId: 'A', geometry: cellRect(15, 15, 25, 25) }]);
    expect(masks.footprintOf('A', a)).toBe(first);
    expect(masks.footprintOf('B', b)).toBe(b);
    // A new mask (a new id) is a new masked footprint.
    masks.load(terrain.grid, 'r3', [{ id: 2, cameraExternalId: 'A', geometry: cellRect(0, 0, 19, 40) }]);
    const second = masks.footprintOf('A', a);
    expect(second).not.toBe(first);
    expect(second.cells).toHaveLength(9);
  });

  it('gives hypothetical cameras nothing in any masked cell, and leaves masked cells out of lists', () => {
    masks.load(terrain.grid, 'r4', [{ id: 3, cameraExternalId: 'A', geometry: cellRect(20, 20, 20, 20) }]);
    const own = 20 * 41 + 20;
    expect(masks.isMasked(own)).toBe(true);
    expect(masks.isMasked(own + 1)).toBe(false);
    const candidate: Footprint = masks.hypothetical(a);
    expect(Array.from(candidate.cells)).toEqual(at(DISC_13, 20, 20).filter((c) => c !== own));
    expect(Array.from(masks.unmasked(Uint32Array.from([own - 1, own, own + 1])))).toEqual([own - 1, own + 1]);
    expect(Array.from(withoutCells(Uint32Array.from([1, 2, 3]), Uint32Array.from([2])))).toEqual([1, 3]);
  });
});
