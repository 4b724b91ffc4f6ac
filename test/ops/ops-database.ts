/**
 * The operations suites' database: `<name>_test_ops` on PostgreSQL, a PGlite of its own otherwise, so
 * the alert service they start and the data they change never meet the other suites'. Opened once per
 * run and shared by the files under test/ops and the health and metrics route tests.
 */
import type { Database } from '../../server/db/database.js';
import { isolatedTestDatabase } from '../setup/test-database.js';

let shared: Promise<Database> | undefined;

export function opsTestDatabase(): Promise<Database> {
  shared ??= isolatedTestDatabase('ops');
  return shared;
}

/** The URL of `<name>_test_ops` on PostgreSQL (undefined on PGlite). */
export function opsTestDatabaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url) return undefined;
  const target = new URL(url);
  target.pathname = `/${target.pathname.slice(1) || 'atalaya'}_test_ops`;
  return target.toString();
}

/** A parsed Prometheus text exposition: the value of one sample, 0 when the series is absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}
