/**
 * Colours of incident counts: the viridis scale (van der Walt & Smith, matplotlib, 2015), which is
 * perceptually uniform, readable in greyscale and under the common colour-vision deficiencies.
 * Counts of incidents are heavily skewed (a city cell holds thousands, a rural one a few), so the
 * scale is logarithmic. Its darkest fifth is skipped: dark purple vanishes on the dark basemap.
 */
import { interpolateViridis, rgb } from 'd3';

/** Where on viridis (0–1) a count of 1 sits; the maximum count sits at 1 (yellow). */
export const DENSITY_RAMP_START = 0.18;

/** Position of a count on the scale, 0 (one incident) to 1 (the maximum), logarithmic. */
export function countPosition(n: number, max: number): number {
  if (!(n >= 1) || !(max >= 1)) return 0;
  if (max === 1) return 1;
  return Math.min(1, Math.max(0, Math.log(n) / Math.log(max)));
}

/** [r, g, b] in 0–255 of a count, for deck.gl accessors and the legend. */
export function countColor(n: number, max: number): [number, number, number] {
  const c = rgb(interpolateViridis(DENSITY_RAMP_START + (1 - DENSITY_RAMP_START) * countPosition(n, max)));
  return [Math.round(c.r), Math.round(c.g), Math.round(c.b)];
}

/** A CSS linear-gradient of the scale, left (one incident) to right (the maximum), for the legend. */
export function countGradientCss(steps = 8): string {
  const stops = Array.from({ length: steps + 1 }, (_, i) => {
    const c = rgb(interpolateViridis(DENSITY_RAMP_START + ((1 - DENSITY_RAMP_START) * i) / steps));
    return `${c.formatHex()} ${((100 * i) / steps).toFixed(1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
