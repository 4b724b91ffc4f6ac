/**
 * npm run backup / npm run restore, through the command line as an operator runs them: back up,
 * change the data, restore, and the data is as it was — tokens, reference geometries byte for byte,
 * the migration level. Also what each refuses: a live embedded server, connected Atalaya sessions.
 * The embedded database on PGlite runs, PostgreSQL when DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { migrationLevel } from '../../server/db/migrate.js';
import { openPGlite } from '../../server/db/pglite-driver.js';
import { openPostgres } from '../../server/db/pg-driver.js';
import { createToken } from '../../server/db/token-store.js';
import { isolatedTestDatabase, ROOT, testDatabase } from '../setup/test-database.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'atalaya-backup-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs scripts/<name>.ts as `npm run <name>` would, with `env` on top of a clean database choice. */
function runScript(name: 'backup' | 'restore', args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.ATALAYA_DATA_DIR;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts', `${name}.ts`), ...args],
      {
        cwd: ROOT,
        env: { ...base, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What the test compares before and after: token names, a digest of every province geometry. */
async function state(db: Database): Promise<{ tokens: string[]; provinces: string; level: number }> {
  const tokens = await db.query<{ name: string }>(
    "SELECT name FROM api_tokens WHERE name LIKE 'backup-test-%' ORDER BY name",
  );
  const [digest] = await db.query<{ d: string }>(
    "SELECT md5(string_agg(code || ':' || encode(ST_AsEWKB(geom), 'hex'), ',' ORDER BY code)) AS d FROM provinces",
  );
  return { tokens: tokens.map((t) => t.name), provinces: digest!.d, level: await migrationLevel(db) };
}

/** Changes the data after the backup: one token gone, one added, a province's geometry moved. */
async function changeData(db: Database): Promise<void> {
  await db.query("DELETE FROM api_tokens WHERE name = 'backup-test-kept'");
  await createToken(db, 'backup-test-added-later', 'viewer');
  await db.query("UPDATE provinces SET geom = ST_Translate(geom, 0.001, 0) WHERE code = 'EC17'");
}

describe.skipIf(!!process.env.DATABASE_URL)('backup and restore of the embedded database', () => {
  let dataDir: string;
  let before: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    // A data directory on disk, started from the migrated test database.
    const template = (await testDatabase()) as Database & { dump(): Promise<Blob> };
    dataDir = path.join(work, 'db');
    const db = await openPGlite({ dataDir, loadDataDir: await template.dump() });
    await createToken(db, 'backup-test-kept', 'viewer');
    before = await state(db);
    await db.close();
  });

  // Each opening of an embedded database on disk takes some seconds (PostGIS is loaded): four here and two in the scripts.
  it(
    'round-trips: back up, change the data, restore, and it is as before',
    { timeout: 300_000 },
    async () => {
      const file = path.join(work, 'embedded.tar.gz');
      expect(before.tokens).toEqual(['backup-test-kept']);

      const backup = await runScript('backup', ['--out', file], { ATALAYA_DATA_DIR: dataDir });
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(new RegExp(`at migration ${before.level} to ${file}`));

      let db = await openPGlite({ dataDir });
      await changeData(db);
      const changed = await state(db);
      await db.close();
      expect(changed.tokens).toEqual(['backup-test-added-later']);
      expect(changed.provinces).not.toBe(before.provinces);

      const restore = await runScript('restore', [file], { ATALAYA_DATA_DIR: dataDir });
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      expect(restore.stdout).toContain(`kept in ${dataDir}.before-restore`);

      db = await openPGlite({ dataDir });
      expect(await state(db)).toEqual(before);
      await db.close();
      expect(existsSync(path.join(`${dataDir}.before-restore`, 'PG_VERSION'))).toBe(true);
    },
  );

  it('refuses while a live process holds the directory, naming it', { timeout: 120_000 }, async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await writeFile(`${dataDir}.lock`, String(holder.pid));
      const backup = await runScript('backup', ['--out', path.join(work, 'refused.tar.gz')], {
        ATALAYA_DATA_DIR: dataDir,
      });
      expect(backup.code).toBe(1);
      expect(backup.stderr).toContain(`is in use by process ${holder.pid}`);
      expect(existsSync(path.join(work, 'refused.tar.gz'))).toBe(false);
      const restore = await runScript('restore', [path.join(work, 'embedded.tar.gz')], {
        ATALAYA_DATA_DIR: dataDir,
      });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain(`is in use by process ${holder.pid}`);
    } finally {
      holder.kill();
      await rm(`${dataDir}.lock`, { force: true });
    }
  });

  it('refuses a file that is not an embedded backup, changing nothing', async () => {
    const bogus = path.join(work, 'bogus.tar.gz');
    await writeFile(bogus, 'PGDMP not a tarball');
    const restore = await runScript('restore', [bogus], { ATALAYA_DATA_DIR: dataDir });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('is not a backup of the embedded database');
  });
});

describe.skipIf(!process.env.DATABASE_URL)('backup and restore on PostgreSQL', () => {
  let url: string;

  beforeAll(async () => {
    const db = await isolatedTestDatabase('backup');
    await createToken(db, 'backup-test-kept', 'viewer');
    await db.close();
    const target = new URL(process.env.DATABASE_URL!);
    target.pathname = `/${target.pathname.slice(1) || 'atalaya'}_test_backup`;
    url = target.toString();
  });

  it('round-trips: back up, change the data, restore, and it is as before', async () => {
    const file = path.join(work, 'postgres.dump');
    let db = await openPostgres({ connectionString: url, applicationName: 'backup-test' });
    const before = await state(db);
    await db.close();
    expect(before.tokens).toEqual(['backup-test-kept']);

    const backup = await runScript('backup', ['--out', file], { DATABASE_URL: url });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`at migration ${before.level} to ${file}`));

    db = await openPostgres({ connectionString: url, applicationName: 'backup-test' });
    await changeData(db);
    expect((await state(db)).tokens).toEqual(['backup-test-added-later']);
    await db.close();

    const restore = await runScript('restore', [file], { DATABASE_URL: url });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);

    db = await openPostgres({ connectionString: url, applicationName: 'backup-test' });
    expect(await state(db)).toEqual(before);
    // Sequences come back too: a new token does not collide with a restored id.
    await createToken(db, 'backup-test-after-restore', 'viewer');
    await db.query("DELETE FROM api_tokens WHERE name = 'backup-test-after-restore'");
    await db.close();
  });

  it('refuses to restore while an Atalaya session is connected, and changes nothing', async () => {
    const file = path.join(work, 'postgres.dump');
    const server = await openPostgres({ connectionString: url }); // named `atalaya`, like a server
    try {
      await createToken(server, 'backup-test-while-connected', 'viewer');
      const restore = await runScript('restore', [file], { DATABASE_URL: url });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toMatch(/\d+ Atalaya session\(s\) are connected to this database/);
      expect((await state(server)).tokens).toContain('backup-test-while-connected');
    } finally {
      await server.query("DELETE FROM api_tokens WHERE name = 'backup-test-while-connected'");
      await server.close();
    }
  });

  it('refuses to restore over a database newer than the backup (tables it lacks), naming them', async () => {
    const file = path.join(work, 'postgres.dump');
    const db = await openPostgres({ connectionString: url, applicationName: 'backup-test' });
    try {
      await db.exec('CREATE TABLE backup_test_newer (id integer)');
      const restore = await runScript('restore', [file], { DATABASE_URL: url });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain('has tables the backup lacks (public.backup_test_newer)');
    } finally {
      await db.exec('DROP TABLE IF EXISTS backup_test_newer');
      await db.close();
    }
  });

  it('refuses a file that is not a pg_dump backup', async () => {
    const bogus = path.join(work, 'bogus.dump');
    await writeFile(bogus, Buffer.from([0x1f, 0x8b, 0, 0]));
    const restore = await runScript('restore', [bogus], { DATABASE_URL: url });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('is not a PostgreSQL backup');
  });
});
