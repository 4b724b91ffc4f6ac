/**
 * Backup and restore on PostgreSQL with its own tools: pg_dump's custom format (compressed, restorable
 * table by table) and pg_restore. A backup is a consistent snapshot taken while the servers run. A
 * restore replaces every Atalaya table in one transaction, so it refuses while Atalaya servers are
 * connected (their sessions are named `atalaya`, server/db/pg-driver.ts).
 *
 * PostGIS itself is not restored: it belongs to the database (created once by a superuser, see the
 * README) and dropping it would need one. Its entries are left out of the restore, which needs it
 * installed in the target database. The connection's password goes to the tools in PGPASSWORD, never
 * on their command line (visible to every user in `ps`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrationLevel } from '../db/migrate.js';
import { openPostgres } from '../db/pg-driver.js';

/** The application_name of the restore's own session (not counted as a server). */
const RESTORE_SESSION = 'atalaya-restore';

export interface PostgresBackupResult {
  file: string;
  bytes: number;
  migration: number;
}

/** Runs pg_dump --format=custom into `outFile` (through a temporary file: never half a backup). */
export async function backupPostgres(databaseUrl: string, outFile: string): Promise<PostgresBackupResult> {
  const db = await openPostgres({ connectionString: databaseUrl, applicationName: 'atalaya-backup', max: 1 });
  let migration: number;
  try {
    migration = await migrationLevel(db);
  } finally {
    await db.close();
  }
  const tmp = `${outFile}.${process.pid}.tmp`;
  try {
    await run('pg_dump', ['--format=custom', '--compress=6', `--file=${tmp}`], databaseUrl);
    await rename(tmp, outFile);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return { file: outFile, bytes: (await stat(outFile)).size, migration };
}

/**
 * Replaces the Atalaya tables of the database at `databaseUrl` with those in `backupFile`, in one
 * transaction (a failure changes nothing). Refuses, saying why, when Atalaya servers are connected,
 * PostGIS is missing, or the database holds tables the backup lacks (it is newer than the backup:
 * restore into an empty database instead).
 */
export async function restorePostgres(
  databaseUrl: string,
  backupFile: string,
): Promise<PostgresBackupResult> {
  await assertCustomFormat(backupFile);
  const toc = await capture('pg_restore', ['--list', backupFile], databaseUrl);
  const entries = toc.split('\n');
  const backedUpTables = new Set(
    entries.flatMap((line) => {
      const m = /^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) /.exec(line);
      return m ? [`${m[1]}.${m[2]}`] : [];
    }),
  );

  const db = await openPostgres({ connectionString: databaseUrl, applicationName: RESTORE_SESSION, max: 1 });
  try {
    const servers = await db.query<{ pid: number; client: string | null }>(
      `SELECT pid, client_addr::text AS client FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'atalaya' AND pid <> pg_backend_pid()`,
    );
    if (servers.length > 0) {
      throw new Error(
        `${servers.length} Atalaya session(s) are connected to this database ` +
          `(pids ${servers.map((s) => s.pid).join(', ')}): stop every Atalaya server and import first ` +
          '(systemctl stop atalaya on each host), then restore.',
      );
    }
    const postgis = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'");
    if (postgis.length === 0) {
      throw new Error(
        'PostGIS is not installed in the target database: run CREATE EXTENSION postgis as a superuser first',
      );
    }
    // Tables the backup lacks would survive the restore and stand in the way of the next migration.
    const extra = (
      await db.query<{ name: string }>(
        `SELECT n.nspname || '.' || c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'topology')
           AND n.nspname NOT LIKE 'pg\\_%'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
         ORDER BY 1`,
      )
    )
      .map((r) => r.name)
      .filter((name) => !backedUpTables.has(name));
    if (extra.length > 0) {
      throw new Error(
        `The database has tables the backup lacks (${extra.join(', ')}): it is newer than the backup. ` +
          'Restore into an empty database (createdb, CREATE EXTENSION postgis) and point DATABASE_URL at it.',
      );
    }
  } finally {
    await db.close();
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'atalaya-restore-'));
  try {
    const list = path.join(dir, 'toc.list');
    // Leave out CREATE EXTENSION and its COMMENT: PostGIS stays as the database has it, with its own
    // spatial_ref_sys (Atalaya adds no reference systems; copying rows in again would collide).
    await writeFile(
      list,
      entries.filter((line) => !/ EXTENSION | TABLE DATA \S+ spatial_ref_sys /.test(line)).join('\n'),
    );
    await run(
      'pg_restore',
      [
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        '--exit-on-error',
        `--use-list=${list}`,
        `--dbname=${libpqEnvironment(databaseUrl).PGDATABASE ?? 'postgres'}`,
        backupFile,
      ],
      databaseUrl,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const after = await openPostgres({
    connectionString: databaseUrl,
    applicationName: RESTORE_SESSION,
    max: 1,
  });
  try {
    return { file: backupFile, bytes: (await stat(backupFile)).size, migration: await migrationLevel(after) };
  } finally {
    await after.close();
  }
}

/** pg_dump's custom format starts with the magic bytes PGDMP. */
async function assertCustomFormat(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    const magic = buffer.subarray(0, bytesRead).toString('latin1');
    if (magic !== 'PGDMP') {
      throw new Error(
        `${file} is not a PostgreSQL backup (pg_dump custom format, from npm run backup with ` +
          `DATABASE_URL); first bytes ${JSON.stringify(magic)}`,
      );
    }
  } finally {
    await handle.close();
  }
}

/** libpq's environment for the tools, from a postgres:// URL. */
function libpqEnvironment(databaseUrl: string): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (url.hostname) env.PGHOST = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (database) env.PGDATABASE = database;
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** Runs a PostgreSQL tool; rejects with its stderr when it fails or cannot be found. */
async function run(tool: string, args: string[], databaseUrl: string): Promise<void> {
  await capture(tool, args, databaseUrl);
}

/** Runs a PostgreSQL tool and returns what it printed. */
function capture(tool: string, args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, {
      env: libpqEnvironment(databaseUrl),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `${tool} was not found: install the PostgreSQL client tools (apt-get install postgresql-client)`,
            )
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${tool} exited with ${code}: ${err.trim() || '(no message)'}`));
    });
  });
}
