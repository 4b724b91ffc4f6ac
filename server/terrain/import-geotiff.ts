/**
 * Imports a single-band GeoTIFF DEM (EPSG:4326 or WGS 84 / UTM) into a tiled DEM store.
 *
 * The file is checked before any cell is read, and each complaint names what is wrong and the
 * value found: not a TIFF, a TIFF without GeoTIFF keys, more than one band, a sample type that
 * is not a number, an unsupported CRS, a rotated or south-up grid. The georeference itself is read
 * by dem-raster.ts (the same reader the viewshed uses), so a store and its GeoTIFF agree cell for
 * cell.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { fromFile } from 'geotiff';
import type { DemSource } from '../coverage/dem-raster.js';
import { openDemFile, readDemWindow } from '../coverage/dem-raster.js';
import { ValidationError } from '../errors.js';
import { describeCrs, isSupportedCrs } from './crs-lonlat.js';
import type { DemStoreHeader, StoreSampleType } from './dem-store.js';
import { DEFAULT_STORE_TILE_SIZE, writeDemStore } from './dem-store.js';

export interface ImportDemOptions {
  /** Store name (its directory under the store root); default the file name without extension. */
  name?: string;
  /** Terms of the data; default from KNOWN_DEM_SOURCES for the project's files, else null. */
  licence?: string | null;
  /** Map credit; default from KNOWN_DEM_SOURCES for the project's files, else null. */
  attribution?: string | null;
  /** Store tile side in cells (default 256). */
  tileSize?: number;
}

/** Licence and credit of the DEMs shipped in data/dem (data/README.md), by file name. */
export const KNOWN_DEM_SOURCES: Record<string, { licence: string; attribution: string }> = {
  'ecuador-srtm-9s.tif': { licence: 'SRTM: public domain (NASA/USGS)', attribution: 'SRTM, NASA' },
  'central-andes-srtm-3s.tif': { licence: 'SRTM: public domain (NASA/USGS)', attribution: 'SRTM, NASA' },
};

/** What the checks found out about a GeoTIFF that passed them. */
export interface CheckedDem {
  source: DemSource;
  sampleType: StoreSampleType;
}

/**
 * Imports `tifPath` into `<storeRoot>/<name>/` and returns the store's header.
 * @throws ValidationError naming the field at fault (file, bands, sampleFormat, crs, geoTransform)
 */
export async function importDemGeoTiff(
  tifPath: string,
  storeRoot: string,
  options: ImportDemOptions = {},
): Promise<DemStoreHeader> {
  const { source, sampleType } = await checkDemGeoTiff(tifPath);
  const base = path.basename(tifPath);
  const known = KNOWN_DEM_SOURCES[base];
  const name = options.name ?? base.replace(/\.tiff?$/i, '');
  const bytes = readFileSync(tifPath);
  return writeDemStore(
    path.join(storeRoot, name),
    {
      name,
      width: source.width,
      height: source.height,
      nodata: source.nodata,
      geoTransform: source.geoTransform,
      crs: source.crs,
      sampleType,
      tileSize: options.tileSize ?? DEFAULT_STORE_TILE_SIZE,
      source: {
        file: tifPath,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
      licence: options.licence !== undefined ? options.licence : (known?.licence ?? null),
      attribution: options.attribution !== undefined ? options.attribution : (known?.attribution ?? null),
    },
    async (row0, rows) =>
      (await readDemWindow(source, { col0: 0, row0, width: source.width, height: rows })).data,
  );
}

/**
 * Checks that a file is a single-band, north-up GeoTIFF of numbers in EPSG:4326 or UTM, and
 * opens it. Reads only the file's header.
 */
export async function checkDemGeoTiff(tifPath: string): Promise<CheckedDem> {
  const fail = (field: string, message: string, status: 415 | 422 = 422): never => {
    throw new ValidationError(`${tifPath}: ${message}`, [{ field, message }], { status });
  };
  if (!existsSync(tifPath) || !statSync(tifPath).isFile()) fail('file', 'no such file', 422);
  const magic = firstBytes(tifPath, 4);
  const tag = Array.from(magic, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const isTiff =
    (magic[0] === 0x49 && magic[1] === 0x49 && (magic[2] === 42 || magic[2] === 43) && magic[3] === 0) ||
    (magic[0] === 0x4d && magic[1] === 0x4d && magic[2] === 0 && (magic[3] === 42 || magic[3] === 43));
  if (!isTiff)
    fail(
      'file',
      `not a GeoTIFF: it starts with bytes ${tag || '(empty file)'}, not a TIFF header (II*\\0 or MM\\0*)`,
      415,
    );

  let image;
  try {
    image = await (await fromFile(tifPath)).getImage();
  } catch (err) {
    return fail('file', `not a readable TIFF: ${(err as Error).message}`, 415);
  }
  const bands = image.getSamplesPerPixel();
  if (bands !== 1) fail('bands', `has ${bands} bands; a DEM must have exactly one (heights in metres)`);
  const format = image.getSampleFormat(0);
  const bits = image.getBitsPerSample(0);
  const numeric =
    (format === 1 && [8, 16, 32].includes(bits)) ||
    (format === 2 && [8, 16, 32].includes(bits)) ||
    (format === 3 && [32, 64].includes(bits));
  if (!numeric) {
    fail(
      'sampleFormat',
      `holds ${bits}-bit samples of TIFF SampleFormat ${format}; expected 8/16/32-bit integers or 32/64-bit floats`,
    );
  }
  const keys = image.getGeoKeys();
  if (
    !keys ||
    (keys.GTModelTypeGeoKey === undefined &&
      keys.GeographicTypeGeoKey === undefined &&
      keys.ProjectedCSTypeGeoKey === undefined)
  ) {
    fail(
      'crs',
      'has no GeoTIFF keys (a plain TIFF?), so its CRS is unknown; expected EPSG:4326 or UTM (EPSG:326xx/327xx)',
    );
  }

  let source: DemSource;
  try {
    source = await openDemFile(tifPath);
  } catch (err) {
    return fail('geoTransform', (err as Error).message);
  }
  if (!isSupportedCrs(source.crs)) {
    fail('crs', `unsupported CRS ${describeCrs(source.crs)}; expected EPSG:4326 or UTM (EPSG:326xx/327xx)`);
  }
  const gt = source.geoTransform;
  if (!(gt[1] > 0 && gt[5] < 0) || !gt.every(Number.isFinite)) {
    fail(
      'geoTransform',
      `grid is not north-up (pixel size ${gt[1]} × ${gt[5]}); expected a positive width and a negative height`,
    );
  }
  if (source.crs.kind === 'geographic') {
    const east = gt[0] + source.width * gt[1];
    const south = gt[3] + source.height * gt[5];
    if (gt[0] < -180.5 || east > 180.5 || south < -90.5 || gt[3] > 90.5) {
      fail(
        'geoTransform',
        `extent ${gt[0]}…${east} E, ${south}…${gt[3]} N is not in longitude/latitude degrees`,
      );
    }
  }
  const sampleType: StoreSampleType =
    (format === 2 && bits <= 16) || (format === 1 && bits === 8) ? 'int16' : 'float32';
  return { source, sampleType };
}

function firstBytes(file: string, n: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
