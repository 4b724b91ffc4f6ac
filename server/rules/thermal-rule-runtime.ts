/**
 * Runs a thermal rule (threshold, rate or anomaly) over every thermal camera in its scope: one alert per camera
 * (`camera:<id>`), plus, when obscuredAlertAfterSeconds is set, one for a camera blind too long
 * (`camera:<id>:obscured`).
 *
 * Frame quality gates everything: an obscured or invalid frame is a `hold` (it neither fires nor resolves)
 * and is not fed to the kernel's window. No reading of any quality for noDataAfterSeconds is `nodata`.
 * Sweeps re-apply the latest reading's condition at the sweep time, so a pending alert fires and a firing
 * one resolves (after minFiringSeconds) even when readings pause, and silence turns into `nodata`.
 */
import type { Severity } from '../domain/types.js';
import {
  AlertSlot,
  lifecycleOf,
  type AlertSlotSnapshot,
  type AlertTransition,
  type AlertView,
  type EvidenceSource,
} from './alert-slot.js';
import { QUALITY_OK, type CameraFeed, type CameraSubscriber } from './camera-feed.js';
import {
  effectiveCondition,
  isOpenPhase,
  type Condition,
  type Evidence,
  type LifecycleParams,
} from './rule-engine.js';
import { isoOrNull } from './iso-time.js';
import type { RuleRuntime } from './rule-runtime.js';
import type { ThermalRule } from './rule-schema.js';
import { cameraInScope, cameraKey, obscuredKey } from './scope.js';
import { createThermalAnomalyKernel } from './thermal-anomaly.js';
import type { ThermalKernel, WindowStrategy } from './thermal-kernel.js';
import { createThermalRateKernel } from './thermal-rate.js';
import { createThermalThresholdKernel } from './thermal-threshold.js';

const BLIND_LIFECYCLE: LifecycleParams = { forSeconds: 0, minFiringSeconds: 0, noData: 'keep' };
/** Evidence shows at least this much reading history, seconds. */
const MIN_EVIDENCE_SPAN_SECONDS = 600;

/** The kernel for a thermal rule kind. */
export function createThermalKernel(rule: ThermalRule, strategy: WindowStrategy): ThermalKernel {
  switch (rule.kind) {
    case 'thermal_threshold':
      return createThermalThresholdKernel(rule.params);
    case 'thermal_rate':
      return createThermalRateKernel(rule.params, strategy);
    case 'thermal_anomaly':
      return createThermalAnomalyKernel(rule.params, strategy);
  }
}

class ThermalCameraSlot implements CameraSubscriber {
  /** Latest reading of any quality, epoch ms. */
  lastReadingAt = -Infinity;
  lastCondition: 'match' | 'clear' | 'hold' | 'error' = 'hold';
  lastValue: number | null = null;
  lastMessage: string | undefined = undefined;
  /** Start of the current run of obscured/invalid frames, epoch ms; NaN when the camera can see. */
  blindSince = NaN;

  constructor(
    readonly runtime: ThermalRuleRuntime,
    readonly feed: CameraFeed,
    readonly kernel: ThermalKernel,
    readonly alert: AlertSlot,
    readonly blind: AlertSlot | null,
  ) {}

  onReading(ts: number, maxC: number, meanC: number, quality: number, out: AlertTransition[]): void {
    const rt = this.runtime;
    this.lastReadingAt = ts;
    let condition: 'match' | 'clear' | 'hold' | 'error' = 'hold';
    let value: number | null = null;
    let message: string | undefined;
    if (quality !== QUALITY_OK) {
      if (Number.isNaN(this.blindSince)) this.blindSince = ts;
    } else {
      this.blindSince = NaN;
      const v = rt.field === 'max' ? maxC : meanC;
      if (rt.field === 'mean' && Number.isNaN(v)) {
        // A frame without a mean says nothing about a mean rule: hold.
      } else if (!Number.isFinite(v)) {
        condition = 'error';
        message = `${rt.field}TempC of camera ${this.feed.id} at ${isoOrNull(ts)} is not a finite number: ${v}`;
      } else {
        try {
          condition = this.kernel.observe(ts, v);
          value = this.kernel.value;
        } catch (e) {
          condition = 'error';
          message = `${rt.rule.kind} evaluation failed for camera ${this.feed.id}: ${e instanceof Error ? e.message : String(e)}`;
        }
      }
    }
    this.lastCondition = condition;
    this.lastValue = value;
    this.lastMessage = message;
    this.alert.observe(condition, value, ts, rt.lifecycle, rt, this, out, message);
    if (this.blind) this.observeBlind(ts, out);
  }

  sweep(now: number, out: AlertTransition[]): void {
    const rt = this.runtime;
    const stale = !(now - this.lastReadingAt <= rt.noDataAfterMs);
    const condition = stale ? 'nodata' : this.lastCondition;
    // Sweeps outnumber readings; most find a quiet camera with nothing due. Skip those without touching
    // the slot (what step() would do with them is nothing).
    const quiet =
      !isOpenPhase(this.alert.state.phase) &&
      effectiveCondition(condition, rt.lifecycle.noData) !== 'match' &&
      condition !== 'error' &&
      (this.blind === null ||
        stale ||
        (Number.isNaN(this.blindSince) && !isOpenPhase(this.blind.state.phase)));
    if (quiet) return;
    if (stale) {
      this.alert.observe('nodata', null, now, rt.lifecycle, rt, this, out);
      return;
    }
    this.alert.observe(
      this.lastCondition,
      this.lastValue,
      now,
      rt.lifecycle,
      rt,
      this,
      out,
      this.lastMessage,
    );
    if (this.blind) this.observeBlind(now, out);
  }

  private observeBlind(now: number, out: AlertTransition[]): void {
    const blindFor = Number.isNaN(this.blindSince) ? 0 : (now - this.blindSince) / 1000;
    const condition = Number.isNaN(this.blindSince)
      ? 'clear'
      : blindFor > this.runtime.obscuredAfterSeconds
        ? 'match'
        : 'hold';
    this.blind!.observe(condition, blindFor, now, BLIND_LIFECYCLE, this.runtime.blindEvidence, this, out);
  }

  snapshot() {
    return {
      camera: this.feed.id,
      lastReadingAt: Number.isFinite(this.lastReadingAt) ? this.lastReadingAt : null,
      lastCondition: this.lastCondition,
      lastValue: this.lastValue,
      lastMessage: this.lastMessage ?? null,
      blindSince: Number.isNaN(this.blindSince) ? null : this.blindSince,
      kernel: this.kernel.snapshot(),
      alert: this.alert.snapshot(),
      blind: this.blind ? this.blind.snapshot() : null,
    };
  }

  restore(s: ReturnType<ThermalCameraSlot['snapshot']>): void {
    this.lastReadingAt = s.lastReadingAt ?? -Infinity;
    this.lastCondition = s.lastCondition;
    this.lastValue = s.lastValue;
    this.lastMessage = s.lastMessage ?? undefined;
    this.blindSince = s.blindSince ?? NaN;
    this.kernel.restore(s.kernel);
    this.alert.restore(s.alert);
    if (this.blind && s.blind) this.blind.restore(s.blind as AlertSlotSnapshot);
  }
}

type SlotSnapshot = ReturnType<ThermalCameraSlot['snapshot']>;

export class ThermalRuleRuntime implements RuleRuntime, EvidenceSource<ThermalCameraSlot> {
  readonly lifecycle: LifecycleParams;
  readonly field: 'max' | 'mean';
  readonly noDataAfterMs: number;
  readonly obscuredAfterSeconds: number;
  readonly blindEvidence: EvidenceSource<ThermalCameraSlot>;
  private readonly slots = new Map<string, ThermalCameraSlot>();
  private readonly evidenceSpanMs: number;

  constructor(
    readonly rule: ThermalRule,
    private readonly strategy: WindowStrategy,
  ) {
    const p = rule.params;
    this.lifecycle = lifecycleOf(p);
    this.field = p.field;
    this.noDataAfterMs = p.noDataAfterSeconds * 1000;
    this.obscuredAfterSeconds = p.obscuredAlertAfterSeconds ?? Infinity;
    const windowSeconds = rule.kind === 'thermal_rate' ? rule.params.windowSeconds : 0;
    this.evidenceSpanMs = Math.max(p.forSeconds, windowSeconds, MIN_EVIDENCE_SPAN_SECONDS) * 1000;
    this.blindEvidence = { evidence: (slot, cause, now) => this.blindEvidenceFor(slot, cause, now) };
  }

  attachCamera(feed: CameraFeed): CameraSubscriber | null {
    const existing = this.slots.get(feed.id);
    if (existing) return existing;
    if (!cameraInScope(this.rule.scope, feed.ref)) return null;
    // Thermal rules watch thermal cameras; a camera the registry does not know is given the benefit of the doubt.
    if (feed.ref.kind && feed.ref.kind !== 'thermal') return null;
    const p = this.rule.params;
    const blindSeverity: Severity = p.obscuredSeverity ?? this.rule.severity;
    const slot = new ThermalCameraSlot(
      this,
      feed,
      createThermalKernel(this.rule, this.strategy),
      new AlertSlot(this.rule, cameraKey(feed.id), this.rule.severity),
      p.obscuredAlertAfterSeconds !== undefined
        ? new AlertSlot(this.rule, obscuredKey(feed.id), blindSeverity)
        : null,
    );
    this.slots.set(feed.id, slot);
    return slot;
  }

  onIncident(): void {}
  onCoverage(): void {}

  sweep(nowMs: number, out: AlertTransition[]): void {
    for (const slot of this.slots.values()) slot.sweep(nowMs, out);
  }

  alerts(): AlertView[] {
    const views: AlertView[] = [];
    for (const slot of this.slots.values()) {
      if (slot.alert.state.episode > 0) views.push(slot.alert.view());
      if (slot.blind && slot.blind.state.episode > 0) views.push(slot.blind.view());
    }
    return views;
  }

  evidence(slot: ThermalCameraSlot, cause: Condition, now: number): Evidence {
    const ref = slot.feed.ref;
    return {
      kind: this.rule.kind,
      cause,
      cameraId: ref.id,
      volcanoGvp: ref.volcanoGvp ?? null,
      centerId: ref.centerId ?? null,
      field: this.field,
      value: slot.lastValue,
      unit: this.rule.kind === 'thermal_rate' ? '°C/h' : '°C',
      evaluatedAt: isoOrNull(now),
      lastReadingAt: isoOrNull(slot.lastReadingAt),
      forSeconds: this.lifecycle.forSeconds,
      minFiringSeconds: this.lifecycle.minFiringSeconds,
      pendingSince: isoOrNull(slot.alert.state.pendingSince),
      noData: this.lifecycle.noData,
      noDataAfterSeconds: this.noDataAfterMs / 1000,
      ...(cause === 'error' ? { error: slot.lastMessage ?? null } : {}),
      ...slot.kernel.details(),
      readings: slot.feed.recent(now - this.evidenceSpanMs, now),
    };
  }

  private blindEvidenceFor(slot: ThermalCameraSlot, cause: Condition, now: number): Evidence {
    return {
      kind: this.rule.kind,
      cause,
      reason: 'obscured',
      cameraId: slot.feed.id,
      volcanoGvp: slot.feed.ref.volcanoGvp ?? null,
      obscuredSince: isoOrNull(Number.isNaN(slot.blindSince) ? null : slot.blindSince),
      obscuredSeconds: Number.isNaN(slot.blindSince) ? 0 : (now - slot.blindSince) / 1000,
      obscuredAlertAfterSeconds: this.obscuredAfterSeconds,
      evaluatedAt: isoOrNull(now),
      readings: slot.feed.recent(now - this.evidenceSpanMs, now),
    };
  }

  snapshot(): unknown {
    return { slots: Array.from(this.slots.values(), (s) => s.snapshot()) };
  }

  restore(snapshot: unknown): void {
    for (const s of (snapshot as { slots: SlotSnapshot[] }).slots) this.slots.get(s.camera)?.restore(s);
  }
}
