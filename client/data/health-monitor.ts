/**
 * Polls GET /api/health so the page can say when the server is unreachable (banner), and reloads
 * the reference data that failed once the server answers again.
 */
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { getJson } from './api-client.js';
import { failedDatasets, loadReferenceData } from './load-reference-data.js';

/** Seconds between health checks. */
export const HEALTH_POLL_SECONDS = 15;
/** A check slower than this counts as a failure. */
const HEALTH_TIMEOUT_MS = 5000;

export interface HealthMonitor {
  /** Checks now (the banner's "retry now"). */
  checkNow(): Promise<void>;
  stop(): void;
}

export function startHealthMonitor(runtime: Store<RuntimeState>): HealthMonitor {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const check = async () => {
    clearTimeout(timer);
    const controller = new AbortController();
    const abort = setTimeout(() => controller.abort(), HEALTH_TIMEOUT_MS);
    let healthy = false;
    try {
      const body = await getJson<{ status?: unknown }>('/api/health', controller.signal);
      healthy = body.status === 'ok';
    } catch {
      healthy = false;
    } finally {
      clearTimeout(abort);
    }
    const wasHealthy = runtime.get().health === 'ok';
    runtime.set(healthy ? { health: 'ok', lastHealthyAt: new Date().toISOString() } : { health: 'unreachable' });
    if (healthy && !wasHealthy) {
      const failed = failedDatasets(runtime.get());
      if (failed.length > 0) void loadReferenceData(runtime, failed);
    }
    if (!stopped) timer = setTimeout(() => void check(), HEALTH_POLL_SECONDS * 1000);
  };

  void check();
  return {
    checkNow: check,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
