/**
 * Keeps the planner's data current while the coverage overlay is on: the figures per zone and the
 * gaps once, the coverage raster of the map's view after every move (debounced, the older request
 * aborted), and the what-if whenever the scenario or, with a scenario, the view changes. Siting
 * runs when the panel asks. Answers land in the runtime store's `planner` field.
 */
import { ApiError } from '../data/api-client.js';
import {
  coverageGaps,
  coverageRaster,
  coverageReport,
  runSiting,
  runWhatIf,
  type SitingRequest,
} from '../data/coverage-client.js';
import type { AppState } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import {
  addCamera,
  INITIAL_PLANNER,
  scenarioChanges,
  scenarioSize,
  viewRasterWindow,
  type PlannerRuntime,
} from './planner-state.js';

/** Wait this long after the last move before asking for the view's raster, ms. */
const RASTER_DEBOUNCE_MS = 150;
/** Wait this long after the last scenario edit before asking for the what-if, ms. */
const WHAT_IF_DEBOUNCE_MS = 120;
/** Most gap clusters drawn. */
export const GAPS_SHOWN = 25;

export interface PlannerLoader {
  /** Asks for the figures, gaps and raster again (after a failure, or to refresh). */
  reload(): void;
  /** Runs a siting request; a newer one aborts it. */
  site(request: SitingRequest): void;
  /** Stops a running siting request. */
  cancelSiting(): void;
  stop(): void;
}

/** Applies a change to the runtime store's planner field. */
export function setPlanner(
  runtime: Store<RuntimeState>,
  update: Partial<PlannerRuntime> | ((p: PlannerRuntime) => Partial<PlannerRuntime>),
): void {
  runtime.set((rt) => {
    const current = rt.planner ?? INITIAL_PLANNER;
    return { planner: { ...current, ...(typeof update === 'function' ? update(current) : update) } };
  });
}

export function startPlannerLoader(app: Store<AppState>, runtime: Store<RuntimeState>): PlannerLoader {
  let rasterAbort: AbortController | null = null;
  let rasterTimer: ReturnType<typeof setTimeout> | undefined;
  let rasterKey: string | null = null;
  let whatIfAbort: AbortController | null = null;
  let whatIfTimer: ReturnType<typeof setTimeout> | undefined;
  let whatIfKey: string | null = null;
  let sitingAbort: AbortController | null = null;
  const once = { report: false, gaps: false };

  const message = (error: unknown) =>
    error instanceof ApiError
      ? (error.detail ?? error.title)
      : error instanceof Error
        ? error.message
        : String(error);

  async function loadReport(): Promise<void> {
    setPlanner(runtime, (p) => ({ report: { ...p.report, status: 'loading', error: null } }));
    try {
      const data = await coverageReport();
      setPlanner(runtime, { report: { status: 'ready', data, key: 'national', error: null } });
    } catch (error) {
      setPlanner(runtime, (p) => ({ report: { ...p.report, status: 'error', error: message(error) } }));
    }
  }

  async function loadGaps(): Promise<void> {
    setPlanner(runtime, (p) => ({ gaps: { ...p.gaps, status: 'loading', error: null } }));
    try {
      const data = await coverageGaps(GAPS_SHOWN);
      setPlanner(runtime, { gaps: { status: 'ready', data, key: String(GAPS_SHOWN), error: null } });
    } catch (error) {
      setPlanner(runtime, (p) => ({ gaps: { ...p.gaps, status: 'error', error: message(error) } }));
    }
  }

  const windowNow = () => {
    const state = app.get();
    const bounds = runtime.get().viewBounds;
    return bounds ? viewRasterWindow(bounds, state.view.zoom, state.coverageLayer) : null;
  };

  function loadRaster(force = false): void {
    // Before the map's first render there is no view yet: nothing to ask, nothing to say.
    if (!runtime.get().viewBounds) return;
    const window = windowNow();
    const key = window ? JSON.stringify(window) : 'none';
    if (!force && key === rasterKey) return;
    rasterKey = key;
    clearTimeout(rasterTimer);
    rasterAbort?.abort();
    if (!window) {
      setPlanner(runtime, { raster: { status: 'ready', data: null, key, error: null } });
      return;
    }
    rasterTimer = setTimeout(() => {
      const controller = new AbortController();
      rasterAbort = controller;
      setPlanner(runtime, (p) => ({ raster: { ...p.raster, status: 'loading', error: null } }));
      coverageRaster(window, controller.signal)
        .then((data) => {
          if (!controller.signal.aborted)
            setPlanner(runtime, { raster: { status: 'ready', data, key, error: null } });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setPlanner(runtime, (p) => ({ raster: { ...p.raster, status: 'error', error: message(error) } }));
        });
    }, RASTER_DEBOUNCE_MS);
  }

  function loadWhatIf(): void {
    const planner = runtime.get().planner;
    if (scenarioSize(planner.scenario) === 0) {
      whatIfKey = null;
      clearTimeout(whatIfTimer);
      whatIfAbort?.abort();
      if (planner.whatIf.status !== 'idle') {
        setPlanner(runtime, { whatIf: { status: 'idle', result: null, error: null, roundTripMs: null } });
      }
      return;
    }
    const changes = scenarioChanges(planner.scenario);
    const window = app.get().overlays.has('coverage') ? windowNow() : null;
    const key = JSON.stringify([changes, window]);
    if (key === whatIfKey) return;
    whatIfKey = key;
    clearTimeout(whatIfTimer);
    whatIfAbort?.abort();
    whatIfTimer = setTimeout(() => {
      const controller = new AbortController();
      whatIfAbort = controller;
      setPlanner(runtime, (p) => ({ whatIf: { ...p.whatIf, status: 'running', error: null } }));
      const started = performance.now();
      runWhatIf(changes, window, controller.signal)
        .then((result) => {
          if (controller.signal.aborted) return;
          const roundTripMs = Math.round(performance.now() - started);
          setPlanner(runtime, { whatIf: { status: 'ready', result, error: null, roundTripMs } });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setPlanner(runtime, (p) => ({ whatIf: { ...p.whatIf, status: 'error', error: message(error) } }));
        });
    }, WHAT_IF_DEBOUNCE_MS);
  }

  const sync = () => {
    const on = app.get().overlays.has('coverage');
    if (on) {
      if (!once.report) {
        once.report = true;
        void loadReport();
      }
      if (!once.gaps) {
        once.gaps = true;
        void loadGaps();
      }
      loadRaster();
    }
    loadWhatIf();
  };

  const unsubscribeApp = app.subscribe((state, previous) => {
    if (
      state.overlays !== previous.overlays ||
      state.coverageLayer !== previous.coverageLayer ||
      state.view !== previous.view
    ) {
      sync();
    }
  });
  const unsubscribeRuntime = runtime.subscribe((rt, previous) => {
    if (rt.viewBounds !== previous.viewBounds || rt.planner.scenario !== previous.planner.scenario) sync();
    if (rt.health === 'ok' && previous.health === 'unreachable') reload();
  });
  sync();

  function reload(): void {
    const p = runtime.get().planner;
    if (!app.get().overlays.has('coverage')) return;
    if (p.report.status !== 'loading') void loadReport();
    if (p.gaps.status !== 'loading') void loadGaps();
    loadRaster(true);
  }

  return {
    reload,
    site(request) {
      sitingAbort?.abort();
      const controller = new AbortController();
      sitingAbort = controller;
      setPlanner(runtime, {
        siting: { status: 'running', request, result: null, error: null },
        highlightRank: null,
      });
      runSiting(request, controller.signal)
        .then((result) => {
          if (controller.signal.aborted) return;
          setPlanner(runtime, { siting: { status: 'ready', request, result, error: null } });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setPlanner(runtime, { siting: { status: 'error', request, result: null, error: message(error) } });
        });
    },
    cancelSiting() {
      sitingAbort?.abort();
      sitingAbort = null;
      setPlanner(runtime, (p) => ({ siting: { ...p.siting, status: 'idle' } }));
    },
    stop() {
      unsubscribeApp();
      unsubscribeRuntime();
      clearTimeout(rasterTimer);
      clearTimeout(whatIfTimer);
      rasterAbort?.abort();
      whatIfAbort?.abort();
      sitingAbort?.abort();
    },
  };
}

/**
 * What a click on the map does while a planner tool is on: add a camera to the scenario, or a
 * candidate site. True when the click was the planner's (the map then selects nothing).
 */
export function plannerMapClick(runtime: Store<RuntimeState>, lngLat: [number, number]): boolean {
  const planner = runtime.get().planner;
  if (planner.tool === 'add-camera') {
    setPlanner(runtime, (p) => ({ scenario: addCamera(p.scenario, p.addModel, lngLat) }));
    return true;
  }
  if (planner.tool === 'draw-candidates') {
    setPlanner(runtime, (p) => ({ candidates: [...p.candidates, lngLat] }));
    return true;
  }
  return false;
}
