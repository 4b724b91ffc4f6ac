/**
 * Databases beside the configured one, on the same PostgreSQL server: `<its name>_<suffix>`
 * (`atalaya_test`, `atalaya_loadtest`, `atalaya_bench_density`…), for test suites, the load test and
 * the benchmarks, which each want a fresh, empty database of their own.
 */
import pg from 'pg';

function sibling(url: string, suffix: string): { name: string; url: string } {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'atalaya'}_${suffix}`;
  target.pathname = `/${name}`;
  return { name, url: target.toString() };
}

async function asAdmin(url: string, statements: readonly string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const sql of statements) await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Drops `<name>_<suffix>` (closing its sessions) and creates it again, empty; returns its URL. */
export async function recreateSiblingDatabase(url: string, suffix: string): Promise<string> {
  const db = sibling(url, suffix);
  const ident = pg.escapeIdentifier(db.name);
  await asAdmin(url, [`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`, `CREATE DATABASE ${ident}`]);
  return db.url;
}

/** Drops `<name>_<suffix>` if it exists, closing its sessions. */
export async function dropSiblingDatabase(url: string, suffix: string): Promise<void> {
  const ident = pg.escapeIdentifier(sibling(url, suffix).name);
  await asAdmin(url, [`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`]);
}
