/**
 * A fresh PostgreSQL database for one benchmark: `<database>_<suffix>` beside BENCH_DATABASE_URL's
 * (or DATABASE_URL's), dropped and created again, then opened (a big one is dropped again after its
 * run with server/ops/sibling-database.ts, dropSiblingDatabase).
 */
import type { Database } from '../../server/db/database.js';
import { openPostgres, type PgOptions } from '../../server/db/pg-driver.js';
import { recreateSiblingDatabase } from '../../server/ops/sibling-database.js';

export async function freshBenchDatabase(
  url: string,
  suffix: string,
  options: Omit<PgOptions, 'connectionString'> = {},
): Promise<Database> {
  return openPostgres({ ...options, connectionString: await recreateSiblingDatabase(url, suffix) });
}
