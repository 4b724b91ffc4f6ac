import type { Feature, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { CenterProperties, VolcanoProperties } from '../../client/data/reference-features.js';
import { buildDeckLayers } from '../../client/layers/deck-layers.js';
import { buildGeographyLabels } from '../../client/layers/geography-labels.js';
import {
  ALL_VOLCANO_LABELS_MIN_ZOOM,
  MONITORED_VOLCANO_LABELS_MIN_ZOOM,
  buildCenterLabels,
  buildVolcanoLabels,
} from '../../client/layers/place-labels.js';
import { DEFAULT_STATE, type AppState, type OverlayId } from '../../client/state/app-state.js';

function volcano(name: string, monitored: boolean): Feature<Point, VolcanoProperties> {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [-78.4, -0.7] },
    properties: {
      gvpNumber: 1,
      name,
      primaryType: 'Stratovolcano',
      lastKnownEruption: '2023 CE',
      lastEruptionYear: 2023,
      elevationM: 5911,
      monitored,
    },
  };
}

const quito: Feature<Point, CenterProperties> = {
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [-78.4678, -0.1807] },
  properties: { id: 'quito', name: 'ECU 911 Quito', kind: 'zonal', city: 'Quito', provinces: ['Pichincha'] },
};

function at(zoom: number, overlays: OverlayId[] = ['centers', 'volcanoes']): AppState {
  return { ...DEFAULT_STATE, view: { ...DEFAULT_STATE.view, zoom }, overlays: new Set(overlays) };
}

const volcanoes = [volcano('Cotopaxi', true), volcano('Pasochoa', false)];

describe('volcano labels', () => {
  it('names no volcano at national scale', () => {
    expect(buildVolcanoLabels(at(MONITORED_VOLCANO_LABELS_MIN_ZOOM - 0.1), volcanoes).props.data).toEqual([]);
  });

  it('names the monitored volcanoes first, then all of them as the map zooms in', () => {
    const names = (zoom: number) =>
      (buildVolcanoLabels(at(zoom), volcanoes).props.data as Feature<Point, VolcanoProperties>[]).map(
        (f) => f.properties.name,
      );
    expect(names(MONITORED_VOLCANO_LABELS_MIN_ZOOM)).toEqual(['Cotopaxi']);
    expect(names(ALL_VOLCANO_LABELS_MIN_ZOOM)).toEqual(['Cotopaxi', 'Pasochoa']);
  });

  it('follows the volcanoes overlay', () => {
    expect(buildVolcanoLabels(at(9, ['volcanoes']), volcanoes).props.visible).toBe(true);
    expect(buildVolcanoLabels(at(9, ['centers']), volcanoes).props.visible).toBe(false);
  });
});

describe('center labels', () => {
  it('labels a center with its city and follows the centers overlay', () => {
    const on = buildCenterLabels(at(6, ['centers']), [quito]);
    expect(on.id).toBe('centers-label');
    expect(on.props.visible).toBe(true);
    const getText = on.props.getText as (f: Feature<Point, CenterProperties>) => string;
    expect(getText(quito)).toBe('Quito');
    expect(buildCenterLabels(at(6, ['regions']), [quito]).props.visible).toBe(false);
  });
});

describe('geography labels', () => {
  it('are written in the chosen language', () => {
    const text = (language: 'es' | 'en') => {
      const layer = buildGeographyLabels(language);
      const getText = layer.props.getText as (d: unknown) => string;
      return (layer.props.data as unknown[]).map((d) => getText(d));
    };
    expect(text('es')).toContain('Océano Pacífico');
    expect(text('en')).toContain('Pacific Ocean');
  });
});

describe('buildDeckLayers', () => {
  it('stacks geography, center and volcano labels with stable ids', () => {
    const layers = buildDeckLayers(at(8), {
      centers: { type: 'FeatureCollection', features: [quito] },
      volcanoes: { type: 'FeatureCollection', features: volcanoes },
    });
    expect(layers.map((l) => l.id)).toEqual(['geography-labels', 'centers-label', 'volcanoes-label']);
  });

  it('asks for no font over the network: a local font stack and a fixed glyph set with Spanish letters', () => {
    const layer = buildCenterLabels(at(6), [quito]);
    expect(layer.props.fontFamily).toMatch(/sans-serif$/);
    expect(layer.props.fontFamily).not.toMatch(/url\(|https?:/);
    const glyphs = layer.props.characterSet as string[];
    for (const ch of 'ÁáÉéÍíÓóÚúÑñü') expect(glyphs).toContain(ch);
  });
});
