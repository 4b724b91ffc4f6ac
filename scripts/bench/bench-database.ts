/**
 * A fresh PostgreSQL database for one benchmark: `<database>_<suffix>` on the server of `url`
 * (BENCH_DATABASE_URL or DATABASE_URL), dropped and created again, then opened.
 */
import pg from 'pg';
import type { Database } from '../../server/db/database.js';
import { openPostgres, type PgOptions } from '../../server/db/pg-driver.js';

export async function freshBenchDatabase(
  url: string,
  suffix: string,
  options: Omit<PgOptions, 'connectionString'> = {},
): Promise<Database> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'atalaya'}_${suffix}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  target.pathname = `/${name}`;
  return openPostgres({ ...options, connectionString: target.toString() });
}

/** Drops what freshBenchDatabase made (a big one should not outlive its run). */
export async function dropBenchDatabase(url: string, suffix: string): Promise<void> {
  const name = `${new URL(url).pathname.slice(1) || 'atalaya'}_${suffix}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
