/**
 * Incident surge: incidents (optionally of some categories) in a region, or in any H3 hexagon cell, within
 * the trailing window above countAbove — and, with rateMultiplier, above k times that place's usual count.
 *
 * Definitions at time t, window W, baseline B = baselineDays:
 *   count    = incidents with t − W < occurredAt ≤ t
 *   usual    = incidents with t − W − B < occurredAt ≤ t − W, scaled to one window: · W / B
 *   matches when count > countAbove and (no rateMultiplier, or count > rateMultiplier · usual);
 *   clears when count ≤ clearCountAtOrBelow, or count ≤ clearRateMultiplier · usual.
 * Missing history counts as no incidents, so a fresh evaluator underestimates the usual rate until it has
 * seen baselineDays (replay that much history first: ruleWarmupSeconds). Cells use h3-js `latLngToCell`.
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

/** Expected incidents in one window from the baseline count (W / B scaling). */
export function usualCount(params: IncidentSurgeParams, baselineCount: number): number {
  if (params.baselineDays === undefined) return NaN;
  return (baselineCount * params.windowSeconds) / (params.baselineDays * 86_400);
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
    k.count = scan ? k.times.countInByScan(windowStart, now) : k.times.countIn(windowStart, now);
    k.baselineCount =
      this.baselineMs > 0
        ? scan
          ? k.times.countInByScan(windowStart - this.baselineMs, windowStart)
          : k.times.countIn(windowStart - this.baselineMs, windowStart)
        : 0;
    const condition = classifyIncidentSurge(
      this.rule.params,
      k.count,
      usualCount(this.rule.params, k.baselineCount),
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
      usualCount: p.baselineDays === undefined ? null : usualCount(p, k.baselineCount),
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
        times: k.times.toJSON(),
      })),
      input: this.inputAlert ? this.inputAlert.snapshot() : null,
      lastInputError: this.lastInputError,
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as {
      keys: {
        alert: AlertSlotSnapshot;
        count: number;
        baselineCount: number;
        times: { ts: number[]; ids: string[] };
      }[];
      input: AlertSlotSnapshot | null;
      lastInputError: string;
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
      this.keys.set(ks.alert.key, k);
    }
    if (s.input) this.inputSlot().restore(s.input);
    this.lastInputError = s.lastInputError;
  }
}
