/**
 * Health, liveness and readiness: what a process supervisor and a load balancer see, and that the
 * server reports `degraded` while PostgreSQL is unreachable and recovers by itself when it is back —
 * a TCP proxy in front of the test database stands in for a PostgreSQL restart.
 */
import { readdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../../server/alerts/alert-service.js';
import { createApp, type AppOptions } from '../../../server/app.js';
import type { Database } from '../../../server/db/database.js';
import { openPostgres } from '../../../server/db/pg-driver.js';
import { DatabaseUnavailableError } from '../../../server/errors.js';
import { createLogger } from '../../../server/logger.js';
import { ROOT } from '../../setup/test-database.js';
import { opsTestDatabase, opsTestDatabaseUrl } from '../../ops/ops-database.js';
import { startTcpProxy, type TcpProxy } from '../../ops/tcp-proxy.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function listen(options: AppOptions): Promise<string> {
  const app = createApp(options);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

let db: Database;
let expectedLevel: number;

beforeAll(async () => {
  db = await opsTestDatabase();
  // Counted from the files, independently of the code under test.
  expectedLevel = (await readdir(path.join(ROOT, 'server/db/migrations'))).filter((f) =>
    /^\d+_.*\.sql$/.test(f),
  ).length;
});

describe('liveness and readiness', () => {
  it('is alive and ready on a migrated database, with no alert service to wait for', async () => {
    const url = await listen({ db, log: createLogger('silent') });
    const live = await get(`${url}/api/health/live`);
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('alive');
    const ready = await get(`${url}/api/health/ready`);
    expect(ready).toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: {
          database: { ok: true, error: null },
          migrations: { ok: true, level: expectedLevel, expected: expectedLevel },
          alerts: { ok: true, running: null },
        },
      },
    });
  });

  it('is not ready until the alert service has started', async () => {
    const alerts = new AlertService({ db, log: createLogger('silent'), rulesFile: null, tickEveryMs: 0 });
    const url = await listen({ db, log: createLogger('silent'), alerts });
    const before = await get(`${url}/api/health/ready`);
    expect(before.status).toBe(503);
    expect(before.body.status).toBe('not_ready');
    expect(before.body.checks.alerts).toEqual({ ok: false, running: false });
    expect(before.body.checks.database.ok).toBe(true);
    await alerts.start();
    closers.push(() => alerts.stop());
    const after = await get(`${url}/api/health/ready`);
    expect(after.status).toBe(200);
    expect(after.body.checks.alerts).toEqual({ ok: true, running: true });
  });

  it('is not ready while the schema is behind the code', async () => {
    const url = await listen({ db, log: createLogger('silent') });
    const [row] = await db.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version DESC LIMIT 1',
    );
    await db.query('DELETE FROM schema_migrations WHERE version = $1', [row!.version]);
    try {
      const ready = await get(`${url}/api/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks.migrations).toEqual({
        ok: false,
        level: expectedLevel - 1,
        expected: expectedLevel,
      });
    } finally {
      await db.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        row!.version,
        row!.name,
        row!.checksum,
      ]);
    }
  });
});

// A network path to PostgreSQL that the test cuts and restores; PGlite has none to lose.
describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL going away and coming back', () => {
  let proxy: TcpProxy;
  let proxied: Database;
  let url: string;

  beforeAll(async () => {
    await opsTestDatabase();
    const target = new URL(opsTestDatabaseUrl()!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    closers.push(() => proxy.close());
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    proxied = await openPostgres({ connectionString: target.toString(), applicationName: 'atalaya-test' });
    closers.push(() => proxied.close());
    url = await listen({ db: proxied, log: createLogger('silent') });
  });

  it('reports degraded while the database is unreachable and ok again once it is back, without a restart', async () => {
    const up = await get(`${url}/api/health`);
    expect(up.status).toBe(200);
    expect(up.body.status).toBe('ok');
    expect(up.body.database.reachable).toBe(true);

    // The pool now holds idle connections; cutting them is what a restart does to it.
    proxy.cut();
    const down = await get(`${url}/api/health`);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('degraded');
    expect(down.body.database).toMatchObject({ kind: 'postgres', reachable: false, migration: null });
    const notReady = await get(`${url}/api/health/ready`);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.database).toEqual({ ok: false, error: 'unreachable' });
    expect((await get(`${url}/api/health/live`)).status).toBe(200);
    // A read route answers 503 (retry), not 500.
    expect((await fetch(`${url}/api/volcanoes`)).status).toBe(503);

    proxy.restore();
    const back = await get(`${url}/api/health`);
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('ok');
    expect((await get(`${url}/api/health/ready`)).status).toBe(200);
  });

  it('fails a transaction whose connection drops while it waits, without crashing the process', async () => {
    let cutNow!: () => void;
    const waiting = new Promise<void>((resolve) => (cutNow = resolve));
    const transaction = proxied.transaction(async (tx) => {
      await tx.query('SELECT 1');
      // Like an upload waiting for its next chunk: the client is checked out, no query runs.
      cutNow();
      await new Promise((r) => setTimeout(r, 300));
      await tx.query('SELECT 1');
    });
    await waiting;
    proxy.cut();
    await expect(transaction).rejects.toBeInstanceOf(DatabaseUnavailableError);
    proxy.restore();
    expect(await proxied.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
