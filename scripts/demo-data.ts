/**
 * npm run demo-data [-- --full] [--seed 911] [--end 2026-11-23T00:00:00Z]
 *
 * Generates the seeded synthetic demo set and loads it into the configured database (replacing an
 * earlier demo set; imported data is untouched). Without --full it loads the start-up slice: all
 * 4,500 cameras, the last 30 days of incidents and 3 days of readings. --full loads a year of
 * incidents (~1M) and 30 days of one-minute readings from every thermal camera.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { migrate } from '../server/db/migrate.js';
import { openDatabase } from '../server/db/open-database.js';
import { loadDemoData } from '../server/seed/load-demo.js';
import { loadReferenceData } from '../server/seed/load-reference.js';

function usage(message: string): never {
  console.error(`demo-data: ${message}`);
  console.error('usage: npm run demo-data -- [--full] [--seed N] [--end ISO-8601-with-zone]');
  process.exit(2);
}

const { values } = parseArgs({
  options: { full: { type: 'boolean' }, seed: { type: 'string' }, end: { type: 'string' } },
});
const endMs = values.end ? Date.parse(values.end) : Date.now();
if (Number.isNaN(endMs) || (values.end && !/(Z|[+-]\d{2}:?\d{2})$/.test(values.end)))
  usage(`--end must be ISO 8601 with a zone; got ${JSON.stringify(values.end)}`);
const seed =
  values.seed === undefined ? undefined : /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;

const config = loadConfig();
const db = await openDatabase(config).catch((error: unknown) => usage((error as Error).message));
try {
  await migrate(db);
  await loadReferenceData(db, config.referenceDir);
  const r = await loadDemoData(db, config.referenceDir, {
    size: values.full ? 'full' : 'slice',
    endMs,
    ...(seed === undefined ? {} : { seed }),
    demRoot: path.resolve(import.meta.dirname, '..', 'var', 'dem'),
  });
  console.log(
    `Loaded the SYNTHETIC demo ${r.size} (seed ${r.seed}, ending ${r.endAt}): ${r.cameras.toLocaleString('en-US')} cameras, ` +
      `${r.incidents.toLocaleString('en-US')} incidents, ${r.readings.toLocaleString('en-US')} thermal readings ` +
      `(generated in ${(r.generateMs / 1000).toFixed(1)} s, loaded in ${(r.loadMs / 1000).toFixed(1)} s)`,
  );
} finally {
  await db.close();
}
