/**
 * Encodes a single-band raster as a GeoTIFF (uncompressed, one strip) with geotiff.js's writer.
 * GDAL reads the result with the same geotransform and CRS (test/coverage/geotiff-encode.test.ts
 * checks it with gdalinfo).
 */
import { writeArrayBuffer } from 'geotiff';
import type { GeotiffWriterMetadata } from 'geotiff';
import type { GeoTransform, RasterCrs } from './dem-raster.js';

export interface RasterToEncode {
  width: number;
  height: number;
  /** geotiff.js 3.0 writes these big-endian; it has no Int16 path (an Int16Array would be cut to bytes). */
  data: Uint8Array | Uint16Array | Float32Array;
  geoTransform: GeoTransform;
  crs: RasterCrs;
  nodata?: number | null;
}

/**
 * Returns the bytes of a GeoTIFF holding `raster`: ModelPixelScale + ModelTiepoint for the
 * geotransform (north-up only), GeoKeys for the EPSG code, PixelIsArea, GDAL_NODATA if given.
 */
export function encodeGeoTiff(raster: RasterToEncode): ArrayBuffer {
  const { width, height, data, geoTransform: gt, crs } = raster;
  if (data.length !== width * height) {
    throw new Error(`Raster data has ${data.length} values for ${width}×${height} cells`);
  }
  if (gt[2] !== 0 || gt[4] !== 0 || !(gt[1] > 0) || !(gt[5] < 0)) {
    throw new Error(`Only north-up geotransforms can be encoded, got [${gt.join(', ')}]`);
  }
  const metadata: GeotiffWriterMetadata = {
    width,
    height,
    ModelPixelScale: [gt[1], -gt[5], 0],
    ModelTiepoint: [0, 0, 0, gt[0], gt[3], 0],
    GTRasterTypeGeoKey: 1, // PixelIsArea: the tiepoint is the outer corner of the first cell
    ...(crs.kind === 'geographic'
      ? { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: crs.epsg }
      : { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: crs.epsg }),
  };
  if (raster.nodata !== undefined && raster.nodata !== null) metadata.GDAL_NODATA = `${raster.nodata}\0`;
  return writeArrayBuffer(data, metadata);
}
