/** The camera GeoJSON the server sends (GET /api/cameras); property names are the API's. */
import type { FeatureCollection, Point } from 'geojson';

export const CAMERA_KINDS = ['dome', 'fixed', 'ptz', 'thermal'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];

export const CAMERA_STATUSES = ['online', 'maintenance', 'offline'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

export interface CameraProperties {
  externalId: string;
  name: string;
  kind: CameraKind;
  status: CameraStatus;
  /** Height of the lens above the ground, metres. */
  mountHeightM: number;
  /** Centre of the horizontal field of view, degrees clockwise from north. */
  azimuthDeg: number;
  /** Horizontal field of view, degrees; 360 for PTZ and domes. */
  hfovDeg: number;
  vfovDeg: number;
  tiltDeg: number;
  /** Useful range, metres. */
  rangeM: number;
  resolutionHPx: number;
  resolutionVPx: number;
  installDate: string | null;
  unitCostUsd: number | null;
  /** GVP number of the volcano a thermal camera watches. */
  volcanoGvp: number | null;
  synthetic: boolean;
}

export type CameraCollection = FeatureCollection<Point, CameraProperties>;
