/**
 * All deck.gl layers of the map, in drawing order, from the app state and the loaded data. Later
 * features (camera coverage, incident density, thermal alerts) add their builders here.
 */
import type { Layer } from '@deck.gl/core';
import type { ReferenceData } from '../data/reference-features.js';
import type { AppState } from '../state/app-state.js';
import { buildGeographyLabels } from './geography-labels.js';
import { buildCenterLabels, buildVolcanoLabels } from './place-labels.js';

export function buildDeckLayers(
  state: AppState,
  data: Pick<ReferenceData, 'centers' | 'volcanoes'>,
): Layer[] {
  return [
    buildGeographyLabels(state.language),
    buildCenterLabels(state, data.centers.features),
    buildVolcanoLabels(state, data.volcanoes.features),
  ];
}
