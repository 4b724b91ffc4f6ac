/**
 * A camera for tests: an online dome in central Quito with ordinary optics (90° × 50°, 300 m, 8 m up),
 * synthetic; `overrides` set whatever a test is about.
 */
import type { Camera } from '../../server/domain/types.js';

export function testCamera(externalId: string, overrides: Partial<Camera> = {}): Camera {
  return {
    externalId,
    name: `Test camera ${externalId}`,
    kind: 'dome',
    status: 'online',
    position: [-78.5, -0.2],
    mountHeightM: 8,
    azimuthDeg: 0,
    hfovDeg: 90,
    vfovDeg: 50,
    tiltDeg: 0,
    rangeM: 300,
    resolutionHPx: 1920,
    resolutionVPx: 1080,
    installDate: null,
    unitCostUsd: null,
    volcanoGvp: null,
    synthetic: true,
    ...overrides,
  };
}
