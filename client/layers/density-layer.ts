/**
 * The incident density overlay: one deck.gl H3 hexagon per cell with incidents, coloured by count
 * (count-color.ts), drawn between the regions' fill and the boundary lines so that the lines stay
 * readable over it.
 */
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import type { IncidentDensity } from '../data/incident-aggregates.js';
import { DECK_LAYER_IDS, MAP_LAYER_IDS } from '../map/layer-ids.js';
import type { AppState } from '../state/app-state.js';
import { countColor } from './count-color.js';

export type DensityCell = IncidentDensity['cells'][number];

/** Opacity of the hexagons: the basemap and the region colours stay visible through them. */
export const DENSITY_OPACITY = 0.78;

export function buildDensityLayer(
  state: Pick<AppState, 'overlays'>,
  density: IncidentDensity | null,
): H3HexagonLayer<DensityCell> {
  const cells = density?.cells ?? [];
  // Cells come sorted by count, most first.
  const max = cells[0]?.n ?? 1;
  return new H3HexagonLayer<DensityCell>({
    id: DECK_LAYER_IDS.incidentDensity,
    // Read by MapboxOverlay (interleaved) to draw the layer before a MapLibre layer; not in the layer's prop types.
    ...({ beforeId: MAP_LAYER_IDS.provincesLine } as object),
    data: cells,
    visible: state.overlays.has('density'),
    getHexagon: (d) => d.h3,
    getFillColor: (d) => countColor(d.n, max),
    extruded: false,
    // Always drawn as polygons: with 'auto' deck.gl draws resolutions 3–5 as polygons and 6–8 as
    // instanced columns, two sublayer types, so a zoom across resolution 5/6 compiled the other
    // one's programs in the middle of the move (~6 s of one frame under software WebGL).
    highPrecision: true,
    stroked: false,
    filled: true,
    opacity: DENSITY_OPACITY,
    pickable: true,
    // Hexagons are flat at sea level; with 3D terrain on they would hide under the mountains.
    parameters: { depthCompare: 'always' },
    updateTriggers: { getFillColor: [max] },
  });
}
