/**
 * The tiled DEM store: a GeoTIFF imported and read back cell for cell, windows across tile
 * borders touching only the tiles they overlap, the on-disk layout, and a UTM store. Expected
 * values come from the formula each fixture was written with, from dem-raster.ts reading the
 * same GeoTIFF (geotiff.js, the path the viewshed used before the store), and from gdaltransform.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellWindow } from '../../server/coverage/dem-raster.js';
import { openDemFile, readDemAround, readDemWindow } from '../../server/coverage/dem-raster.js';
import type { DemStore } from '../../server/terrain/dem-store.js';
import {
  closeDemStore,
  listDemStores,
  openDemStore,
  readStore,
  readStoreAround,
  readStoreWindow,
} from '../../server/terrain/dem-store.js';
import { importDemGeoTiff } from '../../server/terrain/import-geotiff.js';
import { scratchDir, writeFloat32GeoTiff, writeInt16GeoTiff } from './geotiff-fixtures.js';

const W = 150;
const H = 130;
const TS = 64;
const NODATA = -32768;
const PX = 1 / 1200;
/** Heights from −200 to 3799 m, different in every neighbouring cell; a 3×2 block of nodata at the top-left. */
const zOf = (c: number, r: number) => (c < 3 && r < 2 ? NODATA : ((c * 37 + r * 101) % 4000) - 200);
/** A plane in the UTM fixture: bilinear interpolation reproduces it exactly. */
const plane = (c: number, r: number) => 3000.5 + 2 * c - 3 * r;

const scratch = scratchDir('dem-store');
const gridTif = path.join(scratch.dir, 'grid.tif');
const utmTif = path.join(scratch.dir, 'plane-utm17s.tif');
const storeRoot = path.join(scratch.dir, 'dem');
let store: DemStore;

beforeAll(async () => {
  writeInt16GeoTiff(gridTif, {
    width: W,
    height: H,
    geoTransform: [-78.5, PX, 0, -0.5, 0, -PX],
    crs: { kind: 'geographic', epsg: 4326 },
    nodata: NODATA,
    z: zOf,
  });
  writeFloat32GeoTiff(utmTif, {
    width: 100,
    height: 80,
    geoTransform: [784000, 30, 0, 9926500, 0, -30],
    crs: { kind: 'projected', epsg: 32717 },
    z: plane,
  });
  await importDemGeoTiff(gridTif, storeRoot, { tileSize: TS, licence: 'test', attribution: 'Atalaya tests' });
  await importDemGeoTiff(utmTif, storeRoot, { name: 'plane' });
  store = openDemStore(path.join(storeRoot, 'grid'));
});

afterAll(() => {
  closeDemStore(store);
  scratch.cleanup();
});

describe('importDemGeoTiff → openDemStore', () => {
  it('records the grid, georeference, tiling and provenance in dem.json', () => {
    const h = store.header;
    expect([h.width, h.height, h.tileSize, h.tilesAcross, h.tilesDown]).toEqual([150, 130, 64, 3, 3]);
    expect([h.sampleType, h.byteOrder, h.nodata]).toEqual(['int16', 'little-endian', NODATA]);
    expect(h.crs).toEqual({ kind: 'geographic', epsg: 4326 });
    expect(h.geoTransform).toEqual([-78.5, PX, 0, -0.5, 0, -PX]);
    // Outer edges: 150 and 130 cells of 3″ from (−78.5, −0.5).
    expect(h.bounds[0]).toBeCloseTo(-78.5, 12);
    expect(h.bounds[1]).toBeCloseTo(-0.5 - 130 / 1200, 12);
    expect(h.bounds[2]).toBeCloseTo(-78.5 + 150 / 1200, 12);
    expect(h.bounds[3]).toBeCloseTo(-0.5, 12);
    // 3″ at −0.554° on WGS 84: 111 319.5·cos φ·(1 + …)/1200 ≈ 92.76 m east, 110 574.4/1200 ≈ 92.15 m north.
    expect(h.cellSizeM.east).toBeCloseTo(92.76, 1);
    expect(h.cellSizeM.north).toBeCloseTo(92.15, 1);
    expect([h.licence, h.attribution]).toEqual(['test', 'Atalaya tests']);
    expect(h.source.file).toBe(gridTif);
    expect(h.source.bytes).toBe(statSync(gridTif).size);
    expect(h.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('counts nodata cells and the height range of the rest (brute force over the formula)', () => {
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++) {
        const v = zOf(c, r);
        if (v === NODATA) continue;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    expect(store.header.stats).toEqual({ min, max, nodataCells: 6 });
  });

  it('reads every cell back exactly, negative heights and nodata included', () => {
    const dem = readStore(store);
    expect(dem.data).toBeInstanceOf(Int16Array);
    expect([dem.width, dem.height]).toEqual([W, H]);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) expect(dem.data[r * W + c]).toBe(zOf(c, r));
  });

  it('lays tiles out as raw little-endian Int16 slots, edge tiles padded with nodata', () => {
    const bin = readFileSync(path.join(storeRoot, 'grid', 'tiles.bin'));
    expect(bin.length).toBe(9 * TS * TS * 2);
    // Tile (1, 0) starts with raster cell (64, 0); tile (2, 1) cell (0, 0) is raster (128, 64);
    // tile (2, 0) cell (22, 0) would be column 150, past the raster: padding.
    expect(bin.readInt16LE(1 * TS * TS * 2)).toBe(zOf(64, 0));
    expect(bin.readInt16LE((1 * 3 + 2) * TS * TS * 2)).toBe(zOf(128, 64));
    expect(bin.readInt16LE((2 * TS * TS + 22) * 2)).toBe(NODATA);
  });

  it('lists the stores under a root', () => {
    expect(listDemStores(storeRoot).map((d) => path.basename(d))).toEqual(['grid', 'plane']);
  });
});

describe('readStoreWindow', () => {
  const windows: [string, CellWindow][] = [
    ['inside one tile', { col0: 10, row0: 5, width: 20, height: 30 }],
    ['across the column border 63|64', { col0: 60, row0: 10, width: 8, height: 3 }],
    ['across the row border 63|64', { col0: 100, row0: 62, width: 5, height: 4 }],
    ['around the corner of four tiles', { col0: 63, row0: 63, width: 2, height: 2 }],
    ['exactly one whole tile', { col0: 64, row0: 64, width: 64, height: 64 }],
    ['in the partial last tiles', { col0: 120, row0: 120, width: 30, height: 10 }],
    ['sticking out of the raster (clipped)', { col0: -5, row0: 125, width: 20, height: 20 }],
  ];
  it.each(windows)('equals the GeoTIFF read by dem-raster for a window %s', async (_name, w) => {
    const tif = await readDemWindow(await openDemFile(gridTif), w);
    const got = readStoreWindow(store, w);
    expect([got.width, got.height]).toEqual([tif.width, tif.height]);
    expect(got.geoTransform).toEqual(tif.geoTransform);
    expect(got.nodata).toBe(tif.nodata);
    expect(got.crs).toEqual(tif.crs);
    expect(Array.from(got.data)).toEqual(Array.from(tif.data));
  });

  it('reads only the tiles a window overlaps, and each tile once while cached', () => {
    const s = openDemStore(path.join(storeRoot, 'grid'));
    try {
      readStoreWindow(s, { col0: 10, row0: 10, width: 20, height: 20 });
      expect(s.tilesRead).toBe(1);
      readStoreWindow(s, { col0: 60, row0: 10, width: 8, height: 4 }); // tiles (0,0) cached + (1,0)
      expect(s.tilesRead).toBe(2);
      readStoreWindow(s, { col0: 60, row0: 60, width: 8, height: 8 }); // + (0,1), (1,1)
      expect(s.tilesRead).toBe(4);
      readStoreWindow(s, { col0: 63, row0: 63, width: 2, height: 2 });
      expect(s.tilesRead).toBe(4);
      readStoreWindow(s, { col0: 140, row0: 129, width: 5, height: 1 }); // + (2,2), the corner tile
      expect(s.tilesRead).toBe(5);
    } finally {
      closeDemStore(s);
    }
  });

  it('evicts the least recently used tile when the cache is full', () => {
    const s = openDemStore(path.join(storeRoot, 'grid'), { maxCachedTiles: 2 });
    try {
      readStoreWindow(s, { col0: 0, row0: 10, width: 1, height: 1 }); // tile 0
      readStoreWindow(s, { col0: 64, row0: 10, width: 1, height: 1 }); // tile 1
      readStoreWindow(s, { col0: 0, row0: 10, width: 1, height: 1 }); // tile 0 again: hit
      readStoreWindow(s, { col0: 128, row0: 10, width: 1, height: 1 }); // tile 2 evicts tile 1
      expect(s.tilesRead).toBe(3);
      readStoreWindow(s, { col0: 0, row0: 10, width: 1, height: 1 }); // still cached
      expect(s.tilesRead).toBe(3);
      readStoreWindow(s, { col0: 64, row0: 10, width: 1, height: 1 }); // evicted: read again
      expect(s.tilesRead).toBe(4);
    } finally {
      closeDemStore(s);
    }
  });

  it('names the store when a window misses the raster', () => {
    expect(() => readStoreWindow(store, { col0: 150, row0: 0, width: 5, height: 5 })).toThrow(
      /150×130 DEM store grid/,
    );
  });
});

describe('readStoreAround', () => {
  it('gives the same window as dem-raster readDemAround on the GeoTIFF (what the viewshed reads)', async () => {
    const lon = -78.5 + 75.5 * PX;
    const lat = -0.5 - 70.5 * PX;
    const tif = await readDemAround(await openDemFile(gridTif), lon, lat, 2000);
    const got = readStoreAround(store, lon, lat, 2000);
    expect([got.width, got.height, ...got.geoTransform]).toEqual([
      tif.width,
      tif.height,
      ...tif.geoTransform,
    ]);
    expect(Array.from(got.data)).toEqual(Array.from(tif.data));
  });
});

describe('a UTM store', () => {
  it('keeps EPSG:32717, Float32 samples and 30 m cells, with lon/lat bounds from the inverse projection', () => {
    const s = openDemStore(path.join(storeRoot, 'plane'));
    try {
      const h = s.header;
      expect(h.crs).toEqual({ kind: 'projected', epsg: 32717 });
      expect([h.sampleType, h.nodata, h.tilesAcross, h.tilesDown]).toEqual(['float32', null, 1, 1]);
      expect(h.cellSizeM).toEqual({ east: 30, north: 30 });
      // Corners by gdaltransform -s_srs EPSG:32717 -t_srs EPSG:4326: west edge −78.44844254 (NW),
      // east −78.42149626 (SE), south −0.68600544 (SW), north −0.66429951 (NE).
      expect(h.bounds[0]).toBeCloseTo(-78.44844254, 7);
      expect(h.bounds[1]).toBeCloseTo(-0.68600544, 7);
      expect(h.bounds[2]).toBeCloseTo(-78.42149626, 7);
      expect(h.bounds[3]).toBeCloseTo(-0.66429951, 7);
      const dem = readStoreWindow(s, { col0: 40, row0: 30, width: 3, height: 2 });
      expect(dem.geoTransform).toEqual([784000 + 40 * 30, 30, 0, 9926500 - 30 * 30, 0, -30]);
      expect(Array.from(dem.data)).toEqual(
        [40, 41, 42, 40, 41, 42].map((c, i) => plane(c, 30 + Math.floor(i / 3))),
      );
    } finally {
      closeDemStore(s);
    }
  });
});
