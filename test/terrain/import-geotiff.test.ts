/**
 * What import-dem accepts and what it refuses, with messages that name the fault and the value.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../server/errors.js';
import { readDemStoreHeader } from '../../server/terrain/dem-store.js';
import { checkDemGeoTiff, importDemGeoTiff } from '../../server/terrain/import-geotiff.js';
import { COTOPAXI_3S, scratchDir, writeFloat32GeoTiff, writeRawTiff } from './geotiff-fixtures.js';

const scratch = scratchDir('import-dem');
afterAll(() => scratch.cleanup());
const file = (name: string) => path.join(scratch.dir, name);
const georef = {
  ModelPixelScale: [0.01, 0.01, 0],
  ModelTiepoint: [0, 0, 0, -78, 0, 0],
  GTRasterTypeGeoKey: 1,
};

/** The ValidationError a check throws, for its field and message. */
async function refusal(tif: string): Promise<{ field: string; message: string; status: number }> {
  try {
    await checkDemGeoTiff(tif);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const e = err as ValidationError;
    return { field: e.issues[0]!.field, message: e.message, status: e.status };
  }
  throw new Error(`${tif} was accepted`);
}

describe('checkDemGeoTiff refuses', () => {
  it('a missing file', async () => {
    expect(await refusal(file('nope.tif'))).toMatchObject({
      field: 'file',
      message: /nope\.tif: no such file/,
    });
  });

  it('a text file, naming its first bytes', async () => {
    writeFileSync(file('notes.tif'), 'hello, not a tiff');
    expect(await refusal(file('notes.tif'))).toMatchObject({
      field: 'file',
      status: 415,
      message: /not a GeoTIFF: it starts with bytes 68 65 6c 6c/,
    });
  });

  it('a PNG renamed .tif', async () => {
    writeFileSync(file('image.tif'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await refusal(file('image.tif'))).toMatchObject({
      field: 'file',
      message: /starts with bytes 89 50 4e 47/,
    });
  });

  it('an empty file', async () => {
    writeFileSync(file('empty.tif'), '');
    expect(await refusal(file('empty.tif'))).toMatchObject({ field: 'file', message: /\(empty file\)/ });
  });

  it('a plain TIFF without GeoTIFF keys', async () => {
    // Passing the key as undefined stops geotiff.js from adding EPSG:4326 on its own.
    writeRawTiff(file('plain.tif'), new Uint8Array(12), {
      width: 4,
      height: 3,
      ...georef,
      GeographicTypeGeoKey: undefined,
    });
    expect(await refusal(file('plain.tif'))).toMatchObject({ field: 'crs', message: /no GeoTIFF keys/ });
  });

  it('three bands, naming the count', async () => {
    writeRawTiff(file('rgb.tif'), new Uint8Array(36), {
      width: 4,
      height: 3,
      ...georef,
      GTModelTypeGeoKey: 2,
      GeographicTypeGeoKey: 4326,
    });
    expect(await refusal(file('rgb.tif'))).toMatchObject({
      field: 'bands',
      message: /has 3 bands; a DEM must have exactly one/,
    });
  });

  it('Web Mercator (EPSG:3857), naming the code', async () => {
    writeRawTiff(file('merc.tif'), new Float32Array(12), {
      width: 4,
      height: 3,
      ModelPixelScale: [100, 100, 0],
      ModelTiepoint: [0, 0, 0, -8700000, 0, 0],
      GTRasterTypeGeoKey: 1,
      GTModelTypeGeoKey: 1,
      ProjectedCSTypeGeoKey: 3857,
    });
    expect(await refusal(file('merc.tif'))).toMatchObject({
      field: 'crs',
      message: /unsupported CRS EPSG:3857 \(projected\); expected EPSG:4326 or UTM/,
    });
  });

  it('NAD83 degrees (EPSG:4269)', async () => {
    writeRawTiff(file('nad83.tif'), new Float32Array(12), {
      width: 4,
      height: 3,
      ...georef,
      GTModelTypeGeoKey: 2,
      GeographicTypeGeoKey: 4269,
    });
    expect(await refusal(file('nad83.tif'))).toMatchObject({
      field: 'crs',
      message: /EPSG:4269 \(geographic\)/,
    });
  });

  it('a rotated grid', async () => {
    writeRawTiff(file('rotated.tif'), new Float32Array(12), {
      width: 4,
      height: 3,
      ModelTransformation: [0.01, 0.002, 0, -78, 0.002, -0.01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      GTModelTypeGeoKey: 2,
      GeographicTypeGeoKey: 4326,
    });
    expect(await refusal(file('rotated.tif'))).toMatchObject({ field: 'geoTransform', message: /rotated/ });
  });

  it('a south-up grid, naming the pixel size', async () => {
    writeRawTiff(file('south-up.tif'), new Float32Array(12), {
      width: 4,
      height: 3,
      ModelPixelScale: [0.01, -0.01, 0],
      ModelTiepoint: [0, 0, 0, -78, -1, 0],
      GTRasterTypeGeoKey: 1,
      GTModelTypeGeoKey: 2,
      GeographicTypeGeoKey: 4326,
    });
    expect(await refusal(file('south-up.tif'))).toMatchObject({
      field: 'geoTransform',
      message: /not north-up \(pixel size 0\.01 × 0\.01\)/,
    });
  });

  it('degrees outside the globe', async () => {
    writeFloat32GeoTiff(file('huge.tif'), {
      width: 4,
      height: 3,
      geoTransform: [170, 5, 0, 0, 0, -5],
      crs: { kind: 'geographic', epsg: 4326 },
      z: () => 0,
    });
    expect(await refusal(file('huge.tif'))).toMatchObject({ field: 'geoTransform', message: /170…190 E/ });
  });
});

describe('importDemGeoTiff accepts', () => {
  it('SRTM Int16 as an Int16 store, with the licence and credit data/README.md gives for data/dem files only', async () => {
    const h = await importDemGeoTiff(COTOPAXI_3S, file('stores'));
    expect([h.name, h.sampleType, h.width, h.height, h.nodata]).toEqual([
      'cotopaxi-3s',
      'int16',
      300,
      300,
      -32768,
    ]);
    expect([h.licence, h.attribution]).toEqual([null, null]);
    const named = await importDemGeoTiff(COTOPAXI_3S, file('stores'), {
      name: 'ecuador-srtm-9s',
      licence: 'x',
    });
    expect(named.licence).toBe('x');
    expect(readDemStoreHeader(path.join(file('stores'), 'ecuador-srtm-9s')).name).toBe('ecuador-srtm-9s');
  });

  it('8-bit unsigned as Int16, floats as Float32', async () => {
    writeRawTiff(
      file('bytes.tif'),
      Uint8Array.from({ length: 12 }, (_, i) => 250 + (i % 6)),
      {
        width: 4,
        height: 3,
        ...georef,
        GTModelTypeGeoKey: 2,
        GeographicTypeGeoKey: 4326,
      },
    );
    expect((await checkDemGeoTiff(file('bytes.tif'))).sampleType).toBe('int16');
    writeFloat32GeoTiff(file('f32.tif'), {
      width: 4,
      height: 3,
      geoTransform: [-78, 0.01, 0, 0, 0, -0.01],
      crs: { kind: 'geographic', epsg: 4326 },
      z: (c) => c + 0.25,
    });
    expect((await checkDemGeoTiff(file('f32.tif'))).sampleType).toBe('float32');
  });

  it('refuses a store name that is not a plain directory name', async () => {
    await expect(importDemGeoTiff(COTOPAXI_3S, file('stores'), { name: '../escape' })).rejects.toThrow(
      /store name "\.\.\/escape"/,
    );
  });
});
