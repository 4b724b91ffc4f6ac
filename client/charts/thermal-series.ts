/**
 * Shapes the downsampled thermal readings (GET /api/cameras/:id/readings) for the chart: runs of
 * buckets with valid readings become line and band segments, and buckets whose frames were all
 * obscured (cloud, ash, gas) become spans the chart hatches. A bucket that is missing altogether
 * (no frames: the camera or its link was down) also breaks the line, so an outage never draws as a
 * straight interpolation.
 */

export interface ReadingBucket {
  /** Start of the bucket, ISO 8601. */
  t: string;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Frames with a valid reading. */
  n: number;
  /** Frames flagged obscured or invalid. */
  masked: number;
}

export interface ReadingSeries {
  cameraId: string;
  bucketSeconds: number;
  synthetic: boolean;
  buckets: ReadingBucket[];
}

/** A bucket with valid readings, time in ms at the bucket's middle, temperatures in °C. */
export interface ChartPoint {
  t: number;
  min: number;
  max: number;
  mean: number;
}

export interface TimeSpan {
  from: number;
  to: number;
}

/**
 * Runs of consecutive valid buckets. A run breaks at a bucket without valid readings and where
 * the next bucket starts more than one bucket width after the previous one (a missing bucket).
 */
export function seriesSegments(series: Pick<ReadingSeries, 'bucketSeconds' | 'buckets'>): ChartPoint[][] {
  const width = series.bucketSeconds * 1000;
  const segments: ChartPoint[][] = [];
  let current: ChartPoint[] = [];
  let lastStart = Number.NEGATIVE_INFINITY;
  for (const b of series.buckets) {
    const start = Date.parse(b.t);
    const valid = b.n > 0 && b.min !== null && b.max !== null && b.mean !== null;
    if (!valid || start - lastStart > width) {
      if (current.length > 0) segments.push(current);
      current = [];
    }
    if (valid) current.push({ t: start + width / 2, min: b.min!, max: b.max!, mean: b.mean! });
    lastStart = start;
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/** Spans [from, to) in ms of buckets whose frames were all masked, adjacent ones merged. */
export function obscuredSpans(series: Pick<ReadingSeries, 'bucketSeconds' | 'buckets'>): TimeSpan[] {
  const width = series.bucketSeconds * 1000;
  const spans: TimeSpan[] = [];
  for (const b of series.buckets) {
    if (b.n > 0 || b.masked === 0) continue;
    const from = Date.parse(b.t);
    const last = spans[spans.length - 1];
    if (last && last.to === from) last.to = from + width;
    else spans.push({ from, to: from + width });
  }
  return spans;
}

/**
 * The temperature range to show, °C: the lowest minimum and highest maximum of all series,
 * widened by 8 % of the span each way (at least 1 °C) so the band never touches the frame.
 * [0, 10] when there is nothing to show.
 */
export function temperatureExtent(series: readonly Pick<ReadingSeries, 'buckets'>[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (const b of s.buckets) {
      if (b.n === 0) continue;
      if (b.min !== null) lo = Math.min(lo, b.min);
      if (b.max !== null) hi = Math.max(hi, b.max);
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 10];
  const pad = Math.max(1, (hi - lo) * 0.08);
  return [lo - pad, hi + pad];
}

/** The newest bucket with valid readings: its start (ms) and mean of the maximum temperature, °C. */
export function latestReading(series: Pick<ReadingSeries, 'buckets'>): { t: number; mean: number } | null {
  for (let i = series.buckets.length - 1; i >= 0; i--) {
    const b = series.buckets[i]!;
    if (b.n > 0 && b.mean !== null) return { t: Date.parse(b.t), mean: b.mean };
  }
  return null;
}
