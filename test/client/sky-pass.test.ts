import { describe, expect, it } from 'vitest';
import { horizonDistance, horizonInView } from '../../client/map/sky-pass.js';

describe('the sky pass', () => {
  // MapLibre's default field of view is 36.87°: the camera is 0.5 / tan(18.43°) = 1.5 view heights
  // from the centre, 1152 px for a 768 px tall map.
  const cameraToCenter = 1152;

  it('has no horizon on screen on a flat map', () => {
    // min(tan(90°)·0.85, tan(85°)) = 11.43 → 13 168 px from the centre.
    expect(horizonDistance(cameraToCenter, 0)).toBeCloseTo(1152 * Math.tan((85 * Math.PI) / 180), 6);
    expect(horizonInView(horizonDistance(cameraToCenter, 0), 1366, 768, 0)).toBe(false);
  });

  it('has none at the map’s steepest pitch (60°) either: 537 px up, the view reaches 384', () => {
    // min(tan(30°)·0.85 = 0.491, tan(25°) = 0.466) · 1152 = 537 px.
    const horizon = horizonDistance(cameraToCenter, 60);
    expect(horizon).toBeCloseTo(537.2, 1);
    expect(horizonInView(horizon, 1366, 768, 0)).toBe(false);
  });

  it('shows the horizon when tilted further (80°) or rolled sideways', () => {
    // min(tan(10°)·0.85 = 0.150, tan(5°) = 0.0875) · 1152 = 101 px < 384.
    expect(horizonInView(horizonDistance(cameraToCenter, 80), 1366, 768, 0)).toBe(true);
    // Rolled 90°, the view reaches 683 px along the horizon's normal.
    expect(horizonInView(537.2, 1366, 768, 90)).toBe(true);
  });
});
