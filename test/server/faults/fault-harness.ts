/**
 * What the fault tests share: a database of their own (`<name>_test_faults` on PostgreSQL, a fresh
 * directory for the embedded database), the real server (server/main.ts) as a child process that can be
 * killed with SIGKILL and started again on the same port, a client that retries a batch until the
 * server acknowledges it — as a gateway or the simulator does — and an SSE follower that reconnects with
 * Last-Event-ID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../../../server/db/database.js';
import { migrate } from '../../../server/db/migrate.js';
import { openPGlite } from '../../../server/db/pglite-driver.js';
import { openPostgres } from '../../../server/db/pg-driver.js';
import { ROOT } from '../../setup/test-database.js';
import { recreateSiblingDatabase } from '../../../server/ops/sibling-database.js';

export const S = 1000;

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

export interface FaultDatabase {
  /** The server's environment for this database. */
  env: Record<string, string>;
  /** postgres://… of the database itself (PostgreSQL only). */
  url: string | undefined;
  /** Opens it from the test process (on the embedded database: only while no server runs). */
  open(): Promise<Database>;
}

/** A fresh, migrated database for one fault suite; `suffix` names it on PostgreSQL. */
export async function faultDatabase(suffix: string): Promise<FaultDatabase> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const url = await recreateSiblingDatabase(base, `test_faults_${suffix}`);
    const open = () => openPostgres({ connectionString: url, max: 2 });
    const db = await open();
    await migrate(db).finally(() => db.close());
    return { env: { DATABASE_URL: url }, url, open };
  }
  const dataDir = path.join(await mkdtemp(path.join(tmpdir(), `atalaya-faults-${suffix}-`)), 'db');
  const open = () => openPGlite({ dataDir });
  const db = await open();
  await migrate(db).finally(() => db.close());
  return { env: { ATALAYA_DATA_DIR: dataDir }, url: undefined, open };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
}

/**
 * Starts server/main.ts on 127.0.0.1:`port` and resolves once it answers GET /api/health with 200
 * and, when `evaluating`, its alert evaluator runs.
 */
export async function startServer(
  env: Record<string, string>,
  port: number,
  options: { evaluating?: boolean; timeoutS?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      ATALAYA_DEMO_DATA: 'false',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + (options.timeoutS ?? 180) * S;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    const ready = await fetch(`${url}/api/health`)
      .then(async (r) => {
        if (!r.ok) return false;
        if (!options.evaluating) return true;
        const status = (await (await fetch(`${url}/api/alerts/status`)).json()) as { running?: boolean };
        return status.running === true;
      })
      .catch(() => false);
    if (ready) return { url, child };
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not start within ${options.timeoutS ?? 180} s`);
}

/** kill -9, and wait until the process is gone. */
export async function killHard(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const gone = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  await gone;
}

/** SIGTERM, and the exit code once the server has drained and closed its database. */
export async function stopServer(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.child.exitCode;
  const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
  server.child.kill('SIGTERM');
  return exited;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Acknowledged {
  status: number;
  body: { stored: { received: number; inserted: number; unchanged: number; conflicting: number } };
  attempts: number;
}

/**
 * POSTs `body` until the server commits it (200): refused connections, dropped answers and 5xx are
 * retried with the same body — ingest is idempotent — and anything else fails the test.
 */
export async function postUntilAcknowledged(
  url: () => string,
  path: string,
  token: string,
  contentType: string,
  body: string,
  deadlineMs = 120 * S,
): Promise<Acknowledged> {
  const until = Date.now() + deadlineMs;
  for (let attempts = 1; Date.now() < until; attempts++) {
    try {
      const res = await fetch(`${url()}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
        body,
        signal: AbortSignal.timeout(15 * S),
      });
      const text = await res.text();
      if (res.status === 200)
        return { status: 200, body: JSON.parse(text) as Acknowledged['body'], attempts };
      if (res.status < 500 && res.status !== 429) throw new Error(`${path} answered ${res.status}: ${text}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(`${path} answered`)) throw error;
    }
    await sleep(200);
  }
  throw new Error(`${path} was not acknowledged within ${deadlineMs / S} s`);
}

export interface StreamEvent {
  id: number;
  kind: string;
  alertId: number;
  ruleId: number;
  state: string;
}

/**
 * Follows GET /api/alerts/stream from the first event, reconnecting with Last-Event-ID whenever the
 * stream ends (a server killed or restarted), and keeps every event it is sent — repeats included.
 */
export function followAlertStream(url: () => string): { events: StreamEvent[]; stop(): void } {
  const events: StreamEvent[] = [];
  let lastId = 0;
  let stopped = false;
  let current: http.ClientRequest | null = null;
  const connect = () => {
    if (stopped) return;
    let ended = false;
    const again = () => {
      if (ended) return;
      ended = true;
      current = null;
      if (!stopped) setTimeout(connect, 300);
    };
    const req = http.get(
      `${url()}/api/alerts/stream`,
      { agent: false, headers: { 'Last-Event-ID': String(lastId) } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          res.on('end', again);
          return;
        }
        res.setEncoding('utf8');
        let pending = '';
        res.on('data', (chunk: string) => {
          pending += chunk;
          const blocks = pending.split('\n\n');
          pending = blocks.pop()!;
          for (const block of blocks) {
            const field = (name: string) => block.match(new RegExp(`^${name}: (.*)$`, 'm'))?.[1];
            const id = field('id');
            const data = field('data');
            if (!id || !data) continue;
            const alert = JSON.parse(data) as { id: number; ruleId: number; state: string };
            events.push({
              id: Number(id),
              kind: field('event') ?? '',
              alertId: alert.id,
              ruleId: alert.ruleId,
              state: alert.state,
            });
            lastId = Number(id);
          }
        });
        res.on('close', again);
      },
    );
    req.on('error', again);
    current = req;
  };
  connect();
  return {
    events,
    stop() {
      stopped = true;
      current?.destroy();
    },
  };
}
