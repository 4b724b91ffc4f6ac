/**
 * Latency figures of a load-test class from every response time it recorded (no histogram buckets,
 * so the percentiles are exact): nearest-rank percentiles, as in Hyndman & Fan (1996) definition 1.
 */

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
}

/** The nearest-rank q-quantile of sorted values: the smallest value with at least q of them at or below it. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
}

/** p50, p99 and the maximum of response times in ms. */
export function summarize(times: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(times).sort();
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 0.5),
    p99: nearestRank(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}
