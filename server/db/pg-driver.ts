import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  translateDriverError,
  assertIdentifier,
  QueryableDatabase,
  type Database,
  type Queryable,
} from './database.js';

export interface PgOptions {
  connectionString: string;
  /** Pool size; PostgreSQL work is I/O-bound for us, a small pool suffices on 2 cores. */
  max?: number;
  /**
   * Connections kept for transactions alone (the writes: a gateway's batch, an acknowledgement, a rule
   * change); 0 or absent, transactions share the pool. A burst of map reads at a second's turn would
   * otherwise queue a gateway's batch behind every one of them for the pool's clients: the readings
   * that raise alerts must not wait for the map.
   */
  transactionMax?: number;
  /** Per-statement time limit in ms, so one runaway query cannot pin a connection. */
  statementTimeoutMs?: number;
  /**
   * Shown in pg_stat_activity; `npm run restore` refuses while sessions named `atalaya` (servers,
   * imports) are connected. Default `atalaya`.
   */
  applicationName?: string;
}

// Same JavaScript types as the PGlite driver: int8 and numeric as numbers.
const typeOverrides = new pg.TypeOverrides();
typeOverrides.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
typeOverrides.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));

/** Opens a pool on a real PostgreSQL/PostGIS server. */
export async function openPostgres(options: PgOptions): Promise<Database> {
  const pool = newPool(options, options.max ?? 10);
  const txPool = options.transactionMax ? newPool(options, options.transactionMax) : pool;
  const db = new PgDatabase(pool, txPool);
  await db.query('SELECT 1');
  return db;
}

function newPool(options: PgOptions, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max,
    types: typeOverrides,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: options.applicationName ?? 'atalaya',
    // No JIT compilation: our statements are short (a request's query, a batch's INSERT), and the
    // planner's cost estimates on the big tables made PostgreSQL spend ~0.5 s compiling an
    // incident read that then ran in less. Its own documentation advises against JIT for such loads.
    options: '-c jit=off',
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      try {
        const result = await client.query(sql, params as unknown[]);
        return result.rows as Row[];
      } catch (error) {
        throw translateDriverError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await client.query(sql);
      } catch (error) {
        throw translateDriverError(error);
      }
    },
    async copyFromCsv(table, columns, csv): Promise<number> {
      const columnList = columns.map(assertIdentifier).join(', ');
      const statement = `COPY ${assertIdentifier(table)} (${columnList}) FROM STDIN WITH (FORMAT csv)`;
      const run = async (c: pg.PoolClient): Promise<number> => {
        const stream = c.query(copyFrom(statement));
        await pipeline(typeof csv === 'string' ? Readable.from([csv]) : Readable.from(csv), stream);
        return Number(stream.rowCount ?? 0);
      };
      try {
        if (client instanceof pg.Pool) {
          const c = await client.connect();
          const lost = guardCheckedOut(c);
          try {
            return await run(c);
          } finally {
            lost.off();
            c.release(lost.error ?? undefined);
          }
        }
        return await run(client);
      } catch (error) {
        throw translateDriverError(error);
      }
    },
  };
}

/**
 * A checked-out client whose connection drops (PostgreSQL restarted) emits 'error' even when no query
 * is running — say while a transaction waits for the next chunk of an upload — and node-postgres
 * gives checked-out clients no listener: unheard, the event would crash the process. Heard here, the
 * transaction's next statement fails instead, and the client is discarded on release.
 */
function guardCheckedOut(client: pg.PoolClient): { error: Error | null; off(): void } {
  const state = {
    error: null as Error | null,
    off: () => {
      client.off('error', listener);
    },
  };
  const listener = (error: Error) => {
    state.error = error;
  };
  client.on('error', listener);
  return state;
}

class PgDatabase extends QueryableDatabase {
  readonly kind = 'postgres' as const;
  constructor(
    private readonly pool: pg.Pool,
    private readonly txPool: pg.Pool,
  ) {
    super(wrap(pool));
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.txPool.connect();
    } catch (error) {
      throw translateDriverError(error);
    }
    const lost = guardCheckedOut(client);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw translateDriverError(error);
    } finally {
      lost.off();
      client.release(broken || lost.error !== null);
    }
  }
  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.txPool === this.pool ? null : this.txPool.end()]);
  }
}
