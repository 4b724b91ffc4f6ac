/**
 * Encodes an 8-bit greyscale raster as a PNG (ISO/IEC 15948, W3C PNG 2nd edition), the format
 * the map client reads coverage values from: every browser decodes it natively and deflate packs
 * the mostly-empty coverage rasters to a few kilobytes. Values are data (camera counts, DORI
 * classes), not light: no gamma or colour-space chunk is written, so a browser decoding with
 * `colorSpaceConversion: 'none'` hands back the exact bytes.
 */
import { deflateSync } from 'node:zlib';

/** The 8 bytes every PNG starts with (PNG spec §5.2). */
export const PNG_SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

/**
 * The PNG bytes of a width×height greyscale raster (row-major, top row first): IHDR with bit
 * depth 8 and colour type 0, one IDAT of zlib-deflated scanlines (filter type 0 on every row),
 * IEND.
 * @example encodeGreyPng(Uint8Array.from([0, 255]), 2, 1) // a 2×1 PNG, black then white
 */
export function encodeGreyPng(values: Uint8Array, width: number, height: number): Uint8Array {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`Invalid PNG size ${width}×${height}`);
  }
  if (values.length !== width * height) {
    throw new RangeError(`PNG data has ${values.length} values for ${width}×${height} pixels`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  // header[10..12]: deflate compression, adaptive filtering, no interlace (all 0).
  const scanlines = new Uint8Array(height * (width + 1));
  for (let r = 0; r < height; r++) {
    // Each scanline starts with its filter type byte, 0 (None).
    scanlines.set(values.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  }
  const chunks = [
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(PNG_SIGNATURE.length + chunks.reduce((s, c) => s + c.length, 0));
  out.set(PNG_SIGNATURE, 0);
  let at = PNG_SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Length, type, data and the CRC-32 of type and data (PNG spec §5.3). */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as in the PNG spec's Annex D sample code. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
