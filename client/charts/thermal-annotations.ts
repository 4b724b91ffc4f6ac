/**
 * What the thermal chart draws over the readings, from the alerts API: the threshold lines of the
 * thermal_threshold rules that watch the volcano's cameras, and the periods the thermal alerts of
 * those cameras were firing (shaded by severity). Pure selection functions, plus the loader that
 * asks GET /api/rules and GET /api/alerts for them.
 */
import { getJson } from '../data/api-client.js';
import type { Severity } from './severity.js';

export interface ThresholdLine {
  /** Temperature of the threshold, °C. */
  valueC: number;
  /** The rule's name, shown next to the line. */
  label: string;
  severity: Severity;
}

export interface AlertPeriod {
  /** Start and end of the firing, ms since the epoch; `to` null while still firing. */
  from: number;
  to: number | null;
  severity: Severity;
}

export interface ThermalAnnotations {
  thresholds: ThresholdLine[];
  alertPeriods: AlertPeriod[];
}

export const NO_ANNOTATIONS: ThermalAnnotations = { thresholds: [], alertPeriods: [] };

/** The fields of GET /api/rules entries read here. */
export interface RuleSummary {
  name: string;
  kind: string;
  severity: Severity;
  enabled: boolean;
  scope: { type: string; gvpNumber?: number; cameraId?: string };
  params: { thresholdC?: number; field?: string };
}

/** The fields of GET /api/alerts entries read here. */
export interface AlertSummary {
  kind: string;
  scopeKey: string;
  severity: Severity;
  firingAt: string | null;
  resolvedAt: string | null;
}

/** Rule kinds whose alerts are about the temperature the chart shows. */
const THERMAL_KINDS = ['thermal_threshold', 'thermal_rate', 'thermal_anomaly'];

/**
 * Threshold lines of the enabled thermal_threshold rules on the maximum temperature (the quantity
 * the chart plots) whose scope covers the volcano: the volcano itself, one of its cameras, or all
 * cameras. Region-scoped rules are left out: which region a volcano falls in is not known here.
 * Sorted by temperature.
 */
export function thresholdsFor(
  rules: readonly RuleSummary[],
  volcanoGvp: number,
  cameraIds: readonly string[],
): ThresholdLine[] {
  const lines = rules.flatMap((rule): ThresholdLine[] => {
    if (!rule.enabled || rule.kind !== 'thermal_threshold') return [];
    if ((rule.params.field ?? 'max') !== 'max' || typeof rule.params.thresholdC !== 'number') return [];
    const { scope } = rule;
    const covers =
      scope.type === 'all' ||
      (scope.type === 'volcano' && scope.gvpNumber === volcanoGvp) ||
      (scope.type === 'camera' && scope.cameraId !== undefined && cameraIds.includes(scope.cameraId));
    return covers ? [{ valueC: rule.params.thresholdC, label: rule.name, severity: rule.severity }] : [];
  });
  return lines.sort((a, b) => a.valueC - b.valueC);
}

/** Volcanic severities from least to most severe, then the incident ones: a later one wins an overlap. */
const SEVERITY_RANK: readonly Severity[] = [
  'white',
  'advisory',
  'yellow',
  'watch',
  'orange',
  'warning',
  'red',
];

/**
 * The periods thermal alerts of these cameras were firing within [from, to), ms: one band per
 * severity with overlapping periods merged (four cameras firing together shade once), most
 * severe last so it is drawn on top. Alerts that never fired (pending only) shade nothing, nor do
 * the "obscured too long" alerts (scope key camera:<id>:obscured), which the hatched strip shows.
 */
export function alertPeriodsFor(
  alerts: readonly AlertSummary[],
  cameraIds: readonly string[],
  window: { from: number; to: number },
): AlertPeriod[] {
  const scopes = new Set(cameraIds.map((id) => `camera:${id}`));
  const bySeverity = new Map<Severity, { from: number; to: number; open: boolean }[]>();
  for (const alert of alerts) {
    if (!THERMAL_KINDS.includes(alert.kind) || !scopes.has(alert.scopeKey) || !alert.firingAt) continue;
    const from = Date.parse(alert.firingAt);
    const open = alert.resolvedAt === null;
    const to = open ? Number.POSITIVE_INFINITY : Date.parse(alert.resolvedAt!);
    if (to <= window.from || from >= window.to) continue;
    const list = bySeverity.get(alert.severity) ?? [];
    list.push({ from, to, open });
    bySeverity.set(alert.severity, list);
  }
  const periods: AlertPeriod[] = [];
  for (const severity of SEVERITY_RANK) {
    const list = (bySeverity.get(severity) ?? []).sort((a, b) => a.from - b.from);
    let current: { from: number; to: number } | null = null;
    for (const p of list) {
      if (current && p.from <= current.to) {
        current.to = Math.max(current.to, p.to);
        continue;
      }
      if (current) periods.push(toPeriod(current, severity));
      current = { from: p.from, to: p.to };
    }
    if (current) periods.push(toPeriod(current, severity));
  }
  return periods;
}

function toPeriod(span: { from: number; to: number }, severity: Severity): AlertPeriod {
  return { from: span.from, to: Number.isFinite(span.to) ? span.to : null, severity };
}

/**
 * Which thresholds the y axis stretches to: those within one data span (at least 10 °C) above or
 * below the readings. Farther ones would flatten the readings into a line, so the chart names
 * them at its edge instead ("off scale").
 */
export function thresholdsInView(
  extent: [number, number],
  thresholds: readonly ThresholdLine[],
): { extent: [number, number]; inView: ThresholdLine[]; offScale: ThresholdLine[] } {
  const [lo, hi] = extent;
  const reach = Math.max(10, hi - lo);
  const inView = thresholds.filter((l) => l.valueC <= hi + reach && l.valueC >= lo - reach);
  const offScale = thresholds.filter((l) => !inView.includes(l));
  const values = inView.map((l) => l.valueC);
  const pad = Math.max(1, reach * 0.05);
  return {
    extent: [Math.min(lo, ...values.map((v) => v - pad)), Math.max(hi, ...values.map((v) => v + pad))],
    inView,
    offScale,
  };
}

/**
 * The rule thresholds and alert periods of a volcano's thermal cameras over [from, to), from
 * GET /api/rules and GET /api/alerts (the alerts near the cameras, newest first, up to 1000).
 */
export async function loadThermalAnnotations(
  volcanoGvp: number,
  cameras: readonly { id: string; position: [number, number] }[],
  window: { from: number; to: number },
  signal?: AbortSignal,
): Promise<ThermalAnnotations> {
  if (cameras.length === 0) return NO_ANNOTATIONS;
  const ids = cameras.map((c) => c.id);
  const lngs = cameras.map((c) => c.position[0]);
  const lats = cameras.map((c) => c.position[1]);
  // A little beyond the cameras, so a camera on the bbox edge is not lost to rounding.
  const bbox = [
    Math.min(...lngs) - 0.01,
    Math.min(...lats) - 0.01,
    Math.max(...lngs) + 0.01,
    Math.max(...lats) + 0.01,
  ]
    .map((v) => v.toFixed(4))
    .join(',');
  const [rules, alerts] = await Promise.all([
    getJson<{ rules: RuleSummary[] }>('/api/rules', signal),
    getJson<{ alerts: AlertSummary[] }>(
      `/api/alerts?kind=${THERMAL_KINDS.join(',')}&bbox=${bbox}&limit=1000`,
      signal,
    ),
  ]);
  return {
    thresholds: thresholdsFor(rules.rules, volcanoGvp, ids),
    alertPeriods: alertPeriodsFor(alerts.alerts, ids, window),
  };
}
