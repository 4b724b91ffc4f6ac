import type { Database } from './database.js';
import { openPGlite } from './pglite-driver.js';
import { openPostgres } from './pg-driver.js';

/** PostgreSQL when a URL is given, the embedded PGlite database in `dataDir` otherwise. */
export function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
}): Promise<Database> {
  return options.databaseUrl
    ? openPostgres({ connectionString: options.databaseUrl })
    : openPGlite({ dataDir: options.dataDir });
}
