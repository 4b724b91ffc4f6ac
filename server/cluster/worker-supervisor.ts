/**
 * ATALAYA_WORKERS=N: one Atalaya server per core on one machine. The primary process prepares the
 * database once (migrations, reference data, the demo slice: several processes doing it at once
 * would race), then forks N workers with node:cluster; they share the listening port (the primary
 * hands each new connection to the next worker, round robin) and run as clustered servers on the
 * one PostgreSQL (ATALAYA_CLUSTER, server/cluster): one evaluates the alert rules under the lease,
 * the others relay to it, every one serves the API and the map.
 *
 * A worker that dies is started again — at once the first time, then with a delay that doubles
 * while it keeps dying young (crash loop), up to 30 s. SIGTERM to the primary drains every worker
 * (each closes its server and database as a lone server does) and exits once they are gone.
 */
import type { Worker } from 'node:cluster';
import type { Logger } from '../logger.js';

export interface WorkerSupervisorOptions {
  count: number;
  /** Starts one worker (cluster.fork in production). */
  fork: () => Worker;
  log: Logger;
  /** A worker that lived shorter than this died young, ms (default 10 s). */
  youngMs?: number;
  /** The longest wait before starting a worker again, ms (default 30 s). */
  maxDelayMs?: number;
  /** A worker still running this long after SIGTERM is killed, ms (default 15 s). */
  stopTimeoutMs?: number;
  clock?: () => number;
}

export interface WorkerSupervisor {
  /** Workers running now. */
  readonly workers: readonly Worker[];
  /** How many times a worker was started again after dying. */
  readonly restarts: number;
  /** SIGTERM to every worker; resolves once all have exited. */
  stop(): Promise<void>;
}

/** The wait before starting a worker again after `youngDeaths` deaths in a row that came soon after start. */
export function restartDelayMs(youngDeaths: number, maxDelayMs: number): number {
  return youngDeaths <= 1 ? 0 : Math.min(maxDelayMs, 500 * 2 ** (youngDeaths - 1));
}

/** Starts `count` workers and keeps that many running until stop(). */
export function superviseWorkers(options: WorkerSupervisorOptions): WorkerSupervisor {
  const { count, fork, log } = options;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`Worker count must be ≥ 1, got ${count}`);
  const youngMs = options.youngMs ?? 10_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const clock = options.clock ?? Date.now;
  const running = new Map<Worker, number>();
  let youngDeaths = 0;
  let restarts = 0;
  let stopping = false;
  let allExited: (() => void) | null = null;
  const pendingStarts = new Set<NodeJS.Timeout>();

  const start = () => {
    const worker = fork();
    running.set(worker, clock());
    worker.once('exit', (code, signal) => {
      const startedAt = running.get(worker) ?? clock();
      running.delete(worker);
      if (stopping) {
        if (running.size === 0) allExited?.();
        return;
      }
      youngDeaths = clock() - startedAt < youngMs ? youngDeaths + 1 : 1;
      const delay = restartDelayMs(youngDeaths, maxDelayMs);
      log.error(
        { pid: worker.process.pid, code, signal, restartInMs: delay },
        'an Atalaya worker died; starting another',
      );
      const timer = setTimeout(() => {
        pendingStarts.delete(timer);
        if (stopping) return;
        restarts++;
        start();
      }, delay);
      pendingStarts.add(timer);
    });
  };
  for (let i = 0; i < count; i++) start();

  return {
    get workers() {
      return [...running.keys()];
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopping = true;
      for (const timer of pendingStarts) clearTimeout(timer);
      pendingStarts.clear();
      if (running.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const worker of running.keys()) {
            log.error({ pid: worker.process.pid }, 'a worker did not stop in time; killing it');
            worker.process.kill('SIGKILL');
          }
        }, stopTimeoutMs);
        allExited = () => {
          clearTimeout(force);
          resolve();
        };
        for (const worker of running.keys()) worker.process.kill('SIGTERM');
      });
    },
  };
}
