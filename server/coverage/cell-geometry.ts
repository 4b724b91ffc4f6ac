/**
 * True ground offsets, in metres, from an observer's cell to every other cell of a raster.
 *
 * On a projected grid (UTM) a column step is the pixel width. On a degree grid a column step is
 * pxW·N(φ)·cos φ·π/180 and a row step pxH·M(φ)·π/180, taken at the mean latitude of the row and
 * the observer (see ground-scale.ts): near the equator a 3″ cell is almost square, but not quite,
 * and the distances are computed as they are all the same.
 */
import type { GeoTransform, RasterCrs } from './dem-raster.js';
import { cellCentre, cellOf } from './dem-raster.js';
import { metresPerDegree } from './ground-scale.js';

export interface RasterGrid {
  width: number;
  height: number;
  geoTransform: GeoTransform;
  crs: RasterCrs;
}

/**
 * Where the observer stands and the metric size of a column and a row step on each row.
 * Offsets from the observer's cell centre to the centre of (c, r), metres:
 *   east  = (c − col) · eastPerCol[r]
 *   north = (r − row) · northPerRow[r]
 */
export interface ObserverCells {
  col: number;
  row: number;
  eastPerCol: Float64Array;
  northPerRow: Float64Array;
}

/**
 * Locates the observer's cell (the cell holding (x, y), in CRS units) and the per-row steps.
 * The observer is taken at the centre of its cell, as gdal_viewshed does.
 * Throws when (x, y) is outside the grid.
 */
export function observerCells(grid: RasterGrid, x: number, y: number): ObserverCells {
  const gt = grid.geoTransform;
  const { col, row } = cellOf(gt, x, y);
  if (col < 0 || row < 0 || col >= grid.width || row >= grid.height) {
    throw new Error(
      `Observer (${x}, ${y}) is outside the ${grid.width}×${grid.height} raster starting at (${gt[0]}, ${gt[3]})`,
    );
  }
  const eastPerCol = new Float64Array(grid.height);
  const northPerRow = new Float64Array(grid.height);
  if (grid.crs.kind === 'projected') {
    eastPerCol.fill(gt[1]);
    northPerRow.fill(gt[5]);
  } else {
    const lat0 = cellCentre(gt, col, row).y;
    for (let r = 0; r < grid.height; r++) {
      const k = metresPerDegree((cellCentre(gt, col, r).y + lat0) / 2);
      eastPerCol[r] = gt[1] * k.east;
      northPerRow[r] = gt[5] * k.north;
    }
  }
  return { col, row, eastPerCol, northPerRow };
}
