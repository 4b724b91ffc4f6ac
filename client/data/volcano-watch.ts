/**
 * The thermal watch of each monitored volcano for the map: its alert level (the most severe thermal
 * alert firing on one of its cameras, on the white–yellow–orange–red scale) and its latest
 * temperature (the hottest of its cameras' newest readings). Pure: the loader feeds it the thermal
 * cameras, the firing alerts and each camera's newest reading.
 */
import type { Severity } from '../charts/severity.js';
import type { AlertSummary } from '../charts/thermal-annotations.js';
import type { CameraCollection } from './camera-features.js';

/** Volcanic alert levels, least to most severe. */
export const VOLCANIC_LEVELS = ['white', 'yellow', 'orange', 'red'] as const;
export type VolcanicLevel = (typeof VOLCANIC_LEVELS)[number];

export interface VolcanoWatch {
  /** Most severe firing thermal alert; null when none fires. */
  level: VolcanicLevel | null;
  /** Hottest newest reading of its cameras (maximum temperature of the frame), °C; null without one. */
  latestC: number | null;
  /** When that reading was taken, ms since the epoch. */
  latestAt: number | null;
}

/** GVP number → watch, for the volcanoes that have thermal cameras. */
export type VolcanoWatchMap = ReadonlyMap<number, VolcanoWatch>;

const THERMAL_KINDS = ['thermal_threshold', 'thermal_rate', 'thermal_anomaly'];

export function volcanoWatch(
  thermalCameras: CameraCollection,
  firingAlerts: readonly Pick<AlertSummary, 'kind' | 'scopeKey' | 'severity'>[],
  latest: ReadonlyMap<string, { t: number; valueC: number }>,
): Map<number, VolcanoWatch> {
  const volcanoOf = new Map<string, number>();
  const watch = new Map<number, VolcanoWatch>();
  for (const camera of thermalCameras.features) {
    const { externalId, volcanoGvp } = camera.properties;
    if (volcanoGvp === null) continue;
    volcanoOf.set(`camera:${externalId}`, volcanoGvp);
    const entry = watch.get(volcanoGvp) ?? { level: null, latestC: null, latestAt: null };
    const reading = latest.get(externalId);
    if (reading && (entry.latestC === null || reading.valueC > entry.latestC)) {
      entry.latestC = reading.valueC;
      entry.latestAt = reading.t;
    }
    watch.set(volcanoGvp, entry);
  }
  for (const alert of firingAlerts) {
    if (!THERMAL_KINDS.includes(alert.kind)) continue;
    const gvp = volcanoOf.get(alert.scopeKey);
    const level = toVolcanicLevel(alert.severity);
    if (gvp === undefined || level === null) continue;
    const entry = watch.get(gvp)!;
    if (entry.level === null || VOLCANIC_LEVELS.indexOf(level) > VOLCANIC_LEVELS.indexOf(entry.level)) {
      entry.level = level;
    }
  }
  return watch;
}

/** Incident severities on thermal rules map onto the volcanic scale (advisory → yellow, …). */
function toVolcanicLevel(severity: Severity): VolcanicLevel | null {
  switch (severity) {
    case 'white':
    case 'yellow':
    case 'orange':
    case 'red':
      return severity;
    case 'advisory':
      return 'yellow';
    case 'watch':
      return 'orange';
    case 'warning':
      return 'red';
  }
}
