import { describe, expect, it } from 'vitest';
import { CAMERA_KINDS, CAMERA_STATUSES } from '../../client/data/camera-features.js';
import { cameraIconId, clusterCountId, parseStyleImageId } from '../../client/map/style-images.js';

describe('parseStyleImageId', () => {
  it('reads back every camera symbol id the style can ask for', () => {
    for (const kind of CAMERA_KINDS) {
      for (const status of CAMERA_STATUSES) {
        expect(parseStyleImageId(cameraIconId(kind, status))).toEqual({ type: 'camera', kind, status });
      }
    }
  });

  it("reads cluster counts as MapLibre abbreviates them ('7', '950', '1.2k')", () => {
    for (const text of ['7', '950', '1.2k', '12k']) {
      expect(parseStyleImageId(clusterCountId(text))).toEqual({ type: 'cluster-count', text });
    }
  });

  it('ignores ids it does not draw', () => {
    expect(parseStyleImageId('camera:drone:online')).toBeNull();
    expect(parseStyleImageId('camera:dome:lost')).toBeNull();
    expect(parseStyleImageId('cluster-count:<b>')).toBeNull();
    expect(parseStyleImageId('marker')).toBeNull();
  });
});
