/** GeoTIFFs written by encodeGeoTiff, as GDAL reads them back. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDemBuffer, readDem } from '../../server/coverage/dem-raster.js';
import { encodeGeoTiff } from '../../server/coverage/geotiff-encode.js';
import { hasGdal } from './gdal-reference.js';

const dir = mkdtempSync(join(tmpdir(), 'atalaya-geotiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byteRaster = {
  width: 4,
  height: 3,
  data: Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0]),
  geoTransform: [-78.5, 1 / 1200, 0, -0.2, 0, -1 / 1200] as const,
  crs: { kind: 'geographic', epsg: 4326 } as const,
};
const floatRaster = {
  width: 3,
  height: 2,
  data: Float32Array.from([-500, 0, 2750.5, 6263, -1, 12]),
  geoTransform: [770000, 90, 0, 9950000, 0, -90] as const,
  crs: { kind: 'projected', epsg: 32717 } as const,
  nodata: -1,
};

describe('encodeGeoTiff', () => {
  it('round-trips through our reader', async () => {
    const back = await readDem(await openDemBuffer(encodeGeoTiff(floatRaster)));
    expect(back.geoTransform).toEqual(floatRaster.geoTransform);
    expect(back.crs).toEqual(floatRaster.crs);
    expect(back.nodata).toBe(-1);
    expect(Array.from(back.data)).toEqual([-500, 0, 2750.5, 6263, -1, 12]);
  });

  it('refuses data of the wrong length or a rotated grid, saying what it got', () => {
    expect(() => encodeGeoTiff({ ...byteRaster, width: 5 })).toThrow(/12 values for 5×3 cells/);
    expect(() => encodeGeoTiff({ ...byteRaster, geoTransform: [0, 1, 0.1, 0, 0, -1] })).toThrow(
      /\[0, 1, 0.1, 0, 0, -1\]/,
    );
  });
});

describe.skipIf(!hasGdal())('encodeGeoTiff as gdalinfo reads it', () => {
  function gdalinfo(raster: Parameters<typeof encodeGeoTiff>[0], name: string) {
    const path = join(dir, name);
    writeFileSync(path, Buffer.from(encodeGeoTiff(raster)));
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8' })) as {
      size: number[];
      geoTransform: number[];
      coordinateSystem: { wkt: string };
      bands: { type: string; noDataValue?: number }[];
    };
    const grid = execFileSync('gdal_translate', ['-q', '-of', 'AAIGrid', path, '/vsistdout/'], {
      encoding: 'utf8',
    });
    // Header lines (ncols, …, NODATA_value) and the .prj that /vsistdout/ also receives are not numbers.
    const rows = grid.split('\n').filter((l) => /^\s*-?\d/.test(l));
    const values = rows.join(' ').trim().split(/\s+/).map(Number);
    return { info, values };
  }

  it('writes a Byte raster in EPSG:4326 with the geotransform given', () => {
    const { info, values } = gdalinfo(byteRaster, 'byte.tif');
    expect(info.size).toEqual([4, 3]);
    expect(info.bands[0]?.type).toBe('Byte');
    expect(info.coordinateSystem.wkt).toMatch(/ID\["EPSG",4326\]\]$/);
    info.geoTransform.forEach((v, i) => expect(v).toBeCloseTo(byteRaster.geoTransform[i] as number, 12));
    expect(values).toEqual(Array.from(byteRaster.data));
  });

  it('writes a Float32 raster in UTM 17S with its nodata', () => {
    const { info, values } = gdalinfo(floatRaster, 'float.tif');
    expect(info.bands[0]).toMatchObject({ type: 'Float32', noDataValue: -1 });
    expect(info.coordinateSystem.wkt).toMatch(/UTM zone 17S[\s\S]*ID\["EPSG",32717\]\]$/);
    expect(info.geoTransform).toEqual([770000, 90, 0, 9950000, 0, -90]);
    expect(values).toEqual([-500, 0, 2750.5, 6263, -1, 12]);
  });
});
