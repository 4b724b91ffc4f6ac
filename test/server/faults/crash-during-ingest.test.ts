/**
 * kill -9 of the server in the middle of a streamed batch: afterwards none of the batch is
 * visible, and when the client sends it again every row is there exactly once. Then SIGTERM
 * stops the server cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../../../server/db/token-store.js';
import { migrate } from '../../../server/db/migrate.js';
import { openDatabase } from '../../../server/db/open-database.js';
import { ROOT, testDatabase, testDatabaseUrl } from '../../setup/test-database.js';

const ROWS = 30_000;
const PREFIX = `KILL${process.pid}-`;
const header = 'external_id,category,occurred_at,lon,lat\n';
const rows = (from: number, to: number) => {
  let s = '';
  for (let i = from; i < to; i++) s += `${PREFIX}${i},traffic,2026-04-01T12:00:00Z,-79.9,-2.19\n`;
  return s;
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ATALAYA_DEMO_DATA: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start');
}

let dataDir: string | undefined;
let server: ChildProcess | undefined;
afterAll(async () => {
  server?.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('kill -9 during a streamed ingest batch', () => {
  it('leaves nothing of the batch, and the retried batch lands exactly once', async () => {
    await testDatabase();
    const url = testDatabaseUrl();
    dataDir = url ? undefined : await mkdtemp(path.join(tmpdir(), 'atalaya-crash-'));
    const env = url ? { DATABASE_URL: url } : { ATALAYA_DATA_DIR: path.join(dataDir!, 'db') };
    const port = await freePort();

    // A token the server will accept. The embedded directory can have one owner at a time, so the
    // token is made before the server starts.
    let token: string;
    if (url) token = (await createToken(await testDatabase(), 'crash-test', 'operator')).secret;
    else {
      const db = await openDatabase({ dataDir: path.join(dataDir!, 'db') });
      await migrate(db);
      token = (await createToken(db, 'crash-test', 'operator')).secret;
      await db.close();
    }
    server = await startServer(env, port);

    // Stream the first 25,000 rows (more than one COPY chunk), then stall; kill the server mid-batch.
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(header + rows(0, 25_000)));
        await stalled;
        controller.close();
      },
    });
    const pending = fetch(`http://127.0.0.1:${port}/api/incidents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
      body,
      duplex: 'half',
    } as RequestInit).then(
      (r) => r.status,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 3000));
    server.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    release();
    const outcome = await pending;
    expect(outcome).not.toBe(200); // never acknowledged

    server = await startServer(env, port);
    const visible = async () => {
      let n = 0;
      let cursor: string | undefined;
      do {
        const q = `from=2026-04-01T12:00:00Z&to=2026-04-01T12:00:01Z&bbox=-79.91,-2.2,-79.89,-2.18&limit=10000`;
        const res = await fetch(
          `http://127.0.0.1:${port}/api/incidents?${q}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        const fc = (await res.json()) as { features: { id: string }[]; next?: string };
        n += fc.features.filter((f) => f.id.startsWith(PREFIX)).length;
        cursor = fc.next;
      } while (cursor);
      return n;
    };
    expect(await visible()).toBe(0);

    // The client retries the whole batch: it lands exactly once, and a second retry changes nothing.
    const send = () =>
      fetch(`http://127.0.0.1:${port}/api/incidents`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
        body: header + rows(0, ROWS),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { stored: { inserted: number; unchanged: number } },
      }));
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.body.stored.inserted).toBe(ROWS);
    const second = await send();
    expect(second.body.stored).toMatchObject({ inserted: 0, unchanged: ROWS });
    expect(await visible()).toBe(ROWS);

    // SIGTERM drains and closes the database: a clean exit, and the embedded directory's lock is released.
    const exited = new Promise<number | null>((r) => server!.once('exit', (code) => r(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
    if (dataDir) expect(existsSync(path.join(dataDir, 'db.lock'))).toBe(false);
  }, 240_000);
});
