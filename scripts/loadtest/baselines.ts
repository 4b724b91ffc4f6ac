/**
 * The load test's same-run baselines (scripts/bench/report.ts prints each figure beside one):
 * - each class's latency with the server otherwise idle: its requests one at a time, so the loaded
 *   p99 divided by this one is what queueing behind the rest of the mix added;
 * - the HTTP stack's ceiling: GET /api/health/live (no database, a few bytes) as fast as the same
 *   connections can go, so the mixed throughput reads as a share of what this machine's Node,
 *   Express and middleware can answer at all.
 */
import autocannon from 'autocannon';
import type { Rng } from '../../server/demo/random.js';
import { summarize, type LatencySummary } from './latency-summary.js';
import type { TrafficClass } from './traffic-mix.js';

/** `count` requests of the class one after another, each timed to the end of its body (into `times`). */
export async function unloadedLatency(
  url: string,
  cls: TrafficClass,
  rng: Rng,
  count: number,
  times: number[] = [],
): Promise<LatencySummary> {
  for (let i = 0; i < count; i++) {
    const spec = cls.next(rng);
    const t0 = performance.now();
    const res = await fetch(`${url}${spec.path}`, {
      method: spec.method,
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.body !== undefined ? { body: spec.body } : {}),
    });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (!res.ok) throw new Error(`${spec.method} ${spec.path} answered ${res.status} before the load`);
  }
  return summarize(times);
}

/** Requests per second GET /api/health/live gets over `connections` (spread over `urls`) for `seconds`. */
export async function httpCeiling(
  urls: readonly string[],
  connections: number,
  seconds: number,
): Promise<number> {
  const targets = urls.map((u) => `${u}/api/health/live`);
  // Several URLs: autocannon spreads the connections over them (its typings only say string).
  const url = (targets.length === 1 ? targets[0]! : targets) as string;
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`the ceiling run had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result.requests.total / seconds;
}
