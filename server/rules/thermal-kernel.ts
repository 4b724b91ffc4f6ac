/**
 * The per-camera computation of a thermal rule kind. The runtime (thermal-rule-runtime.ts) gates on frame
 * quality and hands a kernel only usable values, in time order; the kernel keeps whatever window it needs
 * and classifies each value against its thresholds.
 *
 * Each kind has two kernels that must agree exactly: `incremental` (ring buffers, monotonic deques,
 * per-hour caches: what runs) and `rescan` (keeps the raw history and re-scans the window on every reading:
 * the obvious implementation, used as the benchmark baseline and as a cross-check in tests).
 */
export type WindowStrategy = 'incremental' | 'rescan';

export interface ThermalKernel {
  /** Classify a usable value at `ts` (epoch ms); `ts` never decreases between calls. */
  observe(ts: number, value: number): 'match' | 'clear' | 'hold';
  /** The value the last `observe` classified: °C, or °C per hour for a rate. NaN before any. */
  readonly value: number;
  /** Thresholds, window and baseline behind the last classification (JSON). */
  details(): Record<string, unknown>;
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Index of the first element of sorted `ts[0..n)` that is ≥ x. */
export function lowerBound(ts: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A growable pair of columns (time, value) that both rescan kernels keep their raw history in. */
export class TimeValueColumns {
  ts = new Float64Array(64);
  values = new Float64Array(64);
  length = 0;

  push(t: number, v: number): void {
    if (this.length === this.ts.length) {
      const ts = new Float64Array(this.ts.length * 2);
      const values = new Float64Array(this.ts.length * 2);
      ts.set(this.ts);
      values.set(this.values);
      this.ts = ts;
      this.values = values;
    }
    this.ts[this.length] = t;
    this.values[this.length] = v;
    this.length++;
  }

  /** Forget everything before `t`, when at least half the buffer would go (amortised O(1)). */
  dropBefore(t: number): void {
    const cut = lowerBound(this.ts, this.length, t);
    if (cut === 0 || cut < this.length / 2) return;
    this.ts.copyWithin(0, cut, this.length);
    this.values.copyWithin(0, cut, this.length);
    this.length -= cut;
  }

  toJSON(): { ts: number[]; values: number[] } {
    return {
      ts: Array.from(this.ts.subarray(0, this.length)),
      values: Array.from(this.values.subarray(0, this.length)),
    };
  }

  static fromJSON(s: { ts: number[]; values: number[] }): TimeValueColumns {
    const c = new TimeValueColumns();
    for (let i = 0; i < s.ts.length; i++) c.push(s.ts[i]!, s.values[i]!);
    return c;
  }
}
