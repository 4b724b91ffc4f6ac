/**
 * Network coverage: each camera's viewshed as a sparse list of coverage-grid cells (its
 * footprint), and how many online cameras see each cell.
 *
 * A footprint is computed once per camera position and optics (footprintKey) on the DEM window
 * the camera can see (viewshed.ts with camera-viewshed.ts's options: range, horizontal sector,
 * tilt band), with the DORI class of the image at each cell (dori.ts). The network's counts are
 * the sum of the footprints of the cameras that count (online ones): a camera that changes is
 * subtracted and added back, so an edit costs one viewshed and two passes over its cells, never
 * a recompute of the network.
 */
import { createHash } from 'node:crypto';
import type { Camera } from '../domain/types.js';
import type { CameraForViewshed, CameraViewshedChoices } from './camera-viewshed.js';
import { cameraViewshedOptions } from './camera-viewshed.js';
import type { CoverageGrid, CoverageTerrain } from './coverage-grid.js';
import { expandToOwned } from './coverage-grid.js';
import type { DemRaster } from './dem-raster.js';
import { cellOf } from './dem-raster.js';
import { DORI_CLASSES, doriRaster } from './dori.js';
import { computeViewshed, DEFAULT_TARGET_HEIGHT_M } from './viewshed.js';

/** Bump when the way footprints are computed changes: every cached footprint is then recomputed. */
export const FOOTPRINT_MODEL_VERSION = 1;

/**
 * Lens field of view assumed for the DORI class of a 360° camera (PTZ, patrolling dome), whose
 * inventory row gives no lens: ATALAYA'S ASSUMPTION, a PTZ zoomed in moderately. It changes only
 * the DORI classes, never which cells are seen.
 */
export const DEFAULT_FULL_CIRCLE_LENS_HFOV_DEG = 30;

/** What a footprint needs of a camera. */
export type CameraForCoverage = CameraForViewshed & Pick<Camera, 'resolutionHPx'>;

export interface FootprintChoices extends CameraViewshedChoices {
  /** Lens hfov for the DORI class of 360° cameras, degrees. Default 30 (an assumption, above). */
  fullCircleLensHfovDeg?: number;
}

/** The cells one camera sees. */
export interface Footprint {
  /** Owned coverage-grid cells seen, ascending, no repeats. */
  cells: Uint32Array;
  /** Index into DORI_CLASSES of the image quality at each of those cells (0 = below detect). */
  dori: Uint8Array;
  /** The tier whose DEM the viewshed ran on; null when none. */
  tier: number | null;
  /** Why the footprint is empty without looking: no DEM holds the camera, or it stands on a nodata cell. */
  skipped?: 'no-terrain' | 'nodata';
}

/**
 * A key that changes whenever a camera's footprint can: position, optics, the footprint model
 * and the grid (DEM) it is computed on. Status is not in it: going offline keeps the footprint.
 */
export function footprintKey(camera: CameraForCoverage, choices: FootprintChoices, gridKey: string): string {
  const c = camera;
  return createHash('sha256')
    .update(
      JSON.stringify([
        FOOTPRINT_MODEL_VERSION,
        gridKey,
        choices.targetHeightM ?? null,
        choices.curvatureCoeff ?? null,
        choices.tiltLimits ?? null,
        choices.fullCircleLensHfovDeg ?? null,
        c.kind,
        c.position[0],
        c.position[1],
        c.mountHeightM,
        c.azimuthDeg,
        c.hfovDeg,
        c.vfovDeg,
        c.tiltDeg,
        c.rangeM,
        c.resolutionHPx,
      ]),
    )
    .digest('hex')
    .slice(0, 24);
}

/**
 * The footprint of one camera: its viewshed on the terrain window it can see, copied into the
 * coverage grid (cells of a coarse tier inside a finer one go to the finer cells they hold),
 * with the DORI class at each cell.
 * @example cameraFootprint(camera, terrain).cells.length // cells seen
 */
export function cameraFootprint(
  camera: CameraForCoverage,
  terrain: CoverageTerrain,
  choices: FootprintChoices = {},
): Footprint {
  const [lon, lat] = camera.position;
  const win = terrain.windowAround(lon, lat, camera.rangeM);
  if (!win) return { cells: new Uint32Array(0), dori: new Uint8Array(0), tier: null, skipped: 'no-terrain' };
  const { dem, tier } = win;
  const { col, row } = cellOf(dem.geoTransform, lon, lat);
  if (dem.nodata !== null && dem.data[row * dem.width + col] === dem.nodata) {
    return { cells: new Uint32Array(0), dori: new Uint8Array(0), tier, skipped: 'nodata' };
  }
  const opts = cameraViewshedOptions(camera, choices);
  const vs = computeViewshed(dem, opts);
  const lens =
    camera.hfovDeg < 180
      ? camera.hfovDeg
      : (choices.fullCircleLensHfovDeg ?? DEFAULT_FULL_CIRCLE_LENS_HFOV_DEG);
  const q = doriRaster(dem, vs, lon, lat, {
    resolutionHPx: camera.resolutionHPx,
    lensHfovDeg: lens,
    targetHeightM: opts.targetHeightM ?? DEFAULT_TARGET_HEIGHT_M,
  });
  return footprintOfRaster(terrain.grid, tier, dem, vs.visible, q.doriClass);
}

/**
 * Copies a 0/1 raster on a window of a tier's grid into sorted coverage-grid cells, with a
 * class per cell. Exposed for tests and for rasters computed elsewhere.
 */
export function footprintOfRaster(
  grid: CoverageGrid,
  tier: number,
  window: Pick<DemRaster, 'width' | 'height' | 'geoTransform'>,
  visible: Uint8Array,
  classes: Uint8Array,
): Footprint {
  const t = grid.tiers[tier];
  if (!t) throw new RangeError(`Tier ${tier} is not one of the grid's ${grid.tiers.length}`);
  const tg = t.geoTransform;
  const wg = window.geoTransform;
  const fc = (wg[0] - tg[0]) / tg[1];
  const fr = (wg[3] - tg[3]) / tg[5];
  const col0 = Math.round(fc);
  const row0 = Math.round(fr);
  if (Math.abs(fc - col0) > 1e-6 || Math.abs(fr - row0) > 1e-6 || Math.abs(wg[1] / tg[1] - 1) > 1e-9) {
    throw new Error(
      `Window at (${wg[0]}, ${wg[3]}) step ${wg[1]} is not on the grid of tier ${t.name} (${tg[0]}, ${tg[3]}, step ${tg[1]})`,
    );
  }
  // Sort (cell, class) pairs as one number: cell·8 + class stays exact in a double (< 2^35).
  const keys: number[] = [];
  const expanded: number[] = [];
  for (let r = 0; r < window.height; r++) {
    const row = row0 + r;
    if (row < 0 || row >= t.height) continue;
    for (let c = 0; c < window.width; c++) {
      const i = r * window.width + c;
      if (!visible[i]) continue;
      const col = col0 + c;
      if (col < 0 || col >= t.width) continue;
      expanded.length = 0;
      expandToOwned(grid, tier, col, row, expanded);
      const cls = classes[i]!;
      for (const cell of expanded) keys.push(cell * 8 + cls);
    }
  }
  const sorted = Float64Array.from(keys).sort();
  const cells: number[] = [];
  const dori: number[] = [];
  for (const k of sorted) {
    const cell = Math.floor(k / 8);
    const cls = k - cell * 8;
    if (cells.length > 0 && cells[cells.length - 1] === cell) {
      // Two coarse cells never hand over the same fine cell, but keep the better class if they did.
      dori[dori.length - 1] = Math.max(dori[dori.length - 1]!, cls);
    } else {
      cells.push(cell);
      dori.push(cls);
    }
  }
  return { cells: Uint32Array.from(cells), dori: Uint8Array.from(dori), tier };
}

/**
 * How many cameras see each cell, maintained one camera at a time. Only footprints of cameras
 * that count (online, with terrain) are given to it; set(id, null) takes a camera out.
 */
export class NetworkCoverage {
  readonly counts: Uint16Array;
  private readonly footprints = new Map<string, Footprint>();

  constructor(readonly grid: CoverageGrid) {
    this.counts = new Uint16Array(grid.cellCount);
  }

  /** Number of cameras counted. */
  get size(): number {
    return this.footprints.size;
  }

  /** The footprint counted for a camera, if it counts. */
  get(id: string): Footprint | undefined {
    return this.footprints.get(id);
  }

  /** The counted cameras and their footprints. */
  entries(): IterableIterator<[string, Footprint]> {
    return this.footprints.entries();
  }

  /**
   * Replaces the footprint counted for a camera (null: it no longer counts). Cost: the cells of
   * the old and new footprints.
   */
  set(id: string, footprint: Footprint | null): void {
    const old = this.footprints.get(id);
    if (old === footprint || (!old && !footprint)) return;
    if (footprint) checkCells(footprint, this.counts.length);
    if (old) subtract(this.counts, old.cells);
    if (footprint) {
      add(this.counts, footprint.cells);
      this.footprints.set(id, footprint);
    } else {
      this.footprints.delete(id);
    }
  }
}

/** Counts from scratch: the baseline the incremental updates must equal. */
export function countsFromScratch(grid: CoverageGrid, footprints: Iterable<Footprint>): Uint16Array {
  const counts = new Uint16Array(grid.cellCount);
  for (const fp of footprints) {
    checkCells(fp, counts.length);
    add(counts, fp.cells);
  }
  return counts;
}

/** Cells whose coverage would switch on (0 → seen) and off (seen → 0), ascending. */
export interface CoverageFlips {
  gained: Uint32Array;
  lost: Uint32Array;
}

/**
 * What taking some footprints out of the network and putting others in would change, without
 * changing `counts`: the what-if of a camera added, moved or removed. Cost: their cells.
 */
export function coverageFlips(
  counts: Uint16Array,
  removed: readonly Footprint[],
  added: readonly Footprint[],
): CoverageFlips {
  const delta = new Map<number, number>();
  for (const fp of removed) for (const c of fp.cells) delta.set(c, (delta.get(c) ?? 0) - 1);
  for (const fp of added) for (const c of fp.cells) delta.set(c, (delta.get(c) ?? 0) + 1);
  const gained: number[] = [];
  const lost: number[] = [];
  for (const [cell, d] of delta) {
    const before = counts[cell]!;
    const after = before + d;
    if (after < 0)
      throw new RangeError(`Cell ${cell} would be seen by ${after} cameras: a footprint removed twice`);
    if (before === 0 && after > 0) gained.push(cell);
    else if (before > 0 && after === 0) lost.push(cell);
  }
  return { gained: Uint32Array.from(gained).sort(), lost: Uint32Array.from(lost).sort() };
}

/**
 * The best DORI class any counted camera reaches at each cell of a list (0 where none, or below
 * detect). Max is not invertible, so this is computed on demand from the footprints.
 */
export function bestDoriAt(footprints: Iterable<Footprint>, cells: Uint32Array): Uint8Array {
  const pos = new Map<number, number>();
  cells.forEach((c, i) => pos.set(c, i));
  const best = new Uint8Array(cells.length);
  for (const fp of footprints) {
    for (let k = 0; k < fp.cells.length; k++) {
      const i = pos.get(fp.cells[k]!);
      if (i !== undefined && fp.dori[k]! > best[i]!) best[i] = fp.dori[k]!;
    }
  }
  return best;
}

/** Number of DORI classes (for callers that tabulate them). */
export const DORI_CLASS_COUNT = DORI_CLASSES.length;

function add(counts: Uint16Array, cells: Uint32Array): void {
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k]!;
    if (counts[c] === 0xffff) throw new RangeError(`Cell ${c} is seen by more than 65,535 cameras`);
    counts[c]!++;
  }
}

function subtract(counts: Uint16Array, cells: Uint32Array): void {
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k]!;
    if (counts[c] === 0) throw new RangeError(`Cell ${c} is seen by no camera; cannot take one away`);
    counts[c]!--;
  }
}

function checkCells(fp: Footprint, n: number): void {
  if (fp.cells.length !== fp.dori.length) {
    throw new Error(`Footprint has ${fp.cells.length} cells but ${fp.dori.length} DORI classes`);
  }
  const last = fp.cells[fp.cells.length - 1];
  if (last !== undefined && last >= n)
    throw new RangeError(`Footprint cell ${last} is beyond the ${n}-cell grid`);
}
