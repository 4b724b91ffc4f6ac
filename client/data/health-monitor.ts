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
/** A check slower than this counts as a failure. Generous: a busy page can delay the response. */
const HEALTH_TIMEOUT_MS = 10_000;
/** After a first failure, check again this soon: the banner needs two failures in a row. */
const RECHECK_MS = 2000;

export interface HealthMonitor {
  /** Checks now (the banner's "retry now"). */
  checkNow(): Promise<void>;
  stop(): void;
}

export function startHealthMonitor(runtime: Store<RuntimeState>): HealthMonitor {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let failuresInARow = 0;

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
    failuresInARow = healthy ? 0 : failuresInARow + 1;
    // One lost answer (a slow frame, a blip) does not raise the banner; two in a row do.
    if (healthy) runtime.set({ health: 'ok', lastHealthyAt: new Date().toISOString() });
    else if (failuresInARow >= 2) runtime.set({ health: 'unreachable' });
    if (healthy && !wasHealthy) {
      const failed = failedDatasets(runtime.get());
      if (failed.length > 0) void loadReferenceData(runtime, failed);
    }
    const delay = failuresInARow === 1 ? RECHECK_MS : HEALTH_POLL_SECONDS * 1000;
    if (!stopped) timer = setTimeout(() => void check(), delay);
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
