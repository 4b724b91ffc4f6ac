/**
 * npm run backup -- --out <file>
 *
 * Backs up the configured database: with DATABASE_URL, pg_dump's custom format (taken while the
 * servers run); otherwise the embedded database in ATALAYA_DATA_DIR as a .tar.gz (stop the server
 * first: the directory belongs to one process at a time). Restore with npm run restore -- <file>.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { backupPGlite } from '../server/ops/backup-pglite.js';
import { backupPostgres } from '../server/ops/backup-postgres.js';

function usage(message: string): never {
  console.error(`backup: ${message}`);
  console.error(
    'usage: npm run backup -- --out <file>   (DATABASE_URL or ATALAYA_DATA_DIR says which database)',
  );
  process.exit(2);
}

let out: string | undefined;
try {
  out = parseArgs({ options: { out: { type: 'string' } } }).values.out;
} catch (error) {
  usage((error as Error).message);
}
if (!out) usage('--out <file> is required');

try {
  const config = loadConfig();
  const file = path.resolve(out);
  const started = Date.now();
  const result = config.databaseUrl
    ? await backupPostgres(config.databaseUrl, file)
    : await backupPGlite(config.dataDir, file);
  const what = config.databaseUrl
    ? 'PostgreSQL (pg_dump custom format)'
    : `embedded database ${config.dataDir}`;
  console.log(
    `backed up ${what} at migration ${result.migration} to ${result.file}: ` +
      `${(result.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.error(`backup: ${(error as Error).message}`);
  process.exit(1);
}
