/**
 * A tiled on-disk DEM store: fast windowed reads without decompressing a GeoTIFF each time.
 *
 * One directory per DEM:
 *   dem.json   the header (DemStoreHeader): grid, geotransform, CRS, nodata, source, licence
 *   tiles.bin  tilesAcross·tilesDown square tiles of tileSize² samples, raw little-endian Int16
 *              (or Float32 for non-integer sources), row-major within a tile, tiles row-major;
 *              tile (tx, ty) starts at byte (ty·tilesAcross + tx)·tileSize²·bytesPerSample.
 *              Edge tiles are padded with nodata (0 when the DEM has none).
 * Fixed-size slots need no index: a window read seeks straight to the tiles it overlaps and reads
 * nothing else. Decoded tiles are kept in a small LRU cache per open store.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import type { BBox } from '../domain/types.js';
import type {
  CellWindow,
  DemInfo,
  DemRaster,
  DemValues,
  GeoTransform,
  RasterCrs,
} from '../coverage/dem-raster.js';
import { windowAround } from '../coverage/dem-raster.js';
import { metresPerDegree } from '../coverage/ground-scale.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { crsToLonLat, describeCrs, isSupportedCrs } from './crs-lonlat.js';

export const DEM_STORE_FORMAT = 'atalaya-dem-store';
export const DEM_STORE_VERSION = 1;
export const HEADER_FILE = 'dem.json';
export const TILES_FILE = 'tiles.bin';
/** Default tile side, cells: 256 × 256 Int16 = 128 KiB, the GeoTIFF block size of the SRTM files. */
export const DEFAULT_STORE_TILE_SIZE = 256;

export type StoreSampleType = 'int16' | 'float32';

/** Where a store's cells came from: enough to tell whether a re-import is due. */
export interface DemStoreSource {
  /** Path of the imported file as given to the importer. */
  file: string;
  bytes: number;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
}

/** Contents of dem.json. */
export interface DemStoreHeader {
  format: typeof DEM_STORE_FORMAT;
  version: typeof DEM_STORE_VERSION;
  name: string;
  width: number;
  height: number;
  tileSize: number;
  tilesAcross: number;
  tilesDown: number;
  sampleType: StoreSampleType;
  byteOrder: 'little-endian';
  nodata: number | null;
  geoTransform: GeoTransform;
  crs: RasterCrs;
  /** Longitude/latitude box enclosing the raster's outer cell edges, degrees. */
  bounds: BBox;
  /** Ground size of one cell at the raster's centre, metres (true distances on WGS 84). */
  cellSizeM: { east: number; north: number };
  /** Over the cells with data: lowest and highest height (metres), and the count of nodata cells. */
  stats: { min: number; max: number; nodataCells: number };
  source: DemStoreSource;
  /** Terms of the source data, e.g. "public domain (NASA/USGS)"; null when not given. */
  licence: string | null;
  /** Credit line to show on the map, e.g. "SRTM, NASA"; null when not given. */
  attribution: string | null;
  importedAt: string;
}

/** What writeDemStore needs besides the cells. */
export interface DemStoreSpec {
  name: string;
  width: number;
  height: number;
  nodata: number | null;
  geoTransform: GeoTransform;
  crs: RasterCrs;
  sampleType: StoreSampleType;
  tileSize?: number;
  source: DemStoreSource;
  licence: string | null;
  attribution: string | null;
}

/** An open store. Satisfies dem-raster's DemInfo, so windowAround() works on it. */
export interface DemStore extends DemInfo {
  readonly dir: string;
  readonly header: DemStoreHeader;
  /** Tiles read from disk so far (cache misses), for tests and benchmarks. */
  tilesRead: number;
  /** @internal */ fd: number;
  /** @internal */ cache: Map<number, Int16Array | Float32Array>;
  /** @internal */ maxCachedTiles: number;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Writes a store into `dir` (replacing one already there only once the new one is complete).
 * `readRows(row0, rows)` must return `rows` full-width rows of the raster starting at `row0`,
 * row-major; it is called top to bottom with `rows` = tileSize (fewer for the last band), so a
 * raster is never held whole in memory.
 */
export async function writeDemStore(
  dir: string,
  spec: DemStoreSpec,
  readRows: (row0: number, rows: number) => Promise<ArrayLike<number>>,
): Promise<DemStoreHeader> {
  const tileSize = spec.tileSize ?? DEFAULT_STORE_TILE_SIZE;
  if (!NAME_PATTERN.test(spec.name)) {
    throw new ValidationError(
      `DEM store name ${JSON.stringify(spec.name)} must be letters, digits, '.', '_' or '-'`,
      [
        {
          field: 'name',
          message: 'letters, digits, dot, underscore, hyphen; not starting with a dot or hyphen',
        },
      ],
    );
  }
  if (!(Number.isInteger(tileSize) && tileSize >= 1))
    throw new Error(`Tile size must be a positive integer, got ${tileSize}`);
  if (!isSupportedCrs(spec.crs)) {
    throw new ValidationError(
      `Unsupported CRS ${describeCrs(spec.crs)}; expected EPSG:4326 or UTM (EPSG:326xx/327xx)`,
      [{ field: 'crs', message: describeCrs(spec.crs) }],
    );
  }
  const { width, height, nodata, sampleType } = spec;
  const tilesAcross = Math.ceil(width / tileSize);
  const tilesDown = Math.ceil(height / tileSize);
  const pad = nodata ?? 0;
  const finalDir = path.resolve(dir);
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const fd = openSync(path.join(tmpDir, TILES_FILE), 'w');
  let min = Infinity;
  let max = -Infinity;
  let nodataCells = 0;
  try {
    const cellsPerTile = tileSize * tileSize;
    for (let ty = 0; ty < tilesDown; ty++) {
      const row0 = ty * tileSize;
      const rows = Math.min(tileSize, height - row0);
      const band = await readRows(row0, rows);
      if (band.length !== rows * width) {
        throw new Error(`readRows(${row0}, ${rows}) gave ${band.length} values, expected ${rows * width}`);
      }
      const out =
        sampleType === 'int16'
          ? new Int16Array(tilesAcross * cellsPerTile)
          : new Float32Array(tilesAcross * cellsPerTile);
      out.fill(pad);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < width; c++) {
          const v = band[r * width + c] as number;
          if (v === nodata || v !== v) {
            nodataCells++;
          } else {
            if (v < min) min = v;
            if (v > max) max = v;
            if (sampleType === 'int16' && (v !== Math.trunc(v) || v < -32768 || v > 32767)) {
              throw new Error(`Cell (${c}, ${row0 + r}) holds ${v}, which does not fit an Int16 store`);
            }
          }
          const tx = Math.floor(c / tileSize);
          out[tx * cellsPerTile + r * tileSize + (c - tx * tileSize)] = v;
        }
      }
      writeSync(fd, toLittleEndianBytes(out));
    }
  } finally {
    closeSync(fd);
  }
  const header: DemStoreHeader = {
    format: DEM_STORE_FORMAT,
    version: DEM_STORE_VERSION,
    name: spec.name,
    width,
    height,
    tileSize,
    tilesAcross,
    tilesDown,
    sampleType,
    byteOrder: 'little-endian',
    nodata,
    geoTransform: spec.geoTransform,
    crs: spec.crs,
    ...footprint(width, height, spec.geoTransform, spec.crs),
    stats: { min: min === Infinity ? 0 : min, max: max === -Infinity ? 0 : max, nodataCells },
    source: spec.source,
    licence: spec.licence,
    attribution: spec.attribution,
    importedAt: new Date().toISOString(),
  };
  writeFileSync(path.join(tmpDir, HEADER_FILE), `${JSON.stringify(header, null, 2)}\n`);
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(tmpDir, finalDir);
  return header;
}

/** Reads a store's header without opening its tiles. Throws NotFoundError when there is none. */
export function readDemStoreHeader(dir: string): DemStoreHeader {
  const file = path.join(dir, HEADER_FILE);
  if (!existsSync(file)) {
    throw new NotFoundError(
      `No DEM store at ${dir} (no ${HEADER_FILE}); import one with npm run import-dem -- <file.tif>`,
    );
  }
  const header = JSON.parse(readFileSync(file, 'utf8')) as DemStoreHeader;
  if (header.format !== DEM_STORE_FORMAT || header.version !== DEM_STORE_VERSION) {
    throw new Error(
      `${file} is ${JSON.stringify(header.format)} version ${String(header.version)}, expected ${DEM_STORE_FORMAT} version ${DEM_STORE_VERSION}; re-import it`,
    );
  }
  return header;
}

/**
 * Opens a store for reading.
 * @param options.maxCachedTiles decoded tiles kept in memory (default 64: 8 MiB of Int16 tiles)
 */
export function openDemStore(dir: string, options: { maxCachedTiles?: number } = {}): DemStore {
  const header = readDemStoreHeader(dir);
  const fd = openSync(path.join(dir, TILES_FILE), 'r');
  const expected =
    header.tilesAcross * header.tilesDown * header.tileSize ** 2 * bytesPerSample(header.sampleType);
  const actual = fstatSync(fd).size;
  if (actual !== expected) {
    closeSync(fd);
    throw new Error(`${path.join(dir, TILES_FILE)} has ${actual} bytes, expected ${expected}; re-import it`);
  }
  return {
    dir,
    header,
    width: header.width,
    height: header.height,
    nodata: header.nodata,
    geoTransform: header.geoTransform,
    crs: header.crs,
    tilesRead: 0,
    fd,
    cache: new Map(),
    maxCachedTiles: Math.max(1, options.maxCachedTiles ?? 64),
  };
}

/** Closes the store's file; it cannot be read afterwards. */
export function closeDemStore(store: DemStore): void {
  closeSync(store.fd);
  store.cache.clear();
}

/**
 * Reads a window of cells (clipped to the raster) as a DemRaster on the store's grid, touching
 * only the tiles the window overlaps. Same contract as dem-raster's readDemWindow.
 */
export function readStoreWindow(store: DemStore, window: CellWindow): DemRaster {
  const { width: W, height: H } = store;
  const ts = store.header.tileSize;
  const c0 = Math.max(0, window.col0);
  const r0 = Math.max(0, window.row0);
  const c1 = Math.min(W, window.col0 + window.width);
  const r1 = Math.min(H, window.row0 + window.height);
  if (c1 <= c0 || r1 <= r0) {
    throw new Error(
      `Window ${JSON.stringify(window)} does not overlap the ${W}×${H} DEM store ${store.header.name}`,
    );
  }
  const w = c1 - c0;
  const h = r1 - r0;
  const data = store.header.sampleType === 'int16' ? new Int16Array(w * h) : new Float32Array(w * h);
  for (let ty = Math.floor(r0 / ts); ty <= Math.floor((r1 - 1) / ts); ty++) {
    for (let tx = Math.floor(c0 / ts); tx <= Math.floor((c1 - 1) / ts); tx++) {
      const tile = readTile(store, ty * store.header.tilesAcross + tx);
      const tc0 = Math.max(c0, tx * ts);
      const tc1 = Math.min(c1, (tx + 1) * ts);
      const tr0 = Math.max(r0, ty * ts);
      const tr1 = Math.min(r1, (ty + 1) * ts);
      for (let r = tr0; r < tr1; r++) {
        const from = (r - ty * ts) * ts + (tc0 - tx * ts);
        data.set(tile.subarray(from, from + (tc1 - tc0)), (r - r0) * w + (tc0 - c0));
      }
    }
  }
  const gt = store.geoTransform;
  return {
    width: w,
    height: h,
    data: data as DemValues,
    nodata: store.nodata,
    geoTransform: [gt[0] + c0 * gt[1], gt[1], 0, gt[3] + r0 * gt[5], 0, gt[5]],
    crs: store.crs,
  };
}

/**
 * Reads the cells within `rangeM` metres of (x, y) (store CRS units), plus one cell of margin:
 * the store counterpart of dem-raster's readDemAround, for a viewshed of that range.
 */
export function readStoreAround(store: DemStore, x: number, y: number, rangeM: number): DemRaster {
  return readStoreWindow(store, windowAround(store, x, y, rangeM));
}

/** Reads the whole raster. */
export function readStore(store: DemStore): DemRaster {
  return readStoreWindow(store, { col0: 0, row0: 0, width: store.width, height: store.height });
}

/** The subdirectories of `root` that hold a store (have a dem.json), sorted by name. */
export function listDemStores(root: string): string[] {
  if (!existsSync(root)) return [];
  // Sorted so that the order of stores (and so ties between equal resolutions) is stable.
  return readdirSync(root)
    .sort()
    .filter((name) => !name.startsWith('.') && !name.includes('.tmp-'))
    .map((name) => path.join(root, name))
    .filter((dir) => existsSync(path.join(dir, HEADER_FILE)));
}

function readTile(store: DemStore, index: number): Int16Array | Float32Array {
  const hit = store.cache.get(index);
  if (hit) {
    store.cache.delete(index);
    store.cache.set(index, hit);
    return hit;
  }
  const n = store.header.tileSize ** 2;
  const tile = store.header.sampleType === 'int16' ? new Int16Array(n) : new Float32Array(n);
  const bytes = new Uint8Array(tile.buffer);
  let got = 0;
  const offset = index * bytes.length;
  while (got < bytes.length) {
    const k = readSync(store.fd, bytes, got, bytes.length - got, offset + got);
    if (k === 0) throw new Error(`${store.dir}/${TILES_FILE} ends inside tile ${index}`);
    got += k;
  }
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, tile.BYTES_PER_ELEMENT);
  store.tilesRead++;
  store.cache.set(index, tile);
  if (store.cache.size > store.maxCachedTiles) {
    const oldest = store.cache.keys().next().value as number;
    store.cache.delete(oldest);
  }
  return tile;
}

function bytesPerSample(type: StoreSampleType): number {
  return type === 'int16' ? 2 : 4;
}

function toLittleEndianBytes(a: Int16Array | Float32Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, a.BYTES_PER_ELEMENT);
  return bytes;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a] as number;
      bytes[a] = bytes[b] as number;
      bytes[b] = t;
    }
  }
}

/**
 * Longitude/latitude bounds of the raster (for UTM, of its edges projected back, sampled every
 * 1/16 of a side so the bulge of a projected edge is caught) and the ground size of a cell at the
 * centre.
 */
function footprint(
  width: number,
  height: number,
  gt: GeoTransform,
  crs: RasterCrs,
): { bounds: BBox; cellSizeM: { east: number; north: number } } {
  const toLonLat = crsToLonLat(crs);
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const steps = 16;
  for (let i = 0; i <= steps; i++) {
    for (const [fc, fr] of [
      [(i / steps) * width, 0],
      [(i / steps) * width, height],
      [0, (i / steps) * height],
      [width, (i / steps) * height],
    ] as const) {
      const p = toLonLat(gt[0] + fc * gt[1], gt[3] + fr * gt[5]);
      west = Math.min(west, p.x);
      east = Math.max(east, p.x);
      south = Math.min(south, p.y);
      north = Math.max(north, p.y);
    }
  }
  if (crs.kind === 'projected') {
    return {
      bounds: [west, south, east, north],
      cellSizeM: { east: Math.abs(gt[1]), north: Math.abs(gt[5]) },
    };
  }
  const k = metresPerDegree((north + south) / 2);
  return {
    bounds: [west, south, east, north],
    cellSizeM: { east: Math.abs(gt[1]) * k.east, north: Math.abs(gt[5]) * k.north },
  };
}
