/** Viewshed options from the camera inventory. */
import { describe, expect, it } from 'vitest';
import { cameraViewshedOptions, lensHfovDeg } from '../../server/coverage/camera-viewshed.js';
import type { CameraForViewshed } from '../../server/coverage/camera-viewshed.js';

const fixed: CameraForViewshed = {
  kind: 'fixed',
  position: [-78.49, -0.18],
  mountHeightM: 8,
  azimuthDeg: 120,
  hfovDeg: 70,
  vfovDeg: 40,
  tiltDeg: -15,
  rangeM: 300,
};
const ptz: CameraForViewshed = { ...fixed, kind: 'ptz', hfovDeg: 360, vfovDeg: 60, tiltDeg: 0, rangeM: 800 };

describe('cameraViewshedOptions', () => {
  it('gives a fixed camera its sector and its tilt band', () => {
    expect(cameraViewshedOptions(fixed)).toEqual({
      x: -78.49,
      y: -0.18,
      observerHeightM: 8,
      targetHeightM: 1.7,
      rangeM: 300,
      curvatureCoeff: 0.85714,
      sector: { azimuthDeg: 120, hfovDeg: 70 },
      verticalLimits: { tiltDeg: -15, vfovDeg: 40 },
    });
  });

  it('gives a 360° PTZ neither a sector nor a tilt band, unless asked', () => {
    const o = cameraViewshedOptions(ptz);
    expect([o.sector, o.verticalLimits]).toEqual([null, null]);
    expect(cameraViewshedOptions(ptz, { tiltLimits: 'always' }).verticalLimits).toEqual({
      tiltDeg: 0,
      vfovDeg: 60,
    });
    expect(cameraViewshedOptions(fixed, { tiltLimits: 'never' }).verticalLimits).toBeNull();
  });
});

describe('lensHfovDeg', () => {
  it("is the camera's hfov, or the lens's own for a 360° camera", () => {
    expect(lensHfovDeg({ externalId: 'q-1', hfovDeg: 70 })).toBe(70);
    expect(lensHfovDeg({ externalId: 'q-2', hfovDeg: 360 }, 55)).toBe(55);
    expect(() => lensHfovDeg({ externalId: 'q-2', hfovDeg: 360 })).toThrow(/Camera q-2 has hfov 360°/);
  });
});
