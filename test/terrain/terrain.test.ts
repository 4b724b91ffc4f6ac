/**
 * The combined terrain view over real SRTM crops (test/fixtures/terrain/README.md): finest store
 * first, coarser where the fine one has no data, nothing where no DEM exists. Expected heights are
 * bilinear interpolations written out here over cells read from the GeoTIFFs by geotiff.js
 * (dem-raster.ts), not through the store.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemFile, readDemAround, readDemWindow } from '../../server/coverage/dem-raster.js';
import { NotFoundError } from '../../server/errors.js';
import { importDemGeoTiff } from '../../server/terrain/import-geotiff.js';
import type { Terrain } from '../../server/terrain/terrain.js';
import {
  closeTerrain,
  openTerrain,
  readTerrainAround,
  readTerrainWindow,
  terrainAt,
} from '../../server/terrain/terrain.js';
import {
  COAST_9S,
  COTOPAXI_3S,
  COTOPAXI_9S,
  scratchDir,
  writeFloat32GeoTiff,
  writeInt16GeoTiff,
} from './geotiff-fixtures.js';

const COTOPAXI: [number, number] = [-78.436, -0.677];
const GALAPAGOS: [number, number] = [-90.5, -0.7]; // Sierra Negra, Isabela
const scratch = scratchDir('terrain');
let terrain: Terrain;

/** Bilinear height between the four cell centres around (lon, lat) of a GeoTIFF, by hand. */
async function bilinearFromTif(tif: string, lon: number, lat: number): Promise<number> {
  const src = await openDemFile(tif);
  const [x0, px, , y0, , py] = src.geoTransform;
  const fx = (lon - x0) / px - 0.5;
  const fy = (lat - y0) / py - 0.5;
  const c = Math.floor(fx);
  const r = Math.floor(fy);
  const w = await readDemWindow(src, { col0: c, row0: r, width: 2, height: 2 });
  const [a, b, d, e] = Array.from(w.data) as [number, number, number, number];
  const tx = fx - c;
  const ty = fy - r;
  return a * (1 - tx) * (1 - ty) + b * tx * (1 - ty) + d * (1 - tx) * ty + e * tx * ty;
}

beforeAll(async () => {
  const root = path.join(scratch.dir, 'real');
  for (const f of [COTOPAXI_3S, COTOPAXI_9S, COAST_9S]) await importDemGeoTiff(f, root);
  terrain = openTerrain(root);
});
afterAll(() => {
  closeTerrain(terrain);
  scratch.cleanup();
});

describe('openTerrain', () => {
  it('orders the stores finest first by ground cell size', () => {
    expect(terrain.stores[0]!.header.name).toBe('cotopaxi-3s');
    expect(terrain.stores.map((s) => s.header.name).sort()).toEqual([
      'coast-9s',
      'cotopaxi-3s',
      'cotopaxi-9s',
    ]);
  });

  it('throws NotFoundError naming the directory when it holds no store', () => {
    expect(() => openTerrain(path.join(scratch.dir, 'nothing'))).toThrow(NotFoundError);
    expect(() => openTerrain(path.join(scratch.dir, 'nothing'))).toThrow(/No DEM store under .*nothing/);
  });
});

describe('terrainAt', () => {
  it('reads Cotopaxi from the 3″ store: 5498 m at the GVP point within the interpolation', async () => {
    const got = terrainAt(terrain, ...COTOPAXI);
    expect(got?.source).toBe('cotopaxi-3s');
    expect(got!.heightM).toBeCloseTo(await bilinearFromTif(COTOPAXI_3S, ...COTOPAXI), 6);
    // gdallocationinfo gives the cell holding the point 5498 m; neighbours on the cone differ by tens of metres.
    expect(Math.abs(got!.heightM - 5498)).toBeLessThan(40);
  });

  it('falls back to the 9″ store outside the 3″ crop', async () => {
    const got = terrainAt(terrain, -78.65, -0.5);
    expect(got?.source).toBe('cotopaxi-9s');
    expect(got!.heightM).toBeCloseTo(await bilinearFromTif(COTOPAXI_9S, -78.65, -0.5), 6);
  });

  it('gives 0 m for SRTM sea stored as 0, and null for sea stored as nodata', async () => {
    expect(terrainAt(terrain, -80.9, -3.6)).toEqual({ heightM: 0, source: 'coast-9s' });
    expect(terrainAt(terrain, -81.05, -3.6)).toBeNull();
    expect(terrainAt(terrain, -80.65, -3.7)!.heightM).toBeCloseTo(
      await bilinearFromTif(COAST_9S, -80.65, -3.7),
      6,
    );
  });

  it('knows nothing of the Galápagos', () => {
    expect(terrainAt(terrain, ...GALAPAGOS)).toBeNull();
  });
});

describe('readTerrainAround (the window a viewshed reads)', () => {
  it('takes a 5 km circle at Cotopaxi from the 3″ store, the same cells as readDemAround on its GeoTIFF', async () => {
    const got = readTerrainAround(terrain, ...COTOPAXI, 5000);
    const tif = await readDemAround(await openDemFile(COTOPAXI_3S), ...COTOPAXI, 5000);
    expect(got.source).toBe('cotopaxi-3s');
    expect([got.width, got.height, ...got.geoTransform]).toEqual([
      tif.width,
      tif.height,
      ...tif.geoTransform,
    ]);
    expect(Array.from(got.data)).toEqual(Array.from(tif.data));
  });

  it('takes a 20 km circle from the 9″ store: it overruns the 3″ crop (±0.125° ≈ 13.9 km) but not the 9″ one', async () => {
    const got = readTerrainAround(terrain, ...COTOPAXI, 20000);
    const tif = await readDemAround(await openDemFile(COTOPAXI_9S), ...COTOPAXI, 20000);
    expect(got.source).toBe('cotopaxi-9s');
    expect([got.width, got.height, ...got.geoTransform]).toEqual([
      tif.width,
      tif.height,
      ...tif.geoTransform,
    ]);
  });

  it('clips a circle no store holds whole to the finest store holding its centre', () => {
    const got = readTerrainAround(terrain, ...COTOPAXI, 40000);
    expect(got.source).toBe('cotopaxi-3s');
    expect([got.width, got.height]).toEqual([300, 300]);
  });

  it('throws NotFoundError for the Galápagos', () => {
    expect(() => readTerrainAround(terrain, ...GALAPAGOS, 5000)).toThrow(/No DEM covers \(-90\.5, -0\.7\)/);
  });
});

describe('readTerrainWindow', () => {
  it('returns the 3″ cells whose area meets a box inside the crop', () => {
    const got = readTerrainWindow(terrain, [-78.45, -0.69, -78.42, -0.66]);
    expect(got.source).toBe('cotopaxi-3s');
    const [x0, px, , y0, , py] = got.geoTransform;
    // The box spans 0.03° = 36 cells each way; its edges fall inside cells, so 37 are met.
    expect([got.width, got.height]).toEqual([37, 37]);
    expect(x0).toBeLessThanOrEqual(-78.45);
    expect(x0 + got.width * px).toBeGreaterThanOrEqual(-78.42);
    expect(y0).toBeGreaterThanOrEqual(-0.66);
    expect(y0 + got.height * py).toBeLessThanOrEqual(-0.69);
  });
});

describe('stores of other kinds', () => {
  it('fills a void of the fine store from the coarse one', async () => {
    const root = path.join(scratch.dir, 'void');
    const px = 1 / 1200;
    writeInt16GeoTiff(path.join(scratch.dir, 'fine.tif'), {
      width: 40,
      height: 40,
      geoTransform: [-78.5, px, 0, -0.5, 0, -px],
      crs: { kind: 'geographic', epsg: 4326 },
      nodata: -32768,
      z: (c, r) => (c >= 10 && c < 20 && r >= 10 && r < 20 ? -32768 : 2000),
    });
    writeInt16GeoTiff(path.join(scratch.dir, 'coarse.tif'), {
      width: 20,
      height: 20,
      geoTransform: [-78.51, 3 * px, 0, -0.49, 0, -3 * px],
      crs: { kind: 'geographic', epsg: 4326 },
      nodata: -32768,
      z: () => 1234,
    });
    await importDemGeoTiff(path.join(scratch.dir, 'fine.tif'), root);
    await importDemGeoTiff(path.join(scratch.dir, 'coarse.tif'), root);
    const t = openTerrain(root);
    try {
      // Centre of fine cell (15, 15), in the void.
      expect(terrainAt(t, -78.5 + 15.5 * px, -0.5 - 15.5 * px)).toEqual({ heightM: 1234, source: 'coarse' });
      expect(terrainAt(t, -78.5 + 5.5 * px, -0.5 - 5.5 * px)).toEqual({ heightM: 2000, source: 'fine' });
    } finally {
      closeTerrain(t);
    }
  });

  it('reads a UTM store at a longitude/latitude', async () => {
    const root = path.join(scratch.dir, 'utm');
    writeFloat32GeoTiff(path.join(scratch.dir, 'plane-utm.tif'), {
      width: 100,
      height: 80,
      geoTransform: [784000, 30, 0, 9926500, 0, -30],
      crs: { kind: 'projected', epsg: 32717 },
      z: (c, r) => 3000.5 + 2 * c - 3 * r,
    });
    await importDemGeoTiff(path.join(scratch.dir, 'plane-utm.tif'), root);
    const t = openTerrain(root);
    try {
      // gdaltransform puts Cotopaxi at E 785385.1048, N 9925095.6366 in EPSG:32717: cell
      // coordinates fx = 1385.1048/30 − 0.5 = 45.67016, fy = 1404.3634/30 − 0.5 = 46.31211, and
      // the plane there is 3000.5 + 2·45.67016 − 3·46.31211 = 2952.9040 m.
      const got = terrainAt(t, ...COTOPAXI);
      expect(got?.source).toBe('plane-utm');
      expect(got!.heightM).toBeCloseTo(2952.904, 3);
    } finally {
      closeTerrain(t);
    }
  });
});
