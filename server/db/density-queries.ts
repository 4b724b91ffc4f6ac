/**
 * Incident aggregates for the map, read from the database: counts per H3 cell (hexagon density) and
 * counts per time bucket (the histogram behind the time slider). The routes now answer from the
 * in-memory columns of server/incidents/ (incident-columns.ts), which give the same answers without
 * reading the incidents on each request; these SQL versions stay as the reference the columns are
 * tested against and the baseline `npm run bench` measures them against (incident-density-bench.ts).
 *
 * H3 (Uber's hierarchical hexagonal grid, https://h3geo.org) is not in PostGIS, so the cells are
 * computed in Node with h3-js over the incident positions read from the database in chunks along
 * the (occurred_at, id) index. Cost: one row transfer plus about 2 µs of latLngToCell per incident
 * in the window (measured on this project's 2-core machine: 1,000,000 points in ~2.0 s), on every
 * call: the demo slice (81,000 incidents in 30 days) takes ~0.3 s on PGlite.
 * The histogram is a plain GROUP BY in SQL: one index range scan, no per-row work in Node.
 */
import { latLngToCell } from 'h3-js';
import {
  MAX_DENSITY_RES,
  MIN_DENSITY_RES,
  type DensityCell,
  type HistogramBucket,
  type IncidentAggregateFilter,
  type IncidentDensity,
  type IncidentHistogram,
} from '../incidents/incident-columns.js';
import type { Queryable } from './database.js';
import { incidentWhere } from './network-queries.js';

export { MAX_DENSITY_RES, MIN_DENSITY_RES };
export type { DensityCell, HistogramBucket, IncidentAggregateFilter, IncidentDensity, IncidentHistogram };

/** Rows read per round trip; bounds the memory of one density query whatever the window. */
const CHUNK_ROWS = 200_000;

/**
 * Counts incidents per H3 cell at resolution `res`, positions as [lng, lat] in degrees.
 * Pure: the database-facing incidentDensity feeds it chunk by chunk through the same map.
 */
export function countByH3(
  lngs: ArrayLike<number>,
  lats: ArrayLike<number>,
  res: number,
  counts: Map<string, number> = new Map(),
): Map<string, number> {
  if (!Number.isInteger(res) || res < 0 || res > 15) throw new Error(`Invalid H3 resolution: ${res}`);
  if (lngs.length !== lats.length) {
    throw new Error(`Longitude and latitude arrays differ in length: ${lngs.length} vs ${lats.length}`);
  }
  for (let i = 0; i < lngs.length; i++) {
    const cell = latLngToCell(lats[i]!, lngs[i]!, res);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return counts;
}

/** The cell counts as a list, most incidents first (ties by index, so the order is stable). */
export function sortedCells(counts: ReadonlyMap<string, number>): DensityCell[] {
  return [...counts]
    .map(([h3, n]) => ({ h3, n }))
    .sort((a, b) => b.n - a.n || (a.h3 < b.h3 ? -1 : a.h3 > b.h3 ? 1 : 0));
}

/**
 * Incidents matching the filter, counted per H3 cell at `res` (see the module comment for the cost),
 * read `chunkRows` at a time.
 */
export async function incidentDensity(
  db: Queryable,
  filter: IncidentAggregateFilter,
  res: number,
  chunkRows: number = CHUNK_ROWS,
): Promise<IncidentDensity> {
  if (!Number.isInteger(res) || res < MIN_DENSITY_RES || res > MAX_DENSITY_RES) {
    throw new Error(`Invalid density resolution: ${res}`);
  }
  const counts = new Map<string, number>();
  let total = 0;
  let synthetic = 0;
  let after: { t: Date; id: string } | null = null;
  for (;;) {
    const { where, params, p } = incidentWhere(filter);
    if (after) {
      where.push(
        `(i.occurred_at, i.id) > (${p(after.t.toISOString())}::timestamptz, ${p(after.id)}::bigint)`,
      );
    }
    // Positions travel packed, 16 bytes each (two big-endian float8), in one bytea per
    // chunk: one JavaScript object per row cost ~12 µs per incident on PGlite, the packed chunk about 1 µs.
    const rows = await db.query<{
      xy: Uint8Array | null;
      n: number;
      s: number;
      last_t: Date | null;
      last_id: string | null;
    }>(
      `WITH c AS (
         SELECT i.id, i.occurred_at, i.geom, i.synthetic FROM incidents i
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY i.occurred_at, i.id LIMIT ${p(chunkRows)})
       SELECT string_agg(float8send(ST_X(c.geom)) || float8send(ST_Y(c.geom)), ''::bytea) AS xy,
              count(*)::int AS n, count(*) FILTER (WHERE c.synthetic)::int AS s,
              max(c.occurred_at) AS last_t,
              max(c.id) FILTER (WHERE c.occurred_at = (SELECT max(occurred_at) FROM c))::text AS last_id
       FROM c`,
      params,
    );
    const chunk = rows[0];
    if (!chunk || chunk.n === 0 || !chunk.xy) break;
    const { lngs, lats } = unpackPositions(chunk.xy);
    countByH3(lngs, lats, res, counts);
    total += chunk.n;
    synthetic += chunk.s;
    if (chunk.n < chunkRows || !chunk.last_t || !chunk.last_id) break;
    after = { t: chunk.last_t, id: chunk.last_id };
  }
  return { res, total, synthetic, cells: sortedCells(counts) };
}

/** Splits packed positions (big-endian float8 longitude, latitude, repeated) into two arrays, degrees. */
export function unpackPositions(bytes: Uint8Array): { lngs: Float64Array; lats: Float64Array } {
  if (bytes.byteLength % 16 !== 0) {
    throw new Error(`Packed positions must be a multiple of 16 bytes, got ${bytes.byteLength}`);
  }
  const count = bytes.byteLength / 16;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lngs = new Float64Array(count);
  const lats = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    lngs[i] = view.getFloat64(i * 16, false);
    lats[i] = view.getFloat64(i * 16 + 8, false);
  }
  return { lngs, lats };
}

/**
 * Incidents per time bucket over [from, to). Buckets are aligned to multiples of bucketSeconds
 * since 2000-01-01T00:00Z (so hours and UTC days start where one expects); the first one starts
 * at or before `from`. Empty buckets are included, so a chart can draw the array as is.
 */
export async function incidentHistogram(
  db: Queryable,
  filter: IncidentAggregateFilter & { from: Date; to: Date },
  bucketSeconds: number,
): Promise<IncidentHistogram> {
  const { where, params, p } = incidentWhere(filter);
  const rows = await db.query<{ t: Date; n: number; s: number }>(
    `SELECT date_bin(make_interval(secs => ${p(bucketSeconds)}), i.occurred_at, TIMESTAMPTZ '2000-01-01T00:00:00Z') AS t,
            count(*)::int AS n, count(*) FILTER (WHERE i.synthetic)::int AS s
     FROM incidents i WHERE ${where.join(' AND ')}
     GROUP BY 1 ORDER BY 1`,
    params,
  );
  const buckets = fillBuckets(
    rows.map((r) => ({ t: r.t.getTime(), n: r.n })),
    filter.from.getTime(),
    filter.to.getTime(),
    bucketSeconds,
  );
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    bucketSeconds,
    total: rows.reduce((sum, r) => sum + r.n, 0),
    synthetic: rows.reduce((sum, r) => sum + r.s, 0),
    buckets,
  };
}

/** Epoch of the bucket grid: 2000-01-01T00:00:00Z in milliseconds (as date_bin's origin above). */
const BUCKET_ORIGIN_MS = Date.UTC(2000, 0, 1);

/**
 * Every bucket start of [fromMs, toMs) on the grid of `bucketSeconds` since 2000-01-01Z, with the
 * counts of `rows` (keyed by bucket start in ms) and 0 elsewhere.
 */
export function fillBuckets(
  rows: readonly { t: number; n: number }[],
  fromMs: number,
  toMs: number,
  bucketSeconds: number,
): HistogramBucket[] {
  const step = bucketSeconds * 1000;
  if (!(step > 0)) throw new Error(`Invalid bucket width: ${bucketSeconds} s`);
  const byStart = new Map(rows.map((r) => [r.t, r.n]));
  const first = BUCKET_ORIGIN_MS + Math.floor((fromMs - BUCKET_ORIGIN_MS) / step) * step;
  const buckets: HistogramBucket[] = [];
  for (let t = first; t < toMs; t += step) {
    buckets.push({ t: new Date(t).toISOString(), n: byStart.get(t) ?? 0 });
  }
  return buckets;
}
