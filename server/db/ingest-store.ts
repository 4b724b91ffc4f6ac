/**
 * Writes validated cameras, incidents and thermal readings in bulk, inside the caller's
 * transaction: nothing is visible before the commit, and sending the same batch again changes
 * nothing (readings are keyed by camera and instant, cameras and incidents by their external
 * id). New readings and incidents are COPYed straight into their tables; repeats go through a
 * staging table and ON CONFLICT. The counts say what happened to every row.
 */
import type { Camera, Incident, ReadingQuality } from '../domain/types.js';
import { IntegrityConstraintError } from '../errors.js';
import { csvText, type CopyValue } from './copy-csv.js';
import type { Queryable } from './database.js';

export interface StoreCounts {
  /** Rows handed in. */
  received: number;
  /** New rows written. */
  inserted: number;
  /** Existing rows whose values changed (cameras only). */
  updated: number;
  /** Rows already stored with the same values: the idempotent repeats. */
  unchanged: number;
  /** Rows whose key is stored with other values; the stored row is kept (readings, incidents). */
  conflicting: number;
}

/** A reading whose camera has been resolved to its database id. */
export interface ReadingRow {
  cameraId: number;
  ts: string;
  maxTempC: number;
  meanTempC: number | null;
  quality: ReadingQuality;
  synthetic: boolean;
}

/** A stored row an import wrote, for the audit log: null before for a new row. */
export interface StoredChange {
  key: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

export interface StagedBatch<T> {
  /** Adds rows to the batch (COPY into the staging table). */
  append(rows: readonly T[]): Promise<void>;
  /** Merges the staged rows into the table and reports what happened. */
  merge(): Promise<StoreCounts>;
  /**
   * After merge: each row inserted or changed, with its values before and after (cameras, whose
   * rows an import overwrites). Readings and incidents are never overwritten and have none.
   */
  changes?(): readonly StoredChange[];
}

const empty = (): StoreCounts => ({ received: 0, inserted: 0, updated: 0, unchanged: 0, conflicting: 0 });

/** Rows as CSV text, a few thousand lines at a time. */
async function* csvChunks<T>(
  rows: readonly T[],
  row: (r: T) => readonly CopyValue[],
  per = 4096,
): AsyncGenerator<string> {
  for (let i = 0; i < rows.length; i += per) yield csvText(rows.slice(i, i + per).map(row));
}

interface FastPathSpec<T> {
  table: string;
  columns: readonly string[];
  /** The primary-key or unique constraint that a repeat violates. */
  keyConstraint: string;
  row: (r: T) => readonly CopyValue[];
  /** Merges staging into the table, skipping keys already stored; returns the rows inserted. */
  mergeSql: string;
  /** Counts staged rows whose key is stored with equal values (inserted ones included). */
  sameSql: string;
  /** Small batches in one statement instead of a savepoint and COPY (see fastPathBatch). */
  small?: SmallInsertSpec<T>;
}

interface SmallInsertSpec<T> {
  /** Largest batch written this way. */
  maxRows: number;
  /** INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING the key columns. */
  sql: string;
  params: (rows: readonly T[]) => unknown[];
  /** A row's key, and the same key from a RETURNING row. */
  key: (row: T) => string;
  returnedKey: (row: Record<string, unknown>) => string;
}

/**
 * New rows — the common case — are COPYed straight into the table inside a savepoint. A chunk
 * that repeats a stored key is rolled back to the savepoint and COPYed into the staging table
 * instead, to be merged with ON CONFLICT DO NOTHING and counted as unchanged or conflicting.
 * The staging table is made ready only when a repeat comes: a gateway's batch of new readings
 * costs no round trip for it (and no TRUNCATE, which swaps the table's files on every call).
 *
 * A small batch (a gateway's second of readings, ~30 rows) goes in as one INSERT over unnest()
 * arrays with ON CONFLICT DO NOTHING: one round trip instead of SAVEPOINT, COPY and RELEASE, three
 * waits on a busy database. The rows it did not insert (repeats of stored keys, or of an earlier
 * row of the batch, which the INSERT skips the same way) are staged, so the merge counts them as
 * unchanged or conflicting exactly as for a large batch.
 */
async function fastPathBatch<T>(tx: Queryable, spec: FastPathSpec<T>): Promise<StagedBatch<T>> {
  const staging = `staging_${spec.table}`;
  let stagingReady = false;
  const counts = empty();
  let staged = 0;
  /** Copies rows into the staging table, for the merge. */
  const stage = async (rows: readonly T[]) => {
    if (!stagingReady) {
      // Temporary tables live as long as the pooled connection; ON COMMIT DELETE ROWS empties
      // this one at every commit, and DELETE covers a batch that a failed one left behind.
      await tx.exec(
        `CREATE TEMP TABLE IF NOT EXISTS ${staging} (LIKE ${spec.table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
      );
      await tx.exec(`DELETE FROM ${staging}`);
      stagingReady = true;
    }
    await tx.copyFromCsv(staging, spec.columns, csvChunks(rows, spec.row));
    staged += rows.length;
  };
  return {
    async append(rows) {
      if (rows.length === 0) return;
      counts.received += rows.length;
      if (spec.small && rows.length <= spec.small.maxRows) {
        const small = spec.small;
        const returned = await tx.query<Record<string, unknown>>(small.sql, small.params(rows));
        counts.inserted += returned.length;
        if (returned.length === rows.length) return;
        // Each returned key accounts for the first row that carries it; the others are repeats.
        const pending = new Map<string, number>();
        for (const r of returned) {
          const k = small.returnedKey(r);
          pending.set(k, (pending.get(k) ?? 0) + 1);
        }
        const repeats = rows.filter((row) => {
          const k = small.key(row);
          const n = pending.get(k) ?? 0;
          if (n === 0) return true;
          pending.set(k, n - 1);
          return false;
        });
        await stage(repeats);
        return;
      }
      // Formatting streams into COPY chunk by chunk, so the server parses while Node formats.
      const csv = () => csvChunks(rows, spec.row);
      await tx.exec('SAVEPOINT atalaya_direct_copy');
      try {
        await tx.copyFromCsv(spec.table, spec.columns, csv());
        await tx.exec('RELEASE SAVEPOINT atalaya_direct_copy');
        counts.inserted += rows.length;
      } catch (error) {
        if (!(error instanceof IntegrityConstraintError) || error.constraint !== spec.keyConstraint)
          throw error;
        await tx.exec('ROLLBACK TO SAVEPOINT atalaya_direct_copy');
        await stage(rows);
      }
    },
    async merge() {
      if (staged > 0) {
        const [ins] = await tx.query<{ n: number }>(
          `WITH ins AS (${spec.mergeSql} RETURNING 1) SELECT count(*)::int AS n FROM ins`,
        );
        const [same] = await tx.query<{ n: number }>(spec.sameSql);
        const inserted = ins!.n;
        counts.inserted += inserted;
        // Rows inserted just now match themselves: what is left are the repeats with equal values.
        counts.unchanged = same!.n - inserted;
      }
      counts.conflicting = counts.received - counts.inserted - counts.unchanged;
      return { ...counts };
    },
  };
}

const READING_COLUMNS = ['camera_id', 'ts', 'max_temp_c', 'mean_temp_c', 'quality', 'synthetic'] as const;

/** Readings batches up to this size are written with one INSERT (see fastPathBatch), larger ones by COPY. */
export const SMALL_READING_BATCH = 1000;

/**
 * Opens a readings batch in `tx`, keyed by (camera, instant).
 * @param smallBatchRows appends of at most this many rows use one INSERT instead of COPY
 */
export function stageReadings(
  tx: Queryable,
  smallBatchRows: number = SMALL_READING_BATCH,
): Promise<StagedBatch<ReadingRow>> {
  return fastPathBatch<ReadingRow>(tx, {
    table: 'thermal_readings',
    columns: READING_COLUMNS,
    keyConstraint: 'thermal_readings_pkey',
    row: (r) => [r.cameraId, r.ts, r.maxTempC, r.meanTempC, r.quality, r.synthetic],
    mergeSql: `INSERT INTO thermal_readings (${READING_COLUMNS.join(', ')})
      SELECT ${READING_COLUMNS.join(', ')} FROM staging_thermal_readings ON CONFLICT (camera_id, ts) DO NOTHING`,
    sameSql: `SELECT count(*)::int AS n FROM staging_thermal_readings s JOIN thermal_readings t USING (camera_id, ts)
      WHERE (t.max_temp_c, t.mean_temp_c, t.quality) IS NOT DISTINCT FROM (s.max_temp_c, s.mean_temp_c, s.quality)`,
    small: {
      maxRows: smallBatchRows,
      sql: `INSERT INTO thermal_readings (${READING_COLUMNS.join(', ')})
        SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::real[], $4::real[], $5::text[], $6::boolean[])
        ON CONFLICT (camera_id, ts) DO NOTHING RETURNING camera_id, ts`,
      params: (rows) => [
        rows.map((r) => r.cameraId),
        rows.map((r) => r.ts),
        rows.map((r) => r.maxTempC),
        rows.map((r) => r.meanTempC),
        rows.map((r) => r.quality),
        rows.map((r) => r.synthetic),
      ],
      key: (r) => `${r.cameraId}|${Date.parse(r.ts)}`,
      returnedKey: (r) => `${Number(r['camera_id'])}|${(r['ts'] as Date).getTime()}`,
    },
  });
}

const INCIDENT_COLUMNS = [
  'external_id',
  'category',
  'priority',
  'occurred_at',
  'geom',
  'description',
  'synthetic',
] as const;

/** Opens an incidents batch in `tx`, keyed by external id. */
export function stageIncidents(tx: Queryable): Promise<StagedBatch<Incident>> {
  return fastPathBatch<Incident>(tx, {
    table: 'incidents',
    columns: INCIDENT_COLUMNS,
    keyConstraint: 'incidents_external_id_key',
    // PostGIS reads EWKT in COPY, so points need no SQL function on the way in.
    row: (i) => [
      i.externalId,
      i.category,
      i.priority,
      i.occurredAt,
      `SRID=4326;POINT(${i.position[0]} ${i.position[1]})`,
      i.description,
      i.synthetic,
    ],
    mergeSql: `INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')})
      SELECT ${INCIDENT_COLUMNS.join(', ')} FROM staging_incidents ON CONFLICT (external_id) DO NOTHING`,
    sameSql: `SELECT count(*)::int AS n FROM staging_incidents s JOIN incidents t USING (external_id)
      WHERE (t.category, t.priority, t.occurred_at, t.description) IS NOT DISTINCT FROM (s.category, s.priority, s.occurred_at, s.description)
        AND ST_Equals(t.geom, s.geom)`,
  });
}

/** A camera row as the import columns name it, for the audit log's before and after. */
const CAMERA_JSON = `jsonb_build_object('name', name, 'kind', kind, 'status', status, 'lon', ST_X(geom), 'lat', ST_Y(geom),
  'mount_height_m', mount_height_m, 'azimuth_deg', azimuth_deg, 'hfov_deg', hfov_deg, 'vfov_deg', vfov_deg,
  'tilt_deg', tilt_deg, 'range_m', range_m, 'resolution_h_px', resolution_h_px, 'resolution_v_px', resolution_v_px,
  'install_date', install_date, 'unit_cost_usd', unit_cost_usd, 'volcano_gvp', volcano_gvp, 'synthetic', synthetic)`;

const CAMERA_FIELDS = `external_id, name, kind, status, lon, lat, mount_height_m, azimuth_deg, hfov_deg, vfov_deg, tilt_deg,
  range_m, resolution_h_px, resolution_v_px, install_date, unit_cost_usd, volcano_gvp, synthetic`;

/** Opens a cameras batch in `tx`: new external ids are inserted, changed ones updated. */
export async function stageCameras(tx: Queryable): Promise<StagedBatch<Camera>> {
  await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS staging_cameras (
      external_id text, name text, kind text, status text, lon float8, lat float8, mount_height_m real, azimuth_deg real,
      hfov_deg real, vfov_deg real, tilt_deg real, range_m real, resolution_h_px integer, resolution_v_px integer,
      install_date date, unit_cost_usd numeric(12,2), volcano_gvp integer, synthetic boolean
    ) ON COMMIT DELETE ROWS`);
  await tx.exec('TRUNCATE staging_cameras');
  const counts = empty();
  let changes: StoredChange[] = [];
  return {
    changes: () => changes,
    async append(rows) {
      if (rows.length === 0) return;
      counts.received += rows.length;
      await tx.copyFromCsv(
        'staging_cameras',
        CAMERA_FIELDS.split(',').map((s) => s.trim()),
        csvText(
          rows.map((c) => [
            c.externalId,
            c.name,
            c.kind,
            c.status,
            c.position[0],
            c.position[1],
            c.mountHeightM,
            c.azimuthDeg,
            c.hfovDeg,
            c.vfovDeg,
            c.tiltDeg,
            c.rangeM,
            c.resolutionHPx,
            c.resolutionVPx,
            c.installDate,
            c.unitCostUsd,
            c.volcanoGvp,
            c.synthetic,
          ]),
        ),
      );
    },
    async merge() {
      const before = await tx.query<{ key: string; row: Record<string, unknown> }>(
        `SELECT external_id AS key, ${CAMERA_JSON} AS row FROM cameras
         WHERE external_id IN (SELECT external_id FROM staging_cameras) FOR UPDATE`,
      );
      const rows = await tx.query<{ inserted: boolean; key: string; row: Record<string, unknown> }>(`
        INSERT INTO cameras (external_id, name, kind, status, geom, mount_height_m, azimuth_deg, hfov_deg, vfov_deg, tilt_deg,
                             range_m, resolution_h_px, resolution_v_px, install_date, unit_cost_usd, volcano_gvp, synthetic)
        SELECT external_id, name, kind, status, ST_SetSRID(ST_MakePoint(lon, lat), 4326), mount_height_m, azimuth_deg, hfov_deg,
               vfov_deg, tilt_deg, range_m, resolution_h_px, resolution_v_px, install_date, unit_cost_usd, volcano_gvp, synthetic
        FROM staging_cameras
        ON CONFLICT (external_id) DO UPDATE SET
          name = excluded.name, kind = excluded.kind, status = excluded.status, geom = excluded.geom,
          mount_height_m = excluded.mount_height_m, azimuth_deg = excluded.azimuth_deg, hfov_deg = excluded.hfov_deg,
          vfov_deg = excluded.vfov_deg, tilt_deg = excluded.tilt_deg, range_m = excluded.range_m,
          resolution_h_px = excluded.resolution_h_px, resolution_v_px = excluded.resolution_v_px,
          install_date = excluded.install_date, unit_cost_usd = excluded.unit_cost_usd, volcano_gvp = excluded.volcano_gvp,
          synthetic = excluded.synthetic, updated_at = now()
        WHERE (cameras.name, cameras.kind, cameras.status, cameras.mount_height_m, cameras.azimuth_deg, cameras.hfov_deg,
               cameras.vfov_deg, cameras.tilt_deg, cameras.range_m, cameras.resolution_h_px, cameras.resolution_v_px,
               cameras.install_date, cameras.unit_cost_usd, cameras.volcano_gvp, cameras.synthetic)
          IS DISTINCT FROM
              (excluded.name, excluded.kind, excluded.status, excluded.mount_height_m, excluded.azimuth_deg, excluded.hfov_deg,
               excluded.vfov_deg, excluded.tilt_deg, excluded.range_m, excluded.resolution_h_px, excluded.resolution_v_px,
               excluded.install_date, excluded.unit_cost_usd, excluded.volcano_gvp, excluded.synthetic)
           OR NOT ST_Equals(cameras.geom, excluded.geom)
        RETURNING (xmax = 0) AS inserted, external_id AS key, ${CAMERA_JSON} AS row`);
      const was = new Map(before.map((b) => [b.key, b.row]));
      changes = rows.map((r) => ({ key: r.key, before: was.get(r.key) ?? null, after: r.row }));
      counts.inserted = rows.filter((r) => r.inserted).length;
      counts.updated = rows.length - counts.inserted;
      counts.unchanged = counts.received - rows.length;
      return { ...counts };
    },
  };
}

/** Database ids of cameras by external id, for resolving readings. Unknown ids are absent. */
export async function cameraIdsByExternalId(
  db: Queryable,
  externalIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await db.query<{ id: number; external_id: string }>(
    'SELECT id, external_id FROM cameras WHERE external_id = ANY($1::text[])',
    [externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, r.id]));
}
