/**
 * Network coverage on terrain whose answer is known by hand (a flat plane, a wall), the counts
 * of overlapping cameras, offline cameras, and incremental updates against a recompute from
 * scratch on random edits.
 *
 * Distances on a 3″ grid at the equator: a column is 92.766 m and a row 92.145 m (WGS 84,
 * a·π/180/1200 and a(1 − e²)·π/180/1200). With a 200 m range the cells whose centres are within
 * range of the camera's are the 13 at offsets (0, 0), (±1, 0), (±2, 0), (0, ±1), (0, ±2),
 * (±1, ±1): (2, 0) is 185.5 m away and (0, 2) 184.3 m, but (2, 1) is 207.2 m and (1, 2) 206.3 m.
 */
import { describe, expect, it } from 'vitest';
import {
  coverageGrid,
  gridTierOf,
  isOwned,
  memoryTerrain,
  tierCell,
} from '../../server/coverage/coverage-grid.js';
import type { CameraForCoverage, Footprint } from '../../server/coverage/network-coverage.js';
import {
  bestDoriAt,
  cameraFootprint,
  countsFromScratch,
  coverageFlips,
  footprintKey,
  footprintOfRaster,
  NetworkCoverage,
} from '../../server/coverage/network-coverage.js';
import { metresPerDegree } from '../../server/coverage/ground-scale.js';
import { degreeDem } from './synthetic-dem.js';

const PX = 1 / 1200;
/** A 41 × 41 grid of 3″ cells whose centre cell (20, 20) is centred on (−78, 0). */
const WEST = -78 - 20.5 * PX;
const NORTH = 20.5 * PX;
const centreOf = (c: number, r: number): [number, number] => [WEST + (c + 0.5) * PX, NORTH - (r + 0.5) * PX];

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

function dome(position: [number, number], extra: Partial<CameraForCoverage> = {}): CameraForCoverage {
  return {
    kind: 'dome',
    position,
    mountHeightM: 10,
    azimuthDeg: 0,
    hfovDeg: 360,
    vfovDeg: 60,
    tiltDeg: 0,
    rangeM: 200,
    resolutionHPx: 1920,
    ...extra,
  };
}

const cellsAt = (offsets: number[][], c0: number, r0: number, width = 41) =>
  offsets.map(([dc, dr]) => (r0 + dr!) * width + c0 + dc!).sort((a, b) => a - b);

describe('a camera on a flat plane', () => {
  const terrain = memoryTerrain([{ name: 'flat', dem: degreeDem(41, 41, PX, WEST, NORTH, () => 100) }]);

  it('sees the 13 cells within 200 m', () => {
    const fp = cameraFootprint(dome(centreOf(20, 20)), terrain);
    expect(Array.from(fp.cells)).toEqual(cellsAt(DISC_13, 20, 20));
    expect(fp.tier).toBe(0);
  });

  it('counts two overlapping cameras: 5 cells seen twice, 21 in all', () => {
    // B two columns east of A: the discs share (0,0), (1,0), (2,0), (1,±1) in A's offsets.
    const net = new NetworkCoverage(terrain.grid);
    net.set('A', cameraFootprint(dome(centreOf(20, 20)), terrain));
    net.set('B', cameraFootprint(dome(centreOf(22, 20)), terrain));
    const twice = cellsAt(
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
    const seen = [...net.counts.keys()].filter((i) => net.counts[i]! > 0);
    expect(seen).toHaveLength(21);
    expect(seen.filter((i) => net.counts[i] === 2)).toEqual(twice);
    net.set('B', null);
    expect([...net.counts.keys()].filter((i) => net.counts[i]! > 0)).toEqual(cellsAt(DISC_13, 20, 20));
  });

  it('grades the image: at 1920 px and a 60° lens, recognise below the mast, nothing at 92 m', () => {
    // px/m = 1920 / (2·d·tan 30°): ≥ 250 (identify) for d ≤ 6.65 m, ≥ 125 (recognise) for
    // d ≤ 13.3 m, < 25 (none) beyond 66.5 m. The camera's own cell is 8.3 m below the eye (10 m
    // eye, 1.7 m target): 200 px/m, recognise. Every other cell is ≥ 92 m away: none.
    const fp = cameraFootprint(
      dome(centreOf(20, 20), { hfovDeg: 60, vfovDeg: 90, tiltDeg: -45 }),
      terrain,
      {},
    );
    const own = fp.cells.indexOf(20 * 41 + 20);
    expect(fp.dori[own]).toBe(3);
    expect([...fp.dori].filter((d, i) => i !== own).every((d) => d === 0)).toBe(true);
  });

  it('keys a footprint by position and optics, not status', () => {
    const cam = dome(centreOf(20, 20));
    const k = footprintKey(cam, {}, terrain.grid.key);
    expect(footprintKey({ ...cam }, {}, terrain.grid.key)).toBe(k);
    expect(footprintKey({ ...cam, azimuthDeg: 10 }, {}, terrain.grid.key)).not.toBe(k);
    expect(footprintKey(cam, { targetHeightM: 2 }, terrain.grid.key)).not.toBe(k);
    expect(footprintKey(cam, {}, 'another-grid')).not.toBe(k);
  });

  it('reports a camera with no terrain, or on nodata, without cells', () => {
    expect(cameraFootprint(dome([-70, 0]), terrain)).toMatchObject({ skipped: 'no-terrain', tier: null });
    const sea = memoryTerrain([
      { name: 'sea', dem: { ...degreeDem(41, 41, PX, WEST, NORTH, () => -32768), nodata: -32768 } },
    ]);
    expect(cameraFootprint(dome(centreOf(20, 20)), sea)).toMatchObject({ skipped: 'nodata' });
  });
});

describe('a camera behind a wall', () => {
  it('sees the flat ground on its side and nothing beyond the wall', () => {
    // Ground at 0, a 100 m wall along column 22, the camera at (20, 20) with a 500 m range.
    const terrain = memoryTerrain([
      { name: 'wall', dem: degreeDem(41, 41, PX, WEST, NORTH, (c) => (c === 22 ? 100 : 0)) },
    ]);
    const fp = cameraFootprint(dome(centreOf(20, 20), { rangeM: 500 }), terrain);
    const k = metresPerDegree(0);
    const inRange = (c: number, r: number) =>
      Math.hypot((c - 20) * PX * k.east, (r - 20) * PX * k.north) <= 500;
    const seen = new Set(fp.cells);
    for (let r = 0; r < 41; r++) {
      for (let c = 0; c < 41; c++) {
        const i = r * 41 + c;
        if (c < 22) expect(seen.has(i), `cell ${c},${r}`).toBe(inRange(c, r));
        if (c > 22) expect(seen.has(i), `cell ${c},${r}`).toBe(false);
      }
    }
    // The wall's face toward the camera is seen where it is in range (at least the cell due east).
    expect(seen.has(20 * 41 + 22)).toBe(true);
  });
});

describe('a viewshed on a coarse tier reaching into a finer one', () => {
  it('lands in the fine cells, never in a coarse cell the fine tier owns', () => {
    // Coarse 9″ 16 × 16 from (−78, 0); fine 3″ 12 × 12 over coarse columns 4–7, rows 2–5.
    const terrain = memoryTerrain([
      { name: 'coarse', dem: degreeDem(16, 16, 0.0025, -78, 0, () => 0) },
      { name: 'fine', dem: degreeDem(12, 12, PX, -77.99, -0.005, () => 0) },
    ]);
    // From coarse cell (2, 3) with a 1.5 km range the disc spans coarse columns 0–7.
    const fp = cameraFootprint(dome([-78 + 2.5 * 0.0025, -3.5 * 0.0025], { rangeM: 1500 }), terrain);
    expect(fp.tier).toBe(1);
    const fine = [...fp.cells].filter((c) => c < 144);
    const coarse = [...fp.cells].map((c) => tierCell(terrain.grid, c)).filter((t) => t.tier === 1);
    expect(coarse.every((t) => isOwned(terrain.grid, 1, t.col, t.row))).toBe(true);
    // Fine cells come as whole 3 × 3 blocks of the coarse cells they replace.
    expect(fine.length % 9).toBe(0);
    expect(fine.length).toBeGreaterThan(0);
  });
});

describe('footprintOfRaster', () => {
  it('refuses a window that is not on the tier grid', () => {
    const grid = coverageGrid([
      gridTierOf(
        't',
        degreeDem(4, 4, PX, -78, 0, () => 0),
      ),
    ]);
    const win = { width: 1, height: 1, geoTransform: [-78 + PX / 2, PX, 0, 0, 0, -PX] as const };
    expect(() => footprintOfRaster(grid, 0, win, Uint8Array.of(1), Uint8Array.of(0))).toThrow(
      /not on the grid/,
    );
  });
});

describe('coverageFlips and bestDoriAt', () => {
  const fp = (cells: number[], dori: number[] = cells.map(() => 1)): Footprint => ({
    cells: Uint32Array.from(cells),
    dori: Uint8Array.from(dori),
    tier: 0,
  });

  it('finds the cells that would switch on and off, without changing the counts', () => {
    const counts = Uint16Array.from([0, 1, 2, 1, 0]);
    const before = counts.slice();
    // Remove a camera seeing 1, 2, 3; add one seeing 3, 4.
    const flips = coverageFlips(counts, [fp([1, 2, 3])], [fp([3, 4])]);
    expect(Array.from(flips.gained)).toEqual([4]);
    expect(Array.from(flips.lost)).toEqual([1]);
    expect(counts).toEqual(before);
  });

  it('takes the best class any camera gives a cell', () => {
    const best = bestDoriAt([fp([1, 2], [1, 3]), fp([2, 5], [2, 4])], Uint32Array.from([0, 1, 2, 5]));
    expect(Array.from(best)).toEqual([0, 1, 3, 4]);
  });
});

/** mulberry32: a small seeded generator for the random edits. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('incremental updates', () => {
  it('equal a recompute from scratch after every one of 200 random edits', () => {
    const r = rng(20261123);
    // Hills: a few Gaussian bumps on a 60 × 60 3″ grid, plus a coarse tier around it.
    const bumps = Array.from({ length: 6 }, () => [r() * 60, r() * 60, 20 + r() * 80, 3 + r() * 6]);
    const hills = (c: number, rr: number) =>
      bumps.reduce(
        (h, [x, y, a, s]) => h + a! * Math.exp(-((c - x!) ** 2 + (rr - y!) ** 2) / (2 * s! * s!)),
        0,
      );
    const terrain = memoryTerrain([
      { name: 'fine', dem: degreeDem(60, 60, PX, -78, 0, hills) },
      { name: 'coarse', dem: degreeDem(20, 20, 3 * PX, -78 - 0.0125, 0.0125, () => 0) },
    ]);
    const randomCamera = (): CameraForCoverage & { online: boolean } => {
      const hfov = r() < 0.4 ? 360 : 30 + r() * 90;
      return {
        kind: hfov === 360 ? 'ptz' : 'fixed',
        position: [-78 + 0.05 * r(), -0.05 * r()],
        mountHeightM: 3 + r() * 20,
        azimuthDeg: r() * 360,
        hfovDeg: hfov,
        vfovDeg: 20 + r() * 60,
        tiltDeg: -20 + r() * 20,
        rangeM: 150 + r() * 900,
        resolutionHPx: 1920,
        online: r() < 0.8,
      };
    };
    const cameras = new Map<string, ReturnType<typeof randomCamera>>();
    const footprints = new Map<string, Footprint>();
    const net = new NetworkCoverage(terrain.grid);
    let nextId = 0;
    const counted = (id: string) => {
      const c = cameras.get(id)!;
      const f = footprints.get(id)!;
      return c.online && f.cells.length > 0 ? f : null;
    };
    for (let step = 0; step < 200; step++) {
      const ids = [...cameras.keys()];
      const op = ids.length < 3 ? 0 : Math.floor(r() * 4);
      const id = op === 0 ? `c${nextId++}` : ids[Math.floor(r() * ids.length)]!;
      const oldCounted = cameras.has(id) ? counted(id) : null;
      if (op === 0 || op === 1) {
        // Add, or move/re-aim an existing camera.
        const cam = randomCamera();
        cameras.set(id, cam);
        footprints.set(id, cameraFootprint(cam, terrain));
      } else if (op === 2) {
        cameras.get(id)!.online = !cameras.get(id)!.online;
      } else {
        cameras.delete(id);
        footprints.delete(id);
      }
      const newCounted = cameras.has(id) ? counted(id) : null;
      const predicted = coverageFlips(
        net.counts,
        oldCounted ? [oldCounted] : [],
        newCounted ? [newCounted] : [],
      );
      const before = net.counts.slice();
      net.set(id, newCounted);
      const scratch = countsFromScratch(
        terrain.grid,
        [...cameras.keys()].map(counted).filter((f): f is Footprint => f !== null),
      );
      expect(net.counts, `step ${step}`).toEqual(scratch);
      const gained = [...scratch.keys()].filter((i) => before[i] === 0 && scratch[i]! > 0);
      const lost = [...scratch.keys()].filter((i) => before[i]! > 0 && scratch[i] === 0);
      expect(Array.from(predicted.gained), `step ${step}`).toEqual(gained);
      expect(Array.from(predicted.lost), `step ${step}`).toEqual(lost);
    }
    expect(net.size).toBeGreaterThan(0);
  });
});
