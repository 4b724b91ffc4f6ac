/**
 * Stored history in columns: how a backtest receives a month of readings (1.7 M rows for 40 cameras at one
 * per minute) without an object per row. The lead fills it from `thermal_readings` ORDER BY ts.
 */
import { QUALITY_CODES } from './camera-feed.js';
import type { ReadingInput } from './rule-inputs.js';

export interface ReadingColumns {
  /** Camera external ids; `camera[i]` indexes into this. */
  cameraIds: readonly string[];
  camera: Uint32Array;
  /** Epoch ms, non-decreasing. */
  ts: Float64Array;
  maxC: Float64Array;
  /** NaN where the frame has no mean. */
  meanC: Float64Array;
  /** QUALITY_OK / QUALITY_OBSCURED / QUALITY_INVALID. */
  quality: Uint8Array;
}

/** Columns from reading objects, sorted by time (stable: equal times keep their order). */
export function readingColumnsFrom(readings: readonly ReadingInput[]): ReadingColumns {
  const order = readings.map((_, i) => i).sort((a, b) => readings[a]!.tsMs - readings[b]!.tsMs || a - b);
  const ids: string[] = [];
  const index = new Map<string, number>();
  const n = readings.length;
  const cols: ReadingColumns = {
    cameraIds: ids,
    camera: new Uint32Array(n),
    ts: new Float64Array(n),
    maxC: new Float64Array(n),
    meanC: new Float64Array(n),
    quality: new Uint8Array(n),
  };
  order.forEach((src, i) => {
    const r = readings[src]!;
    let c = index.get(r.cameraId);
    if (c === undefined) {
      c = ids.length;
      ids.push(r.cameraId);
      index.set(r.cameraId, c);
    }
    const q = QUALITY_CODES[r.quality];
    if (q === undefined)
      throw new RangeError(
        `reading quality must be ok, obscured or invalid, got ${JSON.stringify(r.quality)}`,
      );
    cols.camera[i] = c;
    cols.ts[i] = r.tsMs;
    cols.maxC[i] = r.maxTempC;
    cols.meanC[i] = r.meanTempC ?? NaN;
    cols.quality[i] = q;
  });
  return cols;
}

/** Throws (naming the row) unless the columns have equal lengths, valid camera indexes and sorted times. */
export function assertReadingColumns(c: ReadingColumns): void {
  const n = c.ts.length;
  for (const [name, col] of [
    ['camera', c.camera],
    ['maxC', c.maxC],
    ['meanC', c.meanC],
    ['quality', c.quality],
  ] as const) {
    if (col.length !== n) throw new RangeError(`reading column ${name} has ${col.length} rows, ts has ${n}`);
  }
  for (let i = 0; i < n; i++) {
    if (i > 0 && !(c.ts[i]! >= c.ts[i - 1]!))
      throw new RangeError(`readings are not in time order at row ${i}: ${c.ts[i - 1]} then ${c.ts[i]}`);
    if (c.camera[i]! >= c.cameraIds.length)
      throw new RangeError(
        `reading row ${i} names camera index ${c.camera[i]}, only ${c.cameraIds.length} ids`,
      );
  }
}
