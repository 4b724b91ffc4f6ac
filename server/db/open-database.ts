import type { Database } from './database.js';
import { openPGlite } from './pglite-driver.js';
import { openPostgres } from './pg-driver.js';

/** PostgreSQL when a URL is given, the embedded PGlite database in `dataDir` otherwise. */
export function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL statement_timeout, ms (PGlite cannot interrupt a statement: it runs on this thread). */
  security?: { statementTimeoutMs: number };
}): Promise<Database> {
  return options.databaseUrl
    ? openPostgres({
        connectionString: options.databaseUrl,
        // The server's pools: 10 connections for statements, 8 kept for transactions (pg-driver.ts).
        max: 10,
        transactionMax: 8,
        ...(options.security ? { statementTimeoutMs: options.security.statementTimeoutMs } : {}),
      })
    : openPGlite({ dataDir: options.dataDir });
}
