/**
 * The servers' event-loop delay over the measured window, read from their /metrics (prom-client's
 * default `nodejs_eventloop_lag_*` gauges, which come from perf_hooks.monitorEventLoopDelay and are
 * reset at every scrape: one scrape as the window opens, one as it closes). A request that waits
 * behind a long synchronous task shows here first, whatever its own handler costs.
 */

export interface EventLoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Picks the lag gauges out of a Prometheus text exposition; null when they are absent. */
export function parseEventLoopLag(metricsText: string): EventLoopLag | null {
  const gauge = (name: string): number | null => {
    const m = new RegExp(`^nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(
      metricsText,
    );
    return m ? Number(m[1]) * 1000 : null;
  };
  const [p50Ms, p99Ms, maxMs] = [gauge('p50'), gauge('p99'), gauge('max')];
  return p50Ms === null || p99Ms === null || maxMs === null ? null : { p50Ms, p99Ms, maxMs };
}

/** Scrapes one server's /metrics (loopback callers may) and returns its lag since the last scrape. */
export async function scrapeEventLoopLag(url: string): Promise<EventLoopLag | null> {
  try {
    const res = await fetch(`${url}/metrics`);
    return res.ok ? parseEventLoopLag(await res.text()) : null;
  } catch {
    return null;
  }
}
