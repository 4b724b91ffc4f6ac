/**
 * The server opens no outbound connection except to the webhooks an admin configured.
 *
 * The real server (server/main.ts) runs as a child process with the synthetic demo data on a
 * database of its own (a fresh PGlite directory, or `<name>_test_outbound` on PostgreSQL), with
 * record-connections.ts preloaded: every TCP connect, UDP send, DNS lookup and child process the
 * server attempts is written down. The test registers one webhook to a receiver on 127.0.0.1, makes
 * a rule fire so the alert service and the webhook loop deliver to it, and calls the main routes
 * (map layers, cameras, readings, incidents and their density, alerts, CAP, coverage, OpenAPI, the
 * client, tiles, metrics). Afterwards every destination must be the database (PostgreSQL's
 * host and port; PGlite has none) or the webhook's receiver, and the receiver must have been
 * reached: the recorder saw the delivery, so it was watching.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../server/db/migrate.js';
import { openDatabase } from '../../../server/db/open-database.js';
import { createToken } from '../../../server/db/token-store.js';
import { createReceiver, type TestReceiver } from '../../alerts/webhook-receiver.js';
import { ROOT } from '../../setup/test-database.js';
import type { ConnectionRecord } from './record-connections.js';
import { recreateSiblingDatabase } from '../../../server/ops/sibling-database.js';

/** A first start creates the database and loads the demo slice: about a minute on 2 busy cores. */
const STARTUP_TIMEOUT_MS = 300_000;
const SECRET = 'no-outbound-test-secret-0123456789';

let child: ChildProcess | undefined;
let workDir: string | undefined;
let receiver: TestReceiver | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await receiver?.down();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null && child?.exitCode !== undefined) {
      throw new Error(`the server exited with ${child.exitCode} while waiting for ${what}`);
    }
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last: ${String(last)})` : ''}`);
}

describe('the running server', () => {
  it('connects only to its database and the configured webhook', async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'atalaya-outbound-'));
    const log = path.join(workDir, 'connections.ndjson');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;

    // The database (on PostgreSQL a fresh one beside DATABASE_URL's), migrated, and an admin token
    // the server will accept (made before it starts: the embedded directory has one owner at a time).
    const databaseUrl = process.env.DATABASE_URL
      ? await recreateSiblingDatabase(process.env.DATABASE_URL, 'test_outbound')
      : undefined;
    const dataDir = path.join(workDir, 'db');
    const setup = await openDatabase({ databaseUrl, dataDir });
    let token: string;
    try {
      await migrate(setup);
      token = (await createToken(setup, 'outbound-test', 'admin')).secret;
    } finally {
      await setup.close();
    }

    receiver = await createReceiver(SECRET);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(k)) delete env[k];
    delete env.DATABASE_URL;
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        path.join(ROOT, 'test/server/privacy/record-connections.ts'),
        path.join(ROOT, 'server/main.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          ...env,
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { ATALAYA_DATA_DIR: dataDir }),
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          ATALAYA_DEMO_DATA: 'true',
          ATALAYA_CONNECTION_LOG: log,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    // Ready: the alert service has warmed up (a rule created while it still warms up is the subject
    // of the alert tests, not of this one).
    await waitFor('readiness', STARTUP_TIMEOUT_MS, async () => {
      const res = await fetch(`${base}/api/health/ready`);
      return res.ok ? true : undefined;
    });

    const auth = { Authorization: `Bearer ${token}` };
    const json = { ...auth, 'Content-Type': 'application/json' };

    // One webhook, to the receiver.
    const hook = await fetch(`${base}/api/webhooks`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'outbound test', url: receiver.url, secret: SECRET, states: ['firing'] }),
    });
    expect(hook.status).toBe(201);

    // A rule that fires on the next reading of a demo thermal camera, and that reading.
    const cameras = (await (await fetch(`${base}/api/cameras?kind=thermal`)).json()) as {
      features: { id: string }[];
    };
    const cameraId = cameras.features[0]!.id;
    const rule = await fetch(`${base}/api/rules`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 'Outbound test: any frame over 900 °C',
        kind: 'thermal_threshold',
        severity: 'orange',
        scope: { type: 'camera', cameraId },
        params: { thresholdC: 900 },
      }),
    });
    expect(rule.status).toBe(201);
    const now = Date.now();
    const readings = [2, 1, 0]
      .map((m) =>
        JSON.stringify({
          camera_id: cameraId,
          ts: new Date(now - m * 60_000).toISOString(),
          max_temp_c: 1000,
        }),
      )
      .join('\n');
    const posted = await fetch(`${base}/api/readings`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/x-ndjson' },
      body: readings,
    });
    expect(posted.status).toBe(200);

    // The main routes, read as the map and the operators do.
    const statuses: Record<string, number> = {};
    const get = async (route: string, headers: Record<string, string> = {}) => {
      const res = await fetch(base + route, { headers });
      await res.arrayBuffer();
      statuses[route] = res.status;
    };
    const day = new Date(now - 86_400_000).toISOString();
    const tile = firstTile(path.join(ROOT, 'tiles'));
    for (const route of [
      '/',
      '/api/health',
      '/api/openapi.json',
      '/api/provinces',
      '/api/regions',
      '/api/centers',
      '/api/volcanoes',
      '/api/cameras?bbox=-79,-1.5,-78,0.5',
      `/api/cameras/${encodeURIComponent(cameraId)}/readings?from=${day}&to=${new Date(now + 60_000).toISOString()}`,
      `/api/incidents?limit=500&from=${day}`,
      '/api/incidents/density?res=6',
      '/api/alerts',
      '/api/cap/alerts.atom',
      '/api/demo',
      '/api/coverage',
      '/api/coverage/counts.tif?area=cotopaxi',
      '/api/coverage/gaps.geojson?area=EC17',
      ...(tile ? [`/tiles/${tile}`] : []),
    ]) {
      await get(route, route.startsWith('/api/alerts') ? auth : {});
    }
    await get('/metrics', auth);
    for (const [route, status] of Object.entries(statuses)) expect(status, route).toBeLessThan(500);
    expect(statuses['/api/provinces']).toBe(200);

    // The alert fired and went out through the webhook loop.
    await waitFor('the webhook delivery', 180_000, async () =>
      receiver!.requests.length > 0 ? true : undefined,
    );
    expect(receiver.requests[0]!.signatureValid).toBe(true);

    // Stop the server cleanly, then read what it tried.
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const records = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ConnectionRecord);
    const db = databaseUrl ? new URL(databaseUrl) : null;
    const allowed = (r: ConnectionRecord) =>
      (r.kind === 'tcp' && r.host === '127.0.0.1' && r.port === receiver!.port) ||
      (db !== null && r.kind === 'tcp' && r.host === db.hostname && r.port === Number(db.port || 5432)) ||
      // A lookup of the webhook's or the database's host (undici looks up even an IP literal,
      // which Node answers without a query).
      (r.kind === 'dns' && r.host === new URL(receiver!.url).hostname) ||
      (db !== null && r.kind === 'dns' && r.host === db.hostname);
    const unexpected = records.filter((r) => !allowed(r));
    expect(unexpected, JSON.stringify(unexpected.slice(0, 10))).toEqual([]);
    // The recorder was watching: it saw the delivery.
    expect(records.some((r) => r.kind === 'tcp' && r.port === receiver!.port)).toBe(true);
  }, 600_000);
});

/** A tile file under tiles/ (relative path), if any were built. */
function firstTile(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const walk = (d: string, rel: string): string | null => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isFile()) return r;
      const found = entry.isDirectory() ? walk(path.join(d, entry.name), r) : null;
      if (found) return found;
    }
    return null;
  };
  return walk(dir, '');
}
