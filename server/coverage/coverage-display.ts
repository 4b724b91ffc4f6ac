/**
 * Coverage as the map draws it: the per-cell values of the coverage grid (camera counts, or the
 * best DORI class) resampled onto a plain latitude/longitude raster of the map's view, one byte
 * per screen pixel. The client colours the bytes (client/layers/coverage-layer.ts).
 *
 * A display pixel takes the largest value of the grid cells whose centres fall inside it, over
 * every tier: at national scale one pixel spans tens of 3″ cells, and a mean or a centre sample
 * would make a city's cameras vanish; the maximum keeps each seen place visible (it shows where
 * coverage is, not how much of the pixel is covered; the figures per zone say that). Where a
 * pixel is smaller than a cell, it takes the cell under its centre. Cells that a finer tier
 * shadows hold 0 (coverage-grid.ts), so the finer tier's values win there.
 */
import type { BBox } from '../domain/types.js';
import type { CoverageGrid } from './coverage-grid.js';
import type { Footprint } from './network-coverage.js';

/** A raster of the map's view: equal steps in longitude and latitude, top row north. */
export interface DisplayWindow {
  /** [west, south, east, north], degrees. */
  bbox: BBox;
  /** Pixels across. */
  width: number;
  /** Pixels down. */
  height: number;
}

/** Largest raster the server draws, pixels on a side: a 1920×1080 screen at device ratio 1. */
export const MAX_DISPLAY_SIDE_PX = 2048;

/**
 * The window's pixels, row-major from the north-west corner: the largest of `values` over the
 * cells each pixel holds, capped at 255 (0 where nothing is seen or the grid has no cell).
 * Cost: the cells inside the window plus one pass per tier row over the pixel columns.
 * @param values one value per grid cell (counts, or best DORI class)
 * @example displayRaster(grid, network.counts, { bbox: [-78.6, -0.3, -78.4, -0.1], width: 512, height: 512 })
 */
export function displayRaster(
  grid: CoverageGrid,
  values: Uint16Array | Uint8Array,
  window: DisplayWindow,
): Uint8Array {
  const { bbox, width: W, height: H } = window;
  const [west, south, east, north] = bbox;
  if (!(west < east && south < north) || ![west, south, east, north].every(Number.isFinite)) {
    throw new RangeError(`Invalid display bbox [${bbox.join(', ')}]`);
  }
  if (!(Number.isInteger(W) && Number.isInteger(H) && W > 0 && H > 0)) {
    throw new RangeError(`Invalid display size ${W}×${H}`);
  }
  if (values.length !== grid.cellCount) {
    throw new RangeError(`${values.length} values for a ${grid.cellCount}-cell grid`);
  }
  const out = new Uint8Array(W * H);
  const dx = (east - west) / W;
  const dy = (north - south) / H;
  const cols0 = new Int32Array(W);
  const cols1 = new Int32Array(W);
  for (const t of grid.tiers) {
    const gt = t.geoTransform;
    const tierEast = gt[0] + t.width * gt[1];
    const tierSouth = gt[3] + t.height * gt[5];
    if (tierEast <= west || gt[0] >= east || tierSouth >= north || gt[3] <= south) continue;
    // Columns whose centre x lies in [x0, x1): c ≥ (x0 − gt0)/gt1 − ½ and c < (x1 − gt0)/gt1 − ½.
    for (let i = 0; i < W; i++) {
      const x0 = west + i * dx;
      let c0 = Math.ceil((x0 - gt[0]) / gt[1] - 0.5);
      let c1 = Math.ceil((x0 + dx - gt[0]) / gt[1] - 0.5);
      if (c1 <= c0) {
        c0 = Math.floor((x0 + dx / 2 - gt[0]) / gt[1]);
        c1 = c0 + 1;
      }
      cols0[i] = Math.max(0, c0);
      cols1[i] = Math.min(t.width, c1);
    }
    for (let j = 0; j < H; j++) {
      // Rows whose centre y lies in [y0, y1); rows run south, gt5 < 0.
      const y1 = north - j * dy;
      const y0 = y1 - dy;
      let r0 = Math.floor((y1 - gt[3]) / gt[5] - 0.5) + 1;
      let r1 = Math.floor((y0 - gt[3]) / gt[5] - 0.5) + 1;
      if (r1 <= r0) {
        r0 = Math.floor((y1 - dy / 2 - gt[3]) / gt[5]);
        r1 = r0 + 1;
      }
      r0 = Math.max(0, r0);
      r1 = Math.min(t.height, r1);
      if (r1 <= r0) continue;
      const line = j * W;
      for (let r = r0; r < r1; r++) {
        const base = t.offset + r * t.width;
        for (let i = 0; i < W; i++) {
          let m = out[line + i]!;
          const c1 = cols1[i]!;
          for (let c = cols0[i]!; c < c1; c++) {
            const v = values[base + c]!;
            if (v > m) m = v > 255 ? 255 : v;
          }
          out[line + i] = m;
        }
      }
    }
  }
  return out;
}

/**
 * The best DORI class (index into DORI_CLASSES, 0 none) any of the footprints gives each grid
 * cell: one byte per cell, for displayRaster. Cost: the footprints' cells.
 */
export function bestDoriGrid(cellCount: number, footprints: Iterable<Footprint>): Uint8Array {
  const best = new Uint8Array(cellCount);
  for (const fp of footprints) {
    for (let k = 0; k < fp.cells.length; k++) {
      const c = fp.cells[k]!;
      const d = fp.dori[k]!;
      if (d > best[c]!) best[c] = d;
    }
  }
  return best;
}
