/**
 * MapLibre 6 draws its sky on every frame, before any layer: a full-screen quad whose fragment
 * shader colours only what lies above the horizon. This map never shows the horizon (flat map,
 * pitch at most 60°, no roll), so the pass draws nothing a user sees, yet costs one WebGL program
 * at load and one full-screen shader pass per frame — a fill-rate cost that software WebGL pays in
 * full. `skipSkyOutOfView` draws the sky only when the horizon is on screen.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

/** MapLibre's steepest angle between the camera ray and the ground at which it still places the horizon, degrees. */
const MAX_HORIZON_ANGLE = 85;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Distance from the screen centre to the horizon line, CSS pixels, as MapLibre computes it
 * (getMercatorHorizon in src/geo/projection/mercator_utils.ts).
 */
export function horizonDistance(cameraToCenterDistance: number, pitchDeg: number): number {
  return (
    cameraToCenterDistance *
    Math.min(Math.tan(radians(90 - pitchDeg)) * 0.85, Math.tan(radians(MAX_HORIZON_ANGLE - pitchDeg)))
  );
}

/**
 * Whether any pixel of a `width`×`height` view lies above the horizon: the horizon line is
 * `horizon` px from the centre along the view's up direction turned by `rollDeg`.
 */
export function horizonInView(horizon: number, width: number, height: number, rollDeg: number): boolean {
  const roll = radians(rollDeg);
  // How far the view reaches from its centre along the horizon's normal.
  const reach = (width / 2) * Math.abs(Math.sin(roll)) + (height / 2) * Math.abs(Math.cos(roll));
  return horizon < reach;
}

/** Makes the map skip its sky pass while the horizon is off screen (globe projection excepted). */
export function skipSkyOutOfView(map: MapLibreMap): void {
  const painter = map.painter;
  const drawSky = painter.drawFunctions.sky;
  painter.drawFunctions = {
    ...painter.drawFunctions,
    sky: (mesh, context) => {
      const transform = context.transform;
      const horizon = horizonDistance(transform.cameraToCenterDistance, transform.pitch);
      const globe = map.getProjection()?.type === 'globe';
      if (globe || horizonInView(horizon, transform.width, transform.height, transform.roll)) {
        drawSky(mesh, context);
      }
    },
  };
}
