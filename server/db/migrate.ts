import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MigrationError } from '../errors.js';
import type { Database } from './database.js';

export const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNN_name.sql` files in version order; the same files serve PGlite and PostgreSQL. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new MigrationError(`Migration file name must be NNN_name.sql: ${file}`);
    const sql = await readFile(path.join(dir, file), 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(
        `Migrations must be numbered 1, 2, 3…; found ${m.version} at position ${i + 1}`,
      );
  });
  return migrations;
}

/**
 * Applies the pending migrations, each in its own transaction, and records them in
 * schema_migrations. A migration that was applied and then edited on disk is refused: the
 * database and the code would silently disagree. Returns the versions applied now.
 */
export async function migrate(db: Database, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await readMigrations());
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: number[] = [];
  for (const m of all) {
    const done = await db.transaction(async (tx) => {
      // Several servers starting on one PostgreSQL must not migrate at once.
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7243118)');
      const rows = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migrations WHERE version = $1',
        [m.version],
      );
      if (rows[0]) {
        if (rows[0].checksum !== m.checksum) {
          throw new MigrationError(
            `Migration ${m.version} (${m.name}) changed after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** The highest applied migration, 0 for an empty database. */
export async function migrationLevel(db: Database): Promise<number> {
  const rows = await db.query<{ level: number | null }>(
    'SELECT max(version) AS level FROM schema_migrations',
  );
  return rows[0]?.level ?? 0;
}
