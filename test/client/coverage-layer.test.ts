/** The coverage raster's colours: classes of counts and DORI, the byte → RGBA table, the image. */
import { describe, expect, it } from 'vitest';
import {
  classColors,
  COUNT_CLASSES,
  coverageLut,
  rasterRgba,
  valueClass,
} from '../../client/layers/coverage-layer.js';

const luminance = ([r, g, b]: readonly number[]) => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;

describe('valueClass', () => {
  it('puts camera counts in the classes 1, 2, 3–4, 5–9, 10+', () => {
    expect([0, 1, 2, 3, 4, 5, 9, 10, 254, 255].map((v) => valueClass(v, 'counts'))).toEqual([
      -1, 0, 1, 2, 2, 3, 3, 4, 4, 4,
    ]);
    expect(COUNT_CLASSES).toHaveLength(5);
  });

  it('draws DORI classes detect … identify (1–4) and nothing for none or beyond', () => {
    expect([0, 1, 2, 3, 4, 5].map((v) => valueClass(v, 'dori'))).toEqual([-1, 0, 1, 2, 3, -1]);
  });
});

describe('classColors', () => {
  it("ends on plasma's yellow (#f0f921, matplotlib's table) and gets lighter class by class", () => {
    for (const layer of ['counts', 'dori'] as const) {
      const colors = classColors(layer);
      expect(colors.at(-1)).toEqual([240, 249, 33]);
      for (let i = 1; i < colors.length; i++) {
        expect(luminance(colors[i]!)).toBeGreaterThan(luminance(colors[i - 1]!));
      }
    }
  });

  it('keeps the lowest class visible on the dark land of the basemap (#222B35)', () => {
    // Relative luminance (WCAG, sRGB linearised) of the first class against the land colour.
    const lin = (c: number) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const rel = ([r, g, b]: readonly number[]) => 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    const land = rel([0x22, 0x2b, 0x35]);
    const first = rel(classColors('counts')[0]!);
    expect((first + 0.05) / (land + 0.05)).toBeGreaterThan(1.5);
  });
});

describe('coverageLut and rasterRgba', () => {
  it('leaves 0 transparent and colours every other byte opaque in its class', () => {
    const lut = coverageLut('counts');
    expect(Array.from(lut.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    const colors = classColors('counts');
    expect(Array.from(lut.subarray(4 * 3, 4 * 3 + 4))).toEqual([...colors[2]!, 255]);
    expect(Array.from(lut.subarray(4 * 255, 4 * 256))).toEqual([...colors[4]!, 255]);
  });

  it('turns a 2×2 raster into RGBA pixels in the same order', () => {
    const rgba = rasterRgba(Uint8Array.from([0, 1, 12, 0]), 'counts');
    const colors = classColors('counts');
    expect(Array.from(rgba)).toEqual([0, 0, 0, 0, ...colors[0]!, 255, ...colors[4]!, 255, 0, 0, 0, 0]);
  });

  it('colours DORI bytes by their class, and an out-of-range byte not at all', () => {
    const rgba = rasterRgba(Uint8Array.from([4, 7]), 'dori');
    expect(Array.from(rgba)).toEqual([...classColors('dori')[3]!, 255, 0, 0, 0, 0]);
  });
});
