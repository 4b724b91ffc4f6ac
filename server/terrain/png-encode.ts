/**
 * A minimal PNG writer for 8-bit RGB images (colour type 2), every row Paeth-filtered.
 *
 * fast-png writes every row with filter 0 (None); on Terrarium tiles, whose red and green bytes
 * change slowly across a row and from row to row, filtering makes the deflate input mostly small
 * numbers: the SRTM tiles come out 15–25 % smaller than fast-png's. Paeth on every row was
 * measured as small as the per-row "minimum sum of absolute differences" choice the PNG
 * specification suggests (ISO/IEC 15948 §12.8), at a fraction of the time. Filters: §9;
 * chunk layout and CRC: §5.3–5.4 and Annex D.
 */
import { deflateSync } from 'node:zlib';

/** PNG filter type 4. */
const PAETH = 4;
const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * PNG bytes of an RGB image.
 * @param rgb interleaved R, G, B bytes, row-major from the top-left, width·height·3 long
 * @param level zlib compression level 0–9 (default 6: level 9 is no smaller on Terrarium tiles and up
 *   to ten times slower on the flat ones)
 */
export function encodePngRgb(width: number, height: number, rgb: Uint8Array, level = 6): Uint8Array {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`PNG size must be positive integers, got ${width}×${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new Error(
      `RGB data has ${rgb.length} bytes for ${width}×${height} pixels (expected ${width * height * 3})`,
    );
  }
  const stride = width * 3;
  const filtered = new Uint8Array((stride + 1) * height);
  const zero = new Uint8Array(stride);
  for (let r = 0; r < height; r++) {
    const row = rgb.subarray(r * stride, (r + 1) * stride);
    const prev = r > 0 ? rgb.subarray((r - 1) * stride, r * stride) : zero;
    const out = r * (stride + 1);
    filtered[out] = PAETH;
    paethRow(row, prev, filtered.subarray(out + 1, out + 1 + stride));
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  const idat = deflateSync(filtered, { level });
  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Writes one row with the Paeth filter (PNG §9.4) into `out`; `prev` is zeros for the first row. */
function paethRow(row: Uint8Array, prev: Uint8Array, out: Uint8Array): void {
  const n = row.length;
  for (let i = 0; i < n; i++) {
    const a = i >= 3 ? (row[i - 3] as number) : 0;
    const c = i >= 3 ? (prev[i - 3] as number) : 0;
    out[i] = ((row[i] as number) - paeth(a, prev[i] as number, c)) & 0xff;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

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

/** CRC-32 (ISO 3309, polynomial 0xEDB88320) as PNG chunks carry it. */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
