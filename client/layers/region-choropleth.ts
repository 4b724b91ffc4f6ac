/**
 * The regions overlay as a choropleth: each regional center's area filled by the class of one
 * figure (client/data/region-stats.ts). Pure functions: the class breaks, the colours, the legend's
 * class labels, and the change to the MapLibre style that draws them.
 *
 * Colours come from sequential scales designed to read in order for people with colour-vision
 * deficiency and in greyscale: viridis (van der Walt & Smith, matplotlib, 2015) for the incident
 * and alert counts, as the density hexagons use, and cividis (Nuñez, Anderton & Renslow, "Optimizing
 * colormaps with consideration for color vision deficiency", PLOS ONE 13(7), 2018) for coverage, so
 * that the two kinds of figure are not mistaken for each other. Both rise monotonically in
 * lightness. Their darkest fifth is skipped, as in count-color.ts: it vanishes on the dark land.
 *
 * Breaks:
 * - incidents per km² and coverage % are heavily skewed (a city region holds a hundred times a
 *   jungle one's incident density; cameras see a few percent of a city region and a hundredth of
 *   that in the Amazon, so fixed 20-point classes would paint every region alike), so their
 *   classes are quantiles of the 16 figures (R's type 7, as d3.quantile), each break rounded to
 *   two significant digits so that the legend reads cleanly and says exactly where a region falls;
 * - open alerts are small counts with fixed classes: 0, 1, 2, 3–4, 5 or more.
 */
import { interpolateCividis, interpolateViridis, quantileSorted, rgb } from 'd3';
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import type { RegionMeasure, RegionValues } from '../data/region-stats.js';
import { MAP_LAYER_IDS } from '../map/layer-ids.js';
import { DENSITY_RAMP_START } from './count-color.js';

/** Classes of a quantile scale, at most (fewer when figures tie). */
export const QUANTILE_CLASSES = 5;

/** Breaks of the measures whose classes do not depend on the figures. */
export const FIXED_BREAKS: Readonly<Partial<Record<RegionMeasure, readonly number[]>>> = {
  alerts: [1, 2, 3, 5],
};

/** Fill opacity at zoom 5 and at zoom 9, where the fill covers the screen and other layers need contrast. */
export const CHOROPLETH_OPACITY = { z5: 0.85, z9: 0.55 } as const;
/** The share of that opacity kept under the incident hexagons, as the region colours fade there. */
export const UNDER_DENSITY = 0.35;
/** Region outlines in choropleth mode: one neutral colour, so the fill alone carries the figure. */
export const CHOROPLETH_LINE_COLOR = '#E6ECF2';

export interface ChoroplethScale {
  measure: RegionMeasure;
  /**
   * Ascending thresholds: a figure v is in class i when breaks[i-1] ≤ v < breaks[i] (the first class
   * has no lower bound, the last no upper one). colors has one more entry than breaks.
   */
  breaks: number[];
  colors: string[];
  /** Whether the figures are whole numbers (labels then read "3–4" rather than "3 – 5"). */
  integer: boolean;
}

export interface RegionChoropleth {
  scale: ChoroplethScale;
  /** Fill colour by center id; a region without a figure (null or missing) has none. */
  colorById: Readonly<Record<string, string>>;
  /** Class index by center id, for the legend's chips. */
  classById: Readonly<Record<string, number>>;
}

/** `value` to `digits` significant digits: 0.012345 → 0.012, 1234 → 1200. */
export function roundSignificant(value: number, digits = 2): number {
  if (!Number.isFinite(value)) throw new Error(`Cannot round a non-finite value: ${value}`);
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}

/**
 * Quantile breaks of the figures into at most `classes` classes: the type-7 quantiles at 1/k … (k-1)/k,
 * rounded to two significant digits, without repeats and without breaks at or below the smallest
 * figure or above the largest (they would leave a class empty). One class (no breaks) when all
 * figures are equal.
 */
export function quantileBreaks(values: readonly number[], classes: number = QUANTILE_CLASSES): number[] {
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`Invalid class count: ${classes}`);
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const breaks: number[] = [];
  for (let i = 1; i < classes; i++) {
    const b = roundSignificant(quantileSorted(sorted, i / classes)!);
    if (b > min && b <= max && !breaks.includes(b)) breaks.push(b);
  }
  return breaks.sort((a, b) => a - b);
}

/** The class of a figure: how many breaks are at or below it. */
export function classIndex(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && breaks[i]! <= value) i++;
  return i;
}

/**
 * `n` colours of the measure's scale, lightest last, evenly spaced from DENSITY_RAMP_START to the
 * scale's end ('#rrggbb'). One class takes the scale's end.
 */
export function rampColors(measure: RegionMeasure, n: number): string[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`Invalid colour count: ${n}`);
  const ramp = measure === 'coverage' ? interpolateCividis : interpolateViridis;
  return Array.from({ length: n }, (_, i) => {
    const t = n === 1 ? 1 : i / (n - 1);
    return rgb(ramp(DENSITY_RAMP_START + (1 - DENSITY_RAMP_START) * t)).formatHex();
  });
}

/** The classes of a measure for these figures (nulls and non-finite figures left out). */
export function choroplethScale(measure: RegionMeasure, values: readonly (number | null)[]): ChoroplethScale {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const breaks = [...(FIXED_BREAKS[measure] ?? quantileBreaks(present))];
  return { measure, breaks, colors: rampColors(measure, breaks.length + 1), integer: measure === 'alerts' };
}

/** The choropleth of one measure's figures: its scale, and each region's colour and class. */
export function buildRegionChoropleth(stats: RegionValues): RegionChoropleth {
  const scale = choroplethScale(stats.measure, Object.values(stats.values));
  const colorById: Record<string, string> = {};
  const classById: Record<string, number> = {};
  for (const [id, value] of Object.entries(stats.values)) {
    if (value === null || !Number.isFinite(value)) continue;
    const i = classIndex(value, scale.breaks);
    classById[id] = i;
    colorById[id] = scale.colors[i]!;
  }
  return { scale, colorById, classById };
}

/**
 * What the map draws for the regions: null for plain boundaries (no measure, or the overlay off);
 * the measure's choropleth once its figures are loaded; an empty one (outlines, no fill) while
 * they load, rather than a flash of the boundary colours.
 */
export function regionChoroplethFor(
  measure: RegionMeasure | null,
  stats: RegionValues | null,
): RegionChoropleth | null {
  if (!measure) return null;
  if (stats?.measure === measure) return buildRegionChoropleth(stats);
  return { scale: choroplethScale(measure, []), colorById: {}, classById: {} };
}

/** One class of the legend: its colour and bounds (null: open-ended). */
export interface ChoroplethClass {
  color: string;
  lower: number | null;
  upper: number | null;
}

export function choroplethClasses(scale: ChoroplethScale): ChoroplethClass[] {
  return scale.colors.map((color, i) => ({
    color,
    lower: i === 0 ? null : scale.breaks[i - 1]!,
    upper: i === scale.breaks.length ? null : scale.breaks[i]!,
  }));
}

/**
 * A class's range in words, numbers written by `format`: "< 0.4", "0.4 – 0.7", "≥ 1.3"; for
 * whole numbers the values it holds: "0", "1", "3–4", "≥ 5". `lowest` is the smallest possible
 * figure (0 for counts), used for an integer first class.
 */
export function classRangeLabel(
  cls: Pick<ChoroplethClass, 'lower' | 'upper'>,
  integer: boolean,
  format: (value: number) => string,
  lowest = 0,
): string {
  const { lower, upper } = cls;
  if (lower === null && upper === null) return integer ? `≥ ${format(lowest)}` : '—';
  if (integer) {
    const lo = lower ?? lowest;
    if (upper === null) return `≥ ${format(lo)}`;
    const hi = upper - 1;
    return lo === hi ? format(lo) : `${format(lo)}–${format(hi)}`;
  }
  if (lower === null) return `< ${format(upper!)}`;
  if (upper === null) return `≥ ${format(lower)}`;
  return `${format(lower)} – ${format(upper)}`;
}

/**
 * The style with the regions drawn as the choropleth: the fill of regions-fill by center id (no
 * fill where a region has no figure), the outlines of regions-line in one neutral colour. The style
 * is returned as it is when `choropleth` is null. `underDensity`: the incident hexagons are on, and
 * the fill fades under them as the boundary colours do.
 */
export function applyRegionChoropleth(
  style: StyleSpecification,
  choropleth: RegionChoropleth | null,
  underDensity = false,
): StyleSpecification {
  if (!choropleth) return style;
  const pairs = Object.entries(choropleth.colorById).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const fillColor: string | ExpressionSpecification =
    pairs.length === 0
      ? 'rgba(0,0,0,0)'
      : ([
          'match',
          ['get', 'centerId'],
          ...pairs.flat(),
          'rgba(0,0,0,0)',
        ] as unknown as ExpressionSpecification);
  const fade = underDensity ? UNDER_DENSITY : 1;
  const layers = style.layers.map((layer): LayerSpecification => {
    if (layer.id === MAP_LAYER_IDS.regionsFill && layer.type === 'fill') {
      return {
        ...layer,
        paint: {
          ...layer.paint,
          'fill-color': fillColor,
          'fill-opacity': [
            'interpolate',
            ['linear'],
            ['zoom'],
            5,
            CHOROPLETH_OPACITY.z5 * fade,
            9,
            CHOROPLETH_OPACITY.z9 * fade,
          ],
        },
      };
    }
    if (layer.id === MAP_LAYER_IDS.regionsLine && layer.type === 'line') {
      return {
        ...layer,
        paint: { ...layer.paint, 'line-color': CHOROPLETH_LINE_COLOR, 'line-opacity': 0.7 },
      };
    }
    return layer;
  });
  return { ...style, layers };
}
