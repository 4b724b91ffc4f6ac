/**
 * Versions of whole tables, kept in `data_versions` by the statement triggers of migration 007: a
 * number that moves with every committed statement that inserts, updates, deletes or truncates rows
 * of the table, and that is never handed out twice (it comes from a sequence), even by a transaction
 * that rolls back. A statement that changes no row (an import of unchanged cameras) leaves it as it is.
 * What is derived from a whole table can be reused until it moves: the GeoJSON of GET /api/cameras and
 * the external-id → id map a readings import resolves against (cameras), the in-memory incident copy
 * and the region statistics cache (incidents, which also keep a change log: server/incidents).
 * One primary-key lookup, where a fingerprint of the rows (count and sum of xmin) scanned the table.
 */
import type { Queryable } from './database.js';

/** The tables migration 007 versions. */
export type VersionedTable = 'incidents' | 'cameras';

/** A table's version in `data_versions` (migration 007): one primary-key lookup. */
export async function dataVersion(db: Queryable, table: VersionedTable): Promise<number> {
  const rows = await db.query<{ version: number }>('SELECT version FROM data_versions WHERE name = $1', [
    table,
  ]);
  if (!rows[0]) throw new Error(`data_versions has no '${table}' row: is migration 007 applied?`);
  return Number(rows[0].version);
}

/** The cameras' version, an opaque string: equal strings mean the same rows. */
export async function camerasVersion(db: Queryable): Promise<string> {
  return String(await dataVersion(db, 'cameras'));
}
