/** Greyscale PNGs written by encodeGreyPng, as GDAL (libpng) reads them back. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, encodeGreyPng, PNG_SIGNATURE } from '../../server/coverage/png-encode.js';
import { hasGdal } from './gdal-reference.js';

const dir = mkdtempSync(join(tmpdir(), 'atalaya-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crc32', () => {
  it('gives the check value of the CRC-32 catalogue for "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('encodeGreyPng', () => {
  it('starts with the signature and an IHDR of the size, 8-bit greyscale', () => {
    const png = encodeGreyPng(new Uint8Array(6), 3, 2);
    expect(Array.from(png.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
    const view = new DataView(png.buffer, png.byteOffset);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect([view.getUint32(16), view.getUint32(20), png[24], png[25]]).toEqual([3, 2, 8, 0]);
  });

  it('names a size that does not match the data', () => {
    expect(() => encodeGreyPng(new Uint8Array(5), 3, 2)).toThrow(/5 values for 3×2 pixels/);
    expect(() => encodeGreyPng(new Uint8Array(0), 0, 2)).toThrow(/0×2/);
  });
});

describe.skipIf(!hasGdal())('encodeGreyPng as GDAL reads it', () => {
  it('holds every byte in its place', () => {
    const width = 5;
    const height = 3;
    const data = Uint8Array.from({ length: width * height }, (_, i) => (i * 37) % 256);
    data[0] = 255;
    data[width * height - 1] = 1;
    const path = join(dir, 'grey.png');
    writeFileSync(path, encodeGreyPng(data, width, height));
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8' })) as {
      size: number[];
      bands: { type: string }[];
    };
    expect(info.size).toEqual([width, height]);
    expect(info.bands.map((b) => b.type)).toEqual(['Byte']);
    // XYZ lists one pixel a line, 'column+½ row+½ value', row by row from the first row of the file.
    const xyz = execFileSync('gdal_translate', ['-q', '-of', 'XYZ', path, '/vsistdout/'], {
      encoding: 'utf8',
    });
    const numbers = xyz
      .trim()
      .split('\n')
      .map((line) => Number(line.trim().split(/\s+/)[2]));
    expect(numbers).toEqual(Array.from(data));
  });
});
