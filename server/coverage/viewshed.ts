/**
 * Viewshed of one observer on a DEM: which cells a target standing on them can be seen from.
 *
 * Algorithm: the "reference plane" sweep of Wang, Robinson & White (2000), "Generating viewsheds
 * without using sightlines", Photogrammetric Engineering & Remote Sensing 66(1):87–90 — the
 * XDraw family of Franklin & Ray (1994), "Higher isn't necessarily better: visibility algorithms
 * and experiments", 6th SDH. Cells are visited row by row outward from the observer; each cell's
 * horizon height is interpolated from the two already-visited cells its sightline crosses (the
 * plane through the eye and those two cells' horizon heights) and extrapolated to the cell. A cell
 * is visible when its ground plus the target height reaches that horizon; its own horizon is then
 * the higher of the two. One pass, O(cells), no sightlines.
 *
 * This is the method gdal_viewshed (GDAL ≥ 3.1, default "edge" cell mode) implements, so that the
 * two agree cell for cell; see test/coverage/viewshed-gdal.test.ts for the measured agreement.
 * Interpolation in cell-index space is exact for rectangular cells of any aspect: a straight
 * sightline stays straight when each axis is scaled. True ground distances (cell-geometry.ts) are
 * used for range, curvature, bearings and tilt.
 *
 * Earth curvature and refraction lower every cell by cc·d²/(2R) (GDAL's -cc, and
 * cc = 1 − k with k GRASS r.viewshed's refraction coefficient), d the ground distance.
 */
import type { DemRaster, GeoTransform, RasterCrs } from './dem-raster.js';
import { observerCells } from './cell-geometry.js';
import { WGS84_A } from './ground-scale.js';

/** Default target height above ground, metres: a standing person (issue "Coverage and siting"). */
export const DEFAULT_TARGET_HEIGHT_M = 1.7;
/**
 * Default curvature coefficient cc = 1 − 1/7: gdal_viewshed's -cc default (0.85714), the same as
 * GRASS r.viewshed's default refraction coefficient 0.14286 (= k, the ratio of Earth radius to
 * the radius of a refracted ray).
 */
export const DEFAULT_CURVATURE_COEFF = 0.85714;
/** Earth radius for the curvature correction: the WGS 84 semi-major axis, as gdal_viewshed takes from the SRS. */
export const DEFAULT_EARTH_RADIUS_M = WGS84_A;

export interface ViewshedOptions {
  /** Observer position in the DEM's CRS units (longitude/latitude degrees, or metres). */
  x: number;
  y: number;
  /** Eye above the ground of the observer's cell, metres (gdal_viewshed -oz). */
  observerHeightM: number;
  /** Target above the ground of each cell, metres (gdal_viewshed -tz). Default 1.7. */
  targetHeightM?: number;
  /** Horizontal ground distance limit, metres; Infinity for the whole raster. Default Infinity. */
  rangeM?: number;
  /** cc in the drop cc·d²/(2R), 0 for a flat Earth (gdal_viewshed -cc). Default 0.85714. */
  curvatureCoeff?: number;
  /** R in the drop above, metres. Default 6 378 137. */
  earthRadiusM?: number;
  /** Horizontal field of view: cells whose bearing is within hfov/2 of the azimuth. Null or hfov ≥ 360: all around. */
  sector?: { azimuthDeg: number; hfovDeg: number } | null;
  /**
   * Vertical field of view: cells whose target point is seen at an elevation angle outside
   * [tilt − vfov/2, tilt + vfov/2] (degrees, negative looks down) are not seen. Null: no limit
   * (PTZ cameras and patrolling domes that tilt through their whole range).
   */
  verticalLimits?: { tiltDeg: number; vfovDeg: number } | null;
  /** Height given to nodata cells, metres; they are never reported visible. Default 0 (sea in SRTM). */
  nodataHeightM?: number;
  /**
   * Horizon of the cells directly and diagonally above and below the observer's cell. 'own'
   * (default): their own ground, nothing stands between them and the eye. 'observer-ground':
   * the observer's ground, as gdal_viewshed did before GDAL 3.10 (OSGeo/gdal#10205, fixed by
   * #10227); it hides steep downhill slopes next to a summit camera and is here only to measure
   * agreement with those GDAL versions.
   */
  adjacentHorizon?: 'own' | 'observer-ground';
  /** Also return the minimum target height that would be seen at each cell. Default false. */
  withMinTargetHeight?: boolean;
}

export interface ViewshedResult {
  /** Same grid as the DEM given. */
  width: number;
  height: number;
  geoTransform: GeoTransform;
  crs: RasterCrs;
  /** 1 where a target is seen (in range, in the field of view, with data), else 0. Row-major. */
  visible: Uint8Array;
  /** 1 where the cell's centre is within range of the observer's (and so was evaluated). */
  inRange: Uint8Array;
  /**
   * Metres above ground a target must reach to be seen from the eye at each in-range cell
   * (0 where the ground itself is seen), ignoring the field of view; NaN out of range.
   * Null unless `withMinTargetHeight`.
   */
  minTargetHeightM: Float32Array | null;
  observer: { col: number; row: number; groundM: number; eyeM: number };
  visibleCells: number;
}

/**
 * Computes the viewshed of one observer on a DEM (a window of it is enough: see readDemAround).
 * @returns rasters on the DEM's grid; cells beyond range are 0
 * @example computeViewshed(dem, { x: -78.436, y: -0.677, observerHeightM: 10, rangeM: 20000 })
 */
export function computeViewshed(dem: DemRaster, opts: ViewshedOptions): ViewshedResult {
  const targetH = opts.targetHeightM ?? DEFAULT_TARGET_HEIGHT_M;
  const rangeM = opts.rangeM ?? Infinity;
  const curv = opts.curvatureCoeff ?? DEFAULT_CURVATURE_COEFF;
  const earthR = opts.earthRadiusM ?? DEFAULT_EARTH_RADIUS_M;
  const nodataH = opts.nodataHeightM ?? 0;
  checkFinite('observerHeightM', opts.observerHeightM);
  checkFinite('targetHeightM', targetH);
  checkFinite('curvatureCoeff', curv);
  checkFinite('nodataHeightM', nodataH);
  if (!(rangeM > 0)) throw new Error(`rangeM must be > 0 (or Infinity), got ${rangeM}`);
  if (!(earthR > 0) || !Number.isFinite(earthR)) {
    throw new Error(`earthRadiusM must be a positive number, got ${earthR}`);
  }
  const sector = opts.sector && opts.sector.hfovDeg < 360 ? opts.sector : null;
  const vert = opts.verticalLimits ?? null;
  if (opts.sector) checkSector(opts.sector);
  if (vert) checkVertical(vert);

  const W = dem.width;
  const H = dem.height;
  const data = dem.data;
  const nodata = dem.nodata;
  const { col: oc, row: or, eastPerCol, northPerRow } = observerCells(dem, opts.x, opts.y);
  const ground0 = data[or * W + oc] as number;
  if (nodata !== null && ground0 === nodata) {
    throw new Error(
      `Observer (${opts.x}, ${opts.y}) stands on a nodata cell (${nodata}) at column ${oc}, row ${or}`,
    );
  }
  const eye = ground0 + opts.observerHeightM;
  const range2 = Number.isFinite(rangeM) ? rangeM * rangeM : Infinity;
  const dropK = curv / (2 * earthR);
  const legacyAdjacent = opts.adjacentHorizon === 'observer-ground';

  const b = sweepBounds(W, H, oc, or, eastPerCol, northPerRow, rangeM, sector);
  const bw = b.c1 - b.c0 + 1;
  const bh = b.r1 - b.r0 + 1;
  const ox = oc - b.c0;
  const oy = or - b.r0;
  // Horizon height of each visited cell relative to the eye, metres. Cells never visited stay
  // -Infinity, so a sightline that grazes the range edge is not blocked by them.
  const hz = new Float64Array(bw * bh).fill(-Infinity);
  // 1 where the terrain lets the target be seen, before the field of view is applied.
  const seen = new Uint8Array(bw * bh);
  const minT = opts.withMinTargetHeight ? new Float32Array(W * H).fill(NaN) : null;
  const inRange = new Uint8Array(W * H);

  const sweepRow = (rr: number, sy: number): void => {
    const r = rr + b.r0;
    const dy = Math.abs(rr - oy);
    const dN = (r - or) * (northPerRow[r] as number);
    const dN2 = dN * dN;
    if (dN2 > range2) return;
    const ex = eastPerCol[r] as number;
    const rowBase = rr * bw;
    const demBase = r * W + b.c0;
    const up = -sy * bw; // offset to the same column one row nearer the observer
    for (let sx = -1; sx <= 1; sx += 2) {
      for (let c = sx < 0 ? ox : ox + 1; c >= 0 && c < bw; c += sx) {
        const dx = sx < 0 ? ox - c : c - ox;
        const dE = dx * ex;
        const d2 = dE * dE + dN2;
        if (d2 > range2) break; // distance grows outward along the row
        const i = rowBase + c;
        const raw = data[demBase + c] as number;
        const own = (nodata !== null && raw === nodata ? nodataH : raw) - dropK * d2 - eye;
        let proj: number;
        if (dx <= 1 && dy <= 1) {
          // The observer's cell and its 8 neighbours: nothing in between.
          proj = dy === 0 || !legacyAdjacent ? own : ground0 - eye;
        } else if (dy === 0) {
          proj = ((hz[i - sx] as number) * dx) / (dx - 1);
        } else if (dx === 0) {
          proj = ((hz[i + up] as number) * dy) / (dy - 1);
        } else if (dx === dy) {
          proj = ((hz[i + up - sx] as number) * dx) / (dx - 1);
        } else if (dx > dy) {
          // The sightline crosses the column nearer the observer between this row and the one nearer.
          proj = ((hz[i + up - sx] as number) * dy + (hz[i - sx] as number) * (dx - dy)) / (dx - 1);
        } else {
          // It crosses the row nearer the observer between this column and the one nearer.
          proj = ((hz[i + up - sx] as number) * dx + (hz[i + up] as number) * (dy - dx)) / (dy - 1);
        }
        if (own + targetH >= proj) seen[i] = 1;
        hz[i] = own > proj ? own : proj;
        const gi = demBase + c;
        inRange[gi] = 1;
        if (minT) minT[gi] = proj > own ? proj - own : 0;
      }
    }
  };

  sweepRow(oy, 0);
  for (let rr = oy - 1; rr >= 0; rr--) sweepRow(rr, -1);
  for (let rr = oy + 1; rr < bh; rr++) sweepRow(rr, 1);

  const visible = new Uint8Array(W * H);
  const lowDeg = vert ? vert.tiltDeg - vert.vfovDeg / 2 : -90;
  const highDeg = vert ? vert.tiltDeg + vert.vfovDeg / 2 : 90;
  let visibleCells = 0;
  for (let rr = 0; rr < bh; rr++) {
    const r = rr + b.r0;
    const dN = (r - or) * (northPerRow[r] as number);
    const ex = eastPerCol[r] as number;
    for (let c = 0; c < bw; c++) {
      if (!seen[rr * bw + c]) continue;
      const gi = r * W + c + b.c0;
      const raw = data[gi] as number;
      if (nodata !== null && raw === nodata) continue;
      const dE = (c - ox) * ex;
      // The observer's own cell counts as inside any sector, and is seen straight down (−90°).
      if (sector && (dE !== 0 || dN !== 0) && !inSector(dE, dN, sector)) continue;
      if (vert) {
        const d = Math.hypot(dE, dN);
        const elevation = Math.atan2(raw + targetH - dropK * d * d - eye, d) / DEG;
        if (elevation < lowDeg || elevation > highDeg) continue;
      }
      visible[gi] = 1;
      visibleCells++;
    }
  }

  return {
    width: W,
    height: H,
    geoTransform: dem.geoTransform,
    crs: dem.crs,
    visible,
    inRange,
    minTargetHeightM: minT,
    observer: { col: oc, row: or, groundM: ground0, eyeM: eye },
    visibleCells,
  };
}

const DEG = Math.PI / 180;

function inSector(dE: number, dN: number, s: { azimuthDeg: number; hfovDeg: number }): boolean {
  const bearing = Math.atan2(dE, dN) / DEG;
  const off = Math.abs(((((bearing - s.azimuthDeg) % 360) + 540) % 360) - 180);
  return off <= s.hfovDeg / 2;
}

/**
 * The rectangle of cells the sweep must visit: the range disc, cut to the sector's bounding box
 * when there is one. Any rectangle holding the observer is closed under the sweep's
 * dependencies (each cell reads only cells nearer the observer on both axes), so the cut does
 * not change any result inside the sector.
 */
function sweepBounds(
  W: number,
  H: number,
  oc: number,
  or: number,
  eastPerCol: Float64Array,
  northPerRow: Float64Array,
  rangeM: number,
  sector: { azimuthDeg: number; hfovDeg: number } | null,
): { c0: number; c1: number; r0: number; r1: number } {
  let c0 = 0;
  let c1 = W - 1;
  let r0 = 0;
  let r1 = H - 1;
  const ex = Math.abs(eastPerCol[or] as number);
  const ny = Math.abs(northPerRow[or] as number);
  if (Number.isFinite(rangeM)) {
    // +2 cells: the column step varies (slightly) from row to row on a degree grid.
    const hc = Math.ceil(rangeM / ex) + 2;
    const hr = Math.ceil(rangeM / ny) + 2;
    c0 = Math.max(c0, oc - hc);
    c1 = Math.min(c1, oc + hc);
    r0 = Math.max(r0, or - hr);
    r1 = Math.min(r1, or + hr);
  }
  if (sector) {
    const reach = Number.isFinite(rangeM) ? rangeM : 1e12;
    const a0 = sector.azimuthDeg - sector.hfovDeg / 2;
    const angles = [a0, a0 + sector.hfovDeg];
    for (let k = Math.ceil(a0 / 90) * 90; k < a0 + sector.hfovDeg; k += 90) angles.push(k);
    let eMin = 0;
    let eMax = 0;
    let nMin = 0;
    let nMax = 0;
    for (const a of angles) {
      const e = reach * Math.sin(a * DEG);
      const n = reach * Math.cos(a * DEG);
      eMin = Math.min(eMin, e);
      eMax = Math.max(eMax, e);
      nMin = Math.min(nMin, n);
      nMax = Math.max(nMax, n);
    }
    const sx = Math.sign(eastPerCol[or] as number);
    const sy = Math.sign(northPerRow[or] as number);
    const cA = oc + (sx * eMin) / ex;
    const cB = oc + (sx * eMax) / ex;
    const rA = or + (sy * nMin) / ny;
    const rB = or + (sy * nMax) / ny;
    c0 = Math.max(c0, Math.floor(Math.min(cA, cB)) - 2);
    c1 = Math.min(c1, Math.ceil(Math.max(cA, cB)) + 2);
    r0 = Math.max(r0, Math.floor(Math.min(rA, rB)) - 2);
    r1 = Math.min(r1, Math.ceil(Math.max(rA, rB)) + 2);
  }
  return { c0, c1, r0, r1 };
}

function checkFinite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new Error(`${name} must be a finite number, got ${v}`);
}

function checkSector(s: { azimuthDeg: number; hfovDeg: number }): void {
  if (!Number.isFinite(s.azimuthDeg))
    throw new Error(`sector.azimuthDeg must be finite, got ${s.azimuthDeg}`);
  if (!(s.hfovDeg > 0)) throw new Error(`sector.hfovDeg must be > 0, got ${s.hfovDeg}`);
}

function checkVertical(v: { tiltDeg: number; vfovDeg: number }): void {
  if (!(v.tiltDeg >= -90 && v.tiltDeg <= 90))
    throw new Error(`verticalLimits.tiltDeg must be in [-90, 90], got ${v.tiltDeg}`);
  if (!(v.vfovDeg > 0 && v.vfovDeg <= 180))
    throw new Error(`verticalLimits.vfovDeg must be in (0, 180], got ${v.vfovDeg}`);
}
