/**
 * Whether this server should be sent traffic (a load balancer's readiness probe): the database answers,
 * its schema is at the level this code expects, and the alert service has finished starting. Liveness
 * is simpler and lives in the route: the process answers at all.
 */
import type { Database } from '../db/database.js';
import { migrationLevel, readMigrations } from '../db/migrate.js';

export interface ReadinessChecks {
  /** `error` is a category only (the route is open to anyone: no host names or driver messages). */
  database: { ok: boolean; error: 'unreachable' | 'timeout' | null };
  migrations: { ok: boolean; level: number | null; expected: number };
  /** `running` is null when this server has no alert service (it is then not waited for). */
  alerts: { ok: boolean; running: boolean | null };
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessChecks;
  /** What the database threw, for the log. */
  cause?: unknown;
}

export interface ReadinessSources {
  db: Database;
  /** The running alert service, if the server has one. */
  alerts?: { status(): { running: boolean } } | undefined;
  /** A database slower than this to answer counts as unreachable, ms (default 3000). */
  timeoutMs?: number;
}

let expectedLevel: Promise<number> | undefined;

/** The migration level this code expects: the number of migration files it ships (numbered 1…n). */
export function expectedMigrationLevel(): Promise<number> {
  expectedLevel ??= readMigrations().then((all) => all.length);
  return expectedLevel;
}

/** Runs the three checks; never throws (a failed check is reported in its place). */
export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const expected = await expectedMigrationLevel();
  const timeoutMs = sources.timeoutMs ?? 3000;
  const checks: ReadinessChecks = {
    database: { ok: false, error: null },
    migrations: { ok: false, level: null, expected },
    alerts: { ok: true, running: null },
  };
  let cause: unknown;
  try {
    const level = await withTimeout(migrationLevel(sources.db), timeoutMs);
    checks.database.ok = true;
    checks.migrations.level = level;
    checks.migrations.ok = level === expected;
  } catch (error) {
    checks.database.error = error instanceof ProbeTimeout ? 'timeout' : 'unreachable';
    cause = error;
  }
  if (sources.alerts) {
    const running = sources.alerts.status().running;
    checks.alerts = { ok: running, running };
  }
  return {
    ready: checks.database.ok && checks.migrations.ok && checks.alerts.ok,
    checks,
    ...(cause === undefined ? {} : { cause }),
  };
}

class ProbeTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`the database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
