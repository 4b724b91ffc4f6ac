/**
 * The version of the `cameras` table: a number that moves with every committed statement that
 * inserts, updates, deletes or truncates cameras, so what is derived from the whole network (the
 * GeoJSON of GET /api/cameras, the external-id → id map a readings import resolves against) can be
 * reused until it moves. Statement triggers of migration 007 keep it in `data_versions`; a number is
 * never handed out twice (it comes from a sequence), even by a transaction that rolls back. A
 * statement that changes no row (an import of unchanged cameras) leaves it as it is.
 * One primary-key lookup, where a fingerprint of the rows (count and sum of xmin) scanned the table.
 */
import type { Queryable } from './database.js';

/** The cameras' version, an opaque string: equal strings mean the same rows. */
export async function camerasVersion(db: Queryable): Promise<string> {
  const rows = await db.query<{ v: string }>(
    `SELECT version::text AS v FROM data_versions WHERE name = 'cameras'`,
  );
  if (!rows[0]) throw new Error("data_versions has no 'cameras' row: is migration 007 applied?");
  return rows[0].v;
}
