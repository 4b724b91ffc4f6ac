/**
 * The database the integration tests run on: one per test run, migrated and loaded with the
 * reference data. With DATABASE_URL it is a fresh PostgreSQL database (`<name>_test`, dropped and
 * recreated at the start of each run); without, an in-memory PGlite started from a template
 * tarball cached under node_modules/.cache (initialising PGlite + PostGIS costs ~17 s, loading
 * the template ~4 s). Test files run in one worker without isolation, so it is opened once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../server/db/database.js';
import { migrate, MIGRATIONS_DIR } from '../../server/db/migrate.js';
import { openPGlite } from '../../server/db/pglite-driver.js';
import { openPostgres } from '../../server/db/pg-driver.js';
import { loadReferenceData } from '../../server/seed/load-reference.js';
import { recreateSiblingDatabase } from '../../server/ops/sibling-database.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DATA_DIR = path.join(ROOT, 'data');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'atalaya');

let opened: Promise<Database> | undefined;
let postgresTestUrl: string | undefined;

/** The URL of the fresh PostgreSQL test database (after testDatabase()), or undefined on PGlite. */
export function testDatabaseUrl(): string | undefined {
  return postgresTestUrl;
}

export function testDatabase(): Promise<Database> {
  opened ??= process.env.DATABASE_URL
    ? openFreshPostgres(process.env.DATABASE_URL)
    : openPGliteFromTemplate();
  return opened;
}

/**
 * A database of its own for a suite that rewrites shared tables (the demo loader): a second
 * PGlite from the template, or `<name>_test_<suffix>` on PostgreSQL. The caller closes it.
 */
export function isolatedTestDatabase(suffix: string): Promise<Database> {
  return process.env.DATABASE_URL
    ? openFreshPostgres(process.env.DATABASE_URL, suffix)
    : openPGliteFromTemplate();
}

async function prepare(db: Database): Promise<void> {
  await migrate(db);
  await loadReferenceData(db, DATA_DIR);
}

async function openFreshPostgres(url: string, suffix?: string): Promise<Database> {
  const fresh = await recreateSiblingDatabase(url, suffix ? `test_${suffix}` : 'test');
  if (!suffix) postgresTestUrl = fresh;
  const db = await openPostgres({ connectionString: fresh });
  await prepare(db);
  return db;
}

/** Everything the template depends on: migrations, reference data, PGlite's version. */
async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of [MIGRATIONS_DIR, DATA_DIR]) {
    for (const file of (await readdir(dir)).sort()) {
      const full = path.join(dir, file);
      if ((await stat(full)).isFile()) hash.update(file).update(await readFile(full));
    }
  }
  hash.update(await readFile(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json')));
  hash.update(await readFile(path.join(ROOT, 'server/seed/load-reference.ts')));
  return hash.digest('hex').slice(0, 16);
}

async function openPGliteFromTemplate(): Promise<Database> {
  const file = path.join(CACHE_DIR, `pglite-template-${await templateKey()}.tar`);
  if (existsSync(file)) {
    return openPGlite({ loadDataDir: new Blob([await readFile(file)]) });
  }
  const db = await openPGlite();
  await prepare(db);
  const dump = await (db as Database & { dump(): Promise<Blob> }).dump();
  await mkdir(CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}`;
  await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
  await rename(tmp, file);
  return db;
}
