/**
 * Small GeoTIFFs written at test time with geotiff.js's writer (uncompressed, one strip), and a
 * scratch directory per test file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import type { GeotiffWriterMetadata } from 'geotiff';
import type { GeoTransform, RasterCrs } from '../../server/coverage/dem-raster.js';

export const FIXTURES = new URL('../fixtures/terrain/', import.meta.url).pathname;
export const COTOPAXI_3S = path.join(FIXTURES, 'cotopaxi-3s.tif');
export const COTOPAXI_9S = path.join(FIXTURES, 'cotopaxi-9s.tif');
export const COAST_9S = path.join(FIXTURES, 'coast-9s.tif');

/** A fresh directory under the OS temp dir and a function that removes it. */
export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `atalaya-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface FixtureSpec {
  width: number;
  height: number;
  geoTransform: GeoTransform;
  crs: RasterCrs;
  nodata?: number;
  /** Height of cell (col, row). */
  z: (col: number, row: number) => number;
}

function georef(spec: FixtureSpec): GeotiffWriterMetadata {
  const gt = spec.geoTransform;
  const meta: GeotiffWriterMetadata = {
    width: spec.width,
    height: spec.height,
    ModelPixelScale: [gt[1], -gt[5], 0],
    ModelTiepoint: [0, 0, 0, gt[0], gt[3], 0],
    GTRasterTypeGeoKey: 1,
    ...(spec.crs.kind === 'geographic'
      ? { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: spec.crs.epsg }
      : { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: spec.crs.epsg }),
  };
  if (spec.nodata !== undefined) meta.GDAL_NODATA = `${spec.nodata}\0`;
  return meta;
}

/**
 * Writes an Int16 GeoTIFF, as SRTM is stored. geotiff.js's writer has no Int16 path, so the
 * two's-complement bit patterns go in as Uint16 with SampleFormat 2 (signed) declared.
 */
export function writeInt16GeoTiff(file: string, spec: FixtureSpec): Int16Array {
  const values = new Int16Array(spec.width * spec.height);
  for (let r = 0; r < spec.height; r++)
    for (let c = 0; c < spec.width; c++) values[r * spec.width + c] = spec.z(c, r);
  const meta = { ...georef(spec), BitsPerSample: [16], SampleFormat: [2] } as GeotiffWriterMetadata;
  writeFileSync(file, Buffer.from(writeArrayBuffer(new Uint16Array(values.buffer), meta)));
  return values;
}

/** Writes a Float32 GeoTIFF. */
export function writeFloat32GeoTiff(file: string, spec: FixtureSpec): Float32Array {
  const values = new Float32Array(spec.width * spec.height);
  for (let r = 0; r < spec.height; r++)
    for (let c = 0; c < spec.width; c++) values[r * spec.width + c] = spec.z(c, r);
  writeFileSync(file, Buffer.from(writeArrayBuffer(values, georef(spec))));
  return values;
}

/** Writes a GeoTIFF from raw writer metadata (for the bad inputs). */
export function writeRawTiff(
  file: string,
  values: Uint8Array | Float32Array,
  metadata: Record<string, unknown>,
): void {
  writeFileSync(file, Buffer.from(writeArrayBuffer(values, metadata as GeotiffWriterMetadata)));
}
