/**
 * The PNG writer, read back by an independent decoder (fast-png, which checks chunk CRCs) and,
 * where GDAL is installed, by gdalinfo.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodePngRgb } from '../../server/terrain/png-encode.js';
import { hasGdal } from '../coverage/gdal-reference.js';
import { scratchDir } from './geotiff-fixtures.js';

function rgbOf(width: number, height: number, f: (x: number, y: number, ch: number) => number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let ch = 0; ch < 3; ch++) rgb[(y * width + x) * 3 + ch] = f(x, y, ch);
  return rgb;
}

describe('encodePngRgb', () => {
  const cases: [string, number, number, Uint8Array][] = [
    [
      'a smooth gradient',
      256,
      256,
      rgbOf(256, 256, (x, y, ch) => (ch === 0 ? 128 + (y >> 4) : ch === 1 ? (x + y) & 255 : (x * 7) & 255)),
    ],
    [
      'pseudo-random bytes',
      37,
      11,
      rgbOf(37, 11, (x, y, ch) => (x * 2654435761 + y * 40503 + ch * 977) >>> 24),
    ],
    ['one pixel', 1, 1, Uint8Array.of(1, 2, 3)],
  ];
  it.each(cases)('writes %s that fast-png decodes to the same RGB bytes', (_name, width, height, rgb) => {
    const img = decode(encodePngRgb(width, height, rgb));
    expect([img.width, img.height, img.channels, img.depth]).toEqual([width, height, 3, 8]);
    expect(Array.from(img.data as Uint8Array)).toEqual(Array.from(rgb));
  });

  it('refuses data of the wrong length, naming both sizes', () => {
    expect(() => encodePngRgb(2, 2, new Uint8Array(11))).toThrow(/11 bytes for 2×2 pixels \(expected 12\)/);
  });

  it.skipIf(!hasGdal())('writes a file gdalinfo reads as 3 Byte bands', () => {
    const { dir, cleanup } = scratchDir('png');
    try {
      const file = path.join(dir, 't.png');
      writeFileSync(file, encodePngRgb(256, 256, cases[0]![3]));
      const info = execFileSync('gdalinfo', ['-mm', file], { encoding: 'utf8' });
      expect(info).toMatch(/Size is 256, 256/);
      expect(info.match(/Band \d Block=\d+x\d+ Type=Byte/g)).toHaveLength(3);
      // Red is 128 + y/16: 128…143.
      expect(info).toMatch(/Computed Min\/Max=128\.000,143\.000/);
    } finally {
      cleanup();
    }
  });
});
