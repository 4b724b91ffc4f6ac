/**
 * Moves of the density layer's time window on the slider's domain, as pure functions: snapping a
 * brushed range to the histogram's buckets, the width presets, stepping back and forth, and the
 * playback that slides the window across the domain one width at a time.
 */
import type { TimeWindow } from '../state/app-state.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Window widths the slider offers as buttons, milliseconds. */
export const WINDOW_PRESETS = [
  { id: '1h', ms: HOUR_MS },
  { id: '6h', ms: 6 * HOUR_MS },
  { id: '1d', ms: DAY_MS },
  { id: '7d', ms: 7 * DAY_MS },
] as const;
export type WindowPresetId = (typeof WINDOW_PRESETS)[number]['id'];

/** Width a playback uses when the window is the whole domain: a day, so a month plays day by day. */
export const DEFAULT_PLAY_WIDTH_MS = DAY_MS;

/**
 * A brushed range snapped outward to whole buckets of `bucketMs` (aligned to the epoch, as the
 * server's buckets are to 2000-01-01Z, which is a whole number of hours and days after it), and
 * clamped to the domain. Null when the range covers the whole domain (no window).
 */
export function snapWindow(range: TimeWindow, bucketMs: number, domain: TimeWindow): TimeWindow | null {
  let from = Math.floor(range.from / bucketMs) * bucketMs;
  let to = Math.ceil(range.to / bucketMs) * bucketMs;
  from = Math.max(domain.from, from);
  to = Math.min(domain.to, to);
  if (to - from < bucketMs) {
    to = Math.min(domain.to, from + bucketMs);
    from = to - bucketMs;
  }
  if (from <= domain.from && to >= domain.to) return null;
  return { from, to };
}

/** A window of `widthMs` ending where the current one ends (or at the domain's end), inside the domain. */
export function presetWindow(widthMs: number, window: TimeWindow | null, domain: TimeWindow): TimeWindow | null {
  const to = Math.min(domain.to, window?.to ?? domain.to);
  const from = Math.max(domain.from, to - widthMs);
  if (from <= domain.from && to >= domain.to) return null;
  return { from, to: Math.min(domain.to, from + widthMs) };
}

/** The window moved by its own width, backwards (-1) or forwards (+1), stopping at the domain's edges. */
export function shiftWindow(window: TimeWindow, direction: -1 | 1, domain: TimeWindow): TimeWindow {
  const width = window.to - window.from;
  let from = window.from + direction * width;
  from = Math.max(domain.from, Math.min(domain.to - width, from));
  return { from, to: from + width };
}

/**
 * Where a playback starts: the current window if it can still move forward, else a window of the
 * same width (a day when there is no window) at the start of the domain.
 */
export function playbackStart(window: TimeWindow | null, domain: TimeWindow): TimeWindow {
  const width = window ? window.to - window.from : DEFAULT_PLAY_WIDTH_MS;
  if (window && window.to < domain.to) return window;
  return { from: domain.from, to: Math.min(domain.to, domain.from + width) };
}

/** The next frame of a playback: the window moved forward by its width; null once it has reached the end. */
export function playbackStep(window: TimeWindow, domain: TimeWindow): TimeWindow | null {
  if (window.to >= domain.to) return null;
  return shiftWindow(window, 1, domain);
}
