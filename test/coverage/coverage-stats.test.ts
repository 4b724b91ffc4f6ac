/**
 * Coverage figures per zone on the two-squares fixture (test/fixtures/coverage/network), with
 * counts and incidents placed by hand:
 *
 * - West (100 cells): its five western columns (1–5, every row) are seen: 50 %, whatever the
 *   small differences in cell area between rows, since every row is half seen.
 *   Incidents: 10 in a seen cell (2, 3), 6 in an unseen one (8, 8): 62.5 % seen.
 * - East (100 cells less the 4 of its hole = 96): cells (11, 1) and (12, 1) are seen, and the 4
 *   hole cells, which are in no zone: 2 of 96 cells of one row's area ≈ 2.08 %.
 *   Incidents: 3 in (11, 1) seen, 1 in (18, 9) not, 4 in the hole (no zone): 75 %.
 */
import { readFileSync } from 'node:fs';
import type { FeatureCollection, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { coverageGrid, gridTierOf } from '../../server/coverage/coverage-grid.js';
import {
  applyFlips,
  cellSetStat,
  cellsInBox,
  coverageTotals,
  demandFromRaster,
  demandLayer,
  groupZones,
  layerStats,
  layerSum,
  NO_ZONE,
  rasterizeZones,
  weightAt,
} from '../../server/coverage/coverage-stats.js';
import { metresPerDegree } from '../../server/coverage/ground-scale.js';
import { coverageFlips } from '../../server/coverage/network-coverage.js';
import { degreeDem } from './synthetic-dem.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/coverage/network/two-squares.geojson', import.meta.url), 'utf8'),
) as FeatureCollection<Polygon, { id: string; name: string }>;
const zones = fixture.features.map((f) => ({
  id: f.properties.id,
  name: f.properties.name,
  geometry: f.geometry,
}));

const W = 22;
const grid = coverageGrid([
  gridTierOf(
    'g',
    degreeDem(W, 12, 0.0025, -78.0025, 0.0025, () => 0),
  ),
]);
const cell = (c: number, r: number) => r * W + c;

function handCounts(): Uint16Array {
  const counts = new Uint16Array(grid.cellCount);
  for (let r = 1; r <= 10; r++) for (let c = 1; c <= 5; c++) counts[cell(c, r)] = 1;
  counts[cell(11, 1)] = 2;
  counts[cell(12, 1)] = 1;
  for (const [c, r] of [
    [15, 5],
    [16, 5],
    [15, 6],
    [16, 6],
  ])
    counts[cell(c!, r!)] = 1;
  return counts;
}

const incidents = demandLayer('incidents', [
  [cell(2, 3), 10],
  [cell(8, 8), 6],
  [cell(11, 1), 3],
  [cell(18, 9), 1],
  [cell(15, 5), 4],
]);

describe('rasterizeZones', () => {
  const layer = rasterizeZones(grid, 'square', zones);

  it('gives each cell the polygon holding its centre, holes excluded', () => {
    const count = (z: number) => layer.zoneOf.filter((v) => v === z).length;
    expect(count(0)).toBe(100);
    expect(count(1)).toBe(96);
    expect(layer.zoneOf[cell(1, 1)]).toBe(0);
    expect(layer.zoneOf[cell(10, 10)]).toBe(0);
    expect(layer.zoneOf[cell(11, 1)]).toBe(1);
    expect(layer.zoneOf[cell(15, 5)]).toBe(NO_ZONE);
    expect(layer.zoneOf[cell(0, 0)]).toBe(NO_ZONE);
    expect(layer.zoneOf[cell(21, 11)]).toBe(NO_ZONE);
  });

  it('leaves out coarse cells a finer tier owns', () => {
    // A fine tier over the West square's top-left 9″ cell (1, 1): that coarse cell is in no zone,
    // its 3 × 3 fine cells are West.
    const two = coverageGrid([
      gridTierOf(
        'g',
        degreeDem(W, 12, 0.0025, -78.0025, 0.0025, () => 0),
      ),
      gridTierOf(
        'f',
        degreeDem(3, 3, 0.0025 / 3, -78, 0, () => 0),
      ),
    ]);
    const l = rasterizeZones(two, 'square', zones);
    expect(Array.from(l.zoneOf.slice(0, 9))).toEqual(new Array(9).fill(0));
    expect(l.zoneOf[9 + cell(1, 1)]).toBe(NO_ZONE);
  });
});

describe('coverage figures per zone', () => {
  const layer = rasterizeZones(grid, 'square', zones);
  const totals = coverageTotals(grid, handCounts(), [layer], [incidents]);
  const [west, east] = layerStats(layer, totals.layers[0]!, [incidents]);

  it('gives the share of area seen, weighted by cell area', () => {
    expect(west!.cells).toBe(100);
    expect(west!.coveredAreaPct).toBe(50);
    expect(east!.cells).toBe(96);
    // Row 1 cells are a hair larger or smaller than the mean; to two decimals 2/96 = 2.08 %.
    expect(east!.coveredAreaPct).toBe(2.08);
  });

  it('gives each square its area on the ellipsoid', () => {
    // 10 × 10 cells of 0.0025° ≈ 0.025° × 0.025° at −0.0125°: 2,782.9 m × 2,764.4 m.
    const k = metresPerDegree(-0.0125);
    expect(west!.areaKm2).toBeCloseTo((0.025 * k.east * 0.025 * k.north) / 1e6, 3);
  });

  it('gives the share of incidents seen, the hole counting for no zone', () => {
    expect(west!.demand.incidents).toEqual({ total: 16, covered: 10, coveredPct: 62.5 });
    expect(east!.demand.incidents).toEqual({ total: 4, covered: 3, coveredPct: 75 });
  });

  it('adds zones up, and groups zones into coarser ones', () => {
    const all = layerSum('all', 'Both', totals.layers[0]!, [incidents]);
    expect(all.cells).toBe(196);
    expect(all.coveredAreaPct).toBeCloseTo((100 * 52) / 196, 1);
    expect(all.demand.incidents).toEqual({ total: 20, covered: 13, coveredPct: 65 });
    const regions = groupZones(layer, 'region', [{ id: 'R', name: 'Both', members: ['W', 'E'] }]);
    const rt = coverageTotals(grid, handCounts(), [regions], [incidents]);
    expect(layerStats(regions, rt.layers[0]!, [incidents])[0]).toMatchObject({
      cells: 196,
      demand: { incidents: { total: 20, covered: 13 } },
    });
    expect(() => groupZones(layer, 'x', [{ id: 'X', name: 'X', members: ['Q'] }])).toThrow(/Q/);
  });

  it('updates from flipped cells alone exactly as a full recompute does', () => {
    const counts = handCounts();
    // Take away the camera seeing (12, 1) and one of the two at (11, 1); add one seeing (8, 8), (9, 8).
    const removed = [{ cells: Uint32Array.of(cell(11, 1), cell(12, 1)), dori: Uint8Array.of(0, 0), tier: 0 }];
    const added = [{ cells: Uint32Array.of(cell(8, 8), cell(9, 8)), dori: Uint8Array.of(0, 0), tier: 0 }];
    const flips = coverageFlips(counts, removed, added);
    expect(Array.from(flips.lost)).toEqual([cell(12, 1)]);
    const fast = applyFlips(grid, totals, [layer], [incidents], flips);
    counts[cell(11, 1)] = 1;
    counts[cell(12, 1)] = 0;
    counts[cell(8, 8)] = 1;
    counts[cell(9, 8)] = 1;
    const slow = coverageTotals(grid, counts, [layer], [incidents]);
    const f = fast.layers[0]!;
    const s = slow.layers[0]!;
    expect(Array.from(f.coveredCells)).toEqual(Array.from(s.coveredCells));
    f.coveredAreaM2.forEach((v, z) => expect(v).toBeCloseTo(s.coveredAreaM2[z]!, 3));
    expect(Array.from(f.demand[0]!.covered)).toEqual(Array.from(s.demand[0]!.covered));
    expect(Array.from(f.demand[0]!.covered)).toEqual([16, 3]);
    // The totals given are untouched.
    expect(Array.from(totals.layers[0]!.demand[0]!.covered)).toEqual([10, 3]);
  });
});

describe('demand layers', () => {
  it('sums repeats and drops weights ≤ 0 and cells outside the grid', () => {
    const d = demandLayer('x', [
      [5, 1],
      [3, 2],
      [5, 4],
      [7, 0],
      [-1, 9],
    ]);
    expect(Array.from(d.cells)).toEqual([3, 5]);
    expect(Array.from(d.weights)).toEqual([2, 5]);
    expect(weightAt(d, 5)).toBe(5);
    expect(weightAt(d, 4)).toBe(0);
    expect(() => demandLayer('x', [[1, NaN]])).toThrow(/NaN/);
  });

  it('bins a population raster to the cells holding its pixel centres', () => {
    // Pixels of half a grid cell: the 2 × 2 pixels from (−78.0025, 0.0025) all fall in cell (0, 0).
    const pop = {
      ...degreeDem(4, 2, 0.00125, -78.0025, 0.0025, (c, r) => (c < 2 ? 10 + r : -1)),
      nodata: -1,
    };
    const d = demandFromRaster(grid, 'population', pop);
    expect(Array.from(d.cells)).toEqual([cell(0, 0)]);
    expect(Array.from(d.weights)).toEqual([10 + 11 + 10 + 11]);
  });
});

describe('areas of interest', () => {
  it('selects the cells whose centres lie in a box and passes a test, with their figures', () => {
    // Box over columns 1–3, rows 1–2 of the grid, keeping x < −77.995 (columns 1–2).
    const box = [-78.0, -0.005, -77.9925, 0.0] as const;
    const cells = cellsInBox(grid, box, (x) => x < -77.995);
    expect(Array.from(cells)).toEqual([cell(1, 1), cell(2, 1), cell(1, 2), cell(2, 2)].sort((a, b) => a - b));
    const stat = cellSetStat(grid, handCounts(), 'box', 'Box', cells, [incidents]);
    expect(stat.coveredAreaPct).toBe(100);
    expect(stat.demand.incidents!.total).toBe(0);
    expect(stat.demand.incidents!.coveredPct).toBeNull();
  });
});
