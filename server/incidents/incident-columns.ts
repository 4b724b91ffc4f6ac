/**
 * The incidents as columns of typed arrays, ordered by (occurred_at, id), and the two aggregates the
 * map asks of them: counts per H3 cell (the hexagon density) and counts per time bucket (the time
 * slider's histogram). Pure: no database here; incident-snapshot.ts keeps a copy in sync with it.
 *
 * Both aggregates answer exactly what the SQL versions in server/db/density-queries.ts answer:
 * - the time window is [from, to), found by binary search on the sorted times;
 * - the bbox test is PostGIS's `geom && ST_MakeEnvelope(w, s, e, n, 4326)`, which compares float4
 *   boxes rounded outwards (PostGIS gserialized_box2df: next_float_down / next_float_up), so a
 *   point a few µdeg outside the envelope can count: the same rounding is reproduced here;
 * - cells are h3-js latLngToCell of the stored float8 position, histogram buckets are multiples of
 *   the width since 2000-01-01T00:00Z, as date_bin gives them.
 *
 * Cost: a cell is computed once per incident and resolution (latLngToCell, ~2 µs) and remembered as
 * an ordinal into a table of the distinct cells seen, so counting a view is an increment per
 * incident in its window; 81,000 incidents (the demo's 30 days) take well under a millisecond.
 * Memory: 34 bytes per incident plus 4 per incident and resolution asked for.
 */
import { latLngToCell } from 'h3-js';
import type { BBox, IncidentCategory } from '../domain/types.js';
import { INCIDENT_CATEGORIES } from '../domain/types.js';

/** H3 resolutions the density endpoint serves: res 3 (cells of ~12,400 km²) to res 8 (~0.74 km²). */
export const MIN_DENSITY_RES = 3;
export const MAX_DENSITY_RES = 8;

/** Incidents as parallel arrays, one entry per incident (any order). */
export interface IncidentRows {
  /** Database ids (exact below 2^53). */
  ids: Float64Array;
  /** occurred_at, epoch milliseconds (fractional when the database holds microseconds). */
  times: Float64Array;
  /** Position, degrees (EPSG:4326). */
  lngs: Float64Array;
  lats: Float64Array;
  /** Index into INCIDENT_CATEGORIES. */
  categories: Uint8Array;
  /** 1 for synthetic (demo or simulator) incidents, else 0. */
  synthetic: Uint8Array;
}

/** Distinct H3 cells of one resolution, each with its ordinal; only ever grows. */
interface CellTable {
  cells: string[];
  ordinal: Map<string, number>;
  /** Scratch counts, one per cell, all zero between calls. */
  counts: Uint32Array;
}

/** The incidents ordered by (occurred_at, id), with their cells remembered per resolution. */
export interface IncidentColumns extends Readonly<IncidentRows> {
  readonly length: number;
  /** Per resolution: each row's cell ordinal, or NO_CELL until first needed. */
  readonly cellOrdinals: Map<number, Uint32Array>;
  /** Per resolution: the cell table, shared by the columns that follow from these through deltas. */
  readonly cellTables: Map<number, CellTable>;
}

export interface IncidentAggregateFilter {
  from?: Date;
  to?: Date;
  /** Empty or absent: every category. */
  category?: readonly IncidentCategory[];
  bbox?: BBox;
}

export interface DensityCell {
  /** H3 cell index, hexadecimal string. */
  h3: string;
  /** Incidents in the cell. */
  n: number;
}

export interface IncidentDensity {
  res: number;
  /** Incidents counted (the sum of the cells). */
  total: number;
  /** How many of them are synthetic (demo or simulator data). */
  synthetic: number;
  /** Cells with at least one incident, most incidents first, then by index. */
  cells: DensityCell[];
}

export interface HistogramBucket {
  /** Start of the bucket, ISO 8601 UTC. */
  t: string;
  n: number;
}

export interface IncidentHistogram {
  from: string;
  to: string;
  bucketSeconds: number;
  total: number;
  synthetic: number;
  /** Every bucket of [from, to), empty ones included, in time order. */
  buckets: HistogramBucket[];
}

/** Id ranges [lo[i], hi[i]], inclusive, sorted and disjoint (see mergeIdRanges). */
export interface IdRanges {
  lo: Float64Array;
  hi: Float64Array;
}

/** A row's cell not computed yet. */
const NO_CELL = 0xffffffff;
/** Epoch of the bucket grid: 2000-01-01T00:00:00Z in ms, date_bin's origin in density-queries.ts. */
const BUCKET_ORIGIN_MS = Date.UTC(2000, 0, 1);

/** No incidents. */
export function emptyColumns(): IncidentColumns {
  return columnsFromRows(rowsOfLength(0));
}

/**
 * Columns from rows in any order: sorted by (time, id) unless they already are (a full read along
 * the (occurred_at, id) index is), so that costs one pass.
 */
export function columnsFromRows(rows: IncidentRows): IncidentColumns {
  checkRows(rows);
  const n = rows.ids.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = before(rows, i - 1, rows, i);
  const out = sorted ? rows : permuted(rows, sortedOrder(rows));
  return { ...out, length: n, cellOrdinals: new Map(), cellTables: new Map() };
}

/**
 * The columns after a change: every row whose id lies in `ranges` goes, then `rows` (the database's
 * rows of those ranges now, in any order) come in. O(n + k log k) for n rows and k new ones; the
 * cells of the rows that stay are kept. Throws when a new row lies outside the ranges (a caller's
 * mistake that would duplicate it).
 */
export function applyIncidentDelta(
  columns: IncidentColumns,
  ranges: IdRanges,
  rows: IncidentRows,
): IncidentColumns {
  checkRows(rows);
  if (ranges.lo.length !== ranges.hi.length)
    throw new Error(`Range bounds differ in length: ${ranges.lo.length} vs ${ranges.hi.length}`);
  for (let j = 0; j < rows.ids.length; j++) {
    if (!inRanges(ranges, rows.ids[j]!))
      throw new Error(`Incident ${rows.ids[j]} is not in the changed id ranges`);
  }
  const n = columns.length;
  const keep = new Uint8Array(n);
  let kept = 0;
  let first = n; // the first row that goes or before which a new one comes: all before it stay as they are
  const ids = columns.ids;
  for (let i = 0; i < n; i++) {
    if (inRanges(ranges, ids[i]!)) {
      if (i < first) first = i;
    } else {
      keep[i] = 1;
      kept++;
    }
  }
  const order = sortedOrder(rows);
  const k = order.length;
  if (k > 0) first = Math.min(first, positionOf(columns, rows.times[order[0]!]!, rows.ids[order[0]!]!));
  const total = kept + k;
  const out = rowsOfLength(total);
  for (const key of ['ids', 'times', 'lngs', 'lats', 'categories', 'synthetic'] as const) {
    (out[key] as Float64Array).set((columns[key] as Float64Array).subarray(0, first));
  }
  const ordinals = new Map<number, Uint32Array>();
  const carried = [...columns.cellOrdinals].map(([res, old]) => {
    const next = new Uint32Array(total);
    next.set(old.subarray(0, first));
    ordinals.set(res, next);
    return [old, next] as const;
  });
  const times = columns.times;
  const newTimes = rows.times;
  const newIds = rows.ids;
  let i = first;
  let j = 0;
  for (let w = first; w < total; w++) {
    while (i < n && !keep[i]) i++;
    let takeOld = i < n;
    if (takeOld && j < k) {
      const tOld = times[i]!;
      const tNew = newTimes[order[j]!]!;
      takeOld = tOld < tNew || (tOld === tNew && ids[i]! < newIds[order[j]!]!);
    }
    if (takeOld) {
      copyRow(columns, i, out, w);
      for (const [old, next] of carried) next[w] = old[i]!;
      i++;
    } else {
      copyRow(rows, order[j]!, out, w);
      for (const [, next] of carried) next[w] = NO_CELL;
      j++;
    }
  }
  return { ...out, length: total, cellOrdinals: ordinals, cellTables: columns.cellTables };
}

/**
 * Sorted, disjoint ranges from possibly overlapping [lo, hi] pairs (adjacent ones joined), ids
 * inclusive.
 */
export function mergeIdRanges(pairs: readonly (readonly [number, number])[]): IdRanges {
  const sorted = pairs
    .map(([lo, hi]) => {
      if (!(lo <= hi)) throw new Error(`Invalid id range: [${lo}, ${hi}]`);
      return [lo, hi] as const;
    })
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const lo: number[] = [];
  const hi: number[] = [];
  for (const [a, b] of sorted) {
    const last = hi.length - 1;
    if (last >= 0 && a <= hi[last]! + 1) hi[last] = Math.max(hi[last]!, b);
    else {
      lo.push(a);
      hi.push(b);
    }
  }
  return { lo: Float64Array.from(lo), hi: Float64Array.from(hi) };
}

/**
 * The row indexes matching the filter, in (time, id) order: the window [from, to) by binary search,
 * then categories and the bbox (with PostGIS's float4 rounding, see the file comment).
 */
export function selectIncidents(columns: IncidentColumns, filter: IncidentAggregateFilter): Uint32Array {
  const { start, end, mask, west, south, east, north } = selectionOf(columns, filter);
  const { categories, lngs, lats } = columns;
  const picked: number[] = [];
  for (let i = start; i < end; i++) {
    const x = lngs[i]!;
    const y = lats[i]!;
    if ((1 << categories[i]!) & mask && x > west && x < east && y > south && y < north) picked.push(i);
  }
  return Uint32Array.from(picked);
}

/**
 * Incidents per time bucket over [from, to), as density-queries.ts's incidentHistogram: buckets are
 * multiples of `bucketSeconds` since 2000-01-01T00:00Z, the first one starting at or before `from`,
 * empty buckets included.
 * @param bucketSeconds bucket width, seconds
 */
export function histogramOf(
  columns: IncidentColumns,
  filter: IncidentAggregateFilter & { from: Date; to: Date },
  bucketSeconds: number,
): IncidentHistogram {
  const step = bucketSeconds * 1000;
  if (!(step > 0)) throw new Error(`Invalid bucket width: ${bucketSeconds} s`);
  const fromMs = filter.from.getTime();
  const toMs = filter.to.getTime();
  const first = BUCKET_ORIGIN_MS + Math.floor((fromMs - BUCKET_ORIGIN_MS) / step) * step;
  const starts: number[] = [];
  for (let t = first; t < toMs; t += step) starts.push(t);
  const counts = new Array<number>(starts.length).fill(0);
  let total = 0;
  let synthetic = 0;
  // Rows come in time order: the bucket only moves forward, and only exact comparisons place a row.
  const { start, end: stop, mask, west, south, east, north } = selectionOf(columns, filter);
  const { times, categories, lngs, lats } = columns;
  let b = 0;
  let end = starts.length > 1 ? starts[1]! : Infinity;
  for (let i = start; i < stop; i++) {
    const x = lngs[i]!;
    const y = lats[i]!;
    if (!((1 << categories[i]!) & mask && x > west && x < east && y > south && y < north)) continue;
    const t = times[i]!;
    while (t >= end) {
      b++;
      end = b + 1 < starts.length ? starts[b + 1]! : Infinity;
    }
    counts[b]!++;
    total++;
    synthetic += columns.synthetic[i]!;
  }
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    bucketSeconds,
    total,
    synthetic,
    buckets: starts.map((t, k) => ({ t: new Date(t).toISOString(), n: counts[k]! })),
  };
}

/**
 * Incidents matching the filter counted per H3 cell at `res`, as density-queries.ts's
 * incidentDensity: cells with most incidents first, ties by index.
 * @param res H3 resolution, MIN_DENSITY_RES to MAX_DENSITY_RES
 */
export function densityOf(
  columns: IncidentColumns,
  filter: IncidentAggregateFilter,
  res: number,
): IncidentDensity {
  const { table, ordinals } = cellsAt(columns, res);
  const { lngs, lats, categories, synthetic: syn } = columns;
  const { start, end, mask, west, south, east, north } = selectionOf(columns, filter);
  const touched: number[] = [];
  let total = 0;
  let synthetic = 0;
  for (let i = start; i < end; i++) {
    const x = lngs[i]!;
    const y = lats[i]!;
    if (!((1 << categories[i]!) & mask && x > west && x < east && y > south && y < north)) continue;
    let o = ordinals[i]!;
    if (o === NO_CELL) o = ordinals[i] = cellOrdinal(table, latLngToCell(y, x, res));
    const counts = table.counts;
    if (counts[o] === 0) touched.push(o);
    counts[o]!++;
    total++;
    synthetic += syn[i]!;
  }
  const t = table;
  const cells: DensityCell[] = touched.map((o) => ({ h3: t.cells[o]!, n: t.counts[o]! }));
  for (const o of touched) t.counts[o] = 0;
  cells.sort((a, b) => b.n - a.n || (a.h3 < b.h3 ? -1 : a.h3 > b.h3 ? 1 : 0));
  return { res, total, synthetic, cells };
}

/**
 * Computes the cells at `res` of up to `count` rows from row `from` on that have none yet (what
 * densityOf would compute on first use), so a server can spread that work over idle moments instead
 * of paying it in a request: ~2 µs a row, 1.5 s for a national view of a million rows. Returns the
 * row to continue from; `columns.length` when all are done.
 */
export function warmCells(columns: IncidentColumns, res: number, from: number, count: number): number {
  const { table, ordinals } = cellsAt(columns, res);
  const end = Math.min(columns.length, from + count);
  const { lngs, lats } = columns;
  for (let i = from; i < end; i++) {
    if (ordinals[i] === NO_CELL) ordinals[i] = cellOrdinal(table, latLngToCell(lats[i]!, lngs[i]!, res));
  }
  return end;
}

/** The cell table and the rows' ordinals at a resolution, created on first use. */
function cellsAt(columns: IncidentColumns, res: number): { table: CellTable; ordinals: Uint32Array } {
  if (!Number.isInteger(res) || res < MIN_DENSITY_RES || res > MAX_DENSITY_RES) {
    throw new Error(`Invalid density resolution: ${res}`);
  }
  let table = columns.cellTables.get(res);
  if (!table) {
    table = { cells: [], ordinal: new Map(), counts: new Uint32Array(1024) };
    columns.cellTables.set(res, table);
  }
  let ordinals = columns.cellOrdinals.get(res);
  if (!ordinals) {
    ordinals = new Uint32Array(columns.length).fill(NO_CELL);
    columns.cellOrdinals.set(res, ordinals);
  }
  return { table, ordinals };
}

/** The ordinal of a cell in its table, added (and the scratch counts grown) when new. */
function cellOrdinal(table: CellTable, cell: string): number {
  let known = table.ordinal.get(cell);
  if (known === undefined) {
    known = table.cells.length;
    table.cells.push(cell);
    table.ordinal.set(cell, known);
    if (known >= table.counts.length) {
      const grown = new Uint32Array(table.counts.length * 2);
      grown.set(table.counts);
      table.counts = grown;
    }
  }
  return known;
}

/**
 * What a filter selects: rows [start, end) by time, then those whose category bit is in `mask` and
 * whose position lies strictly inside the open box (infinite without a bbox).
 */
interface Selection {
  start: number;
  end: number;
  mask: number;
  west: number;
  south: number;
  east: number;
  north: number;
}

function selectionOf(columns: IncidentColumns, filter: IncidentAggregateFilter): Selection {
  const { times } = columns;
  let mask = 0;
  for (const c of filter.category ?? []) {
    const k = INCIDENT_CATEGORIES.indexOf(c);
    if (k < 0) throw new Error(`Unknown incident category: ${JSON.stringify(c)}`);
    mask |= 1 << k;
  }
  const box = filter.bbox
    ? openBoxOf(filter.bbox)
    : { west: -Infinity, south: -Infinity, east: Infinity, north: Infinity };
  return {
    start: filter.from ? lowerBound(times, columns.length, filter.from.getTime()) : 0,
    end: filter.to ? lowerBound(times, columns.length, filter.to.getTime()) : columns.length,
    mask: mask === 0 ? -1 : mask,
    ...box,
  };
}

/**
 * The open box (west, east) × (south, north) of the positions PostGIS's `&&` finds in the envelope.
 * A point's float4 box is [down(x), up(x)], the envelope's [down(w), up(e)], and they overlap when
 * down(x) ≤ up(e) and down(w) ≤ up(x): that is x < the float4 after up(e) and x > the float4 before
 * down(w) (no float4 lies strictly between neighbours).
 */
function openBoxOf([w, s, e, n]: BBox): { west: number; south: number; east: number; north: number } {
  return {
    west: nextFloat32Down(floatDown(w)),
    south: nextFloat32Down(floatDown(s)),
    east: nextFloat32Up(floatUp(e)),
    north: nextFloat32Up(floatUp(n)),
  };
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The float4 next above a float4 value. */
function nextFloat32Up(f: number): number {
  if (f === 0) return 2 ** -149;
  f32[0] = f;
  i32[0]! += f > 0 ? 1 : -1;
  return f32[0]!;
}

function nextFloat32Down(f: number): number {
  return -nextFloat32Up(-f);
}

/** The largest float4 ≤ d (PostGIS next_float_down). */
function floatDown(d: number): number {
  const f = Math.fround(d);
  return f <= d ? f : nextFloat32Down(f);
}

/** The smallest float4 ≥ d (PostGIS next_float_up). */
function floatUp(d: number): number {
  const f = Math.fround(d);
  return f >= d ? f : nextFloat32Up(f);
}

/** First index in sorted[0, n) whose value is ≥ x. */
function lowerBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function inRanges(ranges: IdRanges, id: number): boolean {
  const { lo, hi } = ranges;
  const n = lo.length;
  if (n === 0 || id < lo[0]! || id > hi[n - 1]!) return false;
  let a = 0;
  let b = n - 1;
  // The last range starting at or before id.
  while (a < b) {
    const mid = (a + b + 1) >>> 1;
    if (lo[mid]! <= id) a = mid;
    else b = mid - 1;
  }
  return id <= hi[a]!;
}

/** The first row of `columns` not before (t, id) in (time, id) order. */
function positionOf(columns: IncidentColumns, t: number, id: number): number {
  const { times, ids } = columns;
  let lo = 0;
  let hi = columns.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const tm = times[mid]!;
    if (tm < t || (tm === t && ids[mid]! < id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether row i of a comes strictly before row j of b in (time, id) order. */
function before(a: IncidentRows, i: number, b: IncidentRows, j: number): boolean {
  const ta = a.times[i]!;
  const tb = b.times[j]!;
  return ta < tb || (ta === tb && a.ids[i]! < b.ids[j]!);
}

function sortedOrder(rows: IncidentRows): Uint32Array {
  const order = Uint32Array.from({ length: rows.ids.length }, (_, i) => i);
  const { times, ids } = rows;
  return order.sort((a, b) => times[a]! - times[b]! || ids[a]! - ids[b]!);
}

function permuted(rows: IncidentRows, order: Uint32Array): IncidentRows {
  const out = rowsOfLength(order.length);
  for (let w = 0; w < order.length; w++) copyRow(rows, order[w]!, out, w);
  return out;
}

function copyRow(from: IncidentRows, i: number, to: IncidentRows, w: number): void {
  to.ids[w] = from.ids[i]!;
  to.times[w] = from.times[i]!;
  to.lngs[w] = from.lngs[i]!;
  to.lats[w] = from.lats[i]!;
  to.categories[w] = from.categories[i]!;
  to.synthetic[w] = from.synthetic[i]!;
}

/** Zeroed rows. */
export function rowsOfLength(n: number): IncidentRows {
  return {
    ids: new Float64Array(n),
    times: new Float64Array(n),
    lngs: new Float64Array(n),
    lats: new Float64Array(n),
    categories: new Uint8Array(n),
    synthetic: new Uint8Array(n),
  };
}

function checkRows(rows: IncidentRows): void {
  const n = rows.ids.length;
  const lengths = [rows.times, rows.lngs, rows.lats, rows.categories, rows.synthetic].map((a) => a.length);
  if (lengths.some((l) => l !== n))
    throw new Error(`Incident columns differ in length: ${[n, ...lengths].join(', ')}`);
  for (let i = 0; i < n; i++) {
    if (rows.categories[i]! >= INCIDENT_CATEGORIES.length)
      throw new Error(
        `Incident ${rows.ids[i]} has category index ${rows.categories[i]}, outside 0…${INCIDENT_CATEGORIES.length - 1}`,
      );
  }
}
