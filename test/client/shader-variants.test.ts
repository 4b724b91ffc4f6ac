import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { ReferenceData } from '../../client/data/reference-features.js';
import { MAP_LAYER_IDS } from '../../client/map/layer-ids.js';
import { buildMapStyle } from '../../client/map/map-style.js';
import {
  isOpaqueFill,
  perFeature,
  readsFeature,
  shareLayerVariant,
  shareShaderVariants,
} from '../../client/map/shader-variants.js';
import { OVERLAY_IDS, type OverlayId } from '../../client/state/app-state.js';

function style(overrides: { selection?: { kind: 'volcano'; id: string } } = {}): StyleSpecification {
  const empty = () => ({ type: 'FeatureCollection' as const, features: [] });
  return buildMapStyle({
    overlays: new Set<OverlayId>(OVERLAY_IDS),
    selection: overrides.selection ?? null,
    data: { provinces: empty(), regions: empty(), centers: empty(), volcanoes: empty() } as ReferenceData,
    cameras: empty(),
    volcanoWatch: new Map([[352050, { level: 'orange' as const, latestC: 30, latestAt: 0 }]]),
    basemapUrl: 'http://atalaya.test/tiles/basemap',
    terrainUrl: 'http://atalaya.test/tiles/terrain/tiles.json',
  });
}

function paint(layer: LayerSpecification): Record<string, unknown> {
  return ((layer as { paint?: object }).paint ?? {}) as Record<string, unknown>;
}

/** How MapLibre binds a paint value: u (uniform: constant or zoom only), a (per feature), z (zoom and feature). */
function binding(value: unknown): 'u' | 'a' | 'z' {
  const zoomCurve =
    Array.isArray(value) &&
    ((value[0] === 'interpolate' && (value[2] as unknown[])[0] === 'zoom') ||
      (value[0] === 'step' && (value[1] as unknown[])[0] === 'zoom'));
  if (!readsFeature(value)) return 'u';
  return zoomCurve ? 'z' : 'a';
}

/** The shader configuration a layer asks for: its type and the binding of each attribute-capable paint value. */
function configuration(layer: LayerSpecification): string {
  const keys: Record<string, string[]> = {
    fill: ['fill-color', 'fill-opacity'],
    line: ['line-color', 'line-opacity', 'line-width', 'line-blur', 'line-gap-width', 'line-offset'],
    circle: [
      'circle-radius',
      'circle-color',
      'circle-blur',
      'circle-opacity',
      'circle-stroke-width',
      'circle-stroke-color',
      'circle-stroke-opacity',
    ],
  };
  const p = paint(layer);
  const dashed = layer.type === 'line' && p['line-dasharray'] !== undefined ? ' dashed' : '';
  return `${layer.type}${dashed}: ${(keys[layer.type] ?? []).map((k) => `${k}=${binding(p[k])}`).join(' ')}`;
}

describe('perFeature', () => {
  it('gives the same value on both branches of a test on a property no feature has', () => {
    expect(perFeature('#222B35')).toEqual(['case', ['has', '__atalaya_none'], '#222B35', '#222B35']);
    expect(readsFeature(perFeature(2.5))).toBe(true);
  });
});

describe('readsFeature', () => {
  it('tells feature expressions from constants, zoom curves and literals', () => {
    expect(readsFeature('#fff')).toBe(false);
    expect(readsFeature(['interpolate', ['linear'], ['zoom'], 5, 1, 10, 2])).toBe(false);
    expect(readsFeature(['literal', ['get', 'x']])).toBe(false);
    expect(readsFeature(['match', ['get', 'kind'], 'zonal', 6.5, 4.5])).toBe(true);
    expect(readsFeature(['interpolate', ['linear'], ['zoom'], 5, ['case', ['get', 'm'], 5, 3], 10, 8])).toBe(
      true,
    );
  });
});

describe('shareShaderVariants', () => {
  it('leaves one shader configuration per layer type (and the land its opaque one)', () => {
    const shared = shareShaderVariants(style({ selection: { kind: 'volcano', id: '352050' } }));
    const byType = new Map<string, Set<string>>();
    for (const layer of shared.layers) {
      if (!['fill', 'line', 'circle'].includes(layer.type)) continue;
      // Drawn only at street zoom, where a program of their own costs no first frame.
      if (layer.id.startsWith('cameras-fov')) continue;
      if (layer.id === MAP_LAYER_IDS.landFill) continue;
      const config = configuration(layer);
      const type = config.split(':')[0]!;
      byType.set(type, (byType.get(type) ?? new Set()).add(config));
    }
    for (const [type, configs] of byType)
      expect([type, [...configs]]).toEqual([type, [...configs].slice(0, 1)]);
    // Before: two of each (the land and the regions, provinces and regions, centers and volcanoes).
    const before = new Set(
      style()
        .layers.filter((l) => ['fill', 'line', 'circle'].includes(l.type))
        .map(configuration),
    );
    expect(before.size).toBeGreaterThan(byType.size + 1);
  });

  it('keeps the land a constant opaque fill, which MapLibre draws in its opaque pass', () => {
    const land = shareShaderVariants(style()).layers.find((l) => l.id === MAP_LAYER_IDS.landFill)!;
    expect(isOpaqueFill(land)).toBe(true);
    expect(paint(land)['fill-color']).toBe('#222B35');
  });

  it('writes the same values: constants as per-feature constants, zoom curves with per-feature stops', () => {
    const circle: LayerSpecification = {
      id: 'c',
      type: 'circle',
      source: 's',
      paint: {
        'circle-color': '#F4F7FA',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 9, 10, 13],
        'circle-stroke-color': ['match', ['get', 'kind'], 'a', '#000000', '#ffffff'],
      },
    };
    const p = paint(shareLayerVariant(circle));
    expect(p['circle-color']).toEqual(perFeature('#F4F7FA'));
    expect(p['circle-radius']).toEqual([
      'interpolate',
      ['linear'],
      ['zoom'],
      5,
      perFeature(9),
      10,
      perFeature(13),
    ]);
    // Already per feature: untouched.
    expect(p['circle-stroke-color']).toEqual(['match', ['get', 'kind'], 'a', '#000000', '#ffffff']);
    // Omitted: the style specification's default (stroke width 0), now per feature.
    expect(p['circle-stroke-width']).toEqual(perFeature(0));
  });

  it('spreads a per-feature radius over zoom with the same value at both ends', () => {
    const radius = ['match', ['get', 'kind'], 'zonal', 6.5, 4.5];
    const layer: LayerSpecification = {
      id: 'c',
      type: 'circle',
      source: 's',
      paint: { 'circle-radius': radius as never },
    };
    expect(paint(shareLayerVariant(layer))['circle-radius']).toEqual([
      'interpolate',
      ['linear'],
      ['zoom'],
      0,
      radius,
      24,
      radius,
    ]);
  });

  it('leaves symbol, background and hillshade layers as they are', () => {
    const base = style();
    const shared = shareShaderVariants(base);
    for (const [i, layer] of base.layers.entries()) {
      if (!['fill', 'line', 'circle'].includes(layer.type)) expect(shared.layers[i]).toBe(layer);
    }
  });
});
