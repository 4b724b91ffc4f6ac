/**
 * ATALAYA_WORKERS: the supervisor keeps N workers running, starts a dead one again (with a growing
 * delay while they keep dying young), and stops them all on request. Fake workers here; the real
 * thing (server/main.ts forking clustered servers on PostgreSQL) is in workers-on-postgres.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { restartDelayMs, superviseWorkers } from '../../../server/cluster/worker-supervisor.js';
import { createLogger } from '../../../server/logger.js';

class FakeWorker extends EventEmitter {
  static next = 1000;
  readonly signals: string[] = [];
  readonly process = {
    pid: FakeWorker.next++,
    kill: (signal: string) => {
      this.signals.push(signal);
      return true;
    },
  };
  die(code: number | null, signal: string | null = null) {
    this.emit('exit', code, signal);
  }
}

const log = createLogger('silent');
let now = 0;
let forked: FakeWorker[];
const fork = () => {
  const w = new FakeWorker();
  forked.push(w);
  return w as unknown as Worker;
};

beforeEach(() => {
  vi.useFakeTimers();
  now = 0;
  forked = [];
});
afterEach(() => vi.useRealTimers());

describe('restartDelayMs', () => {
  it('restarts at once after one young death, then waits 1, 2, 4 … s, at most the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelayMs(n, 30_000))).toEqual([
      0, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });
});

describe('superviseWorkers', () => {
  it('starts the count asked for and replaces a worker that dies', async () => {
    const s = superviseWorkers({ count: 2, fork, log, clock: () => now });
    expect(forked).toHaveLength(2);
    now = 60_000; // an old worker dies: restarted at once
    forked[0]!.die(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(forked).toHaveLength(3);
    expect(s.workers).toHaveLength(2);
    expect(s.restarts).toBe(1);
    expect(s.workers).not.toContain(forked[0]);
  });

  it('waits longer and longer while workers keep dying young', async () => {
    superviseWorkers({ count: 1, fork, log, clock: () => now, youngMs: 10_000 });
    // Each new worker dies 1 s after it started.
    const startsAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      const w = forked[forked.length - 1]!;
      now += 1000;
      w.die(1);
      const before = forked.length;
      let waited = 0;
      while (forked.length === before) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
        now += 100;
      }
      startsAt.push(waited);
    }
    // Deaths in a row: 1 → at once (first tick), 2 → 1 s, 3 → 2 s, 4 → 4 s.
    expect(startsAt).toEqual([100, 1000, 2000, 4000]);
  });

  it('stops: SIGTERM to every worker, resolves once all exited, and starts none meanwhile', async () => {
    const s = superviseWorkers({ count: 2, fork, log, clock: () => now });
    let stopped = false;
    const done = s.stop().then(() => (stopped = true));
    expect(forked.map((w) => w.signals)).toEqual([['SIGTERM'], ['SIGTERM']]);
    forked[0]!.die(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);
    expect(forked).toHaveLength(2);
    forked[1]!.die(0);
    await done;
    expect(stopped).toBe(true);
  });

  it('kills a worker that does not stop in time', async () => {
    const s = superviseWorkers({ count: 1, fork, log, clock: () => now, stopTimeoutMs: 5000 });
    const done = s.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(forked[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    forked[0]!.die(null, 'SIGKILL');
    await done;
  });

  it('refuses a count below one', () => {
    expect(() => superviseWorkers({ count: 0, fork, log })).toThrow(/≥ 1, got 0/);
  });
});
