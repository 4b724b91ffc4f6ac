/**
 * Stale sensor: a camera silent (no reading of any quality) for longer than maxSilenceSeconds. Cameras going
 * dark during unrest (ash, power, lahars taking out links) is itself a signal, so the alert names the
 * volcano and region too. An obscured frame is not silence: the camera is alive, only blind (the thermal
 * rules' obscuredAlertAfterSeconds covers that).
 *
 * Silence is measured from the latest reading or status ping seen, or the camera's `lastSeenMs` from the database when the
 * evaluator has seen none; a camera with neither is `nodata`. Cameras in an ignored status (maintenance by
 * default) clear: they are known to be down.
 */
import {
  AlertSlot,
  lifecycleOf,
  type AlertTransition,
  type AlertView,
  type EvidenceSource,
} from './alert-slot.js';
import type { CameraFeed, CameraSubscriber } from './camera-feed.js';
import type { Condition, Evidence, LifecycleParams } from './rule-engine.js';
import { isoOrNull } from './iso-time.js';
import type { RuleRuntime } from './rule-runtime.js';
import type { RuleOfKind } from './rule-schema.js';
import { cameraInScope, cameraKey, type CameraRef } from './scope.js';

export type StaleSensorRule = RuleOfKind<'stale_sensor'>;

/**
 * Classify a camera's silence at `nowMs`: match when silent longer than maxSilenceSeconds, clear otherwise
 * or when its status is ignored, nodata when it has never been heard from. `lastSeenMs` may be -Infinity/null.
 */
export function classifyStaleSensor(
  params: StaleSensorRule['params'],
  camera: CameraRef,
  lastSeenMs: number | null,
  nowMs: number,
): { condition: Condition; silenceSeconds: number | null } {
  if (camera.status && params.ignoreStatuses.includes(camera.status))
    return { condition: 'clear', silenceSeconds: null };
  if (lastSeenMs === null || !Number.isFinite(lastSeenMs))
    return { condition: 'nodata', silenceSeconds: null };
  const silenceSeconds = (nowMs - lastSeenMs) / 1000;
  return { condition: silenceSeconds > params.maxSilenceSeconds ? 'match' : 'clear', silenceSeconds };
}

class StaleCameraSlot implements CameraSubscriber {
  constructor(
    readonly runtime: StaleSensorRuntime,
    readonly feed: CameraFeed,
    readonly alert: AlertSlot,
  ) {}

  lastSeen(): number | null {
    const fromDb = this.feed.ref.lastSeenMs ?? -Infinity;
    const seen = Math.max(this.feed.lastTs, this.feed.lastHeartbeatTs, fromDb);
    return Number.isFinite(seen) ? seen : null;
  }

  onReading(ts: number, _maxC: number, _meanC: number, _quality: number, out: AlertTransition[]): void {
    this.evaluate(ts, out);
  }

  onHeartbeat(ts: number, out: AlertTransition[]): void {
    this.evaluate(ts, out);
  }

  evaluate(now: number, out: AlertTransition[]): void {
    const rt = this.runtime;
    const { condition, silenceSeconds } = classifyStaleSensor(
      rt.rule.params,
      this.feed.ref,
      this.lastSeen(),
      now,
    );
    this.alert.observe(condition, silenceSeconds, now, rt.lifecycle, rt, this, out);
  }
}

export class StaleSensorRuntime implements RuleRuntime, EvidenceSource<StaleCameraSlot> {
  readonly lifecycle: LifecycleParams;
  private readonly slots = new Map<string, StaleCameraSlot>();

  constructor(readonly rule: StaleSensorRule) {
    this.lifecycle = lifecycleOf(rule.params);
  }

  attachCamera(feed: CameraFeed): CameraSubscriber | null {
    const existing = this.slots.get(feed.id);
    if (existing) return existing;
    const kinds = this.rule.params.cameraKinds;
    if (!cameraInScope(this.rule.scope, feed.ref)) return null;
    if (kinds && !(feed.ref.kind && kinds.includes(feed.ref.kind))) return null;
    const slot = new StaleCameraSlot(
      this,
      feed,
      new AlertSlot(this.rule, cameraKey(feed.id), this.rule.severity),
    );
    this.slots.set(feed.id, slot);
    return slot;
  }

  onIncident(): void {}
  onCoverage(): void {}

  sweep(nowMs: number, out: AlertTransition[]): void {
    for (const slot of this.slots.values()) slot.evaluate(nowMs, out);
  }

  alerts(): AlertView[] {
    const views: AlertView[] = [];
    for (const slot of this.slots.values()) if (slot.alert.state.episode > 0) views.push(slot.alert.view());
    return views;
  }

  evidence(slot: StaleCameraSlot, cause: Condition, now: number): Evidence {
    const ref = slot.feed.ref;
    const lastSeen = slot.lastSeen();
    return {
      kind: this.rule.kind,
      cause,
      cameraId: ref.id,
      cameraKind: ref.kind ?? null,
      status: ref.status ?? null,
      volcanoGvp: ref.volcanoGvp ?? null,
      centerId: ref.centerId ?? null,
      lastSeenAt: isoOrNull(lastSeen),
      silenceSeconds: lastSeen === null ? null : (now - lastSeen) / 1000,
      maxSilenceSeconds: this.rule.params.maxSilenceSeconds,
      evaluatedAt: isoOrNull(now),
    };
  }

  snapshot(): unknown {
    return {
      slots: Array.from(this.slots.values(), (s) => ({ camera: s.feed.id, alert: s.alert.snapshot() })),
    };
  }

  restore(snapshot: unknown): void {
    for (const s of (snapshot as { slots: { camera: string; alert: ReturnType<AlertSlot['snapshot']> }[] })
      .slots) {
      this.slots.get(s.camera)?.alert.restore(s.alert);
    }
  }
}
