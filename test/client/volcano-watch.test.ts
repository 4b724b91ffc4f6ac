import { describe, expect, it } from 'vitest';
import type { CameraCollection } from '../../client/data/camera-features.js';
import { volcanoWatch } from '../../client/data/volcano-watch.js';
import { volcanoLabel } from '../../client/layers/place-labels.js';

function thermal(id: string, volcanoGvp: number | null): CameraCollection['features'][number] {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [-78.4, -0.7] },
    properties: {
      externalId: id,
      name: id,
      kind: 'thermal',
      status: 'online',
      mountHeightM: 4,
      azimuthDeg: 0,
      hfovDeg: 20,
      vfovDeg: 15,
      tiltDeg: 10,
      rangeM: 15000,
      resolutionHPx: 640,
      resolutionVPx: 512,
      installDate: null,
      unitCostUsd: null,
      volcanoGvp,
      synthetic: true,
    },
  };
}

const cameras: CameraCollection = {
  type: 'FeatureCollection',
  features: [thermal('C1', 352050), thermal('C2', 352050), thermal('T1', 352080), thermal('X', null)],
};

describe('volcanoWatch', () => {
  it("takes the most severe thermal alert firing on a volcano's cameras and the hottest latest reading", () => {
    const watch = volcanoWatch(
      cameras,
      [
        { kind: 'thermal_threshold', scopeKey: 'camera:C1', severity: 'yellow' },
        { kind: 'thermal_rate', scopeKey: 'camera:C2', severity: 'orange' },
        // Not about temperature, not one of these cameras: no effect.
        { kind: 'stale_sensor', scopeKey: 'camera:T1', severity: 'red' },
        { kind: 'thermal_threshold', scopeKey: 'camera:Z9', severity: 'red' },
      ],
      new Map([
        ['C1', { t: 1000, valueC: 31.5 }],
        ['C2', { t: 2000, valueC: 44 }],
      ]),
    );
    expect(watch.get(352050)).toEqual({ level: 'orange', latestC: 44, latestAt: 2000 });
    expect(watch.get(352080)).toEqual({ level: null, latestC: null, latestAt: null });
    expect(watch.size).toBe(2);
  });

  it('reads incident severities on a thermal rule onto the volcanic scale (warning is red)', () => {
    const watch = volcanoWatch(
      cameras,
      [{ kind: 'thermal_anomaly', scopeKey: 'camera:T1', severity: 'warning' }],
      new Map(),
    );
    expect(watch.get(352080)!.level).toBe('red');
  });
});

describe('volcanoLabel', () => {
  it('puts the latest temperature under the name, in the language (es-EC groups thousands with a dot)', () => {
    const watch = new Map([[352050, { level: null, latestC: 1234.4, latestAt: 0 }]]);
    expect(volcanoLabel({ gvpNumber: 352050, name: 'Cotopaxi' }, watch, 'es')).toBe('Cotopaxi\n1.234 °C');
    expect(volcanoLabel({ gvpNumber: 352050, name: 'Cotopaxi' }, watch, 'en')).toBe('Cotopaxi\n1,234 °C');
    expect(volcanoLabel({ gvpNumber: 352080, name: 'Tungurahua' }, watch, 'en')).toBe('Tungurahua');
    expect(volcanoLabel({ gvpNumber: 352050, name: 'Cotopaxi' }, null, 'en')).toBe('Cotopaxi');
  });
});
