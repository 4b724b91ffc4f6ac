import type { FeatureCollection } from 'geojson';
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { ReferenceData } from '../../client/data/reference-features.js';
import { MAP_LAYER_IDS, OVERLAY_LAYERS, SOURCE_IDS } from '../../client/map/layer-ids.js';
import type { CameraCollection } from '../../client/data/camera-features.js';
import {
  CAMERA_CLUSTER_MAX_ZOOM,
  TERRAIN_EXAGGERATION,
  buildMapStyle,
  type MapStyleInput,
} from '../../client/map/map-style.js';
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
    cameras: { type: 'FeatureCollection', features: [] },
    volcanoWatch: new Map(),
    basemapUrl: 'http://atalaya.test/tiles/basemap',
    terrainUrl: 'http://atalaya.test/tiles/terrain/tiles.json',
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
      'terrain-hillshade',
      'regions-fill',
      'provinces-fill',
      'provinces-line',
      'regions-line',
      'coastline-line',
      'country-borders-line',
      'cameras-fov-fill',
      'cameras-fov-line',
      'provinces-selected-line',
      'regions-selected-line',
      'centers-selected-circle',
      'centers-circle',
      'cameras-cluster-circle',
      'cameras-cluster-count',
      'cameras-selected-circle',
      'cameras-point',
      'volcanoes-alert-ring',
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
    // Symbol layers carry icons drawn on the page (style-images.ts), never text that needs glyphs.
    const symbols = style.layers.filter((l) => l.type === 'symbol');
    expect(symbols.map((l) => l.id).sort()).toEqual(['cameras-cluster-count', 'cameras-point']);
    for (const l of symbols) expect((l.layout as Record<string, unknown>)['text-field']).toBeUndefined();
    const urls = Object.values(style.sources).flatMap((s) => {
      if ('data' in s && typeof s.data === 'string') return [s.data];
      if ('url' in s && typeof s.url === 'string') return [s.url];
      return [];
    });
    expect(urls.sort()).toEqual([
      'http://atalaya.test/tiles/basemap/borders.geojson',
      'http://atalaya.test/tiles/basemap/coastline.geojson',
      'http://atalaya.test/tiles/basemap/land.geojson',
      'http://atalaya.test/tiles/terrain/tiles.json',
      'http://atalaya.test/tiles/terrain/tiles.json',
    ]);
  });

  it('hides exactly the layers of the overlays that are off', () => {
    const style = buildMapStyle(input({ overlays: new Set<OverlayId>(['volcanoes']) }));
    for (const overlay of OVERLAY_IDS) {
      // Terrain's layer and sources leave the style altogether (below).
      if (overlay === 'terrain') continue;
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

  it('turns on 3D terrain and the hillshade from the terrain tiles only with the terrain overlay', () => {
    const off = buildMapStyle(input({ overlays: new Set<OverlayId>(['regions']) }));
    expect(off.terrain).toBeUndefined();
    expect(off.layers.some((l) => l.id === MAP_LAYER_IDS.terrainHillshade)).toBe(false);
    expect(off.sources[SOURCE_IDS.terrainDem]).toBeUndefined();
    const on = buildMapStyle(input({ overlays: new Set<OverlayId>(['terrain']) }));
    expect(on.terrain).toEqual({ source: SOURCE_IDS.terrainDem, exaggeration: TERRAIN_EXAGGERATION });
    const dem = { type: 'raster-dem', encoding: 'terrarium', tileSize: 256 };
    expect(on.sources[SOURCE_IDS.terrainDem]).toMatchObject(dem);
    expect(on.sources[SOURCE_IDS.hillshadeDem]).toMatchObject(dem);
    expect(layer(on, MAP_LAYER_IDS.terrainHillshade)).toMatchObject({
      type: 'hillshade',
      source: SOURCE_IDS.hillshadeDem,
    });
  });

  it('clusters the cameras up to CAMERA_CLUSTER_MAX_ZOOM and draws their sectors from the same data', () => {
    const cameras: CameraCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-78.5, -0.2] },
          properties: {
            externalId: 'C1',
            name: 'Quito',
            kind: 'fixed',
            status: 'online',
            mountHeightM: 6,
            azimuthDeg: 90,
            hfovDeg: 60,
            vfovDeg: 35,
            tiltDeg: -10,
            rangeM: 200,
            resolutionHPx: 1920,
            resolutionVPx: 1080,
            installDate: null,
            unitCostUsd: null,
            volcanoGvp: null,
            synthetic: true,
          },
        },
      ],
    };
    const style = buildMapStyle(input({ cameras }));
    expect(style.sources[SOURCE_IDS.cameras]).toMatchObject({
      type: 'geojson',
      data: cameras,
      cluster: true,
      clusterMaxZoom: CAMERA_CLUSTER_MAX_ZOOM,
    });
    const sectors = (style.sources[SOURCE_IDS.cameraFov] as { data: FeatureCollection }).data;
    expect(sectors.features).toHaveLength(1);
    expect(sectors.features[0]!.properties).toEqual({ externalId: 'C1', kind: 'fixed', status: 'online' });
    // Single cameras and clusters split on point_count, so no feature is drawn twice.
    expect(layer(style, MAP_LAYER_IDS.camerasPoint)).toMatchObject({ filter: ['!', ['has', 'point_count']] });
    expect(layer(style, MAP_LAYER_IDS.camerasClusterCircle)).toMatchObject({
      filter: ['has', 'point_count'],
    });
  });

  it('rings the volcanoes with a thermal alert firing, in the colour and width of their level', () => {
    const volcanoWatch = new Map([
      [352050, { level: 'orange' as const, latestC: 30, latestAt: 0 }],
      [352080, { level: null, latestC: 3, latestAt: 0 }],
    ]);
    const ring = layer(
      buildMapStyle(input({ volcanoWatch })),
      MAP_LAYER_IDS.volcanoesAlertRing,
    ) as unknown as {
      filter: unknown;
      paint: Record<string, unknown>;
    };
    expect(ring.filter).toEqual(['in', ['get', 'gvpNumber'], ['literal', [352050]]]);
    expect(ring.paint['circle-stroke-color']).toEqual([
      'match',
      ['get', 'gvpNumber'],
      352050,
      '#E69F00',
      '#E8EDF2',
    ]);
    expect(ring.paint['circle-stroke-width']).toEqual(['match', ['get', 'gvpNumber'], 352050, 3.5, 0]);
    // No alert anywhere: a filter that matches nothing, and plain values (a match needs a label).
    const none = layer(buildMapStyle(input()), MAP_LAYER_IDS.volcanoesAlertRing) as unknown as {
      filter: unknown;
      paint: Record<string, unknown>;
    };
    expect(none.filter).toEqual(['in', ['get', 'gvpNumber'], ['literal', []]]);
    expect(none.paint['circle-stroke-width']).toBe(0);
  });

  it('fades the region colours under the incident density', () => {
    const opacity = (overlays: OverlayId[]) =>
      (
        layer(
          buildMapStyle(input({ overlays: new Set(overlays) })),
          MAP_LAYER_IDS.regionsFill,
        ) as unknown as {
          paint: Record<string, unknown[]>;
        }
      ).paint['fill-opacity']![4] as number;
    expect(opacity(['regions', 'density'])).toBeLessThan(opacity(['regions']) / 2);
  });

  it('is a pure function of its input', () => {
    const a = input({ selection: { kind: 'volcano', id: '352050' } });
    expect(buildMapStyle(a)).toEqual(buildMapStyle(a));
  });
});
