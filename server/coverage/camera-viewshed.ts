/**
 * From a camera of the inventory (server/domain/types.ts) to viewshed options: where the lens
 * is, how far it sees, and which part of the sphere its mount lets it look at.
 */
import type { Camera } from '../domain/types.js';
import type { ViewshedOptions } from './viewshed.js';
import { DEFAULT_CURVATURE_COEFF, DEFAULT_TARGET_HEIGHT_M } from './viewshed.js';

export type CameraForViewshed = Pick<
  Camera,
  'kind' | 'position' | 'mountHeightM' | 'azimuthDeg' | 'hfovDeg' | 'vfovDeg' | 'tiltDeg' | 'rangeM'
>;

export interface CameraViewshedChoices {
  /** Default 1.7 m. */
  targetHeightM?: number;
  /** Default 0.85714 (gdal_viewshed's and GRASS's). */
  curvatureCoeff?: number;
  /**
   * Whether the tilt ± vfov/2 band limits what is seen. 'auto' (default): yes for a camera with
   * a fixed view (hfov < 360), no for a 360° PTZ or patrolling dome, which tilts through its
   * whole range.
   */
  tiltLimits?: 'auto' | 'always' | 'never';
}

/**
 * Viewshed options for a camera on a DEM in EPSG:4326 (its position is lon/lat): eye at the
 * mount height, range and horizontal sector from the inventory (none for hfov 360).
 */
export function cameraViewshedOptions(
  camera: CameraForViewshed,
  choices: CameraViewshedChoices = {},
): ViewshedOptions {
  const [lon, lat] = camera.position;
  const fullCircle = camera.hfovDeg >= 360;
  const mode = choices.tiltLimits ?? 'auto';
  const tilt = mode === 'always' || (mode === 'auto' && !fullCircle);
  return {
    x: lon,
    y: lat,
    observerHeightM: camera.mountHeightM,
    targetHeightM: choices.targetHeightM ?? DEFAULT_TARGET_HEIGHT_M,
    rangeM: camera.rangeM,
    curvatureCoeff: choices.curvatureCoeff ?? DEFAULT_CURVATURE_COEFF,
    sector: fullCircle ? null : { azimuthDeg: camera.azimuthDeg, hfovDeg: camera.hfovDeg },
    verticalLimits: tilt ? { tiltDeg: camera.tiltDeg, vfovDeg: camera.vfovDeg } : null,
  };
}

/**
 * The lens field of view for pixel density: the camera's hfov, or for a 360° camera the lens's
 * own (which the inventory does not hold, so it must be given).
 */
export function lensHfovDeg(
  camera: Pick<Camera, 'hfovDeg' | 'externalId'>,
  lensHfovForFullCircle?: number,
): number {
  if (camera.hfovDeg < 180) return camera.hfovDeg;
  if (lensHfovForFullCircle === undefined) {
    throw new Error(
      `Camera ${camera.externalId} has hfov ${camera.hfovDeg}°; give its lens's own field of view for pixel density`,
    );
  }
  return lensHfovForFullCircle;
}
