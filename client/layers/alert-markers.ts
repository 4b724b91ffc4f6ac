/**
 * The firing alerts on the map (overlay "alerts"): a dot at each alert's place in its severity's
 * colour, larger the more severe, a white ring round the selected one, and a ring that pulses out of
 * each alert nobody has acknowledged yet. Pure builders over plain data; the pulse is one small
 * layer whose ring size and opacity are uniforms (radiusScale, opacity), so an animation frame
 * changes two numbers and recomputes no attribute (client/map/alert-marker-driver.ts drives it).
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { SEVERITY_COLORS, type Severity } from '../charts/severity.js';
import { severityRank, type AlertList } from '../data/alert-list.js';
import { DECK_LAYER_IDS } from '../map/layer-ids.js';

export interface AlertMarker {
  id: number;
  /** [lng, lat], degrees. */
  position: [number, number];
  severity: Severity;
  rank: 0 | 1 | 2 | 3;
  acknowledged: boolean;
}

export interface AlertMarkers {
  /** Every firing alert with a place, least severe first so that the most severe draw on top. */
  all: AlertMarker[];
  /** Those not acknowledged yet: they pulse. */
  pulsing: AlertMarker[];
}

/** Dot radius per severity rank (white … red), CSS pixels. */
export const MARKER_RADIUS_PX = [5, 6.5, 8, 9.5] as const;
/** How far the pulse ring grows, as a multiple of the dot's radius, over one period. */
export const PULSE_GROWTH = 2.2;
/** Ring size and opacity drawn instead of the pulse when motion is reduced. */
const STILL_RING = { scale: 1.9, opacity: 0.7 };
const OUTLINE: [number, number, number] = [11, 22, 32];

/** The markers of the firing alerts that have a position. */
export function alertMarkers(list: AlertList): AlertMarkers {
  const all: AlertMarker[] = [];
  for (const alert of list.byId.values()) {
    if (alert.state !== 'firing' || !alert.position) continue;
    all.push({
      id: alert.id,
      position: alert.position,
      severity: alert.severity,
      rank: severityRank(alert.severity),
      acknowledged: alert.acknowledgedBy !== null,
    });
  }
  all.sort((a, b) => a.rank - b.rank || a.id - b.id);
  return { all, pulsing: all.filter((m) => !m.acknowledged) };
}

/** The dots and the selection ring; rebuilt only when the alerts or the selection change. */
export function buildAlertMarkerLayers(markers: AlertMarkers, selected: number | null): Layer[] {
  const chosen = selected === null ? undefined : markers.all.find((m) => m.id === selected);
  return [
    new ScatterplotLayer<AlertMarker>({
      id: DECK_LAYER_IDS.alertMarkers,
      data: markers.all,
      getPosition: (m) => m.position,
      getRadius: (m) => MARKER_RADIUS_PX[m.rank],
      radiusUnits: 'pixels',
      getFillColor: (m) => severityRgb(m.severity),
      stroked: true,
      getLineColor: OUTLINE,
      getLineWidth: 1.5,
      lineWidthUnits: 'pixels',
      pickable: true,
    }),
    new ScatterplotLayer<AlertMarker>({
      id: DECK_LAYER_IDS.alertSelected,
      data: chosen ? [chosen] : [],
      getPosition: (m) => m.position,
      getRadius: (m) => MARKER_RADIUS_PX[m.rank] + 5,
      radiusUnits: 'pixels',
      filled: false,
      stroked: true,
      getLineColor: [255, 255, 255],
      getLineWidth: 2.5,
      lineWidthUnits: 'pixels',
    }),
  ];
}

/**
 * The ring round each unacknowledged firing alert. `phase` in [0, 1) grows it from the dot outwards
 * while it fades; null draws it still (prefers-reduced-motion). Only radiusScale and opacity depend
 * on the phase, so the same `markers.pulsing` array is reused from frame to frame.
 */
export function buildAlertPulseLayer(markers: AlertMarkers, phase: number | null): Layer {
  const { scale, opacity } = pulseRing(phase);
  return new ScatterplotLayer<AlertMarker>({
    id: DECK_LAYER_IDS.alertPulse,
    data: markers.pulsing,
    getPosition: (m) => m.position,
    getRadius: (m) => MARKER_RADIUS_PX[m.rank],
    radiusUnits: 'pixels',
    radiusScale: scale,
    filled: false,
    stroked: true,
    getLineColor: (m) => severityRgb(m.severity),
    getLineWidth: 2.5,
    lineWidthUnits: 'pixels',
    opacity,
  });
}

/**
 * Size (multiple of the dot's radius) and opacity of the pulse ring at a phase of its period: from
 * the dot's edge (scale 1, opaque) to PULSE_GROWTH times out, fading linearly to nothing.
 */
export function pulseRing(phase: number | null): { scale: number; opacity: number } {
  if (phase === null) return STILL_RING;
  const p = Math.min(Math.max(phase, 0), 1);
  return { scale: 1 + (PULSE_GROWTH - 1) * p, opacity: 0.9 * (1 - p) };
}

/** A severity's colour (charts/severity.ts) as deck.gl RGB. */
export function severityRgb(severity: Severity): [number, number, number] {
  const hex = SEVERITY_COLORS[severity];
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}
