import { describe, expect, it } from 'vitest';
import type { ScatterplotLayer } from '@deck.gl/layers';
import { EMPTY_ALERT_LIST, applySnapshot, type Alert } from '../../client/data/alert-list.js';
import {
  MARKER_RADIUS_PX,
  PULSE_GROWTH,
  alertMarkers,
  buildAlertMarkerLayers,
  buildAlertPulseLayer,
  pulseRing,
  severityRgb,
  type AlertMarker,
} from '../../client/layers/alert-markers.js';
import { DECK_LAYER_IDS } from '../../client/map/layer-ids.js';

function createAlert(id: number, overrides: Partial<Alert> = {}): Alert {
  const at = '2026-11-16T10:00:00.000Z';
  return {
    id,
    ruleId: 1,
    ruleName: `rule ${id}`,
    kind: 'thermal_threshold',
    labels: {},
    scopeKey: `camera:CAM-${id}`,
    state: 'firing',
    severity: 'yellow',
    episode: 1,
    startedAt: at,
    firingAt: at,
    resolvedAt: null,
    lastEvalAt: at,
    lastValue: null,
    errorMessage: null,
    position: [-78.436, -0.677],
    acknowledgedBy: null,
    acknowledgedAt: null,
    assignedTo: null,
    silencedUntil: null,
    silenceReason: null,
    silenced: false,
    version: 1,
    updatedAt: at,
    ...overrides,
  };
}

const list = applySnapshot(EMPTY_ALERT_LIST, [
  createAlert(1, { severity: 'red', position: [-78.44, -0.68] }),
  createAlert(2, { severity: 'yellow', acknowledgedBy: 'op-quito', position: [-79.9, -2.19] }),
  createAlert(3, { severity: 'watch', state: 'pending', position: [-78.5, -0.2] }),
  createAlert(4, { severity: 'white', position: null }),
  createAlert(5, { severity: 'advisory', state: 'resolved', position: [-78.5, -0.2] }),
  createAlert(6, { severity: 'white', position: [-77.66, -0.08] }),
]);

describe('alertMarkers', () => {
  it('marks only firing alerts that have a place, least severe first so the most severe draw on top', () => {
    const markers = alertMarkers(list);
    expect(markers.all.map((m) => [m.id, m.rank])).toEqual([
      [6, 0],
      [2, 1],
      [1, 3],
    ]);
  });

  it('pulses the ones nobody has acknowledged', () => {
    expect(alertMarkers(list).pulsing.map((m) => m.id)).toEqual([6, 1]);
  });
});

describe('buildAlertMarkerLayers', () => {
  const markers = alertMarkers(list);

  it('draws the dots pickable, in the severity colour, larger with severity', () => {
    const [dots] = buildAlertMarkerLayers(markers, null) as ScatterplotLayer<AlertMarker>[];
    expect(dots!.id).toBe(DECK_LAYER_IDS.alertMarkers);
    expect(dots!.props.pickable).toBe(true);
    expect(dots!.props.data).toBe(markers.all);
    const red = markers.all.find((m) => m.id === 1)!;
    const getRadius = dots!.props.getRadius as unknown as (m: AlertMarker) => number;
    const getFillColor = dots!.props.getFillColor as unknown as (m: AlertMarker) => number[];
    expect(getRadius(red)).toBe(MARKER_RADIUS_PX[3]);
    // Okabe–Ito vermillion #D55E00 (charts/severity.ts).
    expect(getFillColor(red)).toEqual([0xd5, 0x5e, 0x00]);
    expect(MARKER_RADIUS_PX[0]).toBeLessThan(MARKER_RADIUS_PX[3]);
  });

  it('rings the selected alert only when it is on the map', () => {
    const ringOf = (selected: number | null) =>
      (buildAlertMarkerLayers(markers, selected)[1] as ScatterplotLayer<AlertMarker>).props.data;
    expect(ringOf(1)).toEqual([markers.all.find((m) => m.id === 1)]);
    expect(ringOf(3)).toEqual([]); // pending: no marker
    expect(ringOf(null)).toEqual([]);
  });
});

describe('the pulse', () => {
  const markers = alertMarkers(list);

  it('grows from the dot to PULSE_GROWTH times its radius while fading out', () => {
    expect(pulseRing(0)).toEqual({ scale: 1, opacity: 0.9 });
    expect(pulseRing(0.5)).toEqual({ scale: 1 + (PULSE_GROWTH - 1) / 2, opacity: 0.45 });
    expect(pulseRing(1)).toEqual({ scale: PULSE_GROWTH, opacity: 0 });
  });

  it('changes only uniforms from frame to frame: the same data array, another radiusScale and opacity', () => {
    const a = buildAlertPulseLayer(markers, 0.1) as ScatterplotLayer<AlertMarker>;
    const b = buildAlertPulseLayer(markers, 0.6) as ScatterplotLayer<AlertMarker>;
    expect(a.id).toBe(DECK_LAYER_IDS.alertPulse);
    expect(b.props.data).toBe(a.props.data);
    expect(b.props.data).toBe(markers.pulsing);
    expect(b.props.radiusScale).toBeGreaterThan(a.props.radiusScale);
    expect(b.props.opacity).toBeLessThan(a.props.opacity);
    expect(a.props.updateTriggers).toEqual({});
  });

  it('stands still as a faint ring when motion is reduced', () => {
    const still = buildAlertPulseLayer(markers, null) as ScatterplotLayer<AlertMarker>;
    expect(still.props.radiusScale).toBeGreaterThan(1);
    expect(still.props.opacity).toBeGreaterThan(0);
  });
});

describe('severityRgb', () => {
  it('reads the hex colours of the severities', () => {
    expect(severityRgb('yellow')).toEqual([0xf0, 0xe4, 0x42]);
    expect(severityRgb('advisory')).toEqual([0x56, 0xb4, 0xe9]);
  });
});
