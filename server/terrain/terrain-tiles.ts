/**
 * Web Mercator elevation tiles from the combined terrain: which tiles, at which zooms, and the
 * height of every pixel.
 *
 * Each store gets tiles up to its native zoom (web-mercator.ts nativeZoom: the 9″ mainland → 9,
 * the 3″ corridor → 11), never finer, so no tile invents detail the data lacks; MapLibre
 * overzooms past the source's maxzoom. A tile at its leaf zoom (the highest native zoom among the
 * stores it meets) is sampled bilinearly at its pixel centres, finest store first; every tile
 * above that is the 2×2 box average of its four children, so a z9 tile inside the corridor is
 * the 3″ data filtered down, not point samples of it. Where no store has data (sea, voids in
 * every store, outside every DEM) the height is 0 m.
 *
 * Tiles that meet no store are never made: the Galápagos, which have no DEM, get no terrain
 * tile beyond the few low-zoom tiles that also hold the mainland (flat 0 m there).
 */
import type { BBox } from '../domain/types.js';
import type { DemRaster } from '../coverage/dem-raster.js';
import type { PointTransform } from './crs-lonlat.js';
import { bilinearAtCell } from './dem-sample.js';
import type { DemStore } from './dem-store.js';
import { readStoreWindow } from './dem-store.js';
import type { Terrain } from './terrain.js';
import { cellWindowOfBox, storeCellSizeM } from './terrain.js';
import { bboxesOverlap, nativeZoom, TILE_SIZE, tileBounds, tilePixelCentres } from './web-mercator.js';

/** What will be built: overall bounds and zooms, and each store's own maximum zoom. */
export interface TerrainTilePlan {
  /** Union of the stores' lon/lat bounds, [west, south, east, north]. */
  bounds: BBox;
  minzoom: number;
  /** Highest zoom of any store. */
  maxzoom: number;
  tileSize: number;
  stores: { name: string; bounds: BBox; cellSizeM: number; maxzoom: number }[];
}

/**
 * Plans the pyramid: each store's maxzoom is its native zoom at its centre latitude, capped by
 * `maxzoomCap` when given.
 */
export function planTerrainTiles(
  terrain: Terrain,
  options: { minzoom?: number; maxzoomCap?: number; tileSize?: number } = {},
): TerrainTilePlan {
  const tileSize = options.tileSize ?? TILE_SIZE;
  const stores = terrain.stores.map((s) => {
    const b = s.header.bounds;
    const cell = storeCellSizeM(s);
    const native = nativeZoom(cell, (b[1] + b[3]) / 2, tileSize);
    return {
      name: s.header.name,
      bounds: b,
      cellSizeM: cell,
      maxzoom: Math.min(native, options.maxzoomCap ?? Infinity),
    };
  });
  if (stores.length === 0) throw new Error('No DEM store to build terrain tiles from');
  const bounds: BBox = [
    Math.min(...stores.map((s) => s.bounds[0])),
    Math.min(...stores.map((s) => s.bounds[1])),
    Math.max(...stores.map((s) => s.bounds[2])),
    Math.max(...stores.map((s) => s.bounds[3])),
  ];
  const maxzoom = Math.max(...stores.map((s) => s.maxzoom));
  const minzoom = Math.min(options.minzoom ?? 0, maxzoom);
  return { bounds, minzoom, maxzoom, tileSize, stores };
}

/**
 * The zoom at which a tile's heights are sampled rather than averaged: the highest maxzoom of
 * the stores whose bounds it meets; null when it meets none (no tile there).
 */
export function leafZoom(plan: TerrainTilePlan, z: number, x: number, y: number): number | null {
  const tb = tileBounds(z, x, y);
  let leaf: number | null = null;
  for (const s of plan.stores) {
    if (bboxesOverlap(tb, s.bounds) && (leaf === null || s.maxzoom > leaf)) leaf = s.maxzoom;
  }
  return leaf;
}

/**
 * Heights of a tile's pixels, metres, row-major from the top-left: bilinear from the finest store
 * with data at each pixel centre (Web Mercator pixel centres, see tilePixelCentres); 0 where no
 * store has data.
 */
export function renderTileHeights(
  terrain: Terrain,
  z: number,
  x: number,
  y: number,
  tileSize: number = TILE_SIZE,
): Float32Array {
  const out = new Float32Array(tileSize * tileSize).fill(NaN);
  const tb = tileBounds(z, x, y);
  const { lons, lats } = tilePixelCentres(z, x, y, tileSize);
  let missing = out.length;
  for (let s = 0; s < terrain.stores.length && missing > 0; s++) {
    const store = terrain.stores[s] as DemStore;
    if (!bboxesOverlap(tb, store.header.bounds)) continue;
    const toCrs = terrain.toCrs[s] as PointTransform;
    const win = windowForTile(store, toCrs, tb);
    if (!win) continue;
    missing = fillFromStore(out, win, toCrs, store.crs.kind === 'geographic', lons, lats);
  }
  for (let i = 0; i < out.length; i++) if (out[i] !== out[i]) out[i] = 0;
  return out;
}

/**
 * A parent tile from its four children (NW, NE, SW, SE; null = all 0 m): each parent pixel is the
 * mean of the 2×2 child pixels it covers.
 */
export function downsampleTile(
  children: readonly [Float32Array | null, Float32Array | null, Float32Array | null, Float32Array | null],
  tileSize: number = TILE_SIZE,
): Float32Array {
  const out = new Float32Array(tileSize * tileSize);
  const half = tileSize / 2;
  for (let q = 0; q < 4; q++) {
    const child = children[q];
    if (!child) continue;
    const ox = (q % 2) * half;
    const oy = Math.floor(q / 2) * half;
    for (let j = 0; j < half; j++) {
      const a = 2 * j * tileSize;
      const b = a + tileSize;
      const o = (oy + j) * tileSize + ox;
      for (let i = 0; i < half; i++) {
        const c = 2 * i;
        out[o + i] =
          ((child[a + c] as number) +
            (child[a + c + 1] as number) +
            (child[b + c] as number) +
            (child[b + c + 1] as number)) /
          4;
      }
    }
  }
  return out;
}

/** One tile of the pyramid, handed to the caller as soon as it is made. */
export interface TerrainTile {
  z: number;
  x: number;
  y: number;
  heights: Float32Array;
}

/**
 * Builds every tile of the plan, depth first from z0 (so that at most one path of children is in
 * memory), calling `emit` for each tile in [minzoom, its leaf zoom]. Returns the count emitted.
 */
export function buildTerrainTiles(
  terrain: Terrain,
  plan: TerrainTilePlan,
  emit: (tile: TerrainTile) => void,
): number {
  let count = 0;
  const build = (z: number, x: number, y: number): Float32Array | null => {
    if (!bboxesOverlap(tileBounds(z, x, y), plan.bounds)) return null;
    const leaf = leafZoom(plan, z, x, y);
    if (leaf === null) return null;
    const heights =
      z >= leaf
        ? renderTileHeights(terrain, z, x, y, plan.tileSize)
        : downsampleTile(
            [
              build(z + 1, 2 * x, 2 * y),
              build(z + 1, 2 * x + 1, 2 * y),
              build(z + 1, 2 * x, 2 * y + 1),
              build(z + 1, 2 * x + 1, 2 * y + 1),
            ],
            plan.tileSize,
          );
    if (z >= plan.minzoom && z <= leaf) {
      emit({ z, x, y, heights });
      count++;
    }
    return heights;
  };
  build(0, 0, 0);
  return count;
}

/** The store's cells under a tile box plus one cell of margin for the interpolation, or null. */
function windowForTile(store: DemStore, toCrs: PointTransform, tb: BBox): DemRaster | null {
  const w = cellWindowOfBox(store, toCrs, tb);
  const grown = { col0: w.col0 - 1, row0: w.row0 - 1, width: w.width + 2, height: w.height + 2 };
  if (grown.col0 >= store.width || grown.row0 >= store.height) return null;
  if (grown.col0 + grown.width <= 0 || grown.row0 + grown.height <= 0) return null;
  return readStoreWindow(store, grown);
}

/** Fills the NaN pixels of `out` that `win` has data for; returns how many remain NaN. */
function fillFromStore(
  out: Float32Array,
  win: DemRaster,
  toCrs: PointTransform,
  separable: boolean,
  lons: Float64Array,
  lats: Float64Array,
): number {
  const size = lons.length;
  const gt = win.geoTransform;
  let missing = 0;
  if (separable) {
    // Degree grid: a pixel column has one cell column coordinate, a pixel row one cell row.
    const fxs = lons.map((lon) => (lon - gt[0]) / gt[1] - 0.5);
    const fys = lats.map((lat) => (lat - gt[3]) / gt[5] - 0.5);
    for (let j = 0; j < size; j++) {
      const fy = fys[j] as number;
      for (let i = 0; i < size; i++) {
        const k = j * size + i;
        if (out[k] === out[k]) continue;
        const h = bilinearAtCell(win, fxs[i] as number, fy);
        if (h === h) out[k] = h;
        else missing++;
      }
    }
    return missing;
  }
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const k = j * size + i;
      if (out[k] === out[k]) continue;
      const p = toCrs(lons[i] as number, lats[j] as number);
      const h = bilinearAtCell(win, (p.x - gt[0]) / gt[1] - 0.5, (p.y - gt[3]) / gt[5] - 0.5);
      if (h === h) out[k] = h;
      else missing++;
    }
  }
  return missing;
}
