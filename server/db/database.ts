/**
 * The one small interface every part of Atalaya talks to the database through. Two drivers
 * implement it: PGlite + PostGIS in WebAssembly (embedded, the default) and node-postgres on a
 * real PostgreSQL/PostGIS server. Driver errors are translated to the AtalayaError family here.
 */
import {
  DataIntegrityError,
  DatabaseUnavailableError,
  IntegrityConstraintError,
  ValidationError,
} from '../errors.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Queryable {
  /** Runs one parameterised statement ($1, $2, …) and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads CSV text into a table with COPY … FROM STDIN (real PostgreSQL) or
   * COPY … FROM '/dev/blob' (PGlite). Returns the number of rows copied.
   */
  copyFromCsv(
    table: string,
    columns: readonly string[],
    csv: AsyncIterable<string> | string,
  ): Promise<number>;
}

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A database whose statements outside transactions go through one Queryable; drivers add the rest. */
export abstract class QueryableDatabase implements Database {
  abstract readonly kind: DatabaseKind;
  constructor(private readonly q: Queryable) {}
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.q.query<Row>(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.q.exec(sql);
  }
  copyFromCsv(
    table: string,
    columns: readonly string[],
    csv: AsyncIterable<string> | string,
  ): Promise<number> {
    return this.q.copyFromCsv(table, columns, csv);
  }
  abstract transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}

/** Exactly one row, or a DataIntegrityError naming what was expected. */
export async function one<Row>(db: Queryable, sql: string, params?: readonly unknown[]): Promise<Row> {
  const rows = await db.query<Row>(sql, params);
  if (rows.length !== 1)
    throw new DataIntegrityError(`Expected one row, got ${rows.length}: ${sql.slice(0, 80)}`);
  return rows[0]!;
}

/** Zero or one row. */
export async function maybeOne<Row>(
  db: Queryable,
  sql: string,
  params?: readonly unknown[],
): Promise<Row | null> {
  const rows = await db.query<Row>(sql, params);
  if (rows.length > 1)
    throw new DataIntegrityError(`Expected at most one row, got ${rows.length}: ${sql.slice(0, 80)}`);
  return rows[0] ?? null;
}

/** A valid SQL identifier for COPY's table and column lists (never user input, but checked anyway). */
export function assertIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

interface PgLikeError {
  code?: string;
  constraint?: string;
  table?: string;
  detail?: string;
  column?: string;
  message: string;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** Maps a driver error to the AtalayaError family; anything unknown is returned as is. */
export function translateDriverError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & PgLikeError;
  if (e.code === undefined) {
    if (/Connection terminated|Client has encountered a connection error|not queryable/i.test(e.message)) {
      return new DatabaseUnavailableError('The database is unavailable', { cause: error });
    }
    return error;
  }
  if (CONNECTION_CODES.has(e.code))
    return new DatabaseUnavailableError('The database is unavailable', { cause: error });
  switch (e.code) {
    case '23505': // unique_violation
    case '23503': // foreign_key_violation
    case '23514': // check_violation
    case '23P01': // exclusion_violation
      return new IntegrityConstraintError(e.detail ?? e.message, e.constraint, e.table, { cause: error });
    case '23502': // not_null_violation
      return new ValidationError(e.message, [{ field: e.column ?? 'unknown', message: 'is required' }], {
        status: 422,
        cause: error,
      });
    case '57014': // query_canceled: the statement timeout (ATALAYA_STATEMENT_TIMEOUT_MS) ran out
      return new DatabaseUnavailableError('The query took longer than the statement timeout', {
        cause: error,
      });
    case '22021': // character_not_in_repertoire (a NUL in text)
    case '22P05': // untranslatable_character (\u0000 in jsonb)
    case '54001': // statement_too_complex (nesting too deep)
    case '22P02': // invalid_text_representation
    case '22003': // numeric_value_out_of_range
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
    case '22009': // invalid_time_zone_displacement_value (a year beyond PostgreSQL's range)
    case '22023': // invalid_parameter_value
    case 'XX000': // PostGIS: invalid geometry and the like
      return new ValidationError(e.message, [{ field: e.column ?? 'input', message: e.message }], {
        status: 422,
        cause: error,
      });
    default:
      return error;
  }
}
