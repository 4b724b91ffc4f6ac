import { Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseEventLoopLag } from '../../../scripts/loadtest/event-loop-lag.js';

describe('parseEventLoopLag', () => {
  it('reads the p50, p99 and max gauges in milliseconds', () => {
    const text = [
      '# HELP nodejs_eventloop_lag_p50_seconds The 50th percentile of the recorded event loop delays.',
      '# TYPE nodejs_eventloop_lag_p50_seconds gauge',
      'nodejs_eventloop_lag_p50_seconds 0.010125',
      'nodejs_eventloop_lag_p90_seconds 0.02',
      'nodejs_eventloop_lag_p99_seconds 0.0625',
      'nodejs_eventloop_lag_max_seconds 0.25',
    ].join('\n');
    expect(parseEventLoopLag(text)).toEqual({ p50Ms: 10.125, p99Ms: 62.5, maxMs: 250 });
  });

  it('returns null when a gauge is missing', () => {
    expect(
      parseEventLoopLag('nodejs_eventloop_lag_p50_seconds 0.01\nnodejs_eventloop_lag_max_seconds 1'),
    ).toBeNull();
  });

  it('reads what prom-client itself exposes', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    await new Promise((r) => setTimeout(r, 50));
    const lag = parseEventLoopLag(await registry.metrics());
    expect(lag).not.toBeNull();
    expect(lag!.p99Ms).toBeGreaterThanOrEqual(lag!.p50Ms);
    expect(lag!.maxMs).toBeGreaterThanOrEqual(lag!.p99Ms);
  });
});
