/**
 * Keeps the alert markers (layers/alert-markers.ts) on the deck.gl overlay and animates their pulse.
 * The markers are rebuilt only when the alerts or the selection change; an animation frame rebuilds
 * just the pulse layer with a new phase (two uniforms) and asks the map to redraw. Frames come at
 * most every FRAME_MS — a slow, calm pulse does not need 60 Hz — only while some unacknowledged alert
 * is firing and the overlay is on, never while the tab is hidden (requestAnimationFrame pauses) and
 * never when the user prefers reduced motion (a still ring is drawn instead).
 */
import type { Layer } from '@deck.gl/core';
import type { AlertList } from '../data/alert-list.js';
import {
  alertMarkers,
  buildAlertMarkerLayers,
  buildAlertPulseLayer,
  type AlertMarkers,
} from '../layers/alert-markers.js';
import type { AppState } from '../state/app-state.js';

/** One pulse, ms. */
export const PULSE_PERIOD_MS = 1800;
/** Shortest time between two animation frames, ms (about 20 frames a second). */
const FRAME_MS = 50;

export interface AlertMarkerDriver {
  /** Follows the overlay switch, the selected alert and the alert list. */
  update(state: AppState, list: AlertList): void;
  /** The alert layers to draw now (empty when the overlay is off). */
  layers(): Layer[];
  stop(): void;
}

/**
 * @param redraw sets the overlay's layers again (with layers() at the end)
 * @param frameMs shortest time between two pulse frames, ms (longer on software WebGL)
 */
export function createAlertMarkerDriver(redraw: () => void, frameMs = FRAME_MS): AlertMarkerDriver {
  let list: AlertList | null = null;
  let markers: AlertMarkers = { all: [], pulsing: [] };
  let selected: number | null = null;
  let on = false;
  let staticLayers: Layer[] = [];
  let frame = 0;
  let lastFrameAt = 0;
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)');
  const still = () => reduced?.matches ?? false;

  const tick = (now: number) => {
    frame = 0;
    if (!animating()) return;
    if (now - lastFrameAt >= frameMs) {
      lastFrameAt = now;
      redraw();
    }
    frame = requestAnimationFrame(tick);
  };
  const animating = () => on && markers.pulsing.length > 0 && !still();
  const syncAnimation = () => {
    if (animating() && frame === 0) frame = requestAnimationFrame(tick);
    if (!animating() && frame !== 0) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
  };
  const onMotionChange = () => {
    syncAnimation();
    redraw();
  };
  reduced?.addEventListener?.('change', onMotionChange);

  return {
    update(state, nextList) {
      const nextOn = state.overlays.has('alerts');
      if (nextList === list && state.alert === selected && nextOn === on) return;
      if (nextList !== list) markers = alertMarkers(nextList);
      list = nextList;
      selected = state.alert;
      on = nextOn;
      staticLayers = on ? buildAlertMarkerLayers(markers, selected) : [];
      syncAnimation();
    },
    layers() {
      if (!on) return [];
      const phase = still() ? null : (performance.now() % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
      return [buildAlertPulseLayer(markers, phase), ...staticLayers];
    },
    stop() {
      if (frame !== 0) cancelAnimationFrame(frame);
      frame = 0;
      reduced?.removeEventListener?.('change', onMotionChange);
    },
  };
}
