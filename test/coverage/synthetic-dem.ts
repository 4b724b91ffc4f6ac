/** Small synthetic DEMs for analytic cases, built fresh for each test. */
import type { DemRaster } from '../../server/coverage/dem-raster.js';

/** Origin of the metric test grids: any UTM 17S position will do. */
export const UTM_ORIGIN = { x: 700000, y: 9900000 };

/**
 * A DEM on a metric grid (EPSG:32717): cell (c, r) has height z(c, r), cells are cellW × cellH
 * metres, north-up.
 */
export function metricDem(
  width: number,
  height: number,
  z: (c: number, r: number) => number,
  cellW = 10,
  cellH = cellW,
  nodata: number | null = null,
): DemRaster {
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = z(c, r);
  return {
    width,
    height,
    data,
    nodata,
    geoTransform: [UTM_ORIGIN.x, cellW, 0, UTM_ORIGIN.y, 0, -cellH],
    crs: { kind: 'projected', epsg: 32717 },
  };
}

/** The centre of a cell of a metricDem, metres. */
export function metricCentre(c: number, r: number, cellW = 10, cellH = cellW): { x: number; y: number } {
  return { x: UTM_ORIGIN.x + (c + 0.5) * cellW, y: UTM_ORIGIN.y - (r + 0.5) * cellH };
}

/** A DEM on a degree grid (EPSG:4326) whose top-left corner is (west, north). */
export function degreeDem(
  width: number,
  height: number,
  pxDeg: number,
  west: number,
  north: number,
  z: (c: number, r: number) => number,
): DemRaster {
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = z(c, r);
  return {
    width,
    height,
    data,
    nodata: null,
    geoTransform: [west, pxDeg, 0, north, 0, -pxDeg],
    crs: { kind: 'geographic', epsg: 4326 },
  };
}
