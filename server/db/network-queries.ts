/**
 * Reads of the camera network, thermal readings and incidents. Collections are assembled as
 * GeoJSON by PostGIS; series are downsampled in the database so a 30-day chart stays small.
 */
import type { BBox, CameraKind, CameraStatus, IncidentCategory } from '../domain/types.js';
import type { Queryable } from './database.js';

export interface CameraFilter {
  bbox?: BBox;
  kind?: CameraKind[];
  status?: CameraStatus[];
  volcanoGvp?: number;
}

/** Cameras as a GeoJSON FeatureCollection string. */
export async function cameraFeatureCollection(db: Queryable, filter: CameraFilter): Promise<string> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.bbox) {
    const [w, s, e, n] = filter.bbox;
    where.push(`c.geom && ST_MakeEnvelope(${p(w)}, ${p(s)}, ${p(e)}, ${p(n)}, 4326)`);
  }
  if (filter.kind?.length) where.push(`c.kind = ANY(${p(filter.kind)}::text[])`);
  if (filter.status?.length) where.push(`c.status = ANY(${p(filter.status)}::text[])`);
  if (filter.volcanoGvp !== undefined) where.push(`c.volcano_gvp = ${p(filter.volcanoGvp)}`);
  const rows = await db.query<{ body: string }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(q.f ORDER BY q.id), '[]'::json))::text AS body
     FROM (
       SELECT c.id, json_build_object('type', 'Feature', 'id', c.external_id, 'geometry', ST_AsGeoJSON(c.geom, 6)::json,
         'properties', json_build_object(
           'externalId', c.external_id, 'name', c.name, 'kind', c.kind, 'status', c.status,
           'mountHeightM', c.mount_height_m, 'azimuthDeg', c.azimuth_deg, 'hfovDeg', c.hfov_deg, 'vfovDeg', c.vfov_deg,
           'tiltDeg', c.tilt_deg, 'rangeM', c.range_m, 'resolutionHPx', c.resolution_h_px, 'resolutionVPx', c.resolution_v_px,
           'installDate', c.install_date, 'unitCostUsd', c.unit_cost_usd, 'volcanoGvp', c.volcano_gvp, 'synthetic', c.synthetic)) AS f
       FROM cameras c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ) q`,
    params,
  );
  return rows[0]!.body;
}

export interface SeriesBucket {
  /** Start of the bucket, ISO 8601 UTC. */
  t: string;
  min: number;
  max: number;
  mean: number;
  /** Readings of quality ok in the bucket. */
  n: number;
  /** Readings flagged obscured or invalid in the bucket (not in min/max/mean). */
  masked: number;
}

export interface ReadingSeries {
  cameraId: string;
  from: string;
  to: string;
  bucketSeconds: number;
  synthetic: boolean;
  buckets: SeriesBucket[];
}

/** Bucket widths a chart can ask for, in seconds: 1 min … 1 day. */
const BUCKET_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** The smallest standard width that keeps [from, to) within `maxBuckets` buckets. */
export function bucketSecondsFor(fromMs: number, toMs: number, maxBuckets: number): number {
  const span = Math.max(0, toMs - fromMs) / 1000;
  return BUCKET_STEPS.find((s) => span / s <= maxBuckets) ?? Math.ceil(span / maxBuckets / 86400) * 86400;
}

/**
 * One camera's readings over [from, to) as min/max/mean of the max temperature per bucket.
 * Returns null when the camera does not exist.
 */
export async function readingSeries(
  db: Queryable,
  externalId: string,
  from: Date,
  to: Date,
  maxBuckets: number,
): Promise<ReadingSeries | null> {
  const bucketSeconds = bucketSecondsFor(from.getTime(), to.getTime(), maxBuckets);
  // One round trip: the camera and its buckets. No camera, no row; a camera without readings in the
  // range, one row of nulls. Bucket starts travel as epoch milliseconds, not timestamps to parse.
  const rows = await db.query<{
    synthetic: boolean;
    t: number | null;
    min: number | null;
    max: number | null;
    mean: number | null;
    n: number | null;
    masked: number | null;
  }>(
    `SELECT c.synthetic, b.t, b.min, b.max, b.mean, b.n, b.masked
     FROM cameras c
     LEFT JOIN LATERAL (
       SELECT (extract(epoch FROM date_bin(make_interval(secs => $4), ts, TIMESTAMPTZ '2000-01-01T00:00:00Z')) * 1000)::float8 AS t,
              min(max_temp_c) FILTER (WHERE quality = 'ok') AS min,
              max(max_temp_c) FILTER (WHERE quality = 'ok') AS max,
              avg(max_temp_c) FILTER (WHERE quality = 'ok')::float8 AS mean,
              count(*) FILTER (WHERE quality = 'ok')::int AS n,
              count(*) FILTER (WHERE quality <> 'ok')::int AS masked
       FROM thermal_readings
       WHERE camera_id = c.id AND ts >= $2 AND ts < $3
       GROUP BY 1
     ) b ON true
     WHERE c.external_id = $1
     ORDER BY b.t`,
    [externalId, from.toISOString(), to.toISOString(), bucketSeconds],
  );
  const camera = rows[0];
  if (!camera) return null;
  const buckets = rows.filter((r): r is typeof r & { t: number; n: number; masked: number } => r.t !== null);
  return {
    cameraId: externalId,
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSeconds,
    synthetic: camera.synthetic,
    buckets: buckets.map((r) => ({
      t: new Date(r.t).toISOString(),
      min: r.min ?? Number.NaN,
      max: r.max ?? Number.NaN,
      mean: r.mean === null ? Number.NaN : Math.round(r.mean * 100) / 100,
      n: r.n,
      masked: r.masked,
    })),
  };
}

export interface IncidentFilter {
  bbox?: BBox;
  from?: Date;
  to?: Date;
  category?: IncidentCategory[];
  limit: number;
  /** Keyset cursor: the last (occurred_at, id) of the previous page. */
  after?: { t: string; id: number };
}

export interface IncidentPage {
  body: string;
  next: { t: string; id: number } | null;
}

/** The incidents filter (and the keyset cursor, when given) as SQL conditions on `incidents i` and their parameters; `p` adds more. */
export function incidentWhere(
  filter: Pick<IncidentFilter, 'bbox' | 'from' | 'to' | 'after'> & { category?: readonly string[] },
) {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.bbox) {
    const [w, s, e, n] = filter.bbox;
    where.push(`i.geom && ST_MakeEnvelope(${p(w)}, ${p(s)}, ${p(e)}, ${p(n)}, 4326)`);
  }
  if (filter.from) where.push(`i.occurred_at >= ${p(filter.from.toISOString())}`);
  if (filter.to) where.push(`i.occurred_at < ${p(filter.to.toISOString())}`);
  if (filter.category?.length) where.push(`i.category = ANY(${p(filter.category)}::text[])`);
  if (filter.after)
    where.push(`(i.occurred_at, i.id) > (${p(filter.after.t)}::timestamptz, ${p(filter.after.id)})`);
  return { where, params, p };
}

/** Incidents in time order as a GeoJSON FeatureCollection, one page at a time. */
export async function incidentPage(db: Queryable, filter: IncidentFilter): Promise<IncidentPage> {
  const { where, params, p } = incidentWhere(filter);
  const rows = await db.query<{ id: number; t: Date; f: string }>(
    `SELECT i.id, i.occurred_at AS t, json_build_object('type', 'Feature', 'id', i.external_id,
        'geometry', ST_AsGeoJSON(i.geom, 6)::json,
        'properties', json_build_object('externalId', i.external_id, 'category', i.category, 'priority', i.priority,
          'occurredAt', i.occurred_at, 'description', i.description, 'synthetic', i.synthetic))::text AS f
     FROM incidents i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY i.occurred_at, i.id
     LIMIT ${p(filter.limit + 1)}`,
    params,
  );
  const more = rows.length > filter.limit;
  const page = more ? rows.slice(0, filter.limit) : rows;
  const last = page[page.length - 1];
  return {
    body: `{"type":"FeatureCollection","features":[${page.map((r) => r.f).join(',')}]}`,
    next: more && last ? { t: last.t.toISOString(), id: last.id } : null,
  };
}

/** One incident as the import format has it (data/samples/README.md), for exports. */
export interface IncidentExportRow {
  id: number;
  external_id: string;
  category: IncidentCategory;
  priority: number | null;
  occurred_at: Date;
  lon: number;
  lat: number;
  description: string | null;
  synthetic: boolean;
}

/** A page of incidents in time order, as plain rows (exports stream these page by page). */
export async function incidentExportPage(
  db: Queryable,
  filter: IncidentFilter,
): Promise<IncidentExportRow[]> {
  const { where, params, p } = incidentWhere(filter);
  return db.query<IncidentExportRow>(
    `SELECT i.id, i.external_id, i.category, i.priority, i.occurred_at,
            round(ST_X(i.geom)::numeric, 6)::float8 AS lon, round(ST_Y(i.geom)::numeric, 6)::float8 AS lat,
            i.description, i.synthetic
     FROM incidents i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY i.occurred_at, i.id
     LIMIT ${p(filter.limit)}`,
    params,
  );
}
