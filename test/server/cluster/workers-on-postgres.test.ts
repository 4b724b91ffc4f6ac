/**
 * ATALAYA_WORKERS=2 on PostgreSQL: `npm start`'s server/main.ts prepares the database, then runs two
 * clustered workers on one port. Both answer (one evaluates the alert rules, the other relays to it);
 * a worker killed with SIGKILL is replaced and the port keeps answering; SIGTERM stops everything.
 * Without DATABASE_URL the configuration is refused, naming the variable.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { faultDatabase, freePort, S, sleep } from '../faults/fault-harness.js';
import { ROOT } from '../../setup/test-database.js';

const url = process.env.DATABASE_URL;
let primary: ChildProcess | null = null;

afterAll(() => {
  if (primary && primary.exitCode === null) primary.kill('SIGKILL');
});

/**
 * Pids of the primary's workers: its children that run server/main.ts. Not every child: tsx's
 * esbuild service processes are children too while its transform cache is cold (after a code
 * change), and counting them made this test wait for "two workers" in vain.
 */
function workerPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'server/main\\.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

async function until<T>(what: string, fn: () => Promise<T | null>, ms = 120 * S): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    await sleep(250);
  }
  const state = primary
    ? `primary exit ${primary.exitCode}, workers ${workerPids(primary.pid!).join(',')}`
    : '';
  throw new Error(`timed out waiting for ${what} (${state})`);
}

/** The roles seen over `n` fresh connections (the primary deals connections round robin). */
async function rolesSeen(base: string, n: number): Promise<Set<string>> {
  const roles = new Set<string>();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/api/alerts/status`, { headers: { connection: 'close' } });
    roles.add(((await res.json()) as { role: string }).role);
  }
  return roles;
}

describe('ATALAYA_WORKERS', () => {
  it('is refused without DATABASE_URL, naming the variable', () => {
    expect(() => loadConfig({ ATALAYA_WORKERS: '2' })).toThrow(/ATALAYA_WORKERS: .*DATABASE_URL/);
    expect(loadConfig({}).workers).toBe(1);
  });

  it.skipIf(!url)(
    'runs two clustered workers on one port, replaces a killed one and stops on SIGTERM',
    async () => {
      const db = await faultDatabase('workers');
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      primary = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...db.env,
          LOG_LEVEL: 'error',
          ATALAYA_DEMO_DATA: 'false',
          ATALAYA_WORKERS: '2',
          PORT: String(port),
          HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const pid = primary.pid!;
      const first = await until('two workers', async () =>
        workerPids(pid).length === 2 ? workerPids(pid) : null,
      );
      // One evaluates, the other relays; both answer on the one port.
      await until('an evaluating and a relaying worker', async () => {
        const roles = await rolesSeen(base, 6);
        return roles.has('evaluating') && roles.has('relaying') ? roles : null;
      });

      process.kill(first[0]!, 'SIGKILL');
      const replaced = await until('a new worker', async () => {
        const now = workerPids(pid);
        return now.length === 2 && !now.includes(first[0]!) ? now : null;
      });
      expect(replaced).toContain(first[1]);
      await until('both answering again', async () => {
        const roles = await rolesSeen(base, 6);
        return roles.has('evaluating') && roles.has('relaying') ? roles : null;
      });

      const exited = new Promise<number | null>((r) => primary!.once('exit', (code) => r(code)));
      primary.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(workerPids(pid)).toEqual([]);
      for (const p of replaced) expect(() => process.kill(p, 0)).toThrow();
    },
    240 * S,
  );
});
