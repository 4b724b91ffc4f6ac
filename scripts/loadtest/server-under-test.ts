/**
 * The server a load test drives: `npm run serve`'s own entry point (server/main.ts) started as a child
 * process on 127.0.0.1 — or several, clustered on one PostgreSQL as behind a load balancer — against a
 * database of its own — `<name>_loadtest` on PostgreSQL (dropped and
 * recreated, so each run starts from the same demo slice), a temporary directory on the embedded
 * database — with the synthetic demo slice loaded and operator tokens for the gateways.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPGlite } from '../../server/db/pglite-driver.js';
import { openPostgres } from '../../server/db/pg-driver.js';
import { createToken } from '../../server/db/token-store.js';
import { dropSiblingDatabase, recreateSiblingDatabase } from '../../server/ops/sibling-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerUnderTest {
  /** One per server: a load balancer's backends. */
  urls: string[];
  kind: 'postgres' | 'pglite';
  /** Operator tokens, one per gateway. */
  tokens: string[];
  /** Where the child's log lines go. */
  logFile: string;
  /** The servers' pids (to profile them). */
  pids: number[];
  /** SIGTERM, then the database (or directory) the run created is removed unless `keep`. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** postgres://… of a role allowed to create databases; absent: the embedded database. */
  databaseUrl?: string;
  tokens: number;
  /** Extra environment for the server (log level, rate-limit switches). */
  env: Record<string, string>;
  /** Keep the database after the run. */
  keep?: boolean;
  /** Extra node options for the server (e.g. --cpu-prof to profile it). */
  nodeArgs?: string[];
  /** Servers on the one database (PostgreSQL only), as behind a load balancer; default 1. */
  servers?: number;
  say: (line: string) => void;
}

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

/** Creates the database, migrates it, makes the tokens, then starts the server and waits until it is ready. */
export async function startServerUnderTest(options: StartOptions): Promise<ServerUnderTest> {
  const { say } = options;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let db: Database;
  if (options.databaseUrl) {
    const adminUrl = options.databaseUrl;
    const url = await recreateSiblingDatabase(adminUrl, 'loadtest');
    env = { DATABASE_URL: url };
    db = await openPostgres({ connectionString: url, max: 2 });
    cleanup = async () => {
      if (options.keep) return;
      await dropSiblingDatabase(adminUrl, 'loadtest');
    };
    const target = new URL(url);
    say(`database: PostgreSQL ${target.host}${target.pathname} (fresh)`);
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'atalaya-loadtest-'));
    const dataDir = path.join(dir, 'db');
    env = { ATALAYA_DATA_DIR: dataDir };
    // The embedded directory has one owner at a time: tokens are made before the server opens it.
    db = await openPGlite({ dataDir });
    cleanup = () => (options.keep ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
    say(`database: embedded PGlite in ${dataDir} (fresh; INFO only)`);
  }
  const tokens: string[] = [];
  try {
    await migrate(db);
    for (let i = 0; i < options.tokens; i++)
      tokens.push((await createToken(db, `loadtest-gateway-${i + 1}`, 'operator')).secret);
  } finally {
    await db.close();
  }

  const logFile = path.join(tmpdir(), `atalaya-loadtest-${process.pid}.log`);
  const log = createWriteStream(logFile);
  const children: ChildProcess[] = [];
  const spawnServer = (port: number, extra: Record<string, string>) => {
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(ROOT, 'server/main.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          ...options.env,
          ...env,
          ...extra,
          PORT: String(port),
          HOST: '127.0.0.1',
          ATALAYA_DEMO_DATA: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    children.push(child);
    return child;
  };
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    log.end();
    await cleanup();
  };
  const servers = options.servers ?? 1;
  if (servers > 1 && !options.databaseUrl) throw new Error('several servers need PostgreSQL (DATABASE_URL)');
  // Several servers share the database as a cluster (server/cluster): one evaluates, the others relay.
  const cluster: Record<string, string> = servers > 1 ? { ATALAYA_CLUSTER: 'true' } : {};
  const urls: string[] = [];
  try {
    const t0 = Date.now();
    const port = await freePort();
    const first = spawnServer(port, cluster);
    urls.push(`http://127.0.0.1:${port}`);
    say(`server: pid ${first.pid}, ${urls[0]}, log ${logFile}; loading the demo slice…`);
    await waitFor(first, 900, async () => (await fetch(`${urls[0]}/api/health`)).ok);
    say(`server: healthy after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // Readings queue behind the alert evaluator's warm-up: the load starts once it runs.
    await waitFor(first, 600, async () => {
      const status = (await (await fetch(`${urls[0]}/api/alerts/status`)).json()) as { running?: boolean };
      return status.running === true;
    });
    say(`server: alert evaluator running after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // The others start once the demo slice is in (they find it loaded) and follow the first.
    for (let i = 1; i < servers; i++) {
      const p = await freePort();
      const child = spawnServer(p, cluster);
      const url = `http://127.0.0.1:${p}`;
      urls.push(url);
      await waitFor(child, 300, async () => (await fetch(`${url}/api/health`)).ok);
      say(`server ${i + 1}: pid ${child.pid}, ${url}, following`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    kind: options.databaseUrl ? 'postgres' : 'pglite',
    tokens,
    logFile,
    pids: children.map((c) => c.pid!),
    stop,
  };
}

async function waitFor(child: ChildProcess, seconds: number, ready: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the server was not ready within ${seconds} s`);
}

/** SIGTERM (the server drains and closes its database), SIGKILL after 20 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
