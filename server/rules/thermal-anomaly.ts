/**
 * Thermal anomaly: a reading above its camera's usual temperature for that hour of day, so the sun warming a
 * slope every afternoon does not fire, and a hot vent at night does.
 *
 * Baseline, for a reading at time t on UTC day d and UTC hour h:
 *   x_j = the highest usable value the camera read during hour h of day d − j, for j = 1..baselineDays
 *         (days with no usable reading in that hour are skipped; today is never part of its own baseline),
 *   median = median(x_j), MAD = median(|x_j − median|), σ̂ = max(1.4826 · MAD, minSigmaC).
 * The rule fires above median + k·σ̂ and clears at or below median + clearK·σ̂. The MAD is scaled by
 * 1.4826 = 1/Φ⁻¹(3/4) so that σ̂ estimates the standard deviation for normally distributed data and k reads
 * as "standard deviations" (Rousseeuw & Croux 1993, "Alternatives to the median absolute deviation").
 * Comparing each reading with the daily maxima of the hour makes the test conservative: the reading has to
 * beat what that hour usually peaks at. With fewer than minBaselineDays usable days the baseline is not
 * trusted and the reading is a hold.
 *
 * UTC hours are the local hours shifted by a constant (Ecuador keeps no daylight saving time: UTC−5 on the
 * mainland, UTC−6 in Galápagos), so "same UTC hour" is "same local hour".
 */
import { classifyAbove } from './hysteresis.js';
import type { RuleOfKind } from './rule-schema.js';
import {
  DAY_MS,
  HOUR_MS,
  TimeValueColumns,
  lowerBound,
  type ThermalKernel,
  type WindowStrategy,
} from './thermal-kernel.js';

export type ThermalAnomalyParams = RuleOfKind<'thermal_anomaly'>['params'];

/** 1/Φ⁻¹(0.75): scales a MAD to a standard deviation for normal data. */
export const MAD_TO_SIGMA = 1.4826;

export interface RobustBaseline {
  medianC: number;
  /** Unscaled median absolute deviation, °C. */
  madC: number;
  /** Days that contributed. */
  days: number;
}

/** Median and (unscaled) MAD of `values[0..n)`; NaN for both when n = 0. Does not modify `values`. */
export function robustBaseline(values: Float64Array, n: number = values.length): RobustBaseline {
  if (n === 0) return { medianC: NaN, madC: NaN, days: 0 };
  const sorted = values.slice(0, n).sort();
  const medianC = medianOfSorted(sorted);
  for (let i = 0; i < n; i++) sorted[i] = Math.abs(sorted[i]! - medianC);
  sorted.sort();
  return { medianC, madC: medianOfSorted(sorted), days: n };
}

function medianOfSorted(s: Float64Array): number {
  const n = s.length;
  const mid = n >> 1;
  return n % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The naive baseline sample: scan sorted usable readings `ts[0..n)`, `values` for each of the previous
 * `baselineDays` days' maximum in the same UTC hour as `nowMs`. O(readings in those hours) per call.
 */
export function sameHourDailyMaxima(
  ts: Float64Array,
  values: Float64Array,
  n: number,
  nowMs: number,
  baselineDays: number,
): Float64Array {
  const day = Math.floor(nowMs / DAY_MS);
  const hourStart = Math.floor((nowMs - day * DAY_MS) / HOUR_MS) * HOUR_MS;
  const out = new Float64Array(baselineDays);
  let m = 0;
  for (let j = 1; j <= baselineDays; j++) {
    const from = (day - j) * DAY_MS + hourStart;
    let max = -Infinity;
    for (let i = lowerBound(ts, n, from); i < n && ts[i]! < from + HOUR_MS; i++)
      if (values[i]! > max) max = values[i]!;
    if (max > -Infinity) out[m++] = max;
  }
  return out.subarray(0, m);
}

export interface AnomalyThresholds {
  sigmaC: number;
  fireAboveC: number;
  clearAtOrBelowC: number;
}

/** Firing and clear temperatures from a baseline, °C. */
export function anomalyThresholds(params: ThermalAnomalyParams, b: RobustBaseline): AnomalyThresholds {
  const sigmaC = Math.max(MAD_TO_SIGMA * b.madC, params.minSigmaC);
  return {
    sigmaC,
    fireAboveC: b.medianC + params.k * sigmaC,
    clearAtOrBelowC: b.medianC + (params.clearK ?? params.k) * sigmaC,
  };
}

/** Days needed before the baseline is trusted. */
export function minBaselineDays(params: ThermalAnomalyParams): number {
  return params.minBaselineDays ?? Math.ceil(params.baselineDays / 2);
}

/** Same-hour anomaly kernel; `incremental` keeps a (day × hour) table of maxima and one cached baseline. */
export function createThermalAnomalyKernel(
  params: ThermalAnomalyParams,
  strategy: WindowStrategy,
): ThermalKernel {
  return strategy === 'incremental' ? new IncrementalAnomalyKernel(params) : new RescanAnomalyKernel(params);
}

abstract class AnomalyKernelBase implements ThermalKernel {
  value = NaN;
  protected baseline: RobustBaseline = { medianC: NaN, madC: NaN, days: 0 };
  protected hourUtc = NaN;
  constructor(protected readonly params: ThermalAnomalyParams) {}

  abstract observe(ts: number, value: number): 'match' | 'clear' | 'hold';
  abstract snapshot(): unknown;
  abstract restore(snapshot: unknown): void;

  protected classify(v: number): 'match' | 'clear' | 'hold' {
    this.value = v;
    if (this.baseline.days < minBaselineDays(this.params)) return 'hold';
    const t = anomalyThresholds(this.params, this.baseline);
    return classifyAbove(v, t.fireAboveC, t.clearAtOrBelowC);
  }

  details(): Record<string, unknown> {
    const base = {
      hourUtc: Number.isNaN(this.hourUtc) ? null : this.hourUtc,
      baselineDays: this.params.baselineDays,
      baselineDaysUsed: this.baseline.days,
      minBaselineDays: minBaselineDays(this.params),
      k: this.params.k,
      clearK: this.params.clearK ?? this.params.k,
    };
    if (this.baseline.days === 0) return base;
    const t = anomalyThresholds(this.params, this.baseline);
    return {
      ...base,
      medianC: this.baseline.medianC,
      madC: this.baseline.madC,
      sigmaC: t.sigmaC,
      fireAboveC: t.fireAboveC,
      clearAtOrBelowC: t.clearAtOrBelowC,
    };
  }

  protected baseSnapshot() {
    return {
      value: nullable(this.value),
      hourUtc: nullable(this.hourUtc),
      baseline: {
        medianC: nullable(this.baseline.medianC),
        madC: nullable(this.baseline.madC),
        days: this.baseline.days,
      },
    };
  }

  protected restoreBase(s: ReturnType<AnomalyKernelBase['baseSnapshot']>): void {
    this.value = s.value ?? NaN;
    this.hourUtc = s.hourUtc ?? NaN;
    this.baseline = {
      medianC: s.baseline.medianC ?? NaN,
      madC: s.baseline.madC ?? NaN,
      days: s.baseline.days,
    };
  }
}

class IncrementalAnomalyKernel extends AnomalyKernelBase {
  // Row r holds the hourly maxima of day dayOfRow[r]; rows are reused round-robin (baselineDays + 1 of
  // them: the baseline days and today). NaN: no usable reading in that hour.
  private readonly rows: number;
  private maxima: Float64Array;
  private dayOfRow: Float64Array;
  /** day·24 + hour of the cached baseline. */
  private cachedSlot = NaN;

  constructor(params: ThermalAnomalyParams) {
    super(params);
    this.rows = params.baselineDays + 1;
    this.maxima = new Float64Array(this.rows * 24).fill(NaN);
    this.dayOfRow = new Float64Array(this.rows).fill(NaN);
  }

  observe(ts: number, v: number): 'match' | 'clear' | 'hold' {
    const day = Math.floor(ts / DAY_MS);
    const hour = Math.floor((ts - day * DAY_MS) / HOUR_MS);
    const slot = day * 24 + hour;
    if (slot !== this.cachedSlot) {
      this.baseline = this.computeBaseline(day, hour);
      this.cachedSlot = slot;
      this.hourUtc = hour;
    }
    const row = mod(day, this.rows);
    if (this.dayOfRow[row] !== day) {
      this.maxima.fill(NaN, row * 24, row * 24 + 24);
      this.dayOfRow[row] = day;
    }
    const cell = row * 24 + hour;
    const prev = this.maxima[cell]!;
    if (Number.isNaN(prev) || v > prev) this.maxima[cell] = v;
    return this.classify(v);
  }

  private computeBaseline(day: number, hour: number): RobustBaseline {
    const sample = new Float64Array(this.params.baselineDays);
    let n = 0;
    for (let j = 1; j <= this.params.baselineDays; j++) {
      const row = mod(day - j, this.rows);
      if (this.dayOfRow[row] !== day - j) continue;
      const x = this.maxima[row * 24 + hour]!;
      if (!Number.isNaN(x)) sample[n++] = x;
    }
    return robustBaseline(sample, n);
  }

  snapshot(): unknown {
    return {
      ...this.baseSnapshot(),
      cachedSlot: nullable(this.cachedSlot),
      maxima: Array.from(this.maxima, nullable),
      dayOfRow: Array.from(this.dayOfRow, nullable),
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as ReturnType<AnomalyKernelBase['baseSnapshot']> & {
      cachedSlot: number | null;
      maxima: (number | null)[];
      dayOfRow: (number | null)[];
    };
    this.restoreBase(s);
    this.cachedSlot = s.cachedSlot ?? NaN;
    this.maxima = Float64Array.from(s.maxima, (x) => x ?? NaN);
    this.dayOfRow = Float64Array.from(s.dayOfRow, (x) => x ?? NaN);
  }
}

class RescanAnomalyKernel extends AnomalyKernelBase {
  private history = new TimeValueColumns();

  observe(ts: number, v: number): 'match' | 'clear' | 'hold' {
    const day = Math.floor(ts / DAY_MS);
    this.history.dropBefore((day - this.params.baselineDays) * DAY_MS);
    const sample = sameHourDailyMaxima(
      this.history.ts,
      this.history.values,
      this.history.length,
      ts,
      this.params.baselineDays,
    );
    this.baseline = robustBaseline(sample);
    this.hourUtc = Math.floor((ts - day * DAY_MS) / HOUR_MS);
    this.history.push(ts, v);
    return this.classify(v);
  }

  snapshot(): unknown {
    return { ...this.baseSnapshot(), history: this.history.toJSON() };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as ReturnType<AnomalyKernelBase['baseSnapshot']> & {
      history: { ts: number[]; values: number[] };
    };
    this.restoreBase(s);
    this.history = TimeValueColumns.fromJSON(s.history);
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function nullable(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}
