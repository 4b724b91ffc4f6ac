/**
 * Name labels for the regional centers and the volcanoes, as deck.gl TextLayers. Pure builders:
 * same inputs, same layer props; the map overlay diffs them by id.
 */
import { TextLayer } from '@deck.gl/layers';
import type { Feature, Point } from 'geojson';
import type { CenterProperties, VolcanoProperties } from '../data/reference-features.js';
import type { VolcanoWatchMap } from '../data/volcano-watch.js';
import { formatNumber } from '../i18n.js';
import { DECK_LAYER_IDS } from '../map/layer-ids.js';
import { MAP_THEME } from '../map/map-theme.js';
import type { AppState } from '../state/app-state.js';
import { LABEL_TEXT_PROPS } from './label-style.js';

/**
 * Volcano names appear in two steps: the monitored ones from MONITORED_VOLCANO_LABELS_MIN_ZOOM, all
 * from ALL_VOLCANO_LABELS_MIN_ZOOM. At national scale the Andean volcanoes sit within a few
 * pixels of each other and of the centers, and their names would overlap.
 */
export const MONITORED_VOLCANO_LABELS_MIN_ZOOM = 6.5;
export const ALL_VOLCANO_LABELS_MIN_ZOOM = 8;

/**
 * Centers whose name goes to the left of the symbol: each has a neighbour close on its right at
 * national scale (Santo Domingo next to Quito, Babahoyo next to Riobamba and Ambato).
 */
export const CENTERS_LABELLED_LEFT: ReadonlySet<string> = new Set(['santo_domingo', 'babahoyo']);

type CenterFeature = Feature<Point, CenterProperties>;
type VolcanoFeature = Feature<Point, VolcanoProperties>;

/**
 * Ground elevation under a point with 3D terrain on (metres, already exaggerated as the map draws
 * it), so that labels sit on the mountains instead of at sea level under them; `key` changes
 * whenever the answers may have (new terrain tiles), so deck.gl recomputes the positions.
 */
export interface LabelElevation {
  at(position: [number, number]): number;
  key: number;
}

function labelPosition(
  position: [number, number],
  elevation: LabelElevation | null,
): [number, number, number] {
  return [position[0], position[1], elevation ? elevation.at(position) : 0];
}

/** City names next to the centers (layer 'centers-label'), shown with the centers overlay. */
export function buildCenterLabels(
  state: Pick<AppState, 'overlays'>,
  centers: readonly CenterFeature[],
  elevation: LabelElevation | null = null,
): TextLayer<CenterFeature> {
  return new TextLayer<CenterFeature>({
    ...LABEL_TEXT_PROPS,
    id: DECK_LAYER_IDS.centersLabel,
    data: centers as CenterFeature[],
    visible: state.overlays.has('centers'),
    getPosition: (f) => labelPosition(f.geometry.coordinates as [number, number], elevation),
    updateTriggers: { getPosition: [elevation?.key ?? 0] },
    getText: (f) => f.properties.city,
    getSize: (f) => (f.properties.kind === 'zonal' ? 12.5 : 11.5),
    getColor: [...MAP_THEME.label.text, 255],
    getTextAnchor: (f) => (CENTERS_LABELLED_LEFT.has(f.properties.id) ? 'end' : 'start'),
    getAlignmentBaseline: 'center',
    getPixelOffset: (f) => (CENTERS_LABELLED_LEFT.has(f.properties.id) ? [-10, 0] : [10, 0]),
  });
}

/**
 * Volcano names (layer 'volcanoes-label'), shown with the volcanoes overlay, thinned by zoom
 * (see MONITORED_VOLCANO_LABELS_MIN_ZOOM).
 */
export function buildVolcanoLabels(
  state: Pick<AppState, 'overlays' | 'view' | 'language'>,
  volcanoes: readonly VolcanoFeature[],
  elevation: LabelElevation | null = null,
  watch: VolcanoWatchMap | null = null,
): TextLayer<VolcanoFeature> {
  const { zoom } = state.view;
  const data = volcanoes.filter((f) =>
    f.properties.monitored ? zoom >= MONITORED_VOLCANO_LABELS_MIN_ZOOM : zoom >= ALL_VOLCANO_LABELS_MIN_ZOOM,
  );
  return new TextLayer<VolcanoFeature>({
    ...LABEL_TEXT_PROPS,
    id: DECK_LAYER_IDS.volcanoesLabel,
    data,
    visible: state.overlays.has('volcanoes'),
    getPosition: (f) => labelPosition(f.geometry.coordinates as [number, number], elevation),
    updateTriggers: { getPosition: [elevation?.key ?? 0], getText: [watch, state.language] },
    getText: (f) => volcanoLabel(f.properties, watch, state.language),
    getSize: (f) => (f.properties.monitored ? 12 : 11),
    getColor: (f) =>
      f.properties.monitored ? [...MAP_THEME.label.volcanoText, 255] : [...MAP_THEME.label.volcanoText, 190],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'top',
    getPixelOffset: [0, 9],
  });
}

/** 'Cotopaxi', and under it the latest temperature when the volcano's cameras have one ('31 °C'). */
export function volcanoLabel(
  volcano: Pick<VolcanoProperties, 'gvpNumber' | 'name'>,
  watch: VolcanoWatchMap | null,
  language: AppState['language'],
): string {
  const latest = watch?.get(volcano.gvpNumber)?.latestC;
  return latest === null || latest === undefined
    ? volcano.name
    : `${volcano.name}\n${formatNumber(language, latest)} °C`;
}
