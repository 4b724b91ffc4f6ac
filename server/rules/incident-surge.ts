/**
 * Incident surge: incidents (optionally of some categories) in a region, or in any H3 hexagon cell, within
 * the trailing window above countAbove — and, with rateMultiplier, above k times that place's usual count.
 *
 * Definitions at time t, window W, baseline B = baselineDays, history start H (the first incident this
 * rule has seen, of any place or category):
 *   count    = incidents with t − W < occurredAt ≤ t
 *   days     = the d in 1…B whose window (t − d·24 h − W, t − d·24 h] starts at or after H
 *   usual    = mean count over those days' windows (the same clock window on earlier days: incidents
 *              follow the time of day and a Friday night must not be compared with a daily average)
 *   matches when count > countAbove and (no rateMultiplier, or enough days (minBaselineDays) and
 *           count > rateMultiplier · usual);
 *   clears when count ≤ clearCountAtOrBelow, or count ≤ clearRateMultiplier · usual.
 * A place quiet on the days of the baseline counts as zero; time before H is not known and does not count,
 * so a fresh evaluator (or a database holding only a few days) does not read missing history as calm.
 * Cells use h3-js `latLngToCell`.
 */
import { latLngToCell } from 'h3-js';
import {
  AlertSlot,
  lifecycleOf,
  type AlertSlotSnapshot,
  type AlertTransition,
  type AlertView,
  type EvidenceSource,
} from './alert-slot.js';
import type { CameraSubscriber } from './camera-feed.js';
import type { Condition, Evidence, LifecycleParams } from './rule-engine.js';
import type { IncidentInput } from './rule-inputs.js';
import { isoOrNull } from './iso-time.js';
import type { RuleRuntime } from './rule-runtime.js';
import type { RuleOfKind } from './rule-schema.js';
import { hexKey, regionInScope, regionKey } from './scope.js';
import { SortedTimes } from './sorted-times.js';
import type { WindowStrategy } from './thermal-kernel.js';

export type IncidentSurgeRule = RuleOfKind<'incident_surge'>;
export type IncidentSurgeParams = IncidentSurgeRule['params'];

const DAY_MS = 86_400_000;
/** Incident ids listed in the evidence, at most. */
const EVIDENCE_INCIDENTS = 50;
/** Scope key of the alert that reports incidents the rule could not place (bad coordinates). */
export const SURGE_INPUT_KEY = 'input:incident';

/** Baseline days required before the rate is trusted. */
export function minBaselineDays(params: IncidentSurgeParams): number {
  return params.minBaselineDays ?? Math.ceil((params.baselineDays ?? 0) / 2);
}

/**
 * The usual count in one window: the mean over the baseline days inside known history, or NaN when fewer
 * than minBaselineDays are (NaN never matches, so the rule cannot fire on an unknown rate).
 */
export function usualCount(params: IncidentSurgeParams, baselineCount: number, daysUsed: number): number {
  if (params.baselineDays === undefined || daysUsed < minBaselineDays(params) || daysUsed === 0) return NaN;
  return baselineCount / daysUsed;
}

/** Classify a window count against the count floor and, when set, the multiple of the usual count. */
export function classifyIncidentSurge(
  params: IncidentSurgeParams,
  count: number,
  usual: number,
): 'match' | 'clear' | 'hold' {
  const k = params.rateMultiplier;
  if (count > params.countAbove && (k === undefined || count > k * usual)) return 'match';
  if (count <= (params.clearCountAtOrBelow ?? params.countAbove)) return 'clear';
  if (k !== undefined && count <= (params.clearRateMultiplier ?? k) * usual) return 'clear';
  return 'hold';
}

/** Where an incident counts for this rule (`region:<id>` or `h3:<cell>`), or null if it does not. Throws on bad coordinates. */
export function surgeKeyOf(rule: IncidentSurgeRule, incident: IncidentInput): string | null {
  const p = rule.params;
  if (p.categories && !p.categories.includes(incident.category)) return null;
  if (rule.scope.type === 'region' && incident.regionId !== rule.scope.centerId) return null;
  if (p.groupBy === 'region') {
    return incident.regionId !== null && regionInScope(rule.scope, incident.regionId)
      ? regionKey(incident.regionId)
      : null;
  }
  const { lat, lng } = incident;
  if (!(Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180)) {
    throw new RangeError(`incident ${incident.id} has no valid position: (${lng}, ${lat})`);
  }
  return hexKey(latLngToCell(lat, lng, p.hexResolution ?? 7));
}

class SurgeKey {
  count = 0;
  baselineCount = 0;
  baselineDaysUsed = 0;
  constructor(
    readonly alert: AlertSlot,
    public times: SortedTimes,
  ) {}
}

export class IncidentSurgeRuntime implements RuleRuntime, EvidenceSource<SurgeKey> {
  readonly lifecycle: LifecycleParams;
  private readonly keys = new Map<string, SurgeKey>();
  private readonly windowMs: number;
  private readonly baselineMs: number;
  private inputAlert: AlertSlot | null = null;
  private lastInputError = '';
  /** The earliest incident this rule has seen: history before it is unknown, not quiet. */
  private historyStartMs = Infinity;

  constructor(
    readonly rule: IncidentSurgeRule,
    private readonly strategy: WindowStrategy,
  ) {
    this.lifecycle = lifecycleOf(rule.params);
    this.windowMs = rule.params.windowSeconds * 1000;
    this.baselineMs = (rule.params.baselineDays ?? 0) * DAY_MS;
  }

  attachCamera(): CameraSubscriber | null {
    return null;
  }

  onCoverage(): void {}

  onIncident(incident: IncidentInput, out: AlertTransition[]): void {
    if (incident.tsMs < this.historyStartMs) this.historyStartMs = incident.tsMs;
    let key: string | null;
    try {
      key = surgeKeyOf(this.rule, incident);
    } catch (e) {
      this.lastInputError = e instanceof Error ? e.message : String(e);
      this.inputSlot().observe(
        'error',
        null,
        incident.tsMs,
        this.lifecycle,
        this.inputEvidence,
        null,
        out,
        this.lastInputError,
      );
      return;
    }
    if (this.inputAlert && this.inputAlert.state.phase === 'error') {
      this.inputAlert.observe('clear', null, incident.tsMs, this.lifecycle, this.inputEvidence, null, out);
    }
    if (key === null) return;
    let k = this.keys.get(key);
    if (!k) {
      k = new SurgeKey(new AlertSlot(this.rule, key, this.rule.severity), new SortedTimes());
      this.keys.set(key, k);
    }
    k.times.insert(incident.tsMs, incident.id);
    this.evaluate(k, incident.tsMs, out);
  }

  sweep(nowMs: number, out: AlertTransition[]): void {
    for (const [key, k] of this.keys) {
      this.evaluate(k, nowMs, out);
      // A place that never alerted and has nothing left in its windows needs no memory.
      if (k.times.length === 0 && k.alert.state.episode === 0) this.keys.delete(key);
    }
  }

  private evaluate(k: SurgeKey, at: number, out: AlertTransition[]): void {
    const now = Math.max(at, k.alert.lastEvalAt);
    const windowStart = now - this.windowMs;
    k.times.dropAtOrBefore(windowStart - this.baselineMs);
    const scan = this.strategy === 'rescan';
    const count = (lo: number, hi: number) =>
      scan ? k.times.countInByScan(lo, hi) : k.times.countIn(lo, hi);
    k.count = count(windowStart, now);
    const p = this.rule.params;
    const phase = k.alert.state.phase;
    // The baseline can only matter when the count could match, or when an open alert could clear
    // against it; a quiet place's sweeps (nearly all of them) skip its B-day sum.
    if (
      p.rateMultiplier !== undefined &&
      k.count <= p.countAbove &&
      (phase === 'inactive' || phase === 'resolved')
    ) {
      k.alert.observe(classifyIncidentSurge(p, k.count, NaN), k.count, now, this.lifecycle, this, k, out);
      return;
    }
    k.baselineCount = 0;
    k.baselineDaysUsed = 0;
    const days = p.baselineDays ?? 0;
    for (let d = 1; d <= days; d++) {
      const lo = windowStart - d * DAY_MS;
      if (lo < this.historyStartMs) break;
      k.baselineCount += count(lo, now - d * DAY_MS);
      k.baselineDaysUsed++;
    }
    const condition = classifyIncidentSurge(
      this.rule.params,
      k.count,
      usualCount(this.rule.params, k.baselineCount, k.baselineDaysUsed),
    );
    k.alert.observe(condition, k.count, now, this.lifecycle, this, k, out);
  }

  evidence(k: SurgeKey, cause: Condition, now: number): Evidence {
    const p = this.rule.params;
    const windowStart = now - this.windowMs;
    return {
      kind: this.rule.kind,
      cause,
      scopeKey: k.alert.scopeKey,
      groupBy: p.groupBy,
      hexResolution: p.groupBy === 'h3' ? (p.hexResolution ?? 7) : null,
      categories: p.categories ?? null,
      windowSeconds: p.windowSeconds,
      windowFrom: isoOrNull(windowStart),
      windowTo: isoOrNull(now),
      count: k.count,
      countAbove: p.countAbove,
      clearCountAtOrBelow: p.clearCountAtOrBelow ?? p.countAbove,
      rateMultiplier: p.rateMultiplier ?? null,
      clearRateMultiplier:
        p.rateMultiplier === undefined ? null : (p.clearRateMultiplier ?? p.rateMultiplier),
      baselineDays: p.baselineDays ?? null,
      baselineCount: p.baselineDays === undefined ? null : k.baselineCount,
      baselineDaysUsed: p.baselineDays === undefined ? null : k.baselineDaysUsed,
      minBaselineDays: p.baselineDays === undefined ? null : minBaselineDays(p),
      // null while the baseline is too short to be trusted (JSON has no NaN)
      usualCount:
        p.baselineDays === undefined ? null : nullIfNaN(usualCount(p, k.baselineCount, k.baselineDaysUsed)),
      incidents: k.times
        .eventsIn(windowStart, now, EVIDENCE_INCIDENTS)
        .map((e) => ({ id: e.id, at: isoOrNull(e.t) })),
    };
  }

  private readonly inputEvidence: EvidenceSource<null> = {
    evidence: (_owner, cause, now) => ({
      kind: this.rule.kind,
      cause,
      error: this.lastInputError,
      evaluatedAt: isoOrNull(now),
    }),
  };

  private inputSlot(): AlertSlot {
    this.inputAlert ??= new AlertSlot(this.rule, SURGE_INPUT_KEY, this.rule.severity);
    return this.inputAlert;
  }

  alerts(): AlertView[] {
    const views: AlertView[] = [];
    for (const k of this.keys.values()) if (k.alert.state.episode > 0) views.push(k.alert.view());
    if (this.inputAlert) views.push(this.inputAlert.view());
    return views;
  }

  snapshot(): unknown {
    return {
      keys: Array.from(this.keys.values(), (k) => ({
        alert: k.alert.snapshot(),
        count: k.count,
        baselineCount: k.baselineCount,
        baselineDaysUsed: k.baselineDaysUsed,
        times: k.times.toJSON(),
      })),
      input: this.inputAlert ? this.inputAlert.snapshot() : null,
      lastInputError: this.lastInputError,
      historyStartMs: Number.isFinite(this.historyStartMs) ? this.historyStartMs : null,
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as {
      keys: {
        alert: AlertSlotSnapshot;
        count: number;
        baselineCount: number;
        baselineDaysUsed?: number;
        times: { ts: number[]; ids: string[] };
      }[];
      input: AlertSlotSnapshot | null;
      lastInputError: string;
      historyStartMs?: number | null;
    };
    this.keys.clear();
    for (const ks of s.keys) {
      const k = new SurgeKey(
        new AlertSlot(this.rule, ks.alert.key, this.rule.severity),
        SortedTimes.fromJSON(ks.times),
      );
      k.alert.restore(ks.alert);
      k.count = ks.count;
      k.baselineCount = ks.baselineCount;
      k.baselineDaysUsed = ks.baselineDaysUsed ?? 0;
      this.keys.set(ks.alert.key, k);
    }
    if (s.input) this.inputSlot().restore(s.input);
    this.lastInputError = s.lastInputError;
    // Snapshots from before the history start was kept carry none: their windows hold all they knew.
    this.historyStartMs =
      s.historyStartMs ?? Math.min(Infinity, ...s.keys.flatMap((k) => k.times.ts.slice(0, 1)));
  }
}

function nullIfNaN(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
