/**
 * Thermal rate of rise: the temperature increased over the trailing window faster than ratePerHourC.
 *
 * Definition: at a usable reading v(t), rise = v(t) − min{ v(s) : s usable, t − W ≤ s ≤ t }, and the rate is
 * rise / (W in hours), i.e. the rule fires when the temperature has risen by more than R·W/3600 °C within the
 * last W seconds. Dividing by the whole window rather than by the time since the minimum keeps a one-minute
 * jump of a few degrees (noise, a gust clearing a plume) from reading as hundreds of °C per hour. Windows
 * with fewer than `minSamples` usable readings are a hold: too little data to speak of a rate.
 */
import { FloatDeque } from './float-deque.js';
import { classifyAbove } from './hysteresis.js';
import { isoOrNull } from './iso-time.js';
import type { RuleOfKind } from './rule-schema.js';
import { TimeValueColumns, lowerBound, type ThermalKernel, type WindowStrategy } from './thermal-kernel.js';

export type ThermalRateParams = RuleOfKind<'thermal_rate'>['params'];

/** Rate of rise in °C per hour from a rise over the whole window (°C, seconds). */
export function ratePerHourC(riseC: number, windowSeconds: number): number {
  return (riseC * 3600) / windowSeconds;
}

export interface WindowMinimum {
  /** Lowest usable value in [now − window, now], °C. */
  minC: number;
  /** When it was read (the latest, if several tie), epoch ms. */
  minAt: number;
  /** Usable readings in the window. */
  samples: number;
}

/**
 * The naive definition: scan sorted readings `ts[0..n)`, `values` (usable only) for the minimum in
 * [nowMs − windowSeconds, nowMs]. O(window) per call.
 */
export function windowMinimum(
  ts: Float64Array,
  values: Float64Array,
  n: number,
  nowMs: number,
  windowSeconds: number,
): WindowMinimum {
  const from = nowMs - windowSeconds * 1000;
  let minC = Infinity;
  let minAt = NaN;
  let samples = 0;
  for (let i = lowerBound(ts, n, from); i < n && ts[i]! <= nowMs; i++) {
    samples++;
    if (values[i]! <= minC) {
      minC = values[i]!;
      minAt = ts[i]!;
    }
  }
  return { minC, minAt, samples };
}

/** Classify a window: hold below minSamples, else the rate against ratePerHourC / clearRatePerHourC. */
export function classifyThermalRate(
  params: ThermalRateParams,
  rate: number,
  samples: number,
): 'match' | 'clear' | 'hold' {
  if (samples < params.minSamples) return 'hold';
  return classifyAbove(rate, params.ratePerHourC, params.clearRatePerHourC ?? params.ratePerHourC);
}

/** Rate-of-rise kernel; `incremental` keeps a monotonic min deque (O(1) amortised per reading). */
export function createThermalRateKernel(params: ThermalRateParams, strategy: WindowStrategy): ThermalKernel {
  return strategy === 'incremental' ? new IncrementalRateKernel(params) : new RescanRateKernel(params);
}

abstract class RateKernelBase implements ThermalKernel {
  value = NaN;
  protected minC = NaN;
  protected minAt = NaN;
  protected samples = 0;
  constructor(protected readonly params: ThermalRateParams) {}

  abstract observe(ts: number, value: number): 'match' | 'clear' | 'hold';
  abstract snapshot(): unknown;
  abstract restore(snapshot: unknown): void;

  protected classify(v: number): 'match' | 'clear' | 'hold' {
    this.value = ratePerHourC(v - this.minC, this.params.windowSeconds);
    return classifyThermalRate(this.params, this.value, this.samples);
  }

  details(): Record<string, unknown> {
    return {
      windowSeconds: this.params.windowSeconds,
      ratePerHourC: this.params.ratePerHourC,
      clearRatePerHourC: this.params.clearRatePerHourC ?? this.params.ratePerHourC,
      windowMinC: this.minC,
      windowMinAt: isoOrNull(this.minAt),
      samples: this.samples,
      minSamples: this.params.minSamples,
    };
  }

  protected baseSnapshot() {
    return {
      value: nullable(this.value),
      minC: nullable(this.minC),
      minAt: nullable(this.minAt),
      samples: this.samples,
    };
  }

  protected restoreBase(s: {
    value: number | null;
    minC: number | null;
    minAt: number | null;
    samples: number;
  }): void {
    this.value = s.value ?? NaN;
    this.minC = s.minC ?? NaN;
    this.minAt = s.minAt ?? NaN;
    this.samples = s.samples;
  }
}

class IncrementalRateKernel extends RateKernelBase {
  // Times of the usable readings in the window, and a deque of (time, value) with increasing values whose
  // front is the window minimum (the classic sliding-window minimum).
  private times = new FloatDeque();
  private dequeT = new FloatDeque();
  private dequeV = new FloatDeque();

  observe(ts: number, v: number): 'match' | 'clear' | 'hold' {
    const from = ts - this.params.windowSeconds * 1000;
    this.times.pushBack(ts);
    while (this.times.front() < from) this.times.popFront();
    // Popping equal values too keeps the latest of a tie at the front, as the naive scan reports it.
    while (this.dequeV.length > 0 && this.dequeV.back() >= v) {
      this.dequeV.popBack();
      this.dequeT.popBack();
    }
    this.dequeT.pushBack(ts);
    this.dequeV.pushBack(v);
    while (this.dequeT.front() < from) {
      this.dequeT.popFront();
      this.dequeV.popFront();
    }
    this.minC = this.dequeV.front();
    this.minAt = this.dequeT.front();
    this.samples = this.times.length;
    return this.classify(v);
  }

  snapshot(): unknown {
    return {
      ...this.baseSnapshot(),
      times: this.times.toJSON(),
      dequeT: this.dequeT.toJSON(),
      dequeV: this.dequeV.toJSON(),
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as ReturnType<RateKernelBase['baseSnapshot']> & {
      times: number[];
      dequeT: number[];
      dequeV: number[];
    };
    this.restoreBase(s);
    this.times = FloatDeque.fromJSON(s.times);
    this.dequeT = FloatDeque.fromJSON(s.dequeT);
    this.dequeV = FloatDeque.fromJSON(s.dequeV);
  }
}

class RescanRateKernel extends RateKernelBase {
  private history = new TimeValueColumns();

  observe(ts: number, v: number): 'match' | 'clear' | 'hold' {
    this.history.push(ts, v);
    this.history.dropBefore(ts - this.params.windowSeconds * 1000);
    const m = windowMinimum(
      this.history.ts,
      this.history.values,
      this.history.length,
      ts,
      this.params.windowSeconds,
    );
    this.minC = m.minC;
    this.minAt = m.minAt;
    this.samples = m.samples;
    return this.classify(v);
  }

  snapshot(): unknown {
    return { ...this.baseSnapshot(), history: this.history.toJSON() };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as ReturnType<RateKernelBase['baseSnapshot']> & {
      history: { ts: number[]; values: number[] };
    };
    this.restoreBase(s);
    this.history = TimeValueColumns.fromJSON(s.history);
  }
}

function nullable(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}
