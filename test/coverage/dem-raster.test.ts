/**
 * Reading DEMs from GeoTIFF: georeference, CRS, nodata and the window around an observer, checked
 * against the file's documented extent (data/README.md), hand arithmetic and gdallocationinfo.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openDemFile, readDem, readDemAround, windowAround } from '../../server/coverage/dem-raster.js';
import { hasGdal } from './gdal-reference.js';

const ANDES_3S = new URL('../../data/dem/central-andes-srtm-3s.tif', import.meta.url).pathname;
const WALL = new URL('../fixtures/coverage/wall-utm17s.tif', import.meta.url).pathname;
const RIDGE = new URL('../fixtures/coverage/ridge-4326.tif', import.meta.url).pathname;

describe('openDemFile', () => {
  it('reads the 3″ corridor DEM as 2100×3300 degree cells whose centres fall on whole 3″ from −79.25°, 0.5°', async () => {
    const src = await openDemFile(ANDES_3S);
    expect([src.width, src.height, src.nodata]).toEqual([2100, 3300, -32768]);
    expect(src.crs).toEqual({ kind: 'geographic', epsg: 4326 });
    const [x0, px, rx, y0, ry, py] = src.geoTransform;
    expect([rx, ry]).toEqual([0, 0]);
    expect(px).toBeCloseTo(1 / 1200, 12);
    expect(py).toBeCloseTo(-1 / 1200, 12);
    expect(x0).toBeCloseTo(-79.25 - 1 / 2400, 9);
    expect(y0).toBeCloseTo(0.5 + 1 / 2400, 9);
  });

  it('reads a projected fixture with its EPSG code, metres and cells', async () => {
    const dem = await readDem(await openDemFile(WALL));
    expect(dem.crs).toEqual({ kind: 'projected', epsg: 32717 });
    expect(dem.geoTransform).toEqual([780000, 10, 0, 9930000, 0, -10]);
    expect([dem.width, dem.height, dem.nodata]).toEqual([61, 61, null]);
    expect([dem.data[5 * 61 + 31], dem.data[5 * 61 + 32], dem.data[5 * 61 + 33]]).toEqual([0, 3, 0]);
  });

  it('reads a geographic fixture', async () => {
    const dem = await readDem(await openDemFile(RIDGE));
    expect(dem.crs).toEqual({ kind: 'geographic', epsg: 4326 });
    expect(dem.geoTransform[0]).toBeCloseTo(-78.01, 12);
    expect([dem.data[42 * 41], dem.data[41 * 41], dem.data[40 * 41]]).toEqual([2006, 2003, 2000]);
  });
});

describe('windowAround', () => {
  it('takes 217 columns and 219 rows either side of Cotopaxi for 20 km (3″ = 92.76 m east there, 92.15 m north)', async () => {
    // Cotopaxi (−78.436, −0.677) is in column ⌊(−78.436 + 79.250417)·1200⌋ = 977, row
    // ⌊(0.500417 + 0.677)·1200⌋ = 1412. Columns: ⌈20000/92.756⌉ + 1 = 217 (the east step at
    // 0.859°, the farthest latitude in range); rows: ⌈20000/92.145⌉ + 1 = 219.
    const src = await openDemFile(ANDES_3S);
    expect(windowAround(src, -78.436, -0.677, 20000)).toEqual({
      col0: 760,
      row0: 1193,
      width: 435,
      height: 439,
    });
  });

  it('clips at the raster edge and rejects a point outside it', async () => {
    const src = await openDemFile(ANDES_3S);
    const w = windowAround(src, -79.24, 0.49, 5000);
    expect([w.col0, w.row0]).toEqual([0, 0]);
    expect(() => windowAround(src, -80, -1, 5000)).toThrow(/Point \(-80, -1\) is outside the DEM/);
  });
});

describe.skipIf(!hasGdal())('readDemAround against gdallocationinfo', () => {
  it('gives the same heights as GDAL at points around Tungurahua', async () => {
    const dem = await readDemAround(await openDemFile(ANDES_3S), -78.442, -1.467, 10000);
    const points: [number, number][] = [
      [-78.442, -1.467],
      [-78.5, -1.42],
      [-78.39, -1.52],
      [-78.46, -1.5],
    ];
    for (const [lon, lat] of points) {
      const gdal = Number(
        execFileSync('gdallocationinfo', ['-valonly', '-wgs84', ANDES_3S, String(lon), String(lat)], {
          encoding: 'utf8',
        }).trim(),
      );
      const c = Math.floor((lon - dem.geoTransform[0]) / dem.geoTransform[1]);
      const r = Math.floor((lat - dem.geoTransform[3]) / dem.geoTransform[5]);
      expect(dem.data[r * dem.width + c], `at ${lon}, ${lat}`).toBe(gdal);
    }
  });
});
