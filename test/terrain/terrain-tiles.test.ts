/**
 * Terrain tiles: which tiles exist at which zoom, pixel heights on an analytic plane, and real
 * SRTM tiles decoded back through PNG (fast-png) and Terrarium. Pixel centres are computed here
 * from the Web Mercator formulas, independently of web-mercator.ts.
 */
import path from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePngRgb } from '../../server/terrain/png-encode.js';
import { importDemGeoTiff } from '../../server/terrain/import-geotiff.js';
import type { Terrain } from '../../server/terrain/terrain.js';
import { closeTerrain, openTerrain } from '../../server/terrain/terrain.js';
import type { TerrainTilePlan } from '../../server/terrain/terrain-tiles.js';
import {
  buildTerrainTiles,
  downsampleTile,
  leafZoom,
  planTerrainTiles,
  renderTileHeights,
} from '../../server/terrain/terrain-tiles.js';
import { encodeTerrarium, TERRARIUM_STEP_M } from '../../server/terrain/terrarium.js';
import { openDemFile, readDemWindow } from '../../server/coverage/dem-raster.js';
import { COAST_9S, COTOPAXI_3S, COTOPAXI_9S, scratchDir, writeFloat32GeoTiff } from './geotiff-fixtures.js';

const scratch = scratchDir('terrain-tiles');
let real: Terrain;
let plan: TerrainTilePlan;

/** Centre of pixel (i, j) of tile (z, x, y): lon linear in x, lat = atan(sinh(π(1 − 2y/2^z))). */
function pixelCentre(z: number, x: number, y: number, i: number, j: number): [number, number] {
  const n = 2 ** z;
  const gx = x + (i + 0.5) / 256;
  const gy = y + (j + 0.5) / 256;
  return [(gx / n) * 360 - 180, (Math.atan(Math.sinh(Math.PI * (1 - (2 * gy) / n))) * 180) / Math.PI];
}

/** The pixel of tile (z, x, y) holding (lon, lat). */
function pixelOf(z: number, x: number, y: number, lon: number, lat: number): [number, number] {
  const n = 2 ** z;
  const gx = ((lon + 180) / 360) * n;
  const phi = (lat * Math.PI) / 180;
  const gy = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n;
  return [Math.floor((gx - x) * 256), Math.floor((gy - y) * 256)];
}

/** Heights of a tile after the whole chain: Terrarium bytes, PNG, decoded by fast-png. */
function throughPng(heights: Float32Array): (i: number, j: number) => number {
  const img = decode(encodePngRgb(256, 256, encodeTerrarium(heights)));
  const d = img.data as Uint8Array;
  return (i, j) => {
    const k = (j * 256 + i) * 3;
    return d[k]! * 256 + d[k + 1]! + d[k + 2]! / 256 - 32768;
  };
}

beforeAll(async () => {
  const root = path.join(scratch.dir, 'real');
  for (const f of [COTOPAXI_3S, COTOPAXI_9S, COAST_9S]) await importDemGeoTiff(f, root);
  real = openTerrain(root);
  plan = planTerrainTiles(real);
});
afterAll(() => {
  closeTerrain(real);
  scratch.cleanup();
});

describe('planTerrainTiles', () => {
  it('gives the 3″ store z11 and the 9″ stores z9, over the union of their bounds', () => {
    const byName = Object.fromEntries(plan.stores.map((s) => [s.name, s.maxzoom]));
    expect(byName).toEqual({ 'cotopaxi-3s': 11, 'cotopaxi-9s': 9, 'coast-9s': 9 });
    expect([plan.minzoom, plan.maxzoom, plan.tileSize]).toEqual([0, 11, 256]);
    const [w, s, e, n] = plan.bounds;
    expect(w).toBeCloseTo(-81.1, 9);
    expect(s).toBeCloseTo(-3.8, 9);
    expect(e).toBeCloseTo(-78.2, 9);
    expect(n).toBeCloseTo(-0.4, 9);
  });

  it('caps zooms on request', () => {
    expect(planTerrainTiles(real, { maxzoomCap: 10 }).maxzoom).toBe(10);
  });
});

describe('leafZoom', () => {
  it('is 11 for a z9 tile meeting the 3″ crop, 9 for the coast, none for the Galápagos', () => {
    expect(leafZoom(plan, 9, 144, 256)).toBe(11);
    expect(leafZoom(plan, 9, 140, 261)).toBe(9);
    // Isabela (−90.5°, −0.7°) at z9: x = 89.5/360·512 = 127.3, y = 256.998.
    expect(leafZoom(plan, 9, 127, 256)).toBeNull();
  });
});

describe('buildTerrainTiles', () => {
  it('makes the z11 and z10 tiles over the 3″ crop only, and z9 tiles over every store', () => {
    const keys: string[] = [];
    const count = buildTerrainTiles(real, plan, ({ z, x, y }) => keys.push(`${z}/${x}/${y}`));
    expect(count).toBe(keys.length);
    const at = (z: number) => keys.filter((k) => k.startsWith(`${z}/`)).sort();
    // Hand-computed in web-mercator.test.ts: the 3″ crop spans x 577.07–578.49, y 1027.14–1028.56 at z11.
    expect(at(11)).toEqual(['11/577/1027', '11/577/1028', '11/578/1027', '11/578/1028']);
    expect(at(10)).toEqual(['10/288/513', '10/288/514', '10/289/513', '10/289/514']);
    // The 9″ Cotopaxi crop (−78.7…−78.2, −0.4…−0.95): x 144.07–144.78, y 256.57–257.35; the
    // coast crop (−81.1…−80.6, −3.55…−3.8): x 140.66–141.37, y 261.05–261.41.
    expect(at(9)).toEqual(['9/140/261', '9/141/261', '9/144/256', '9/144/257']);
    expect(at(8)).toEqual(['8/70/130', '8/72/128']);
    expect(at(0)).toEqual(['0/0/0']);
    expect(at(12)).toEqual([]);
  });
});

describe('renderTileHeights', () => {
  it('reproduces a plane exactly at every pixel centre, through Terrarium and PNG, and 0 m off the DEM', async () => {
    const root = path.join(scratch.dir, 'plane');
    const px = 1 / 1200;
    // 1000 m at (−78.6, −0.5) rising 3 m per 3″ column eastward and 2 m per row southward:
    // in degrees, h = 1000 + 3·1200·(lon + 78.6) + 2·1200·(−0.5 − lat) on cell centres and, bilinear
    // being exact on planes, everywhere between them.
    writeFloat32GeoTiff(path.join(scratch.dir, 'plane.tif'), {
      width: 360,
      height: 360,
      geoTransform: [-78.6, px, 0, -0.5, 0, -px],
      crs: { kind: 'geographic', epsg: 4326 },
      z: (c, r) => 1000 + 3 * (c + 0.5) + 2 * (r + 0.5),
    });
    await importDemGeoTiff(path.join(scratch.dir, 'plane.tif'), root);
    const t = openTerrain(root);
    try {
      const h = (lon: number, lat: number) => 1000 + 3600 * (lon + 78.6) + 2400 * (-0.5 - lat);
      const inside = throughPng(renderTileHeights(t, 11, 577, 1027));
      let worst = 0;
      for (let j = 0; j < 256; j += 5)
        for (let i = 0; i < 256; i += 5)
          worst = Math.max(worst, Math.abs(inside(i, j) - h(...pixelCentre(11, 577, 1027, i, j))));
      // Half a Terrarium step plus Float32 rounding of ~2000 m (1.2e-4).
      expect(worst).toBeLessThan(TERRARIUM_STEP_M / 2 + 3e-4);

      // Tile 576/1027 spans −78.75…−78.574: west of −78.6 there is no DEM.
      const edge = throughPng(renderTileHeights(t, 11, 576, 1027));
      const [iOff] = pixelOf(11, 576, 1027, -78.61, -0.55);
      const [iOn] = pixelOf(11, 576, 1027, -78.59, -0.55);
      expect(edge(iOff, 100)).toBe(0);
      expect(Math.abs(edge(iOn, 100) - h(...pixelCentre(11, 576, 1027, iOn, 100)))).toBeLessThan(0.003);
    } finally {
      closeTerrain(t);
    }
  });

  it('puts Cotopaxi at its 3″ height in z11 tile 577/1027', async () => {
    const [i, j] = pixelOf(11, 577, 1027, -78.436, -0.677);
    const [lon, lat] = pixelCentre(11, 577, 1027, i, j);
    const decoded = throughPng(renderTileHeights(real, 11, 577, 1027))(i, j);
    // Expected: bilinear between the four 3″ cells around the pixel centre, read by geotiff.js.
    const src = await openDemFile(COTOPAXI_3S);
    const [x0, px, , y0, , py] = src.geoTransform;
    const fx = (lon - x0) / px - 0.5;
    const fy = (lat - y0) / py - 0.5;
    const [c, r] = [Math.floor(fx), Math.floor(fy)];
    const cells = Array.from((await readDemWindow(src, { col0: c, row0: r, width: 2, height: 2 })).data);
    const [tx, ty] = [fx - c, fy - r];
    const expected =
      cells[0]! * (1 - tx) * (1 - ty) +
      cells[1]! * tx * (1 - ty) +
      cells[2]! * (1 - tx) * ty +
      cells[3]! * tx * ty;
    expect(Math.abs(decoded - expected)).toBeLessThanOrEqual(TERRARIUM_STEP_M / 2 + 1e-3);
    // The pixel centre is within 38 m of the GVP point, where the DEM cell reads 5498 m.
    expect(Math.abs(decoded - 5498)).toBeLessThan(50);
  });

  it('gives sea 0 m exactly (RGB 128, 0, 0), whether SRTM stored it as 0 or as nodata', () => {
    const heights = renderTileHeights(real, 9, 140, 261);
    const rgb = encodeTerrarium(heights);
    for (const [lon, lat] of [
      [-81.05, -3.6], // nodata in the DEM
      [-80.9, -3.6], // 0 m in the DEM
    ] as const) {
      const [i, j] = pixelOf(9, 140, 261, lon, lat);
      const k = (j * 256 + i) * 3;
      expect([rgb[k], rgb[k + 1], rgb[k + 2]]).toEqual([128, 0, 0]);
    }
  });
});

describe('downsampleTile', () => {
  it('averages each 2×2 block of the child in its quadrant; a missing child is 0 m', () => {
    const size = 4;
    // NW child: rows [0,4,1,1],[8,12,1,1],[2,2,3,3],[2,2,3,3] → means 6, 1, 2, 3.
    const nw = Float32Array.of(0, 4, 1, 1, 8, 12, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3);
    const ne = new Float32Array(16).fill(10);
    const se = new Float32Array(16).fill(-4);
    expect(Array.from(downsampleTile([nw, ne, null, se], size))).toEqual([
      6, 1, 10, 10, 2, 3, 10, 10, 0, 0, -4, -4, 0, 0, -4, -4,
    ]);
  });
});
