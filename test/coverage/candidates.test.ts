/**
 * Candidate sites (high points, towns, roads, user points) and siting on a DEM whose optimum is
 * known by hand.
 */
import { describe, expect, it } from 'vitest';
import { memoryTerrain } from '../../server/coverage/coverage-grid.js';
import { groundDistanceDeg } from '../../server/coverage/ground-scale.js';
import { cameraFootprint, NetworkCoverage } from '../../server/coverage/network-coverage.js';
import type { CameraModel, CandidateSite } from '../../server/coverage/siting-candidates.js';
import {
  candidateCameras,
  highPoints,
  mergeSites,
  newlySeenCells,
  roadSites,
  sitingProblemOf,
  townSites,
} from '../../server/coverage/siting-candidates.js';
import { exactSiting } from '../../server/coverage/siting-exact.js';
import { greedySiting } from '../../server/coverage/siting-greedy.js';
import { degreeDem } from './synthetic-dem.js';

const PX = 1 / 1200;

describe('highPoints', () => {
  // Three peaks on a plain at 100 m: 600 m at (10, 10), 500 m at (30, 12), 400 m at (12, 30).
  // The plain is flat (less than 10 m of relief): no high points there.
  const peaks = [
    [10, 10, 500],
    [30, 12, 400],
    [12, 30, 300],
  ];
  const dem = degreeDem(40, 40, PX, -78, 0, (c, r) =>
    peaks.reduce((h, [x, y, a]) => h + a! * Math.exp(-((c - x!) ** 2 + (r - y!) ** 2) / 8), 100),
  );
  const at = (c: number, r: number) => [-78 + (c + 0.5) * PX, -(r + 0.5) * PX];

  it('finds the summits, highest first', () => {
    const found = highPoints(dem, { radiusCells: 5 });
    expect(found.map((s) => [s.lon, s.lat])).toEqual([at(10, 10), at(30, 12), at(12, 30)]);
    expect(found[0]).toMatchObject({ source: 'high-point', label: 'high point 600 m' });
  });

  it('limits, thins, filters and caps the height', () => {
    expect(highPoints(dem, { radiusCells: 5, limit: 1 })).toHaveLength(1);
    expect(
      highPoints(
        degreeDem(20, 20, PX, -78, 0, () => 100),
        { radiusCells: 5 },
      ),
    ).toEqual([]);
    // From (10,10): (12,30) is √((2·92.766)² + (20·92.145)²) = 1,852.2 m, (30,12) is
    // √((20·92.766)² + (2·92.145)²) = 1,864.4 m. At 1,860 m spacing only (12,30) is dropped.
    expect(highPoints(dem, { radiusCells: 5, minSpacingM: 1860 }).map((s) => [s.lon, s.lat])).toEqual([
      at(10, 10),
      at(30, 12),
    ]);
    expect(highPoints(dem, { radiusCells: 5, keep: (lon) => lon > -78 + 20 * PX })).toHaveLength(1);
    expect(highPoints(dem, { radiusCells: 5, maxElevationM: 550 }).map((s) => [s.lon, s.lat])[0]).toEqual(
      at(30, 12),
    );
  });
});

describe('town, road and user sites', () => {
  it('rings a town with four points 1.5 km out', () => {
    const sites = townSites([{ name: 'Latacunga', lon: -78.616, lat: -0.935 }]);
    expect(sites.map((s) => s.label)).toEqual([
      'Latacunga centre',
      'Latacunga +1.5 km N',
      'Latacunga +1.5 km E',
      'Latacunga +1.5 km S',
      'Latacunga +1.5 km W',
    ]);
    for (const s of sites.slice(1))
      expect(groundDistanceDeg(-78.616, -0.935, s.lon, s.lat)).toBeCloseTo(1500, 0);
  });

  it('puts a point every 2 km along a road', () => {
    // 0.1° of the equator is 11.132 km: points at km 0, 2, 4, 6, 8 and 10.
    const sites = roadSites(
      [
        {
          ref: 'E0',
          path: [
            [-78, 0],
            [-77.9, 0],
          ],
        },
      ],
      2,
    );
    expect(sites.map((s) => s.label)).toEqual([
      'E0 km 0',
      'E0 km 2',
      'E0 km 4',
      'E0 km 6',
      'E0 km 8',
      'E0 km 10',
    ]);
    expect(groundDistanceDeg(-78, 0, sites[5]!.lon, 0)).toBeCloseTo(10000, 3);
  });

  it('keeps the first of two sites closer than the spacing', () => {
    const user: CandidateSite = { lon: -78, lat: 0, source: 'user', label: 'mine' };
    const town: CandidateSite = { lon: -78.0005, lat: 0, source: 'town', label: 'town' }; // 56 m away
    const far: CandidateSite = { lon: -78.01, lat: 0, source: 'town', label: 'far' };
    expect(mergeSites([[user], [town, far]]).map((s) => s.label)).toEqual(['mine', 'far']);
  });

  it('aims a narrow camera every hfov degrees, a 360° one once', () => {
    const site: CandidateSite = { lon: -78, lat: 0, source: 'user', label: 'x' };
    const model: CameraModel = {
      kind: 'fixed',
      mountHeightM: 8,
      hfovDeg: 90,
      vfovDeg: 40,
      tiltDeg: -10,
      rangeM: 300,
      resolutionHPx: 1920,
      unitCostUsd: 1250,
    };
    expect(candidateCameras([site], model).map((c) => c.azimuthDeg)).toEqual([0, 90, 180, 270]);
    expect(candidateCameras([site], { ...model, hfovDeg: 100 }).map((c) => c.azimuthDeg)).toEqual([
      0, 90, 180, 270,
    ]);
    expect(candidateCameras([{ ...site, azimuthDeg: 45 }], model).map((c) => c.azimuthDeg)).toEqual([45]);
    expect(candidateCameras([site], { ...model, hfovDeg: 360 })).toHaveLength(1);
    expect(candidateCameras([site], model)[0]).toMatchObject({ cost: 1250, camera: { position: [-78, 0] } });
  });
});

/**
 * Two valleys and a ridge, on a 61 × 21 grid of 3″ cells (92.77 m wide): ground at 0, a 60 m
 * ridge along column 30. Demand: 25 cells (columns 24–28, rows 8–12) west of the ridge, 25
 * (columns 32–36) east of it, and 9 (columns 53–55, rows 9–11) far east. Candidates, 360° domes
 * on 10 m masts with a 1 km range (10.8 columns): W at column 20, E at 40, R on the ridge at
 * 30, F at 54, all on row 10.
 * - W sees the west 25 (its farthest, (28, 12), is 765 m away); the ridge hides the east.
 * - E sees the east 25 (the far east starts 13 columns = 1.2 km away).
 * - R, 70 m above the plain, sees both sides: 50.
 * - F sees the far east 9.
 * One camera: R (50). Two: R and F (59), better than W and E (50). A third adds nothing.
 */
describe('siting over a ridge', () => {
  const terrain = memoryTerrain([
    { name: 'ridge', dem: degreeDem(61, 21, PX, -78, 0, (c) => (c === 30 ? 60 : 0)) },
  ]);
  const W = 61;
  const at = (c: number, r: number): [number, number] => [-78 + (c + 0.5) * PX, -(r + 0.5) * PX];
  const demandCells: number[] = [];
  for (let r = 8; r <= 12; r++) for (let c = 24; c <= 28; c++) demandCells.push(r * W + c);
  for (let r = 8; r <= 12; r++) for (let c = 32; c <= 36; c++) demandCells.push(r * W + c);
  for (let r = 9; r <= 11; r++) for (let c = 53; c <= 55; c++) demandCells.push(r * W + c);
  const cells = Uint32Array.from(demandCells).sort();
  const weights = new Float64Array(cells.length).fill(1);
  const model: CameraModel = {
    kind: 'dome',
    mountHeightM: 10,
    hfovDeg: 360,
    vfovDeg: 60,
    tiltDeg: 0,
    rangeM: 1000,
    resolutionHPx: 1920,
    unitCostUsd: 1000,
  };
  const sites: CandidateSite[] = [20, 40, 30, 54].map((c, i) => ({
    lon: at(c, 10)[0],
    lat: at(c, 10)[1],
    source: 'user',
    label: 'WERF'[i]!,
  }));
  const candidates = candidateCameras(sites, model);
  const footprints = candidates.map((c) => cameraFootprint(c.camera, terrain));
  const problemFor = (
    budget: { count?: number; dollars?: number },
    counts: Uint16Array = new Uint16Array(terrain.grid.cellCount),
  ) => sitingProblemOf({ cells, weights, counts, footprints, costs: candidates.map((c) => c.cost), budget });

  it('sees what each site sees, by hand', () => {
    const seen = (k: number) => [...footprints[k]!.cells].filter((c) => cells.includes(c)).length;
    expect([0, 1, 2, 3].map(seen)).toEqual([25, 25, 50, 9]);
  });

  it('takes the ridge first, then the far east, and stops when nothing more adds', () => {
    const one = greedySiting(problemFor({ count: 1 }));
    expect(one.steps.map((s) => sites[s.site]!.label)).toEqual(['R']);
    expect(one.coveredDemand).toBe(50);
    const three = greedySiting(problemFor({ count: 3 }));
    expect(three.steps.map((s) => [sites[s.site]!.label, s.gain])).toEqual([
      ['R', 50],
      ['F', 9],
    ]);
    const dollars = greedySiting(problemFor({ dollars: 2500 }));
    expect(dollars.steps.map((s) => sites[s.site]!.label)).toEqual(['R', 'F']);
    expect(dollars.totalCost).toBe(2000);
  });

  it('matches the optimum HiGHS proves', async () => {
    const exact = await exactSiting(problemFor({ count: 2 }));
    expect(exact.optimum).toBe(59);
    expect(exact.sites).toEqual([2, 3]);
    expect(exact.gap).toBe(0);
  });

  it('counts only demand the network misses', () => {
    // A camera already at W: the west valley is seen. E and R now add 25 each (E, the lower index, wins).
    const net = new NetworkCoverage(terrain.grid);
    net.set('existing-W', footprints[0]!);
    const r = greedySiting(problemFor({ count: 2 }, net.counts));
    expect(r.steps.map((s) => [sites[s.site]!.label, s.gain])).toEqual([
      ['E', 25],
      ['F', 9],
    ]);
    // What each chosen camera newly sees, demand or not: E's disc less what W already sees.
    const fresh = newlySeenCells(net.counts, [footprints[1]!, footprints[3]!]);
    expect(fresh[0]!.every((c) => net.counts[c] === 0)).toBe(true);
    expect(fresh[0]!.length).toBe(
      footprints[1]!.cells.length - [...footprints[1]!.cells].filter((c) => net.counts[c]! > 0).length,
    );
    expect(fresh[1]!.some((c) => fresh[0]!.includes(c))).toBe(false);
  });
});
