/**
 * npm run restore -- <file>
 *
 * Replaces the configured database with a backup from npm run backup: with DATABASE_URL, every
 * Atalaya table in one transaction (stop the servers first; PostGIS must be installed); otherwise
 * the embedded database in ATALAYA_DATA_DIR, keeping the one it replaces beside it. Start the server
 * afterwards: it applies any migration newer than the backup.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { restorePGlite } from '../server/ops/backup-pglite.js';
import { restorePostgres } from '../server/ops/backup-postgres.js';

function usage(message: string): never {
  console.error(`restore: ${message}`);
  console.error('usage: npm run restore -- <file>   (DATABASE_URL or ATALAYA_DATA_DIR says which database)');
  process.exit(2);
}

let file: string | undefined;
try {
  file = parseArgs({ allowPositionals: true, options: {} }).positionals[0];
} catch (error) {
  usage((error as Error).message);
}
if (!file) usage('the backup file is required');

try {
  const config = loadConfig();
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  if (config.databaseUrl) {
    const result = await restorePostgres(config.databaseUrl, path.resolve(file));
    console.log(`restored ${result.file} into PostgreSQL at migration ${result.migration} in ${seconds()} s`);
  } else {
    const result = await restorePGlite(config.dataDir, path.resolve(file));
    console.log(
      `restored ${result.file} into ${config.dataDir} at migration ${result.migration} in ${seconds()} s` +
        (result.previous
          ? `; the database it replaced is kept in ${result.previous} (delete it when satisfied)`
          : ''),
    );
  }
} catch (error) {
  console.error(`restore: ${(error as Error).message}`);
  process.exit(1);
}
