/**
 * EXTENSION POINT for the alerts API: the threshold lines of a volcano's thermal rules and the
 * periods its alerts were active, which the thermal chart draws (dashed lines and shaded bands)
 * whenever they are given. The alerts API (rules and alert history over HTTP) has not landed yet,
 * so loadThermalAnnotations returns no annotations: nothing is made up in the meantime. When it
 * lands, fetch the rules whose scope covers the volcano and the alerts overlapping [from, to)
 * here, and map them to these shapes; the chart needs no change.
 */
import type { Severity } from './severity.js';

export interface ThresholdLine {
  /** Temperature of the threshold, °C. */
  valueC: number;
  /** The rule's name, shown next to the line. */
  label: string;
  severity: Severity;
}

export interface AlertPeriod {
  /** Start and end of the alert, ms since the epoch; `to` null while still active. */
  from: number;
  to: number | null;
  severity: Severity;
}

export interface ThermalAnnotations {
  thresholds: ThresholdLine[];
  alertPeriods: AlertPeriod[];
}

export const NO_ANNOTATIONS: ThermalAnnotations = { thresholds: [], alertPeriods: [] };

/**
 * The rule thresholds and alert periods of a volcano over [from, to). Until the alerts API exists
 * this resolves to NO_ANNOTATIONS (see the module comment).
 */
export async function loadThermalAnnotations(
  _volcanoGvp: number,
  _window: { from: number; to: number },
  _signal?: AbortSignal,
): Promise<ThermalAnnotations> {
  return NO_ANNOTATIONS;
}
