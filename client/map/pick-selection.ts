/** Turns the features under a click into the selection the info panel shows. */
import type { Selection } from '../state/app-state.js';
import { CLICKABLE_LAYERS, MAP_LAYER_IDS } from './layer-ids.js';

/** What pickSelection reads of a MapLibre rendered feature. */
export interface RenderedHit {
  layer: { id: string };
  properties: Record<string, unknown>;
}

/**
 * The first hit in CLICKABLE_LAYERS priority order (camera, volcano, center, region, province), or null
 * when the click hit nothing selectable (which clears the selection).
 */
export function pickSelection(hits: readonly RenderedHit[]): Selection | null {
  for (const layer of CLICKABLE_LAYERS) {
    const hit = hits.find((f) => f.layer.id === layer);
    if (!hit) continue;
    const p = hit.properties;
    switch (layer) {
      case MAP_LAYER_IDS.camerasPoint:
        return { kind: 'camera', id: String(p['externalId']) };
      case MAP_LAYER_IDS.volcanoesCircle:
        return { kind: 'volcano', id: String(p['gvpNumber']) };
      case MAP_LAYER_IDS.centersCircle:
        return { kind: 'center', id: String(p['id']) };
      case MAP_LAYER_IDS.regionsFill:
        return { kind: 'region', id: String(p['centerId']) };
      case MAP_LAYER_IDS.provincesFill:
        return { kind: 'province', id: String(p['code']) };
    }
  }
  return null;
}
