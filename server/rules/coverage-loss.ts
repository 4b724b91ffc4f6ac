/**
 * Coverage loss: offline cameras leave a region's coverage (the share of its area that online cameras see)
 * below thresholdPercent. The coverage figure itself comes from server/coverage whenever cameras change
 * status; this rule only compares it: fires below thresholdPercent, clears at or above clearThresholdPercent.
 */
import {
  AlertSlot,
  lifecycleOf,
  type AlertSlotSnapshot,
  type AlertTransition,
  type AlertView,
  type EvidenceSource,
} from './alert-slot.js';
import type { CameraSubscriber } from './camera-feed.js';
import { classifyBelow } from './hysteresis.js';
import type { Condition, Evidence, LifecycleParams } from './rule-engine.js';
import type { CoverageInput } from './rule-inputs.js';
import { isoOrNull } from './iso-time.js';
import type { RuleRuntime } from './rule-runtime.js';
import type { RuleOfKind } from './rule-schema.js';
import { regionInScope, regionKey } from './scope.js';

export type CoverageLossRule = RuleOfKind<'coverage_loss'>;

/** Classify a coverage fraction (0..1) against the rule's percentages. */
export function classifyCoverageLoss(
  params: CoverageLossRule['params'],
  coveredFraction: number,
): 'match' | 'clear' | 'hold' {
  return classifyBelow(
    coveredFraction * 100,
    params.thresholdPercent,
    params.clearThresholdPercent ?? params.thresholdPercent,
  );
}

class CoverageKey {
  condition: Condition = 'hold';
  percent: number | null = null;
  measuredAt = NaN;
  offline: readonly string[] = [];
  message: string | undefined;
  constructor(readonly alert: AlertSlot) {}
}

export class CoverageLossRuntime implements RuleRuntime, EvidenceSource<CoverageKey> {
  readonly lifecycle: LifecycleParams;
  private readonly keys = new Map<string, CoverageKey>();

  constructor(readonly rule: CoverageLossRule) {
    this.lifecycle = lifecycleOf(rule.params);
  }

  attachCamera(): CameraSubscriber | null {
    return null;
  }

  onIncident(): void {}

  onCoverage(c: CoverageInput, out: AlertTransition[]): void {
    if (!regionInScope(this.rule.scope, c.regionId)) return;
    const key = regionKey(c.regionId);
    let k = this.keys.get(key);
    if (!k) {
      k = new CoverageKey(new AlertSlot(this.rule, key, this.rule.severity));
      this.keys.set(key, k);
    }
    k.measuredAt = c.tsMs;
    k.offline = c.offlineCameraIds ?? [];
    if (!(Number.isFinite(c.coveredFraction) && c.coveredFraction >= 0 && c.coveredFraction <= 1)) {
      k.condition = 'error';
      k.percent = null;
      k.message = `coverage of region ${c.regionId} must be a fraction in [0, 1], got ${c.coveredFraction}`;
    } else {
      k.condition = classifyCoverageLoss(this.rule.params, c.coveredFraction);
      k.percent = c.coveredFraction * 100;
      k.message = undefined;
    }
    k.alert.observe(k.condition, k.percent, c.tsMs, this.lifecycle, this, k, out, k.message);
  }

  sweep(nowMs: number, out: AlertTransition[]): void {
    for (const k of this.keys.values())
      k.alert.observe(k.condition, k.percent, nowMs, this.lifecycle, this, k, out, k.message);
  }

  alerts(): AlertView[] {
    const views: AlertView[] = [];
    for (const k of this.keys.values()) if (k.alert.state.episode > 0) views.push(k.alert.view());
    return views;
  }

  evidence(k: CoverageKey, cause: Condition, now: number): Evidence {
    const p = this.rule.params;
    return {
      kind: this.rule.kind,
      cause,
      scopeKey: k.alert.scopeKey,
      coveragePercent: k.percent,
      thresholdPercent: p.thresholdPercent,
      clearThresholdPercent: p.clearThresholdPercent ?? p.thresholdPercent,
      measuredAt: isoOrNull(k.measuredAt),
      offlineCameraIds: k.offline.slice(0, 200),
      evaluatedAt: isoOrNull(now),
      ...(k.message ? { error: k.message } : {}),
    };
  }

  snapshot(): unknown {
    return {
      keys: Array.from(this.keys.values(), (k) => ({
        alert: k.alert.snapshot(),
        condition: k.condition,
        percent: k.percent,
        measuredAt: Number.isNaN(k.measuredAt) ? null : k.measuredAt,
        offline: [...k.offline],
        message: k.message ?? null,
      })),
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as {
      keys: {
        alert: AlertSlotSnapshot;
        condition: Condition;
        percent: number | null;
        measuredAt: number | null;
        offline: string[];
        message: string | null;
      }[];
    };
    this.keys.clear();
    for (const ks of s.keys) {
      const k = new CoverageKey(new AlertSlot(this.rule, ks.alert.key, this.rule.severity));
      k.alert.restore(ks.alert);
      k.condition = ks.condition;
      k.percent = ks.percent;
      k.measuredAt = ks.measuredAt ?? NaN;
      k.offline = ks.offline;
      k.message = ks.message ?? undefined;
      this.keys.set(ks.alert.key, k);
    }
  }
}
