import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, migrationLevel, readMigrations } from '../../../server/db/migrate.js';
import { MigrationError } from '../../../server/errors.js';
import { testDatabase } from '../../setup/test-database.js';

describe('migrations', () => {
  it('are numbered 1..n and all applied on the test database', async () => {
    const db = await testDatabase();
    const migrations = await readMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(await migrationLevel(db)).toBe(migrations.length);
  });

  it('apply nothing the second time', async () => {
    const db = await testDatabase();
    expect(await migrate(db)).toEqual([]);
  });

  it('refuse a migration edited after it was applied', async () => {
    const db = await testDatabase();
    const [first, ...rest] = await readMigrations();
    const edited = { ...first!, sql: `${first!.sql}\n-- edited`, checksum: 'not-the-recorded-one' };
    await expect(migrate(db, [edited, ...rest])).rejects.toBeInstanceOf(MigrationError);
  });

  it('refuse files that are not named NNN_name.sql, or that skip a number', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'atalaya-migrations-'));
    await writeFile(path.join(dir, '001_a.sql'), 'SELECT 1;');
    await writeFile(path.join(dir, '003_c.sql'), 'SELECT 1;');
    await expect(readMigrations(dir)).rejects.toThrow('found 3 at position 2');
    await writeFile(path.join(dir, 'two.sql'), 'SELECT 1;');
    await expect(readMigrations(dir)).rejects.toThrow('two.sql');
  });

  it('create the tables, GiST indexes and PostGIS the other parts of Atalaya rely on', async () => {
    const db = await testDatabase();
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'provinces',
        'cantons',
        'regions',
        'centers',
        'volcanoes',
        'cameras',
        'thermal_readings',
        'incidents',
        'alert_rules',
        'alerts',
        'alert_events',
        'audit_log',
        'api_tokens',
        'schema_migrations',
      ]),
    );
    const gist = await db.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%USING gist%' ORDER BY 1`,
    );
    expect(gist.map((g) => g.indexname)).toEqual(
      expect.arrayContaining([
        'cameras_geom_gist',
        'incidents_geom_gist',
        'provinces_geom_gist',
        'regions_geom_gist',
        'volcanoes_geom_gist',
      ]),
    );
  });

  it('key thermal readings by camera and instant with the temperatures in the index, so a series is read from it alone', async () => {
    const db = await testDatabase();
    const [key] = await db.query<{ def: string }>(
      `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indexrelid = 'thermal_readings_pkey'::regclass`,
    );
    expect(key!.def).toMatch(
      /UNIQUE INDEX thermal_readings_pkey .*\(camera_id, ts\) INCLUDE \(max_temp_c, mean_temp_c, quality\)/,
    );
  });
});
