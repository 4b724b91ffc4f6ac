/**
 * The viewshed on terrain whose answer is known by hand: a flat plane, a wall, a ridge, the
 * curvature of the Earth, a cone, and the camera's field of view.
 */
import { describe, expect, it } from 'vitest';
import { computeViewshed } from '../../server/coverage/viewshed.js';
import { degreeDem, metricCentre, metricDem } from './synthetic-dem.js';

/** Cells where `visible` differs from `expected(c, r)`, as "c,r" strings (empty when all agree). */
function mismatches(
  visible: Uint8Array,
  width: number,
  height: number,
  expected: (c: number, r: number) => boolean | null,
): string[] {
  const out: string[] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const e = expected(c, r);
      if (e !== null && visible[r * width + c] !== (e ? 1 : 0)) out.push(`${c},${r}`);
    }
  }
  return out;
}

const R_WGS84 = 6378137;

describe('flat plane', () => {
  it('sees every cell whose centre is within range, and none beyond', () => {
    const dem = metricDem(201, 201, () => 2800);
    const o = metricCentre(100, 100);
    const vs = computeViewshed(dem, { ...o, observerHeightM: 10, rangeM: 800 });
    const inRange = (c: number, r: number) => Math.hypot(10 * (c - 100), 10 * (r - 100)) <= 800;
    expect(mismatches(vs.visible, 201, 201, inRange)).toEqual([]);
    let expected = 0;
    for (let r = 0; r < 201; r++) for (let c = 0; c < 201; c++) expected += inRange(c, r) ? 1 : 0;
    // Lattice points of a disc of radius 80 cells: close to π·80².
    expect(vs.visibleCells).toBe(expected);
    expect(Math.abs(expected - Math.PI * 80 * 80) / expected).toBeLessThan(0.01);
  });

  it('measures range in true ground metres on a degree grid: 3″ cells at the equator are 92.77 m wide and 92.15 m tall', () => {
    // a·π/180/1200 = 92.766 m per column; a(1 − e²)·π/180/1200 = 92.145 m per row (WGS 84).
    // Within 5 km: 53 columns (4916.6 m; 54 would be 5009.4 m) but 54 rows (4975.8 m; 55: 5068.0 m).
    const px = 1 / 1200;
    const dem = degreeDem(141, 141, px, -78 - 70.5 * px, 70.5 * px, () => 100);
    const vs = computeViewshed(dem, { x: -78, y: 0, observerHeightM: 10, rangeM: 5000 });
    expect(vs.observer).toMatchObject({ col: 70, row: 70 });
    const at = (c: number, r: number) => vs.visible[r * 141 + c];
    expect([at(70 + 53, 70), at(70 + 54, 70), at(70 - 53, 70), at(70 - 54, 70)]).toEqual([1, 0, 1, 0]);
    expect([at(70, 70 + 54), at(70, 70 + 55), at(70, 70 - 54), at(70, 70 - 55)]).toEqual([1, 0, 1, 0]);
  });
});

describe('shadows', () => {
  it('behind a wall lower than the eye, hides exactly the ground between the wall and where the sightline over it lands', () => {
    // Eye 10 m over flat ground, a 3 m wall 12 cells east spanning every row. The sightline over
    // the wall top drops 7 m in 12 cells, so it meets the ground (target height 0) at
    // 12·10/7 = 17.14 cells: columns 13–17 east of the observer are hidden, on every row.
    const W = 121;
    const dem = metricDem(W, W, (c) => (c === 52 ? 3 : 0));
    const vs = computeViewshed(dem, {
      ...metricCentre(40, 60),
      observerHeightM: 10,
      targetHeightM: 0,
      curvatureCoeff: 0,
    });
    expect(mismatches(vs.visible, W, W, (c) => !(c - 40 >= 13 && c - 40 <= 17))).toEqual([]);
    expect(vs.visibleCells).toBe(W * W - 5 * W);
  });

  it('behind an east–west ridge on rectangular cells, hides the back flank and the ground up to where the sightline lands', () => {
    // 20 m × 30 m cells. Eye 10 m; ridge 8 rows north: crest 6 m, flanks 3 m. The plane over the
    // crest is 4 m below the eye at 8 rows, so k rows north it is k/2 m below the eye. A 1.7 m
    // target on the ground (8.3 m below the eye) is hidden while k/2 < 8.3: k ≤ 16. The back
    // flank (k = 9, target top 5.3 m below the eye, plane 4.5 m) is hidden; the front one is not.
    const W = 161;
    const H = 61;
    const ridge = (r: number) => (r === 42 ? 6 : r === 41 || r === 43 ? 3 : 0);
    const dem = metricDem(W, H, (_c, r) => ridge(r), 20, 30);
    const vs = computeViewshed(dem, {
      ...metricCentre(80, 50, 20, 30),
      observerHeightM: 10,
      curvatureCoeff: 0,
    });
    expect(mismatches(vs.visible, W, H, (_c, r) => !(50 - r >= 9 && 50 - r <= 16))).toEqual([]);
    expect(vs.visibleCells).toBe(W * H - 8 * W);
  });

  it('sees all of a cone from a mast on its summit (the cells next to the observer hide nothing)', () => {
    // A cone is concave: every sightline from above its apex passes over it. gdal_viewshed before
    // 3.10 hid the downhill slope here (OSGeo/gdal#10205); the legacy option reproduces that.
    const W = 101;
    const cone = (c: number, r: number) => 3000 - 0.6 * Math.hypot(30 * (c - 50), 30 * (r - 50));
    const dem = metricDem(W, W, cone, 30);
    const opts = {
      ...metricCentre(50, 50, 30),
      observerHeightM: 2,
      targetHeightM: 0,
      rangeM: 1400,
      curvatureCoeff: 0,
    };
    const vs = computeViewshed(dem, opts);
    const inRange = vs.inRange.reduce((a, b) => a + b, 0);
    expect(inRange).toBeGreaterThan(6000);
    expect(vs.visibleCells).toBe(inRange);
    const legacy = computeViewshed(dem, { ...opts, adjacentHorizon: 'observer-ground' });
    expect(legacy.visibleCells).toBeLessThan(inRange / 2);
  });
});

describe('earth curvature and refraction', () => {
  // A 20 km east–west profile of 1 m cells at sea level.
  const profile = metricDem(20001, 1, () => 0, 1, 1);
  const from = metricCentre(0, 0, 1, 1);
  const k = 1 / 7; // refraction coefficient; gdal_viewshed's -cc is 1 − k
  const cc = 1 - k;

  it('hides d²(1−k)/2R below the horizontal at distance d for an eye at ground level', () => {
    const vs = computeViewshed(profile, {
      ...from,
      observerHeightM: 0,
      curvatureCoeff: cc,
      withMinTargetHeight: true,
    });
    for (const d of [5000, 10000, 20000]) {
      const hidden = (d * d * (1 - k)) / (2 * R_WGS84);
      // The first cell, 1 m out, is the grazing horizon: exact to 1 part in d.
      expect(vs.minTargetHeightM?.[d], `at ${d} m`).toBeCloseTo(hidden, 2);
      expect(Math.abs((vs.minTargetHeightM?.[d] as number) - hidden) / hidden).toBeLessThan(1e-3);
    }
  });

  it('from a 10 m mast, hides (d − √(2R·10/(1−k)))²·(1−k)/2R beyond the horizon', () => {
    // Horizon at √(2·6378137·10/0.857143) = 12 199.3 m; at 20 km the hidden height is
    // (20000 − 12199.3)²·0.857143/(2·6378137) = 4.089 m.
    const dh = Math.sqrt((2 * R_WGS84 * 10) / (1 - k));
    const hidden = ((20000 - dh) ** 2 * (1 - k)) / (2 * R_WGS84);
    expect(hidden).toBeCloseTo(4.089, 3);
    const vs = computeViewshed(profile, {
      ...from,
      observerHeightM: 10,
      curvatureCoeff: cc,
      withMinTargetHeight: true,
    });
    expect(vs.minTargetHeightM?.[20000]).toBeCloseTo(hidden, 2);
    expect(vs.minTargetHeightM?.[12000]).toBe(0);
    const lower = computeViewshed(profile, {
      ...from,
      observerHeightM: 10,
      curvatureCoeff: cc,
      targetHeightM: hidden - 0.05,
    });
    const higher = computeViewshed(profile, {
      ...from,
      observerHeightM: 10,
      curvatureCoeff: cc,
      targetHeightM: hidden + 0.05,
    });
    expect([lower.visible[20000], higher.visible[20000]]).toEqual([0, 1]);
  });

  it("uses gdal_viewshed's default coefficient 0.85714 when none is given", () => {
    const vs = computeViewshed(profile, { ...from, observerHeightM: 0, withMinTargetHeight: true });
    expect(vs.minTargetHeightM?.[10000]).toBeCloseTo((1e8 * 0.85714) / (2 * R_WGS84), 2);
  });
});

describe('field of view', () => {
  const W = 201;
  const flat = metricDem(W, W, () => 0);
  const o = metricCentre(100, 100);
  const bearing = (c: number, r: number) => ((Math.atan2(c - 100, 100 - r) * 180) / Math.PI + 360) % 360;

  it.each([
    { azimuthDeg: 90, hfovDeg: 90, lo: 45, hi: 135 },
    { azimuthDeg: 350, hfovDeg: 40, lo: 330, hi: 370 },
    { azimuthDeg: 180, hfovDeg: 270, lo: 45, hi: 315 },
  ])(
    'sees only bearings within $lo°–$hi° for azimuth $azimuthDeg°, hfov $hfovDeg°',
    ({ azimuthDeg, hfovDeg, lo, hi }) => {
      const vs = computeViewshed(flat, {
        ...o,
        observerHeightM: 10,
        rangeM: 900,
        sector: { azimuthDeg, hfovDeg },
      });
      const expected = (c: number, r: number) => {
        if (Math.abs(c - 100) === Math.abs(r - 100)) return null; // on an edge of the sector, or the observer
        const b = bearing(c, r);
        const inside = (b >= lo && b <= hi) || (b + 360 >= lo && b + 360 <= hi);
        return inside && Math.hypot(c - 100, r - 100) * 10 <= 900;
      };
      expect(mismatches(vs.visible, W, W, expected)).toEqual([]);
      expect(vs.visibleCells).toBeGreaterThan(((Math.PI * 90 * 90) / 360) * hfovDeg * 0.98);
    },
  );

  it('gives the same cells inside a sector as the full circle does, on rough terrain', () => {
    const rough = metricDem(
      W,
      W,
      (c, r) => 50 * Math.sin(c / 7) * Math.cos(r / 11) + 0.4 * ((c * 37 + r * 91) % 23),
      10,
    );
    const full = computeViewshed(rough, { ...o, observerHeightM: 8, rangeM: 950 });
    const part = computeViewshed(rough, {
      ...o,
      observerHeightM: 8,
      rangeM: 950,
      sector: { azimuthDeg: 200, hfovDeg: 60 },
    });
    const insideSector = (c: number, r: number) => bearing(c, r) >= 171 && bearing(c, r) <= 229;
    const fullInside = (c: number, r: number) => (insideSector(c, r) ? full.visible[r * W + c] === 1 : null);
    expect(mismatches(part.visible, W, W, fullInside)).toEqual([]);
    expect(part.visibleCells).toBeGreaterThan(200);
    expect(full.visibleCells).toBeGreaterThan(part.visibleCells);
  });

  it('sees only the ground between the depression angles tilt ± vfov/2', () => {
    // Eye 10 m up, tilt −30°, vfov 20°: depression 20°–40°, i.e. ground at
    // 10/tan 40° = 11.92 m to 10/tan 20° = 27.47 m.
    const grid = metricDem(81, 81, () => 0, 1);
    const vs = computeViewshed(grid, {
      ...metricCentre(40, 40, 1),
      observerHeightM: 10,
      targetHeightM: 0,
      curvatureCoeff: 0,
      verticalLimits: { tiltDeg: -30, vfovDeg: 20 },
    });
    const band = (c: number, r: number) =>
      Math.hypot(c - 40, r - 40) >= 11.918 && Math.hypot(c - 40, r - 40) <= 27.474;
    expect(mismatches(vs.visible, 81, 81, band)).toEqual([]);
  });
});

describe('nodata and bad input', () => {
  it('never reports a nodata cell visible and lets sightlines pass over it at the nodata height', () => {
    const dem = metricDem(
      41,
      41,
      (c, r) => (c >= 25 && c <= 27 && r >= 18 && r <= 22 ? -32768 : 0),
      10,
      10,
      -32768,
    );
    const vs = computeViewshed(dem, {
      ...metricCentre(20, 20),
      observerHeightM: 5,
      targetHeightM: 0,
      curvatureCoeff: 0,
    });
    expect(vs.visible[20 * 41 + 26]).toBe(0);
    expect(vs.visible[20 * 41 + 30]).toBe(1);
    expect(vs.visibleCells).toBe(41 * 41 - 15);
  });

  it('rejects an observer outside the DEM or on nodata, naming the position', () => {
    const dem = metricDem(10, 10, (c) => (c === 3 ? -9999 : 0), 10, 10, -9999);
    expect(() => computeViewshed(dem, { x: 0, y: 0, observerHeightM: 5 })).toThrow(
      /Observer \(0, 0\) is outside/,
    );
    const onHole = metricCentre(3, 3);
    expect(() => computeViewshed(dem, { ...onHole, observerHeightM: 5 })).toThrow(
      /nodata cell \(-9999\) at column 3, row 3/,
    );
    expect(() => computeViewshed(dem, { ...metricCentre(1, 1), observerHeightM: 5, rangeM: -1 })).toThrow(
      /rangeM must be > 0.*-1/,
    );
    expect(() =>
      computeViewshed(dem, {
        ...metricCentre(1, 1),
        observerHeightM: 5,
        sector: { azimuthDeg: 0, hfovDeg: 0 },
      }),
    ).toThrow(/hfovDeg must be > 0, got 0/);
  });
});
