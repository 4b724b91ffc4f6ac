/**
 * An in-memory copy of the incidents as columns (incident-columns.ts), kept exactly in sync with
 * the database through the change log of migration 007, one copy per Database.
 *
 * A request reads the incidents' data version (one primary-key lookup). If the copy is at that
 * version, it is used as it is. If not, one refresh (shared by every request waiting for it) reads,
 * in a single statement and so in one snapshot, the version, the id ranges logged since the copy's
 * version, and the rows now in those ranges; the copy drops its rows of those ranges and merges the
 * rows read. Versions are handed out in commit order (see the migration), so a snapshot at version V
 * holds every change up to V and the copy equals the table as of V. Everything is read again (in a
 * REPEATABLE READ transaction, in chunks along the (occurred_at, id) index) when the copy is new,
 * when the log no longer reaches back to its version (pruned, or a database started afresh), when a
 * TRUNCATE is logged, or when the ranges span more than half the rows.
 *
 * The log is pruned of changes older than an hour, at most once a minute, from the refresh path.
 */
import type { Database, Queryable } from '../db/database.js';
import { dataVersion } from '../db/data-versions.js';
import { INCIDENT_CATEGORIES } from '../domain/types.js';
import {
  MAX_DENSITY_RES,
  MIN_DENSITY_RES,
  applyIncidentDelta,
  columnsFromRows,
  emptyColumns,
  rowsOfLength,
  warmCells,
  type IdRanges,
  type IncidentColumns,
  type IncidentRows,
} from './incident-columns.js';

/** The copy and the data version it equals. */
export interface IncidentState {
  version: number;
  columns: IncidentColumns;
}

export interface IncidentSnapshotOptions {
  /** Rows per round trip of a full read; bounds its memory (default 200,000). */
  chunkRows?: number;
  /** Changes older than this are pruned from the log, ms (default an hour). */
  keepChangesMs?: number;
  /** Pruning runs at most this often, ms (default a minute). */
  pruneEveryMs?: number;
  /** Epoch ms (default Date.now). */
  clock?: () => number;
  /**
   * Compute every row's H3 cells (resolutions 3–8) in the background after each refresh, a slice
   * of `warmSliceRows` rows per macrotask, so no request pays ~2 µs per row on first use of a
   * resolution (1.5 s for a national view of a million rows) while the event loop stays free.
   * Default false; the routes' snapshot (incidentSnapshot) turns it on.
   */
  warmCells?: boolean;
  /** Rows per background slice (default 4,000: ~8 ms). */
  warmSliceRows?: number;
}

/** Bytes per packed incident: int8 id, int8 epoch µs, float8 lng, float8 lat, int2 category·2 + synthetic. */
const PACKED_BYTES = 34;
/** A delta may span this many ids whatever the table's size: a small table is not read whole on each change. */
const MIN_DELTA_LIMIT = 1000;

/** The per-row packing both reads share; $1 is INCIDENT_CATEGORIES. */
const PACK = `int8send(i.id) || int8send((extract(epoch FROM i.occurred_at) * 1000000)::int8)
  || float8send(ST_X(i.geom)) || float8send(ST_Y(i.geom))
  || int2send((coalesce(array_position($1::text[], i.category) - 1, 127) * 2 + i.synthetic::int)::int2)`;

export class IncidentSnapshot {
  /** Full reads and deltas applied so far (for tests and metrics). */
  readonly stats = { reloads: 0, deltas: 0 };
  private state: IncidentState | null = null;
  private inflight: { index: number; done: Promise<void> } | null = null;
  private started = 0;
  private lastPrune = -Infinity;
  private readonly chunkRows: number;
  private readonly keepChangesMs: number;
  private readonly pruneEveryMs: number;
  private readonly clock: () => number;
  private readonly warm: boolean;
  private readonly warmSliceRows: number;
  private warming = false;

  constructor(
    private readonly db: Database,
    options: IncidentSnapshotOptions = {},
  ) {
    this.chunkRows = options.chunkRows ?? 200_000;
    this.keepChangesMs = options.keepChangesMs ?? 3_600_000;
    this.pruneEveryMs = options.pruneEveryMs ?? 60_000;
    this.clock = options.clock ?? Date.now;
    this.warm = options.warmCells ?? false;
    this.warmSliceRows = options.warmSliceRows ?? 4000;
    if (!(Number.isInteger(this.chunkRows) && this.chunkRows > 0))
      throw new RangeError(`chunkRows must be a positive integer, got ${this.chunkRows}`);
  }

  /**
   * The incidents as of a version at least as new as every change committed before the call: one
   * primary-key lookup when nothing changed, else a shared refresh.
   */
  async current(): Promise<IncidentState> {
    // A refresh started after this point reads a version at least as new as any commit before it.
    const mark = this.started;
    const version = await dataVersion(this.db, 'incidents');
    if (this.state && this.state.version === version) return this.state;
    for (;;) {
      const running = this.inflight;
      if (running && running.index > mark) {
        await running.done;
        return this.state!;
      }
      if (running) {
        await running.done.catch(() => undefined);
        continue;
      }
      const index = ++this.started;
      const done = this.refresh().finally(() => {
        if (this.inflight?.index === index) this.inflight = null;
      });
      this.inflight = { index, done };
    }
  }

  private async refresh(): Promise<void> {
    const known = this.state;
    const limit = known ? Math.max(MIN_DELTA_LIMIT, Math.floor(known.columns.length / 2)) : 0;
    const delta = known ? await readIncidentDelta(this.db, known.version, limit) : null;
    if (!known || !delta) {
      this.state = await readAllIncidents(this.db, this.chunkRows);
      this.stats.reloads++;
    } else if (delta.version !== known.version) {
      this.state = {
        version: delta.version,
        columns: applyIncidentDelta(known.columns, delta.ranges, delta.rows),
      };
      this.stats.deltas++;
    }
    if (this.warm && this.state !== known) this.warmInBackground();
    const now = this.clock();
    if (now - this.lastPrune >= this.pruneEveryMs) {
      this.lastPrune = now;
      await pruneIncidentChanges(this.db, this.keepChangesMs);
    }
  }

  /** Walks every resolution over the current columns, one slice per unref'd timer tick. */
  private warmInBackground(): void {
    if (this.warming) return;
    this.warming = true;
    let columns: IncidentColumns | null = null;
    let res = MIN_DENSITY_RES;
    let row = 0;
    const step = () => {
      const current = this.state?.columns;
      if (!current) {
        this.warming = false;
        return;
      }
      if (current !== columns) {
        // New columns (a delta or a reload): rows already done keep their cells, so starting over
        // costs one pass of lookups.
        columns = current;
        res = MIN_DENSITY_RES;
        row = 0;
      }
      row = warmCells(columns, res, row, this.warmSliceRows);
      if (row >= columns.length) {
        res++;
        row = 0;
      }
      if (res > MAX_DENSITY_RES) {
        this.warming = false;
        return;
      }
      setTimeout(step, 0).unref();
    };
    setTimeout(step, 0).unref();
  }
}

const snapshots = new WeakMap<Database, IncidentSnapshot>();

/** The one snapshot of a database's incidents. */
export function incidentSnapshot(db: Database): IncidentSnapshot {
  let snapshot = snapshots.get(db);
  if (!snapshot) snapshots.set(db, (snapshot = new IncidentSnapshot(db, { warmCells: true })));
  return snapshot;
}

interface ChunkRow {
  rows: Uint8Array | null;
  n: number;
  last_t: string | null;
  last_id: number | null;
}

/**
 * Every incident, and the version they are at, in one REPEATABLE READ snapshot, `chunkRows` at a
 * time along the (occurred_at, id) index (so the rows arrive sorted).
 */
export async function readAllIncidents(db: Database, chunkRows: number): Promise<IncidentState> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // Each chunk's estimated cost crosses jit_above_cost; JIT gained nothing measurable here (3–4.5 s
    // for a million rows either way on the 2-core machine), so it is off as for the delta read.
    await tx.query('SET LOCAL jit = off');
    const version = await dataVersion(tx, 'incidents');
    const parts: IncidentRows[] = [];
    let after: { t: string; id: number } | null = null;
    for (;;) {
      const params: unknown[] = [INCIDENT_CATEGORIES, chunkRows];
      if (after) params.push(after.t, after.id);
      const chunks: ChunkRow[] = await tx.query<ChunkRow>(
        `WITH c AS (
           SELECT i.id, i.occurred_at, i.geom, i.category, i.synthetic FROM incidents i
           ${after ? 'WHERE (i.occurred_at, i.id) > ($3::timestamptz, $4::bigint)' : ''}
           ORDER BY i.occurred_at, i.id LIMIT $2)
         SELECT (SELECT string_agg(${PACK}, ''::bytea) FROM c i) AS rows,
                (SELECT count(*)::int FROM c) AS n,
                l.occurred_at::text AS last_t, l.id AS last_id
         FROM (SELECT 1) AS one
         LEFT JOIN (SELECT occurred_at, id FROM c ORDER BY occurred_at DESC, id DESC LIMIT 1) AS l ON true`,
        params,
      );
      const chunk = chunks[0];
      if (!chunk || chunk.n === 0 || !chunk.rows) break;
      parts.push(unpackIncidentRows(chunk.rows));
      if (chunk.n < chunkRows || chunk.last_t === null || chunk.last_id === null) break;
      after = { t: chunk.last_t, id: Number(chunk.last_id) };
    }
    const columns = parts.length ? columnsFromRows(concatRows(parts)) : emptyColumns();
    return { version, columns };
  });
}

interface DeltaRow {
  version: number;
  ok: boolean;
  lo: number[] | null;
  hi: number[] | null;
  rows: Uint8Array | null;
}

/** $1 INCIDENT_CATEGORIES, $2 the known version, $3 the widest span of ids read as a delta. */
const DELTA_SQL = `WITH v AS (SELECT version FROM data_versions WHERE name = 'incidents'),
     c AS (SELECT ch.min_id, ch.max_id FROM incident_changes ch, v
           WHERE ch.version > $2::bigint AND ch.version <= v.version),
     s AS (SELECT min_id, max_id,
                  max(max_id) OVER (ORDER BY min_id, max_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
           FROM c WHERE min_id IS NOT NULL),
     g AS (SELECT min_id, max_id,
                  sum(CASE WHEN reach IS NULL OR min_id > reach + 1 THEN 1 ELSE 0 END)
                    OVER (ORDER BY min_id, max_id ROWS UNBOUNDED PRECEDING) AS island
           FROM s),
     m AS (SELECT min(min_id) AS lo, max(max_id) AS hi FROM g GROUP BY island),
     d AS (SELECT v.version,
                  (SELECT count(*) FROM c) = v.version - $2::bigint
                  AND NOT EXISTS (SELECT 1 FROM c WHERE min_id IS NULL)
                  AND coalesce((SELECT sum(hi - lo + 1) FROM m), 0) <= $3::bigint AS ok
           FROM v),
     r AS (SELECT i.id, i.occurred_at, i.geom, i.category, i.synthetic
           FROM m JOIN incidents i ON i.id BETWEEN m.lo AND m.hi
           WHERE (SELECT ok FROM d))
     SELECT d.version, d.ok,
            CASE WHEN d.ok THEN (SELECT array_agg(lo::float8 ORDER BY lo) FROM m) END AS lo,
            CASE WHEN d.ok THEN (SELECT array_agg(hi::float8 ORDER BY lo) FROM m) END AS hi,
            (SELECT string_agg(${PACK}, ''::bytea) FROM r i) AS rows
     FROM d`;

/**
 * What changed in the incidents since version `known`, read in one statement (one snapshot): the
 * version now, the changed id ranges (merged) and the rows now in them. Null when the changes
 * cannot be applied as a delta: the log does not reach back to `known` (pruned, or a database
 * started afresh), a TRUNCATE is among them, or the ranges span more than `limit` ids.
 */
export async function readIncidentDelta(
  db: Database,
  known: number,
  limit: number,
): Promise<{ version: number; ranges: IdRanges; rows: IncidentRows } | null> {
  // Ranges merged in SQL (gaps and islands), so that each row is read once along the primary key.
  // The planner cannot know the ranges' widths and estimates the join as large: on PostgreSQL that
  // crossed jit_above_cost and spent ~0.5 s compiling a statement that runs in a millisecond.
  const [d] = await db.transaction(async (tx) => {
    await tx.query('SET LOCAL jit = off');
    return tx.query<DeltaRow>(DELTA_SQL, [INCIDENT_CATEGORIES, known, limit]);
  });
  if (!d) throw new Error("data_versions has no 'incidents' row: is migration 007 applied?");
  if (!d.ok) return null;
  return {
    version: Number(d.version),
    ranges: { lo: Float64Array.from(d.lo ?? []), hi: Float64Array.from(d.hi ?? []) },
    rows: d.rows ? unpackIncidentRows(d.rows) : rowsOfLength(0),
  };
}

/** Deletes logged changes older than `keepMs`; returns how many went. */
export async function pruneIncidentChanges(db: Queryable, keepMs: number): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM incident_changes WHERE at < now() - make_interval(secs => $1::float8 / 1000)
                   RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [keepMs],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Packed incidents (PACK above: big-endian int8 id, int8 epoch µs, float8 longitude, float8
 * latitude, int2 category index · 2 + synthetic, repeated) as rows; times become epoch ms.
 */
export function unpackIncidentRows(bytes: Uint8Array): IncidentRows {
  if (bytes.byteLength % PACKED_BYTES !== 0) {
    throw new Error(`Packed incidents must be a multiple of ${PACKED_BYTES} bytes, got ${bytes.byteLength}`);
  }
  const n = bytes.byteLength / PACKED_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows = rowsOfLength(n);
  for (let i = 0; i < n; i++) {
    const at = i * PACKED_BYTES;
    rows.ids[i] = Number(view.getBigInt64(at, false));
    rows.times[i] = Number(view.getBigInt64(at + 8, false)) / 1000;
    rows.lngs[i] = view.getFloat64(at + 16, false);
    rows.lats[i] = view.getFloat64(at + 24, false);
    const code = view.getInt16(at + 32, false);
    const category = code >> 1;
    if (category < 0 || category >= INCIDENT_CATEGORIES.length)
      throw new Error(`Incident ${rows.ids[i]} has a category outside INCIDENT_CATEGORIES (code ${code})`);
    rows.categories[i] = category;
    rows.synthetic[i] = code & 1;
  }
  return rows;
}

function concatRows(parts: IncidentRows[]): IncidentRows {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((sum, p) => sum + p.ids.length, 0);
  const out = rowsOfLength(n);
  let at = 0;
  for (const p of parts) {
    out.ids.set(p.ids, at);
    out.times.set(p.times, at);
    out.lngs.set(p.lngs, at);
    out.lats.set(p.lats, at);
    out.categories.set(p.categories, at);
    out.synthetic.set(p.synthetic, at);
    at += p.ids.length;
  }
  return out;
}
