/**
 * npm run bench: every benchmark, one after another (they share 2 cores, so never in parallel).
 * Each prints its figures beside their budgets and a same-run baseline; the exit code is 1 when
 * any figure misses its budget. BENCH_DATABASE_URL (or DATABASE_URL) adds the PostgreSQL figures.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const HERE = import.meta.dirname;
const BENCHES = [
  'bundle-size.ts',
  'ingest-bench.ts',
  'rules-bench.ts',
  'viewshed-bench.ts',
  'siting-bench.ts',
  'coverage-bench.ts',
  'alerts-bench.ts',
  'incident-density-bench.ts',
  'loadtest-bench.ts',
];
const only = process.argv.slice(2);

let failed = 0;
for (const file of BENCHES) {
  if (only.length && !only.some((o) => file.startsWith(o))) continue;
  console.log(`\n# ${file.replace(/\.ts$/, '')}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(HERE, file)], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
console.log(failed ? `\n${failed} benchmark(s) missed a budget or failed` : '\nall figures within budget');
process.exit(failed ? 1 : 0);
