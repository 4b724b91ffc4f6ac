import { mkdir } from 'node:fs/promises';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { lockDataDir } from './data-dir-lock.js';
import {
  translateDriverError,
  assertIdentifier,
  QueryableDatabase,
  type Database,
  type Queryable,
} from './database.js';

export interface PGliteOptions {
  /** Data directory on disk; undefined keeps the database in memory (tests). */
  dataDir?: string;
  /** A tarball from PGlite's dumpDataDir() to start from (tests start from a migrated template). */
  loadDataDir?: Blob | File;
}

// Both drivers hand the same JavaScript types back: int8 and numeric as numbers (ids and money
// stay far below 2^53), timestamps as Date.
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

/** Opens the embedded PostgreSQL 18 + PostGIS 3.6 (WebAssembly) database. */
export async function openPGlite(options: PGliteOptions = {}): Promise<Database> {
  let unlock = () => {};
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    unlock = lockDataDir(options.dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { postgis },
      parsers,
    });
  } catch (error) {
    unlock();
    throw error;
  }
  return new PGliteDatabase(pg, unlock);
}

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      try {
        const result = await target.query<Row>(sql, params as unknown[]);
        return result.rows;
      } catch (error) {
        throw translateDriverError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await target.exec(sql);
      } catch (error) {
        throw translateDriverError(error);
      }
    },
    async copyFromCsv(table, columns, csv): Promise<number> {
      let text = '';
      if (typeof csv === 'string') text = csv;
      else for await (const chunk of csv) text += chunk;
      const columnList = columns.map(assertIdentifier).join(', ');
      try {
        const result = await target.query(
          `COPY ${assertIdentifier(table)} (${columnList}) FROM '/dev/blob' WITH (FORMAT csv)`,
          [],
          { blob: new Blob([text]) },
        );
        return result.affectedRows ?? 0;
      } catch (error) {
        throw translateDriverError(error);
      }
    },
  };
}

class PGliteDatabase extends QueryableDatabase {
  readonly kind = 'pglite' as const;
  constructor(
    readonly pg: PGlite,
    private readonly unlock: () => void = () => {},
  ) {
    super(wrap(pg));
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.pg.transaction((tx) => fn(wrap(tx)));
    } catch (error) {
      throw translateDriverError(error);
    }
  }
  /** A tarball of the whole data directory, to start other instances from (gzip: backups). */
  dump(compression: 'none' | 'gzip' = 'none'): Promise<Blob | File> {
    return this.pg.dumpDataDir(compression);
  }
  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
    this.unlock();
  }
}

export type { PGliteDatabase };
