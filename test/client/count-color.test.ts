import { describe, expect, it } from 'vitest';
import { countColor, countGradientCss, countPosition } from '../../client/layers/count-color.js';

describe('countPosition', () => {
  it('is logarithmic: 1 at 0, √max half way, max at 1', () => {
    expect(countPosition(1, 100)).toBe(0);
    expect(countPosition(10, 100)).toBeCloseTo(0.5, 12);
    expect(countPosition(100, 100)).toBe(1);
  });

  it('puts a lone maximum of 1 at the top and nonsense at the bottom', () => {
    expect(countPosition(1, 1)).toBe(1);
    expect(countPosition(0, 100)).toBe(0);
    expect(countPosition(Number.NaN, 100)).toBe(0);
  });
});

describe('countColor', () => {
  it("gives viridis' yellow end (#fde725) for the maximum", () => {
    expect(countColor(500, 500)).toEqual([253, 231, 37]);
  });

  it('gets brighter as the count grows (viridis rises monotonically in lightness)', () => {
    const luminance = ([r, g, b]: [number, number, number]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const shades = [1, 3, 10, 30, 100].map((n) => luminance(countColor(n, 100)));
    for (let i = 1; i < shades.length; i++) expect(shades[i]!).toBeGreaterThan(shades[i - 1]!);
  });

  it('makes a CSS gradient ending in the same yellow', () => {
    expect(countGradientCss(4)).toMatch(
      /^linear-gradient\(to right, #[0-9a-f]{6} 0\.0%, .* #fde725 100\.0%\)$/,
    );
  });
});
