/**
 * Image quality at each visible cell: pixel density on the target and its DORI class.
 *
 * A camera with H horizontal pixels and horizontal field of view θ spreads H pixels over a
 * scene 2·d·tan(θ/2) wide at distance d, so a target there gets H / (2·d·tan(θ/2)) pixels per
 * metre. EN 62676-4:2015 (video surveillance, application guidelines) names the densities an
 * operator needs: detect 25 px/m, observe 62 px/m, recognise 125 px/m, identify 250 px/m.
 */
import type { DemRaster } from './dem-raster.js';
import { observerCells } from './cell-geometry.js';
import type { ViewshedResult } from './viewshed.js';

export const DORI_CLASSES = ['none', 'detect', 'observe', 'recognise', 'identify'] as const;
export type DoriClass = (typeof DORI_CLASSES)[number];

/** Minimum pixel density of each class, px/m (EN 62676-4:2015, Annex on DORI). */
export const DORI_MIN_PX_PER_M: Readonly<Record<Exclude<DoriClass, 'none'>, number>> = {
  detect: 25,
  observe: 62,
  recognise: 125,
  identify: 250,
};

/**
 * Pixel density on a target at a distance, px/m.
 * @param resolutionHPx horizontal pixels of the sensor
 * @param hfovDeg horizontal field of view of the lens, degrees, in (0, 180)
 * @param distanceM distance from the lens to the target, metres (> 0)
 * @example pixelDensityPxPerM(1920, 90, 10) // 96 px/m
 */
export function pixelDensityPxPerM(resolutionHPx: number, hfovDeg: number, distanceM: number): number {
  checkLens(resolutionHPx, hfovDeg);
  if (!(distanceM > 0)) throw new Error(`distanceM must be > 0, got ${distanceM}`);
  return resolutionHPx / (2 * distanceM * Math.tan((hfovDeg * Math.PI) / 360));
}

/**
 * The farthest distance at which a lens still gives `pxPerM`, metres (the inverse of
 * pixelDensityPxPerM): e.g. the identify range for 250 px/m.
 */
export function distanceForDensityM(resolutionHPx: number, hfovDeg: number, pxPerM: number): number {
  checkLens(resolutionHPx, hfovDeg);
  if (!(pxPerM > 0)) throw new Error(`pxPerM must be > 0, got ${pxPerM}`);
  return resolutionHPx / (2 * pxPerM * Math.tan((hfovDeg * Math.PI) / 360));
}

/** The best DORI class a pixel density reaches. */
export function doriClass(pxPerM: number): DoriClass {
  if (pxPerM >= DORI_MIN_PX_PER_M.identify) return 'identify';
  if (pxPerM >= DORI_MIN_PX_PER_M.recognise) return 'recognise';
  if (pxPerM >= DORI_MIN_PX_PER_M.observe) return 'observe';
  if (pxPerM >= DORI_MIN_PX_PER_M.detect) return 'detect';
  return 'none';
}

export interface DoriRasterOptions {
  resolutionHPx: number;
  /** The lens's own horizontal field of view, degrees in (0, 180); for a 360° PTZ, the one at its zoom. */
  lensHfovDeg: number;
  /** Target height above ground, metres: the point whose distance sets the density. */
  targetHeightM: number;
}

export interface DoriRaster {
  /** Pixel density at each visible cell, px/m; NaN where not visible. */
  pxPerM: Float32Array;
  /** Index into DORI_CLASSES at each cell (0 = none, also where not visible). */
  doriClass: Uint8Array;
  /** Visible cells per class, indexed like DORI_CLASSES. */
  counts: number[];
}

/**
 * Pixel density and DORI class at each cell a viewshed sees. The distance is the slant range
 * from the eye (above the observer's cell centre) to the target point (above the cell centre),
 * on true ground distances: the scale of the image depends on it, not on the map distance alone.
 * @param dem the DEM the viewshed was computed on
 * @param vs its result, with the same observer
 */
export function doriRaster(
  dem: DemRaster,
  vs: ViewshedResult,
  x: number,
  y: number,
  opts: DoriRasterOptions,
): DoriRaster {
  checkLens(opts.resolutionHPx, opts.lensHfovDeg);
  if (dem.width !== vs.width || dem.height !== vs.height) {
    throw new Error(
      `DEM ${dem.width}×${dem.height} and viewshed ${vs.width}×${vs.height} are not on the same grid`,
    );
  }
  const { col, row, eastPerCol, northPerRow } = observerCells(dem, x, y);
  if (col !== vs.observer.col || row !== vs.observer.row) {
    throw new Error(
      `Observer (${x}, ${y}) is in cell (${col}, ${row}), the viewshed's is (${vs.observer.col}, ${vs.observer.row})`,
    );
  }
  const k = opts.resolutionHPx / (2 * Math.tan((opts.lensHfovDeg * Math.PI) / 360));
  const n = dem.width * dem.height;
  const pxPerM = new Float32Array(n).fill(NaN);
  const cls = new Uint8Array(n);
  const counts = DORI_CLASSES.map(() => 0);
  for (let r = 0; r < dem.height; r++) {
    const dN = (r - row) * (northPerRow[r] as number);
    const ex = eastPerCol[r] as number;
    for (let c = 0; c < dem.width; c++) {
      const i = r * dem.width + c;
      if (!vs.visible[i]) continue;
      const dE = (c - col) * ex;
      const dz = (dem.data[i] as number) + opts.targetHeightM - vs.observer.eyeM;
      // The observer's own cell: at least the distance down to the target, never zero.
      const d = Math.max(Math.hypot(dE, dN, dz), 0.01);
      const density = k / d;
      pxPerM[i] = density;
      const ci = DORI_CLASSES.indexOf(doriClass(density));
      cls[i] = ci;
      counts[ci] = (counts[ci] as number) + 1;
    }
  }
  return { pxPerM, doriClass: cls, counts };
}

function checkLens(resolutionHPx: number, hfovDeg: number): void {
  if (!(resolutionHPx > 0)) throw new Error(`resolutionHPx must be > 0, got ${resolutionHPx}`);
  if (!(hfovDeg > 0 && hfovDeg < 180)) {
    throw new Error(
      `Lens hfov must be in (0, 180) degrees, got ${hfovDeg}; for a 360° PTZ pass the lens's own field of view`,
    );
  }
}
