/**
 * A digital elevation model as plain data, and a windowed reader from GeoTIFF (geotiff.js).
 *
 * Only the window a camera can see is read: a 20 km viewshed on the 2100×3300 corridor DEM
 * decodes a few 256×256 tiles, not the whole file.
 */
import { fromArrayBuffer, fromFile } from 'geotiff';
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import { metresPerDegree } from './ground-scale.js';

/**
 * Affine georeference in GDAL's order: [originX, pixelWidth, rowRotation, originY,
 * columnRotation, pixelHeight]. Origin is the outer corner of the top-left cell; pixelHeight is
 * negative for north-up rasters. Units are degrees for geographic CRSs and metres for projected.
 */
export type GeoTransform = readonly [number, number, number, number, number, number];

/** The coordinate reference system of a raster: EPSG:4326 (degrees) or a projected one in metres. */
export type RasterCrs = { kind: 'geographic'; epsg: number } | { kind: 'projected'; epsg: number };

/** Whatever sample type the GeoTIFF holds (Int16 for SRTM, Byte for a viewshed read back). */
export type DemValues =
  Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** Heights in metres, row-major from the top-left cell. */
export interface DemRaster {
  width: number;
  height: number;
  data: DemValues;
  /** Cells holding this value have no height (sea or voids in SRTM). */
  nodata: number | null;
  geoTransform: GeoTransform;
  crs: RasterCrs;
}

/** A cell window in a raster: columns [col0, col0 + width), rows [row0, row0 + height). */
export interface CellWindow {
  col0: number;
  row0: number;
  width: number;
  height: number;
}

/** What is known of a DEM file before reading any cell. */
export interface DemInfo {
  width: number;
  height: number;
  nodata: number | null;
  geoTransform: GeoTransform;
  crs: RasterCrs;
}

/** An open GeoTIFF DEM whose windows can be read one after another. */
export interface DemSource extends DemInfo {
  image: GeoTIFFImage;
}

/** Opens a GeoTIFF DEM from a file path. */
export async function openDemFile(path: string): Promise<DemSource> {
  return demSourceOf(await fromFile(path), path);
}

/** Opens a GeoTIFF DEM held in memory. */
export async function openDemBuffer(buffer: ArrayBuffer): Promise<DemSource> {
  return demSourceOf(await fromArrayBuffer(buffer), '<buffer>');
}

async function demSourceOf(tiff: GeoTIFF, name: string): Promise<DemSource> {
  const image = await tiff.getImage();
  if (image.getSamplesPerPixel() < 1) throw new Error(`DEM ${name} has no band`);
  const [ox, oy] = image.getOrigin() as [number, number];
  const [rx, ry] = image.getResolution() as [number, number];
  const fd = image.getFileDirectory();
  const transform = fd.hasTag('ModelTransformation')
    ? (fd.getValue('ModelTransformation') as number[] | undefined)
    : undefined;
  if (transform && (transform[1] !== 0 || transform[4] !== 0)) {
    throw new Error(
      `DEM ${name} is rotated (ModelTransformation ${transform.join(',')}); only north-up rasters are supported`,
    );
  }
  // GDAL reads a PixelIsPoint tiepoint as the centre of the top-left cell; the geotransform's
  // origin is its outer corner either way.
  const shift = image.pixelIsArea() ? 0 : 0.5;
  const geoTransform: GeoTransform = [ox - shift * rx, rx, 0, oy - shift * ry, 0, ry];
  return {
    image,
    width: image.getWidth(),
    height: image.getHeight(),
    nodata: image.getGDALNoData(),
    geoTransform,
    crs: crsOf(image.getGeoKeys() ?? {}, name),
  };
}

function crsOf(keys: Record<string, unknown>, name: string): RasterCrs {
  const model = keys.GTModelTypeGeoKey;
  if (model === 1) {
    const units = keys.ProjLinearUnitsGeoKey;
    if (units !== undefined && units !== 9001) {
      throw new Error(
        `DEM ${name} is projected in linear unit ${String(units)}; only metres (EPSG:9001) are supported`,
      );
    }
    const epsg = keys.ProjectedCSTypeGeoKey;
    return { kind: 'projected', epsg: typeof epsg === 'number' ? epsg : 0 };
  }
  if (model === 2 || model === undefined) {
    const epsg = keys.GeographicTypeGeoKey;
    return { kind: 'geographic', epsg: typeof epsg === 'number' ? epsg : 4326 };
  }
  throw new Error(
    `DEM ${name} has GTModelTypeGeoKey ${String(model)}; expected 1 (projected) or 2 (geographic)`,
  );
}

/** Reads one window of a DEM (clipped to the raster) as a DemRaster on the same grid. */
export async function readDemWindow(source: DemSource, window: CellWindow): Promise<DemRaster> {
  const w = clipWindow(window, source.width, source.height);
  const rasters = await source.image.readRasters({
    window: [w.col0, w.row0, w.col0 + w.width, w.row0 + w.height],
    samples: [0],
    interleave: true,
  });
  const data = rasters as unknown as DemValues;
  return {
    width: w.width,
    height: w.height,
    data,
    nodata: source.nodata,
    geoTransform: windowGeoTransform(source.geoTransform, w),
    crs: source.crs,
  };
}

/** Reads the whole DEM. */
export async function readDem(source: DemSource): Promise<DemRaster> {
  return readDemWindow(source, { col0: 0, row0: 0, width: source.width, height: source.height });
}

/**
 * Reads the cells within `rangeM` metres of a point (x, y in the DEM's CRS units: lon/lat
 * degrees or metres), plus one cell of margin, so that a viewshed of that range needs nothing
 * outside it.
 */
export async function readDemAround(
  source: DemSource,
  x: number,
  y: number,
  rangeM: number,
): Promise<DemRaster> {
  return readDemWindow(source, windowAround(source, x, y, rangeM));
}

/**
 * The window of cells whose centres can lie within `rangeM` metres of (x, y), clipped to the
 * raster. Throws when the point is outside the raster.
 * @param rangeM metres; Infinity or 0 for the whole raster
 */
export function windowAround(info: DemInfo, x: number, y: number, rangeM: number): CellWindow {
  const { col, row } = cellOf(info.geoTransform, x, y);
  if (col < 0 || row < 0 || col >= info.width || row >= info.height) {
    throw new Error(
      `Point (${x}, ${y}) is outside the DEM (${info.width}×${info.height} cells from ${info.geoTransform[0]}, ${info.geoTransform[3]})`,
    );
  }
  if (!(rangeM > 0) || !Number.isFinite(rangeM))
    return { col0: 0, row0: 0, width: info.width, height: info.height };
  const { mx, my } = cellSizeMetres(info, y, rangeM);
  const halfCols = Math.ceil(rangeM / mx) + 1;
  const halfRows = Math.ceil(rangeM / my) + 1;
  return clipWindow(
    { col0: col - halfCols, row0: row - halfRows, width: 2 * halfCols + 1, height: 2 * halfRows + 1 },
    info.width,
    info.height,
  );
}

/** The cell holding a point; may lie outside the raster (then a negative or too large index). */
export function cellOf(gt: GeoTransform, x: number, y: number): { col: number; row: number } {
  return { col: Math.floor((x - gt[0]) / gt[1]), row: Math.floor((y - gt[3]) / gt[5]) };
}

/** The centre of a cell in CRS units. */
export function cellCentre(gt: GeoTransform, col: number, row: number): { x: number; y: number } {
  return { x: gt[0] + (col + 0.5) * gt[1], y: gt[3] + (row + 0.5) * gt[5] };
}

/** Geotransform of a window of a raster. */
export function windowGeoTransform(gt: GeoTransform, w: CellWindow): GeoTransform {
  return [gt[0] + w.col0 * gt[1], gt[1], 0, gt[3] + w.row0 * gt[5], 0, gt[5]];
}

function clipWindow(w: CellWindow, width: number, height: number): CellWindow {
  const c0 = Math.max(0, w.col0);
  const r0 = Math.max(0, w.row0);
  const c1 = Math.min(width, w.col0 + w.width);
  const r1 = Math.min(height, w.row0 + w.height);
  if (c1 <= c0 || r1 <= r0) {
    throw new Error(`Window ${JSON.stringify(w)} does not overlap the ${width}×${height} raster`);
  }
  return { col0: c0, row0: r0, width: c1 - c0, height: r1 - r0 };
}

/**
 * Smallest cell size in metres across a band of latitudes (geographic) or the plain cell size
 * (projected); used only to size windows, so it errs toward more cells.
 */
function cellSizeMetres(info: DemInfo, y: number, rangeM: number): { mx: number; my: number } {
  const gt = info.geoTransform;
  if (info.crs.kind === 'projected') return { mx: Math.abs(gt[1]), my: Math.abs(gt[5]) };
  const dLat = rangeM / 110000;
  const lat = Math.min(89, Math.abs(y) + dLat);
  const k = metresPerDegree(lat);
  return { mx: Math.abs(gt[1]) * k.east, my: Math.abs(gt[5]) * metresPerDegree(0).north };
}
