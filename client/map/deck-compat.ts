/**
 * deck.gl 9.4's MapboxOverlay reads `map.transform` (height, elevation) to build its viewport, as
 * MapLibre ≤ 5 exposed it. MapLibre 6 keeps the transform on the map's camera instead, so without
 * this the interleaved overlay throws on every frame ("reading 'height' of undefined").
 * Remove once @deck.gl/mapbox reads MapLibre 6's camera.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

export function exposeTransformForDeck(map: MapLibreMap): void {
  if ('transform' in map) return;
  Object.defineProperty(map, 'transform', { configurable: true, get: () => map._camera.transform });
}
