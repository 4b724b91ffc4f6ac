/**
 * Builds the client and the terrain tiles if needed, then starts the real server
 * (`npx tsx server/main.ts`; ATALAYA_E2E_SERVER names another entry, e.g. a local build of the
 * app with routes not yet registered) on a free port with a fresh temporary database loaded with
 * the synthetic demo slice, and hands its URL to the tests, with a viewer, an operator and an analyst
 * token created in that database beforehand (test/e2e/e2e-tokens.ts). Stops it afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { E2eTokens } from './e2e-tokens.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** API tokens named e2e-viewer, e2e-operator and e2e-analyst. */
    tokens: E2eTokens;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = join(root, 'test', 'artifacts');
/** First start creates the PGlite cluster, PostGIS and the reference data: about a minute on 2 cores. */
const STARTUP_TIMEOUT_MS = 300_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(artifacts, { recursive: true });
  buildClientIfStale();
  buildTerrainIfMissing();

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-e2e-'));
  const tokens = createTokens(join(dataDir, 'db'));
  const log = createWriteStream(join(artifacts, 'server.log'));
  const server = spawn('npx', ['tsx', process.env.ATALAYA_E2E_SERVER ?? 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ATALAYA_DATA_DIR: join(dataDir, 'db'),
      LOG_LEVEL: 'info',
      // The layer tests need the synthetic cameras, readings and incidents.
      ATALAYA_DEMO_DATA: 'true',
    },
    // Own process group, so teardown can stop npx, tsx and node together.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, server);
    // A fresh database computes every camera's viewshed on the first coverage question (≈ 15 s of
    // CPU on 2 cores, started by the alert service within a minute): wait for it here, so no page
    // of any test loads while the server is busy with it.
    const coverage = await fetch(`${baseUrl}/api/coverage`, {
      signal: AbortSignal.timeout(STARTUP_TIMEOUT_MS),
    });
    if (!coverage.ok)
      throw new Error(`GET /api/coverage answered ${coverage.status}; see test/artifacts/server.log`);
  } catch (error) {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('baseUrl', baseUrl);
  project.provide('tokens', tokens);

  return async () => {
    await stop(server);
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

/** Creates the tests' tokens in the fresh database, which its server then opens. */
function createTokens(dataDir: string): E2eTokens {
  const out = execFileSync('npx', ['tsx', 'test/e2e/e2e-tokens.ts'], {
    cwd: root,
    env: { ...process.env, ATALAYA_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as E2eTokens;
}

/** Runs `vite build` when dist/client is missing or older than any file of the client. */
function buildClientIfStale(): void {
  const index = join(root, 'dist', 'client', 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = [join(root, 'vite.config.ts'), ...listFiles(join(root, 'client'))];
  if (built > 0 && sources.every((file) => statSync(file).mtimeMs <= built)) return;
  execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
}

/** The terrain tiles are built, not committed: `npm run build-terrain` once (it is a no-op when up to date). */
function buildTerrainIfMissing(): void {
  if (existsSync(join(root, 'tiles', 'terrain', 'tiles.json'))) return;
  execFileSync('npx', ['tsx', 'scripts/build-terrain-tiles.ts'], { cwd: root, stdio: 'inherit' });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(
        `server exited with code ${server.exitCode} before it was healthy; see test/artifacts/server.log`,
      );
    }
    try {
      // Ready, not just up: the database, the migrations and the alert service (whose warm-up over
      // the demo history would otherwise compete with the first page loads).
      const response = await fetch(`${baseUrl}/api/health/ready`);
      const body = (await response.json()) as { status?: string };
      if (response.ok) return;
      last = `${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${baseUrl} not healthy after ${STARTUP_TIMEOUT_MS} ms (last: ${last})`);
}

/**
 * SIGTERM to the server's process group (npx, tsx and node: the server drains and closes the
 * database), then waits until the whole group is gone; SIGKILL if it takes over 15 s.
 */
async function stop(server: ChildProcess): Promise<void> {
  const pid = server.pid;
  if (pid === undefined) return;
  const signal = (name: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      return false; // ESRCH: no process left in the group.
    }
  };
  if (!signal('SIGTERM')) return;
  const deadline = Date.now() + 15_000;
  while (signal(0)) {
    if (Date.now() > deadline) {
      signal('SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
