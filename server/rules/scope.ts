/**
 * Which things a rule watches, and the scope keys its alerts are deduplicated on: one alert per rule and
 * scope key at a time (the `alerts_open_per_scope` index).
 *
 * Keys: `camera:<externalId>` (camera rules, one alert per camera, whatever the rule's scope),
 * `camera:<externalId>:obscured` (a thermal camera blind for too long), `region:<centerId>`, `h3:<cell>`.
 */
import type { CameraKind, CameraStatus } from '../domain/types.js';
import type { RuleScope } from './rule-schema.js';

/** What the rules need to know about a camera; the lead fills it from the `cameras` table. */
export interface CameraRef {
  /** The camera's external id, as in readings. */
  id: string;
  kind?: CameraKind | null;
  status?: CameraStatus | null;
  /** GVP number of the volcano it watches. */
  volcanoGvp?: number | null;
  /** The response center whose region the camera stands in. */
  centerId?: string | null;
  /** Its latest reading before the evaluator started (epoch ms), so silence is measured across restarts. */
  lastSeenMs?: number | null;
}

/** Whether a camera rule's scope includes this camera. */
export function cameraInScope(scope: RuleScope, camera: CameraRef): boolean {
  switch (scope.type) {
    case 'camera':
      return camera.id === scope.cameraId;
    case 'volcano':
      return camera.volcanoGvp === scope.gvpNumber;
    case 'region':
      return camera.centerId === scope.centerId;
    case 'all':
      return true;
  }
}

/** Whether an area rule's scope includes this region (center id). */
export function regionInScope(scope: RuleScope, regionId: string): boolean {
  return scope.type === 'all' || (scope.type === 'region' && scope.centerId === regionId);
}

export function cameraKey(cameraId: string): string {
  return `camera:${cameraId}`;
}

export function obscuredKey(cameraId: string): string {
  return `camera:${cameraId}:obscured`;
}

export function regionKey(centerId: string): string {
  return `region:${centerId}`;
}

export function hexKey(cell: string): string {
  return `h3:${cell}`;
}
