/**
 * Names of the neighbouring countries, the ocean and the Galápagos (layer 'geography-labels'), so
 * that the offline basemap reads as a map without a glyph server.
 */
import { TextLayer } from '@deck.gl/layers';
import { t, type MessageKey } from '../i18n.js';
import { DECK_LAYER_IDS } from '../map/layer-ids.js';
import { MAP_THEME } from '../map/map-theme.js';
import type { Language } from '../state/app-state.js';
import { LABEL_TEXT_PROPS } from './label-style.js';

export interface GeographyLabel {
  key: MessageKey;
  /** [longitude, latitude] in degrees, placed by hand inside the feature it names. */
  position: [number, number];
  /** Text size in pixels. */
  size: number;
}

export const GEOGRAPHY_LABELS: readonly GeographyLabel[] = [
  { key: 'geo.colombia', position: [-75.6, 2.4], size: 14 },
  { key: 'geo.peru', position: [-76.8, -6.2], size: 14 },
  { key: 'geo.brazil', position: [-69.2, -6.5], size: 14 },
  { key: 'geo.pacific', position: [-84.6, -4.2], size: 13 },
  { key: 'geo.galapagos', position: [-90.6, -1.75], size: 11 },
];

export function buildGeographyLabels(language: Language): TextLayer<GeographyLabel> {
  return new TextLayer<GeographyLabel>({
    ...LABEL_TEXT_PROPS,
    id: DECK_LAYER_IDS.geographyLabels,
    data: GEOGRAPHY_LABELS as GeographyLabel[],
    getPosition: (d) => d.position,
    getText: (d) => t(language, d.key),
    getSize: (d) => d.size,
    getColor: [...MAP_THEME.label.geography, 255],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    updateTriggers: { getText: [language] },
  });
}
