/**
 * Runs the retention job once on the configured database (DATABASE_URL or the embedded var/db):
 *   npm run retention                 # delete readings and incidents past the policy, audited
 *   npm run retention -- --dry-run    # only count what would go
 * The policy comes from ATALAYA_RETENTION_READINGS_DAYS and ATALAYA_RETENTION_INCIDENTS_DAYS
 * (server/config.ts); the rules of what is kept are in server/retention/retention-policy.ts.
 * The embedded database belongs to one process at a time: stop the server first (it runs the job
 * daily by itself).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { migrate } from '../server/db/migrate.js';
import { openDatabase } from '../server/db/open-database.js';
import { runRetention } from '../server/retention/retention-job.js';

let values: { 'dry-run'?: boolean; 'batch-rows'?: string };
try {
  ({ values } = parseArgs({
    options: { 'dry-run': { type: 'boolean' }, 'batch-rows': { type: 'string' } },
  }));
} catch (error) {
  console.error(`retention: ${(error as Error).message}`);
  console.error('usage: npm run retention -- [--dry-run] [--batch-rows N]');
  process.exit(2);
}
const batchRows = values['batch-rows'] === undefined ? undefined : Number(values['batch-rows']);
if (batchRows !== undefined && !(Number.isInteger(batchRows) && batchRows > 0)) {
  console.error(
    `retention: --batch-rows must be a positive integer, got ${JSON.stringify(values['batch-rows'])}`,
  );
  process.exit(2);
}

const config = loadConfig();
const db = await openDatabase(config);
try {
  await migrate(db);
  const report = await runRetention(db, config.retention, {
    dryRun: values['dry-run'] ?? false,
    actor: 'cli',
    ...(batchRows ? { batchRows } : {}),
  });
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const days = (d: number) => (d === 0 ? 'forever' : `${d} days`);
  console.log(
    `Retention (readings ${days(report.policy.readingsDays)}, incidents ${days(report.policy.incidentsDays)}):`,
  );
  console.log(
    `  readings:  ${verb} ${report.readings.deleted} older than ${report.readings.cutoff ?? '(kept forever)'}`,
  );
  for (const k of report.readings.keptForOpenAlerts) {
    console.log(`             kept from ${k.since} for camera ${k.camera} (evidence of an open alert)`);
  }
  console.log(
    `  incidents: ${verb} ${report.incidents.deleted} older than ${report.incidents.cutoff ?? '(kept forever)'}`,
  );
  for (const note of report.notes) console.log(`  note: ${note}`);
  if (!report.dryRun) console.log('  written to the audit log (action retention.run)');
} finally {
  await db.close();
}
