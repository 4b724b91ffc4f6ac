/**
 * What the evaluator keeps per camera whatever the rules: when it last reported, and its last few readings
 * (the evidence an alert shows: "these readings, this threshold, this window").
 */
import type { ReadingQuality } from '../domain/types.js';
import type { AlertTransition } from './alert-slot.js';
import { isoTime } from './iso-time.js';
import type { CameraRef } from './scope.js';

/** Frame quality as a small integer, for typed arrays. */
export const QUALITY_OK = 0;
export const QUALITY_OBSCURED = 1;
export const QUALITY_INVALID = 2;
export const QUALITY_CODES: Readonly<Record<ReadingQuality, number>> = {
  ok: QUALITY_OK,
  obscured: QUALITY_OBSCURED,
  invalid: QUALITY_INVALID,
};
export const QUALITY_NAMES: readonly ReadingQuality[] = ['ok', 'obscured', 'invalid'];

/** Readings kept per camera for evidence. */
export const RECENT_READINGS = 32;

export interface EvidenceReading {
  at: string;
  /** null for a corrupt (non-finite) value. */
  maxTempC: number | null;
  meanTempC: number | null;
  quality: ReadingQuality;
}

export interface CameraFeedSnapshot {
  id: string;
  lastTs: number | null;
  lastHeartbeatTs: number | null;
  recent: { ts: number; max: number | null; mean: number | null; q: number }[];
}

/** Something a reading of this camera must reach: one camera slot of one rule. */
export interface CameraSubscriber {
  onReading(ts: number, maxC: number, meanC: number, quality: number, out: AlertTransition[]): void;
  /** A sign of life without a thermal frame (a status ping); only silence rules care. */
  onHeartbeat?(ts: number, out: AlertTransition[]): void;
}

export class CameraFeed {
  /** Latest reading of any quality, epoch ms; -Infinity before the first. */
  lastTs = -Infinity;
  /** Latest status ping (no frame), epoch ms; -Infinity before the first. */
  lastHeartbeatTs = -Infinity;
  subscribers: CameraSubscriber[] = [];
  private readonly ts = new Float64Array(RECENT_READINGS);
  private readonly max = new Float64Array(RECENT_READINGS);
  private readonly mean = new Float64Array(RECENT_READINGS);
  private readonly quality = new Uint8Array(RECENT_READINGS);
  // Evidence objects are made once per reading and shared by every transition that shows it (they are
  // never modified), which keeps a backtest of a rule that fires often from drowning in garbage.
  private readonly shown: (EvidenceReading | undefined)[] = new Array<EvidenceReading | undefined>(
    RECENT_READINGS,
  );
  private count = 0;
  private next = 0;

  constructor(public ref: CameraRef) {}

  get id(): string {
    return this.ref.id;
  }

  /** Record a reading (`meanC` NaN when absent); the caller guarantees `ts` > lastTs. */
  push(ts: number, maxC: number, meanC: number, quality: number): void {
    this.lastTs = ts;
    this.ts[this.next] = ts;
    this.max[this.next] = maxC;
    this.mean[this.next] = meanC;
    this.quality[this.next] = quality;
    this.shown[this.next] = undefined;
    this.next = (this.next + 1) % RECENT_READINGS;
    if (this.count < RECENT_READINGS) this.count++;
  }

  /** The kept readings with fromMs ≤ ts ≤ toMs, oldest first. */
  recent(fromMs: number, toMs: number): EvidenceReading[] {
    const out: EvidenceReading[] = [];
    for (let i = this.count; i >= 1; i--) {
      const j = (this.next - i + RECENT_READINGS) % RECENT_READINGS;
      const t = this.ts[j]!;
      if (t < fromMs || t > toMs) continue;
      let shown = this.shown[j];
      if (shown === undefined) {
        const max = this.max[j]!;
        const mean = this.mean[j]!;
        shown = {
          at: isoTime(t),
          maxTempC: Number.isFinite(max) ? max : null,
          meanTempC: Number.isFinite(mean) ? mean : null,
          quality: QUALITY_NAMES[this.quality[j]!] ?? 'invalid',
        };
        this.shown[j] = shown;
      }
      out.push(shown);
    }
    return out;
  }

  snapshot(): CameraFeedSnapshot {
    const recent: CameraFeedSnapshot['recent'] = [];
    for (let i = this.count; i >= 1; i--) {
      const j = (this.next - i + RECENT_READINGS) % RECENT_READINGS;
      recent.push({
        ts: this.ts[j]!,
        max: nullable(this.max[j]!),
        mean: nullable(this.mean[j]!),
        q: this.quality[j]!,
      });
    }
    return {
      id: this.id,
      lastTs: Number.isFinite(this.lastTs) ? this.lastTs : null,
      lastHeartbeatTs: Number.isFinite(this.lastHeartbeatTs) ? this.lastHeartbeatTs : null,
      recent,
    };
  }

  restore(s: CameraFeedSnapshot): void {
    this.count = 0;
    this.next = 0;
    for (const r of s.recent) this.push(r.ts, r.max ?? NaN, r.mean ?? NaN, r.q);
    this.lastTs = s.lastTs ?? -Infinity;
    this.lastHeartbeatTs = s.lastHeartbeatTs ?? -Infinity;
  }
}

function nullable(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}
