/**
 * All deck.gl layers of the map, in drawing order, from the app state and the loaded data. Later
 * features (camera coverage, thermal alerts) add their builders here.
 *
 * The density builder is passed in rather than imported: it pulls in h3-js (~350 kB minified),
 * so the map controller loads it on demand when the density overlay is first switched on.
 */
import type { Layer } from '@deck.gl/core';
import type { IncidentDensity } from '../data/incident-aggregates.js';
import type { ReferenceData } from '../data/reference-features.js';
import type { VolcanoWatchMap } from '../data/volcano-watch.js';
import type { AppState } from '../state/app-state.js';
import type { buildDensityLayer } from './density-layer.js';
import { buildGeographyLabels } from './geography-labels.js';

export type DensityLayerBuilder = typeof buildDensityLayer;
import { buildCenterLabels, buildVolcanoLabels, type LabelElevation } from './place-labels.js';

export function buildDeckLayers(
  state: AppState,
  data: Pick<ReferenceData, 'centers' | 'volcanoes'>,
  density: IncidentDensity | null = null,
  densityBuilder: DensityLayerBuilder | null = null,
  elevation: LabelElevation | null = null,
  volcanoWatch: VolcanoWatchMap | null = null,
): Layer[] {
  return [
    ...(densityBuilder ? [densityBuilder(state, density)] : []),
    buildGeographyLabels(state.language),
    buildCenterLabels(state, data.centers.features, elevation),
    buildVolcanoLabels(state, data.volcanoes.features, elevation, volcanoWatch),
  ];
}
