import { lab } from 'd3';
import type { FeatureCollection } from 'geojson';
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { RegionValues } from '../../client/data/region-stats.js';
import type { ReferenceData } from '../../client/data/reference-features.js';
import {
  CHOROPLETH_LINE_COLOR,
  FIXED_BREAKS,
  applyRegionChoropleth,
  buildRegionChoropleth,
  choroplethClasses,
  choroplethScale,
  classIndex,
  classRangeLabel,
  quantileBreaks,
  rampColors,
  regionChoroplethFor,
  roundSignificant,
} from '../../client/layers/region-choropleth.js';
import { MAP_LAYER_IDS } from '../../client/map/layer-ids.js';
import { buildMapStyle } from '../../client/map/map-style.js';
import { OVERLAY_IDS, type OverlayId } from '../../client/state/app-state.js';

function createStyle(overlays: Iterable<OverlayId> = OVERLAY_IDS): StyleSpecification {
  const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });
  return buildMapStyle({
    overlays: new Set(overlays),
    selection: null,
    data: { provinces: empty(), regions: empty(), centers: empty(), volcanoes: empty() } as ReferenceData,
    cameras: { type: 'FeatureCollection', features: [] },
    volcanoWatch: new Map(),
    basemapUrl: 'http://atalaya.test/tiles/basemap',
    terrainUrl: 'http://atalaya.test/tiles/terrain/tiles.json',
  });
}

function paintOf(style: StyleSpecification, id: string): Record<string, unknown> {
  const layer = style.layers.find((l) => l.id === id) as
    (LayerSpecification & { paint?: object }) | undefined;
  if (!layer) throw new Error(`no layer ${id}`);
  return (layer.paint ?? {}) as Record<string, unknown>;
}

/** 0.1, 0.2, … 1.6: sixteen regions' figures. */
const SIXTEEN = Array.from({ length: 16 }, (_, i) => (i + 1) / 10);

describe('roundSignificant', () => {
  it('keeps two significant digits at any magnitude', () => {
    expect(roundSignificant(0.012345)).toBe(0.012);
    expect(roundSignificant(0.0000456)).toBe(0.000046);
    expect(roundSignificant(1234)).toBe(1200);
    expect(roundSignificant(0)).toBe(0);
    expect(() => roundSignificant(Number.NaN)).toThrow('NaN');
  });
});

describe('quantileBreaks', () => {
  it('cuts sixteen evenly spread figures at the type-7 quintiles', () => {
    // h = (n − 1)·p = 15·p: positions 3, 6, 9, 12 of the sorted list, exactly, so 0.4 0.7 1.0 1.3.
    expect(quantileBreaks(SIXTEEN)).toEqual([0.4, 0.7, 1, 1.3]);
    // Order of the input does not matter.
    expect(quantileBreaks([...SIXTEEN].reverse())).toEqual([0.4, 0.7, 1, 1.3]);
  });

  it('interpolates between figures and rounds the break to two significant digits', () => {
    // n = 4, p = 0.5: h = 1.5, halfway between 0.0123 and 0.0456 = 0.02895 → 0.029.
    expect(quantileBreaks([0.0012, 0.0123, 0.0456, 0.789], 2)).toEqual([0.029]);
  });

  it('drops repeated breaks and breaks at the smallest figure, so no class is empty', () => {
    // Ten regions at 0 and six at 1, 2, … 6: the first two quintiles are 0, the minimum.
    const values = [...Array(10).fill(0), 1, 2, 3, 4, 5, 6];
    const breaks = quantileBreaks(values);
    expect(breaks[0]).toBeGreaterThan(0);
    expect(new Set(breaks).size).toBe(breaks.length);
    const used = new Set(values.map((v) => classIndex(v, breaks)));
    expect(used.size).toBe(breaks.length + 1);
  });

  it('gives one class for equal figures or none at all', () => {
    expect(quantileBreaks([0, 0, 0])).toEqual([]);
    expect(quantileBreaks([])).toEqual([]);
  });
});

describe('classIndex', () => {
  it('puts a figure on a break into the class above it', () => {
    const breaks = [0.4, 0.7, 1, 1.3];
    expect(classIndex(0.1, breaks)).toBe(0);
    expect(classIndex(0.39, breaks)).toBe(0);
    expect(classIndex(0.4, breaks)).toBe(1);
    expect(classIndex(1.29, breaks)).toBe(3);
    expect(classIndex(1.6, breaks)).toBe(4);
    expect(SIXTEEN.map((v) => classIndex(v, breaks))).toEqual([
      0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4,
    ]);
  });
});

describe('rampColors', () => {
  it('rises in lightness class by class on both scales, so the order reads without hue', () => {
    for (const measure of ['incidents', 'coverage'] as const) {
      const lightness = rampColors(measure, 5).map((c) => lab(c).l);
      for (let i = 1; i < lightness.length; i++) expect(lightness[i]!).toBeGreaterThan(lightness[i - 1]! + 5);
    }
  });

  it("ends on viridis' published yellow and cividis' yellow, and tells the two scales apart", () => {
    // viridis(1) = #fde725 (matplotlib's _viridis_data, last entry).
    expect(rampColors('incidents', 5).at(-1)).toBe('#fde725');
    // cividis(1) ≈ #fee838 (matplotlib's _cividis_data, last entry); d3 fits it with a polynomial.
    const end = lab(rampColors('coverage', 5).at(-1)!);
    const published = lab('#fee838');
    expect(Math.hypot(end.l - published.l, end.a - published.a, end.b - published.b)).toBeLessThan(6);
    // The first class: viridis is violet-blue (b* < 0), cividis dark blue-grey; clearly different.
    expect(rampColors('incidents', 5)[0]).not.toBe(rampColors('coverage', 5)[0]);
  });

  it('refuses a class count that is not a positive integer', () => {
    expect(() => rampColors('alerts', 0)).toThrow('Invalid colour count: 0');
  });
});

describe('choroplethScale', () => {
  it('uses fixed classes for open alerts, whatever the figures', () => {
    expect(choroplethScale('alerts', [0, 0, 9]).breaks).toEqual([1, 2, 3, 5]);
    expect(choroplethScale('alerts', []).colors).toHaveLength(FIXED_BREAKS.alerts!.length + 1);
  });

  it('uses quantiles of the figures for incidents per km² and coverage %, leaving out regions without a figure', () => {
    expect(choroplethScale('incidents', [...SIXTEEN, null]).breaks).toEqual([0.4, 0.7, 1, 1.3]);
    expect(choroplethScale('coverage', [...SIXTEEN, null]).breaks).toEqual([0.4, 0.7, 1, 1.3]);
  });
});

describe('buildRegionChoropleth', () => {
  it('colours each region by its class and leaves a region without a figure unfilled', () => {
    // Coverage % of five regions and one without a figure: quintiles of [0.5, 1, 2, 4, 8] at
    // h = 4·p = 0.8, 1.6, 2.4, 3.2 → 0.9, 1.6, 2.8, 4.8 (two significant digits).
    const stats: RegionValues = {
      measure: 'coverage',
      values: { quito: 8, ambato: 4, cuenca: 2, tena: 1, loja: 0.5, san_cristobal: null },
    };
    const { scale, colorById, classById } = buildRegionChoropleth(stats);
    expect(scale.breaks).toEqual([0.9, 1.6, 2.8, 4.8]);
    expect(classById).toEqual({ quito: 4, ambato: 3, cuenca: 2, tena: 1, loja: 0 });
    expect(colorById['quito']).toBe(scale.colors[4]);
    expect(colorById['cuenca']).toBe(scale.colors[2]);
    expect(colorById['loja']).toBe(scale.colors[0]);
    expect('san_cristobal' in colorById).toBe(false);
  });
});

describe('regionChoroplethFor', () => {
  it('is null without a measure, empty while the figures of another measure are held', () => {
    const coverage: RegionValues = { measure: 'coverage', values: { quito: 85 } };
    expect(regionChoroplethFor(null, coverage)).toBeNull();
    expect(regionChoroplethFor('incidents', coverage)!.colorById).toEqual({});
    expect(regionChoroplethFor('incidents', null)!.colorById).toEqual({});
    expect(Object.keys(regionChoroplethFor('coverage', coverage)!.colorById)).toEqual(['quito']);
  });
});

describe('legend classes', () => {
  it('lists each class with its bounds, open at both ends', () => {
    const scale = choroplethScale('incidents', SIXTEEN);
    const classes = choroplethClasses(scale);
    expect(classes.map((c) => [c.lower, c.upper])).toEqual([
      [null, 0.4],
      [0.4, 0.7],
      [0.7, 1],
      [1, 1.3],
      [1.3, null],
    ]);
    expect(classes.map((c) => c.color)).toEqual(scale.colors);
  });

  it('writes continuous ranges with < and ≥, counts as the whole numbers they hold', () => {
    const f = (v: number) => String(v);
    expect(classRangeLabel({ lower: null, upper: 0.4 }, false, f)).toBe('< 0.4');
    expect(classRangeLabel({ lower: 0.4, upper: 0.7 }, false, f)).toBe('0.4 – 0.7');
    expect(classRangeLabel({ lower: 1.3, upper: null }, false, f)).toBe('≥ 1.3');
    const alerts = choroplethClasses(choroplethScale('alerts', []));
    expect(alerts.map((c) => classRangeLabel(c, true, f))).toEqual(['0', '1', '2', '3–4', '≥ 5']);
  });
});

describe('applyRegionChoropleth', () => {
  it('leaves the style as it is for plain boundaries', () => {
    const style = createStyle();
    expect(applyRegionChoropleth(style, null)).toBe(style);
  });

  it('fills regions-fill by center id through one match, unfilled by default, and greys the outlines', () => {
    const choropleth = buildRegionChoropleth({ measure: 'alerts', values: { quito: 2, cuenca: 0 } });
    const style = applyRegionChoropleth(createStyle(), choropleth);
    const fill = paintOf(style, MAP_LAYER_IDS.regionsFill);
    expect(fill['fill-color']).toEqual([
      'match',
      ['get', 'centerId'],
      'cuenca',
      choropleth.scale.colors[0],
      'quito',
      choropleth.scale.colors[2],
      'rgba(0,0,0,0)',
    ]);
    expect(paintOf(style, MAP_LAYER_IDS.regionsLine)['line-color']).toBe(CHOROPLETH_LINE_COLOR);
    // Every other layer is the very same object.
    const before = createStyle();
    const others = (s: StyleSpecification) =>
      s.layers.filter((l) => l.id !== MAP_LAYER_IDS.regionsFill && l.id !== MAP_LAYER_IDS.regionsLine);
    expect(others(style)).toEqual(others(before));
  });

  it('draws no fill at all while the figures load (a match needs at least one region)', () => {
    const style = applyRegionChoropleth(createStyle(), regionChoroplethFor('incidents', null));
    expect(paintOf(style, MAP_LAYER_IDS.regionsFill)['fill-color']).toBe('rgba(0,0,0,0)');
  });

  it('fades the fill under the incident hexagons', () => {
    const choropleth = buildRegionChoropleth({ measure: 'alerts', values: { quito: 2 } });
    const opacityAt5 = (under: boolean) => {
      const expr = paintOf(
        applyRegionChoropleth(createStyle(), choropleth, under),
        MAP_LAYER_IDS.regionsFill,
      )['fill-opacity'] as unknown[];
      return expr[4] as number;
    };
    expect(opacityAt5(true)).toBeCloseTo(opacityAt5(false) * 0.35, 10);
  });
});
