/**
 * Heights between cell centres: bilinear interpolation on a DemRaster.
 *
 * A cell's value is taken at its centre (GDAL's PixelIsArea convention, which dem-raster.ts reads
 * SRTM in). Between the outer edge of the raster and the first/last centre the edge cells are
 * extended, so that the sampled extent is exactly the raster's. Nodata cells (sea, SRTM voids) are
 * left out and the remaining weights renormalised: a point with some land around it gets a land
 * height, and a point with none gets NaN.
 */
import type { DemRaster } from '../coverage/dem-raster.js';

/**
 * Bilinear height at (x, y) in the raster's CRS units, metres; NaN outside the raster or where
 * all four surrounding cells are nodata.
 */
export function sampleBilinear(dem: DemRaster, x: number, y: number): number {
  const gt = dem.geoTransform;
  const fx = (x - gt[0]) / gt[1] - 0.5;
  const fy = (y - gt[3]) / gt[5] - 0.5;
  return bilinearAtCell(dem, fx, fy);
}

/**
 * Bilinear height at fractional cell coordinates: (0, 0) is the centre of the top-left cell,
 * (−0.5, −0.5) its outer corner. NaN outside [−0.5, width − 0.5] × [−0.5, height − 0.5] or
 * where all four surrounding cells are nodata.
 */
export function bilinearAtCell(dem: DemRaster, fx: number, fy: number): number {
  const { width, height, data } = dem;
  if (!(fx >= -0.5 && fx <= width - 0.5 && fy >= -0.5 && fy <= height - 0.5)) return NaN;
  const cx = fx < 0 ? 0 : fx > width - 1 ? width - 1 : fx;
  const cy = fy < 0 ? 0 : fy > height - 1 ? height - 1 : fy;
  const c0 = Math.floor(cx);
  const r0 = Math.floor(cy);
  const c1 = c0 + 1 < width ? c0 + 1 : c0;
  const r1 = r0 + 1 < height ? r0 + 1 : r0;
  const tx = cx - c0;
  const ty = cy - r0;
  const nodata = dem.nodata;
  const w00 = (1 - tx) * (1 - ty);
  const w10 = tx * (1 - ty);
  const w01 = (1 - tx) * ty;
  const w11 = tx * ty;
  const v00 = data[r0 * width + c0] as number;
  const v10 = data[r0 * width + c1] as number;
  const v01 = data[r1 * width + c0] as number;
  const v11 = data[r1 * width + c1] as number;
  // Fast path: all four have data (NaN ≠ NaN keeps float voids out).
  if (
    v00 !== nodata &&
    v10 !== nodata &&
    v01 !== nodata &&
    v11 !== nodata &&
    v00 === v00 &&
    v10 === v10 &&
    v01 === v01 &&
    v11 === v11
  ) {
    return v00 * w00 + v10 * w10 + v01 * w01 + v11 * w11;
  }
  let sum = 0;
  let weight = 0;
  if (w00 > 0 && v00 !== nodata && v00 === v00) {
    sum += v00 * w00;
    weight += w00;
  }
  if (w10 > 0 && v10 !== nodata && v10 === v10) {
    sum += v10 * w10;
    weight += w10;
  }
  if (w01 > 0 && v01 !== nodata && v01 === v01) {
    sum += v01 * w01;
    weight += w01;
  }
  if (w11 > 0 && v11 !== nodata && v11 === v11) {
    sum += v11 * w11;
    weight += w11;
  }
  return weight > 0 ? sum / weight : NaN;
}
