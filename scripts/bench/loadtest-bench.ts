/**
 * The load test (scripts/loadtest/run.ts) as part of npm run bench: on PostgreSQL when
 * BENCH_DATABASE_URL or DATABASE_URL is set — where the budget applies (≥ 1,000 req/s mixed,
 * p99 < 250 ms, no errors) — with ATALAYA_WORKERS=2 (one server process per core of this 2-core
 * machine, BENCH_LOAD_WORKERS to change); otherwise a 20 s run on the embedded database, whose
 * figures are information. The figures come with their same-run baselines (unloaded latency, the
 * HTTP stack's ceiling).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const workers = process.env.BENCH_LOAD_WORKERS ?? '2';
const args = url ? ['--workers', workers] : ['--duration', '20'];
const env = { ...process.env };
if (url) env.DATABASE_URL = url;
else delete env.DATABASE_URL;
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', path.join(import.meta.dirname, '../loadtest/run.ts'), ...args],
  { stdio: 'inherit', env },
);
process.exit(run.status ?? 1);
