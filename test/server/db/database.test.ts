import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { one, maybeOne } from '../../../server/db/database.js';
import { DataIntegrityError, IntegrityConstraintError, ValidationError } from '../../../server/errors.js';
import { openPostgres } from '../../../server/db/pg-driver.js';
import { testDatabase, testDatabaseUrl } from '../../setup/test-database.js';

const TABLE = `scratch_${process.pid}`;

describe(`database layer (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  beforeAll(async () => {
    const db = await testDatabase();
    await db.exec(
      `CREATE TABLE ${TABLE} (id integer PRIMARY KEY, name text NOT NULL CHECK (name <> ''), big bigint, money numeric(12,2), at timestamptz)`,
    );
  });
  afterAll(async () => {
    const db = await testDatabase();
    await db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  });

  it('reports its kind', async () => {
    const db = await testDatabase();
    expect(db.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'keeps connections for transactions: a write does not wait for busy statement connections',
    async () => {
      const own = await openPostgres({
        connectionString: testDatabaseUrl()!,
        max: 1,
        transactionMax: 1,
      });
      try {
        // The one statement connection sleeps for 2 s; the transaction commits meanwhile.
        const sleeping = own.query('SELECT pg_sleep(2)');
        const t0 = performance.now();
        const [row] = await own.transaction((tx) => tx.query<{ n: number }>('SELECT 41 + 1 AS n'));
        const waitedMs = performance.now() - t0;
        expect(row!.n).toBe(42);
        await sleeping;
        // Sharing the pool, it would have waited the whole 2 s.
        expect(waitedMs).toBeLessThan(1500);
      } finally {
        await own.close();
      }
    },
  );

  it.skipIf(!process.env.DATABASE_URL)('runs PostgreSQL sessions without JIT compilation', async () => {
    const db = await testDatabase();
    const [row] = await db.query<{ jit: string }>('SHOW jit');
    expect(row!.jit).toBe('off');
    // Every pooled session, inside transactions too.
    expect(await db.transaction((tx) => tx.query<{ jit: string }>('SHOW jit'))).toEqual([{ jit: 'off' }]);
  });

  it('returns int8 and numeric as numbers and timestamptz as Date on both drivers', async () => {
    const db = await testDatabase();
    await db.query(`INSERT INTO ${TABLE} VALUES (1, 'a', 9007199254740991, 3516.80, '2026-01-02T03:04:05Z')`);
    const row = await one<{ big: number; money: number; at: Date }>(
      db,
      `SELECT big, money, at FROM ${TABLE} WHERE id = 1`,
    );
    expect(row.big).toBe(9007199254740991);
    expect(row.money).toBe(3516.8);
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('commits a transaction that resolves', async () => {
    const db = await testDatabase();
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${TABLE} (id, name) VALUES (2, 'b')`);
      await tx.query(`INSERT INTO ${TABLE} (id, name) VALUES (3, 'c')`);
    });
    expect(await db.query(`SELECT id FROM ${TABLE} WHERE id IN (2, 3) ORDER BY id`)).toEqual([
      { id: 2 },
      { id: 3 },
    ]);
  });

  it('rolls back every statement of a transaction that throws', async () => {
    const db = await testDatabase();
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${TABLE} (id, name) VALUES (10, 'x')`);
        await tx.query(`INSERT INTO ${TABLE} (id, name) VALUES (10, 'duplicate')`);
      }),
    ).rejects.toBeInstanceOf(IntegrityConstraintError);
    expect(await maybeOne(db, `SELECT id FROM ${TABLE} WHERE id = 10`)).toBeNull();
  });

  it('translates a unique violation to IntegrityConstraintError naming the constraint', async () => {
    const db = await testDatabase();
    const error = await db
      .query(`INSERT INTO ${TABLE} (id, name) VALUES (1, 'again')`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityConstraintError);
    expect((error as IntegrityConstraintError).constraint).toBe(`${TABLE}_pkey`);
  });

  it('translates a check violation to IntegrityConstraintError and a NOT NULL violation to ValidationError', async () => {
    const db = await testDatabase();
    await expect(db.query(`INSERT INTO ${TABLE} (id, name) VALUES (20, '')`)).rejects.toBeInstanceOf(
      IntegrityConstraintError,
    );
    const error = await db.query(`INSERT INTO ${TABLE} (id) VALUES (21)`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.field).toBe('name');
  });

  it('one() insists on exactly one row', async () => {
    const db = await testDatabase();
    await expect(one(db, `SELECT id FROM ${TABLE} WHERE id < 0`)).rejects.toBeInstanceOf(DataIntegrityError);
    await expect(maybeOne(db, `SELECT id FROM ${TABLE}`)).rejects.toBeInstanceOf(DataIntegrityError);
  });

  it('bulk-loads CSV with COPY, from a string and from chunks, all or nothing', async () => {
    const db = await testDatabase();
    const n = await db.copyFromCsv(TABLE, ['id', 'name'], '100,"quoted, name"\n101,plain\n');
    expect(n).toBe(2);
    async function* chunks() {
      yield '102,one\n10';
      yield '3,two\n';
    }
    expect(await db.copyFromCsv(TABLE, ['id', 'name'], chunks())).toBe(2);
    expect(await db.query(`SELECT name FROM ${TABLE} WHERE id BETWEEN 100 AND 103 ORDER BY id`)).toEqual([
      { name: 'quoted, name' },
      { name: 'plain' },
      { name: 'one' },
      { name: 'two' },
    ]);
    // A bad row anywhere rejects the whole COPY.
    await expect(db.copyFromCsv(TABLE, ['id', 'name'], '200,fine\n201,\n')).rejects.toBeDefined();
    expect(await maybeOne(db, `SELECT id FROM ${TABLE} WHERE id = 200`)).toBeNull();
  });

  it('refuses identifiers that are not plain SQL names in COPY', async () => {
    const db = await testDatabase();
    await expect(db.copyFromCsv(`${TABLE}; DROP TABLE x`, ['id'], '1\n')).rejects.toThrow(
      'Invalid SQL identifier',
    );
  });
});
