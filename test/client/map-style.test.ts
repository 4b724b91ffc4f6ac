import type { FeatureCollection } from 'geojson';
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { ReferenceData } from '../../client/data/reference-features.js';
import { MAP_LAYER_IDS, OVERLAY_LAYERS, SOURCE_IDS } from '../../client/map/layer-ids.js';
import { buildMapStyle, type MapStyleInput } from '../../client/map/map-style.js';
import { OVERLAY_IDS, type OverlayId } from '../../client/state/app-state.js';

function emptyData(): ReferenceData {
  const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });
  return { provinces: empty(), regions: empty(), centers: empty(), volcanoes: empty() } as ReferenceData;
}

function input(overrides: Partial<MapStyleInput> = {}): MapStyleInput {
  return {
    overlays: new Set<OverlayId>(OVERLAY_IDS),
    selection: null,
    data: emptyData(),
    basemapUrl: 'http://atalaya.test/tiles/basemap',
    ...overrides,
  };
}

function layer(style: StyleSpecification, id: string): LayerSpecification {
  const found = style.layers.find((l) => l.id === id);
  if (!found) throw new Error(`no layer ${id}`);
  return found;
}

function visibility(style: StyleSpecification, id: string): unknown {
  const l = layer(style, id) as { layout?: { visibility?: string } };
  return l.layout?.visibility ?? 'visible';
}

describe('buildMapStyle', () => {
  it('has every documented layer id exactly once, in the documented order', () => {
    const ids = buildMapStyle(input()).layers.map((l) => l.id);
    expect(ids).toEqual([
      'background',
      'land-fill',
      'regions-fill',
      'provinces-fill',
      'provinces-line',
      'regions-line',
      'coastline-line',
      'country-borders-line',
      'provinces-selected-line',
      'regions-selected-line',
      'centers-selected-circle',
      'centers-circle',
      'volcanoes-selected-circle',
      'volcanoes-circle',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.values(MAP_LAYER_IDS).sort()).toEqual([...ids].sort());
  });

  it('asks nothing of any other host: no glyphs, no sprite, basemap from the given origin', () => {
    const style = buildMapStyle(input());
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(style.layers.some((l) => l.type === 'symbol')).toBe(false);
    const urls = Object.values(style.sources).flatMap((s) =>
      'data' in s && typeof s.data === 'string' ? [s.data] : [],
    );
    expect(urls.sort()).toEqual([
      'http://atalaya.test/tiles/basemap/borders.geojson',
      'http://atalaya.test/tiles/basemap/coastline.geojson',
      'http://atalaya.test/tiles/basemap/land.geojson',
    ]);
  });

  it('hides exactly the layers of the overlays that are off', () => {
    const style = buildMapStyle(input({ overlays: new Set<OverlayId>(['volcanoes']) }));
    for (const overlay of OVERLAY_IDS) {
      for (const id of OVERLAY_LAYERS[overlay].map) {
        expect(visibility(style, id), `${overlay}: ${id}`).toBe(overlay === 'volcanoes' ? 'visible' : 'none');
      }
    }
    // The basemap does not depend on the overlays.
    expect(visibility(style, MAP_LAYER_IDS.landFill)).toBe('visible');
    expect(visibility(style, MAP_LAYER_IDS.countryBordersLine)).toBe('visible');
  });

  it('shows only the selection layer of the selected kind, filtered to the selected id', () => {
    const style = buildMapStyle(input({ selection: { kind: 'region', id: 'quito' } }));
    expect(visibility(style, MAP_LAYER_IDS.regionsSelectedLine)).toBe('visible');
    expect(visibility(style, MAP_LAYER_IDS.provincesSelectedLine)).toBe('none');
    expect(visibility(style, MAP_LAYER_IDS.centersSelectedCircle)).toBe('none');
    expect(visibility(style, MAP_LAYER_IDS.volcanoesSelectedCircle)).toBe('none');
    expect((layer(style, MAP_LAYER_IDS.regionsSelectedLine) as { filter?: unknown }).filter).toEqual([
      '==',
      ['get', 'centerId'],
      'quito',
    ]);
  });

  it('passes the loaded data to the sources unchanged, so the map draws what the API sent', () => {
    const data = emptyData();
    const style = buildMapStyle(input({ data }));
    expect(style.sources[SOURCE_IDS.regions]).toMatchObject({ type: 'geojson', data: data.regions });
    expect(style.sources[SOURCE_IDS.volcanoes]).toMatchObject({ type: 'geojson', data: data.volcanoes });
  });

  it('credits the boundary, volcano and basemap sources', () => {
    const style = buildMapStyle(input());
    expect(style.sources[SOURCE_IDS.provinces]).toMatchObject({ attribution: 'INEC / OCHA' });
    expect(style.sources[SOURCE_IDS.regions]).toMatchObject({ attribution: 'INEC / OCHA' });
    expect(style.sources[SOURCE_IDS.volcanoes]).toMatchObject({ attribution: 'Smithsonian GVP' });
    expect(style.sources[SOURCE_IDS.land]).toMatchObject({ attribution: 'Natural Earth' });
  });

  it('colours regions by center id with a fallback, through one match expression', () => {
    const paint = (
      layer(buildMapStyle(input()), MAP_LAYER_IDS.regionsFill) as { paint: Record<string, unknown> }
    ).paint;
    const match = paint['fill-color'] as unknown[];
    expect(match[0]).toBe('match');
    // 'match', input, 16 label/colour pairs, fallback.
    expect(match).toHaveLength(2 + 16 * 2 + 1);
    expect(match.slice(2, -1)).toContain('san_cristobal');
  });

  it('is a pure function of its input', () => {
    const a = input({ selection: { kind: 'volcano', id: '352050' } });
    expect(buildMapStyle(a)).toEqual(buildMapStyle(a));
  });
});
