/**
 * PostgreSQL goes away in the middle of live ingest and comes back: the simulator (npm run simulate)
 * sends readings and incidents every second, retrying each batch with the same body until it is
 * acknowledged; a TCP proxy in front of PostgreSQL (test/ops/tcp-proxy.ts) drops every connection and
 * refuses new ones for a while, which is what a restart looks like to the server, without touching the
 * shared cluster. Meanwhile GET /api/health says 503 degraded; afterwards it says ok again with no
 * restart of the server, and every acknowledged reading and incident is stored exactly once.
 * PostgreSQL only: the embedded database has no connection to lose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../../../server/db/token-store.js';
import { startTcpProxy, type TcpProxy } from '../../ops/tcp-proxy.js';
import { ROOT } from '../../setup/test-database.js';
import {
  S,
  faultDatabase,
  freePort,
  killHard,
  postUntilAcknowledged,
  sleep,
  startServer,
  stopServer,
  type ServerProcess,
} from './fault-harness.js';

const SEED = `faults${process.pid}`;
/** The simulator's incident ids: SYN-SIM-<the seed's last 10 letters and digits>-<serial>. */
const INCIDENT_PREFIX = `SYN-SIM-${SEED.replace(/[^A-Za-z0-9]/g, '').slice(-10)}-`;
const OUTAGE_MS = 8 * S;

let server: ServerProcess | undefined;
let proxy: TcpProxy | undefined;
let simulator: ChildProcess | undefined;
afterAll(async () => {
  if (simulator?.exitCode === null) simulator.kill('SIGKILL');
  if (server) await killHard(server);
  await proxy?.close();
});

interface Health {
  status: string;
  database: { reachable: boolean };
}
const health = (url: string) =>
  fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10 * S) }).then(async (r) => ({
    code: r.status,
    body: (await r.json()) as Health,
  }));

async function until<T>(what: string, seconds: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + seconds * S;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    await sleep(250);
  }
  throw new Error(`${what} within ${seconds} s`);
}

describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL restart during ingest', () => {
  it('reports degraded while it is down, reconnects by itself, and keeps every acknowledged row once', async () => {
    const db = await faultDatabase('pgrestart');
    const direct = new URL(db.url!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(db.url!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);

    const setup = await db.open();
    const admin = (await createToken(setup, 'fault-admin', 'admin')).secret;
    const gateway = (await createToken(setup, 'fault-simulator', 'operator')).secret;
    await setup.close();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    server = await startServer({ DATABASE_URL: viaProxy.toString() }, port, { evaluating: true });
    // Three thermal cameras on Cotopaxi for the simulator to report.
    const cameras = [
      'external_id,name,kind,status,lon,lat,mount_height_m,azimuth_deg,hfov_deg,vfov_deg,tilt_deg,range_m,resolution_h_px,resolution_v_px,volcano_gvp,synthetic',
      ...[1, 2, 3].map(
        (n) =>
          `FAULT-COTO-${n},Cotopaxi fault ${n},thermal,online,-78.4${n},-0.6${n},3,162,25,19,14,12000,640,480,352050,true`,
      ),
    ].join('\n');
    const imported = await postUntilAcknowledged(() => url, '/api/cameras', admin, 'text/csv', cameras);
    expect(imported.body.stored.inserted).toBe(3);

    // 30 s of wall time at 600×: five simulated hours, a batch of readings and incidents every second.
    const lines: string[] = [];
    simulator = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/simulate.ts',
        '--url',
        url,
        '--token',
        gateway,
        '--speed',
        '600',
        '--duration',
        '30',
        '--seed',
        SEED,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const collect = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const parts = out.split('\n');
      out = parts.pop()!;
      lines.push(...parts);
    };
    simulator.stdout!.on('data', collect);
    simulator.stderr!.on('data', collect);
    const exited = new Promise<number | null>((r) => simulator!.once('exit', (code) => r(code)));

    // Let it send a few batches, then take PostgreSQL away.
    await until('the simulator sent its first batches', 60, async () =>
      lines.filter((l) => /readings \d+, incidents \d+/.test(l)).length >= 3 ? true : null,
    );
    expect((await health(url)).code).toBe(200);
    proxy.cut();
    const down = Date.now();
    const degraded = await until('GET /api/health reported the database down', 15, async () => {
      const h = await health(url);
      return h.code === 503 ? h : null;
    });
    expect(degraded.body).toMatchObject({ status: 'degraded', database: { reachable: false } });
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - down)));
    // Still down at the end of the outage: the simulator has been retrying all along.
    expect((await health(url)).code).toBe(503);
    proxy.restore();

    // The same server process, reconnected by itself.
    const pid = server.child.pid;
    const ok = await until('GET /api/health reported the database back', 30, async () => {
      const h = await health(url);
      return h.code === 200 ? h : null;
    });
    expect(ok.body).toMatchObject({ status: 'ok', database: { reachable: true } });
    expect(server.child.pid).toBe(pid);
    expect(server.child.exitCode).toBeNull();

    expect(await Promise.race([exited, sleep(120 * S).then(() => 'still running after 120 s')])).toBe(0);
    const done = lines.find((l) => l.startsWith('simulate: done'));
    const m = /acknowledged (\d+) readings and (\d+) incidents/.exec(done ?? '');
    expect(m, lines.slice(-5).join('\n')).not.toBeNull();
    const [readings, incidents] = [Number(m![1]), Number(m![2])];
    expect(readings).toBeGreaterThan(0);
    expect(incidents).toBeGreaterThan(0);
    // The outage met the simulator: some batches had to be sent again.
    expect(lines.some((l) => /retrying/.test(l))).toBe(true);

    // Straight from PostgreSQL: every acknowledged row, once.
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    try {
      const r = await check.query<{ n: number; distinct: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT (r.camera_id, r.ts))::int AS distinct
         FROM thermal_readings r JOIN cameras c ON c.id = r.camera_id WHERE c.external_id LIKE 'FAULT-COTO-%'`,
      );
      expect(r.rows[0]).toEqual({ n: readings, distinct: readings });
      const i = await check.query<{ n: number; distinct: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct FROM incidents WHERE external_id LIKE $1`,
        [`${INCIDENT_PREFIX}%`],
      );
      expect(i.rows[0]).toEqual({ n: incidents, distinct: incidents });
    } finally {
      await check.end();
    }

    expect(await stopServer(server)).toBe(0);
    server = undefined;
  }, 300_000);
});
