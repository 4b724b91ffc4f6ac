/**
 * The combined terrain: every DEM store under one root, finest first. A point or a window is
 * read from the finest store that has it — in Atalaya the 3″ (≈ 92 m) volcanic corridor where it
 * exists, else the 9″ (≈ 278 m) mainland. The Galápagos are in no store: there the terrain is
 * unknown (null), never a made-up height (data/README.md).
 *
 * "Finest" compares true ground cell sizes in metres (dem-store.ts measures them on WGS 84), so a
 * UTM store and a degree store are ranked on the same scale.
 */
import type { BBox } from '../domain/types.js';
import type { CellWindow, DemRaster } from '../coverage/dem-raster.js';
import { windowAround } from '../coverage/dem-raster.js';
import { metresPerDegree } from '../coverage/ground-scale.js';
import { NotFoundError } from '../errors.js';
import type { PointTransform } from './crs-lonlat.js';
import { lonLatToCrs } from './crs-lonlat.js';
import { bilinearAtCell } from './dem-sample.js';
import type { DemStore } from './dem-store.js';
import { closeDemStore, listDemStores, openDemStore, readStoreWindow } from './dem-store.js';

/** Stores ordered finest first, each with its lon/lat → CRS transform. */
export interface Terrain {
  stores: DemStore[];
  /** @internal */ toCrs: PointTransform[];
}

/** A height and the store it came from. */
export interface TerrainSample {
  heightM: number;
  /** Name of the store (its header's name). */
  source: string;
}

/** A window of one store's grid, with the name of the store it was read from. */
export interface TerrainWindow extends DemRaster {
  source: string;
}

/** Mean ground cell size of a store, metres: the key that orders a Terrain. */
export function storeCellSizeM(store: DemStore): number {
  const { east, north } = store.header.cellSizeM;
  return Math.sqrt(east * north);
}

/**
 * Opens every store under `root` (e.g. var/dem), finest first.
 * @throws NotFoundError when there is none
 */
export function openTerrain(root: string, options: { maxCachedTiles?: number } = {}): Terrain {
  const dirs = listDemStores(root);
  if (dirs.length === 0) {
    throw new NotFoundError(`No DEM store under ${root}; import one with npm run import-dem -- <file.tif>`);
  }
  return terrainOf(dirs.map((dir) => openDemStore(dir, options)));
}

/** A Terrain over stores already open, finest first (ties keep the given order). */
export function terrainOf(stores: DemStore[]): Terrain {
  const sorted = stores
    .map((store, i) => ({ store, i, size: storeCellSizeM(store) }))
    .sort((a, b) => a.size - b.size || a.i - b.i)
    .map((s) => s.store);
  return { stores: sorted, toCrs: sorted.map((s) => lonLatToCrs(s.crs)) };
}

/** Closes all the stores. */
export function closeTerrain(terrain: Terrain): void {
  for (const s of terrain.stores) closeDemStore(s);
}

/**
 * Height at a point, metres, bilinear between cell centres, from the finest store with data
 * there; null where no store has data (sea, outside every DEM, the Galápagos).
 * @param lon longitude, degrees
 * @param lat latitude, degrees
 */
export function terrainAt(terrain: Terrain, lon: number, lat: number): TerrainSample | null {
  for (let i = 0; i < terrain.stores.length; i++) {
    const store = terrain.stores[i] as DemStore;
    const p = (terrain.toCrs[i] as PointTransform)(lon, lat);
    const gt = store.geoTransform;
    const fx = (p.x - gt[0]) / gt[1] - 0.5;
    const fy = (p.y - gt[3]) / gt[5] - 0.5;
    if (!(fx >= -0.5 && fx <= store.width - 0.5 && fy >= -0.5 && fy <= store.height - 0.5)) continue;
    const c0 = Math.max(0, Math.min(store.width - 2, Math.floor(fx)));
    const r0 = Math.max(0, Math.min(store.height - 2, Math.floor(fy)));
    const win = readStoreWindow(store, { col0: c0, row0: r0, width: 2, height: 2 });
    const h = bilinearAtCell(win, fx - c0, fy - r0);
    if (h === h) return { heightM: h, source: store.header.name };
  }
  return null;
}

/**
 * The cells of a lon/lat box from the finest store that holds all of it; when none does, from
 * the finest store holding its centre, clipped to that store. Returned on that store's own grid
 * and CRS, as the viewshed expects.
 * @throws NotFoundError when no store covers the box's centre (e.g. the Galápagos)
 */
export function readTerrainWindow(terrain: Terrain, bbox: BBox): TerrainWindow {
  const [west, south, east, north] = bbox;
  if (!(west < east && south < north))
    throw new Error(`Invalid bbox [${bbox.join(', ')}]: need west < east, south < north`);
  const pick = pickStore(terrain, bbox, (west + east) / 2, (south + north) / 2);
  const window = cellWindowOfBox(pick.store, pick.toCrs, bbox);
  return { ...readStoreWindow(pick.store, window), source: pick.store.header.name };
}

/**
 * The cells within `rangeM` metres (true ground distance) of a point, plus one cell of margin,
 * from the finest store that holds the whole circle's box (else the finest holding the point,
 * clipped): the window a viewshed of that range needs. Same window as dem-raster's readDemAround
 * on that store.
 * @param rangeM metres
 * @throws NotFoundError when no store covers the point
 */
export function readTerrainAround(terrain: Terrain, lon: number, lat: number, rangeM: number): TerrainWindow {
  if (!(rangeM > 0 && Number.isFinite(rangeM)))
    throw new Error(`Range must be positive metres, got ${rangeM}`);
  // Degrees spanned by rangeM: northward at the point, eastward at the latitude nearest a pole
  // within range, where a degree of longitude is shortest.
  const k = metresPerDegree(lat);
  const dLat = rangeM / k.north;
  const dLon = rangeM / metresPerDegree(Math.min(89, Math.abs(lat) + dLat)).east;
  const box: BBox = [lon - dLon, lat - dLat, lon + dLon, lat + dLat];
  const pick = pickStore(terrain, box, lon, lat);
  const p = pick.toCrs(lon, lat);
  return {
    ...readStoreWindow(pick.store, windowAround(pick.store, p.x, p.y, rangeM)),
    source: pick.store.header.name,
  };
}

function pickStore(
  terrain: Terrain,
  bbox: BBox,
  lon: number,
  lat: number,
): { store: DemStore; toCrs: PointTransform } {
  let holdingCentre: { store: DemStore; toCrs: PointTransform } | null = null;
  for (let i = 0; i < terrain.stores.length; i++) {
    const store = terrain.stores[i] as DemStore;
    const toCrs = terrain.toCrs[i] as PointTransform;
    const extent = boxExtentInCrs(toCrs, bbox);
    const gt = store.geoTransform;
    const x0 = gt[0];
    const x1 = gt[0] + store.width * gt[1];
    const y1 = gt[3];
    const y0 = gt[3] + store.height * gt[5];
    if (extent.xMin >= x0 && extent.xMax <= x1 && extent.yMin >= y0 && extent.yMax <= y1)
      return { store, toCrs };
    const c = toCrs(lon, lat);
    if (!holdingCentre && c.x >= x0 && c.x < x1 && c.y > y0 && c.y <= y1) holdingCentre = { store, toCrs };
  }
  if (holdingCentre) return holdingCentre;
  throw new NotFoundError(`No DEM covers (${lon}, ${lat}); the terrain there is unknown`);
}

/** Extent in a CRS of a lon/lat box, its edges sampled (a box's edges curve in UTM). */
function boxExtentInCrs(
  toCrs: PointTransform,
  bbox: BBox,
): { xMin: number; xMax: number; yMin: number; yMax: number } {
  const [west, south, east, north] = bbox;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  const steps = 8;
  for (let i = 0; i <= steps; i++) {
    const lon = west + ((east - west) * i) / steps;
    const lat = south + ((north - south) * i) / steps;
    for (const [a, b] of [
      [lon, south],
      [lon, north],
      [west, lat],
      [east, lat],
    ] as const) {
      const p = toCrs(a, b);
      xMin = Math.min(xMin, p.x);
      xMax = Math.max(xMax, p.x);
      yMin = Math.min(yMin, p.y);
      yMax = Math.max(yMax, p.y);
    }
  }
  return { xMin, xMax, yMin, yMax };
}

/**
 * Cells of a store whose area meets a lon/lat box (not clipped to the store).
 * @param toCrs the store's lon/lat → CRS transform (Terrain.toCrs[i])
 */
export function cellWindowOfBox(store: DemStore, toCrs: PointTransform, bbox: BBox): CellWindow {
  const e = boxExtentInCrs(toCrs, bbox);
  const gt = store.geoTransform;
  const col0 = Math.floor((e.xMin - gt[0]) / gt[1]);
  const col1 = Math.ceil((e.xMax - gt[0]) / gt[1]);
  const row0 = Math.floor((e.yMax - gt[3]) / gt[5]);
  const row1 = Math.ceil((e.yMin - gt[3]) / gt[5]);
  return { col0, row0, width: Math.max(1, col1 - col0), height: Math.max(1, row1 - row0) };
}
