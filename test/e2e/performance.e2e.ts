/**
 * How fast the map is in this machine's headless Chromium with the synthetic demo slice: software
 * WebGL (SwiftShader) on 2 cores shared with other work, so these figures are a floor, not what a
 * GPU gives. Every figure is printed and written to test/artifacts/performance.json.
 *
 * - Load: navigation start (performance.timeOrigin) → the first animation frame in which the
 *   reference data are in, the map is loaded and still with all its tiles, and the regions and
 *   volcanoes are drawn (rendered features on their layers). Five cold loads of the default link
 *   (a fresh browser context each: empty cache).
 * - Frames at 1366×768 while scripted panBy, zoomTo and flyTo run (time-based animations of
 *   1.5–2.5 s each): the gaps between requestAnimationFrame callbacks are the frame times the user
 *   sees (p50/p95/p99/max, nearest rank), and MapLibre's 'render' events the frames it drew. Twice:
 *   every layer on but the 3D terrain (flat map; regions as the incidents choropleth, provinces,
 *   density, coverage, cameras, centers, volcanoes, pulsing alerts), then the same with 3D terrain
 *   tilted 45°.
 *
 * Software rendering here is bound by fill rate in the GPU process (a quarter of the pixels draws
 * about three times faster; 4× multisampling, now off on software renderers, more than doubled a
 * frame) and by shader compilation (~100–250 ms per GL program, at load and whenever a layer needs
 * a program it has not used yet), and the machine's other work takes its share of the 2 cores. So each time bound is the budget for an
 * unloaded machine times max(1, load average ÷ cores), measured just before; both are printed, and
 * the load budget is also reported against the issue's 3 s at face value.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, launchChromium, record, screenshot } from './browser.js';

const baseUrl = inject('baseUrl');
let browser: Browser;
const results: Record<string, unknown> = {};

/** The issue's budget for a load with the demo data, ms. */
const LOAD_BUDGET_MS = 3000;
/**
 * What the test asserts, ms: a regression guard at 1.5× the budget (times the machine's
 * contention), since one cold load under SwiftShader on 2 shared cores varies by ±20%; the budget
 * itself is printed and recorded at face value, on the median of LOAD_RUNS.
 *
 * Where a cold load went (CDP traces and CPU profiles): the first WebGL context (~0.1–0.5 s, now
 * opened while the main chunk downloads: client/main.tsx), the reference data (now in the map's
 * first style: client/map/map-canvas.tsx), the map worker tiling them, and the shader programs of
 * the default view (7 MapLibre — 12 before client/map/shader-variants.ts and sky-pass.ts — and
 * deck.gl's labels and dots), each link a synchronous wait on the GPU process. History of the
 * median: 3.6 s before the shader changes, 3.4–3.7 s after them, 2.9 s after the load-order ones
 * (same-browser A/B: 3.95 → 2.92 s under a load average of 5).
 */
const LOAD_GUARD_MS = 1.5 * LOAD_BUDGET_MS;
/** Cold loads measured; the median is compared with the budget. */
const LOAD_RUNS = 5;
/**
 * Frame-time bounds on an unloaded 2-core machine with SwiftShader, ms: what the measurements
 * printed by this test supported before the software-rendering changes (flat map with every layer:
 * p50 ≈ 0.5 s, max ≈ 1 s at load ≈ 4; with 3D terrain: p50 ≈ 2.7 s, max ≈ 4.8 s at load ≈ 3); kept
 * as they were. Beside the old client at load average 5–6: flat p50 0.57–0.78 → 0.28–0.48 s,
 * 1.0–1.3 → 1.9–2.8 fps; terrain max 9.3 → 6.9 s. Nowhere near 60 fps: software WebGL is not what
 * an operations room runs on, and the figures say so.
 */
const FRAME_BOUNDS = {
  flat: { p50Ms: 750, maxMs: 2500 },
  terrain: { p50Ms: 3000, maxMs: 7500 },
} as const;

beforeAll(async () => {
  browser = await launchChromium();
  await serverReady();
}, 360_000);

afterAll(async () => {
  await browser?.close();
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = join(ARTIFACTS_DIR, 'performance.json');
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...results }, null, 2)}\n`);
  console.log(`performance figures written to ${file}`);
});

/**
 * Waits for GET /api/health/ready: a fresh server answers /api/health at once but warms its alert
 * rules up from the stored history for a minute or two, and serves little else meanwhile.
 */
async function serverReady(): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${baseUrl}/api/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${baseUrl}/api/health/ready did not answer 200 within 300 s`);
}

/** How oversubscribed the machine is now: max(1, 1-minute load average ÷ cores). */
function contention(): { load: number; cores: number; factor: number } {
  const load = loadavg()[0]!;
  const cores = availableParallelism();
  return { load: round(load), cores, factor: round(Math.max(1, load / cores)) };
}

/** ms from navigation start until the map has drawn the reference layers with the demo data. */
async function loadTime(page: Page, path: string): Promise<{ drawnMs: number; domContentLoadedMs: number }> {
  await page.goto(`${baseUrl}${path}`, { waitUntil: 'commit' });
  // Strings for the in-page scripts: tsx (used to try them out by hand) wraps named functions in a
  // helper the page lacks. page.evaluate runs them through the debugger, which the page's CSP allows.
  return page.evaluate(`new Promise((resolve) => {
    const check = () => {
      const handle = window.__atalaya;
      const map = handle && handle.map;
      const rt = handle && handle.runtime.get();
      const drawn =
        map && rt && rt.mapReady &&
        Object.values(rt.datasets).every((d) => d.status === 'ready') &&
        map.loaded() && !map.isMoving() && map.areTilesLoaded() &&
        map.queryRenderedFeatures({ layers: ['regions-fill'] }).length > 0 &&
        map.queryRenderedFeatures({ layers: ['volcanoes-circle'] }).length > 0;
      if (!drawn) {
        requestAnimationFrame(check);
        return;
      }
      const nav = performance.getEntriesByType('navigation')[0];
      resolve({ drawnMs: performance.now(), domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : NaN });
    };
    check();
  })`);
}

/** The scripted moves, frame by frame: rAF gaps and MapLibre renders. */
const MOTION = `(async () => {
  const map = window.__atalaya.map;
  const deltas = [];
  let renders = 0;
  const onRender = () => { renders += 1; };
  map.on('render', onRender);
  let running = true;
  // From the start, so a long first frame counts too; performance.now() rather than the rAF
  // timestamp (the frame's start, which can precede the start of this script).
  const start = performance.now();
  let last = start;
  const tick = () => {
    const now = performance.now();
    deltas.push(now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const moved = () => new Promise((resolve) => map.once('moveend', () => resolve()));
  const options = { duration: 1500, essential: true };
  let done = moved(); map.panBy([320, 0], options); await done;
  done = moved(); map.panBy([-320, 180], options); await done;
  done = moved(); map.zoomTo(map.getZoom() + 1.5, options); await done;
  done = moved(); map.flyTo({ center: [-79.9, -2.2], zoom: 9, duration: 2500, essential: true }); await done;
  done = moved(); map.zoomTo(7, options); await done;
  running = false;
  map.off('render', onRender);
  return { deltas, renders, seconds: (performance.now() - start) / 1000 };
})()`;

function percentile(sorted: readonly number[], p: number): number {
  // Nearest rank: the smallest value with at least p of the values at or below it.
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

const LAYERS = 'regions,provinces,density,coverage,cameras,centers,volcanoes,alerts';

/** Opens every layer (and 3D terrain when asked), waits for their data, and runs MOTION. */
async function frameTimes(terrain: boolean, name: string) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    // The alert markers pulse, as they do for users.
    reducedMotion: 'no-preference',
  });
  try {
    const page = await context.newPage();
    const rec = record(page);
    const layers = terrain ? `terrain,${LAYERS}` : LAYERS;
    const view = terrain ? '7/-1.3/-78.6/0/45' : '7/-1.3/-78.6';
    const started = Date.now();
    await page.goto(`${baseUrl}/#map=${view}&layers=${layers}&rm=incidents`, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => {
        const h = window.__atalaya;
        const rt = h?.runtime.get();
        const map = h?.map;
        if (!rt || !map || !rt.mapReady) return false;
        const settled = (s: string) => s === 'ready' || s === 'error';
        return (
          settled(rt.density.status) &&
          settled(rt.cameras.status) &&
          settled(rt.regionStats.status) &&
          settled(rt.planner.raster.status) &&
          settled(rt.alerts.status) &&
          // The volcano watch loads after the map's first draw; its restyle belongs before the moves.
          settled(rt.volcanoWatch.status) &&
          map.loaded() &&
          map.areTilesLoaded()
        );
      },
      undefined,
      { timeout: 240_000, polling: 500 },
    );
    const readyMs = Date.now() - started;
    const status = (await page.evaluate(`(() => {
      const rt = window.__atalaya.runtime.get();
      return { density: rt.density.status, cameras: rt.cameras.status, regionStats: rt.regionStats.status,
        coverageRaster: rt.planner.raster.status, alerts: rt.alerts.status, alertCount: rt.alerts.list.byId.size,
        volcanoWatch: rt.volcanoWatch.status,
        terrain: window.__atalaya.map.getTerrain() !== null };
    })()`)) as Record<string, unknown>;
    await screenshot(page, `performance-${name}`);
    const machine = contention();
    const frames = (await page.evaluate(MOTION)) as { deltas: number[]; renders: number; seconds: number };
    expect(rec.errors).toEqual([]);
    const sorted = [...frames.deltas].sort((a, b) => a - b);
    return {
      status,
      readyMs,
      machine,
      frames: sorted.length,
      seconds: round(frames.seconds),
      p50Ms: round(percentile(sorted, 0.5)),
      p95Ms: round(percentile(sorted, 0.95)),
      p99Ms: round(percentile(sorted, 0.99)),
      maxMs: round(sorted[sorted.length - 1] ?? NaN),
      meanFps: round(sorted.length / frames.seconds),
      mapRendersPerSecond: round(frames.renders / frames.seconds),
    };
  } finally {
    await context.close();
  }
}

describe('performance in headless Chromium (SwiftShader)', () => {
  it('loads the default map with the demo data: printed, against 3 s', async () => {
    const machine = contention();
    const loads: { drawnMs: number; domContentLoadedMs: number }[] = [];
    for (let i = 0; i < LOAD_RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      try {
        const page = await context.newPage();
        const rec = record(page);
        loads.push(await loadTime(page, '/'));
        expect(rec.errors).toEqual([]);
      } finally {
        await context.close();
      }
    }
    const drawn = loads.map((l) => l.drawnMs).sort((a, b) => a - b);
    const best = drawn[0]!;
    const median = drawn[Math.floor(drawn.length / 2)]!;
    const bound = LOAD_GUARD_MS * machine.factor;
    results['load'] = {
      view: 'default link (/), 1366×768: regions, provinces, centers, volcanoes, alerts',
      machine,
      drawnMs: loads.map((l) => round(l.drawnMs)),
      domContentLoadedMs: loads.map((l) => round(l.domContentLoadedMs)),
      bestMs: round(best),
      medianMs: round(median),
      budgetMs: LOAD_BUDGET_MS,
      withinBudgetAtFaceValue: median < LOAD_BUDGET_MS,
      boundForThisLoadMs: round(bound),
    };
    console.log(
      `load → map drawn: ${drawn.map((ms) => `${Math.round(ms)} ms`).join(', ')} (median ${Math.round(median)} ms); ` +
        `DOMContentLoaded ${loads.map((l) => Math.round(l.domContentLoadedMs)).join(', ')} ms; ` +
        `budget ${LOAD_BUDGET_MS} ms: ${median < LOAD_BUDGET_MS ? 'met' : 'NOT met'} at face value; ` +
        `load average ${machine.load} on ${machine.cores} cores → regression guard ${Math.round(bound)} ms`,
    );
    expect(median).toBeLessThan(bound);
  }, 240_000);

  it('pans and zooms with every layer on, flat: frame times printed and bounded', async () => {
    const figures = await frameTimes(false, 'all-layers-flat');
    const bound = FRAME_BOUNDS.flat;
    results['framesFlat'] = {
      view: `1366×768, pitch 0, layers ${LAYERS}, regions as incidents per km²`,
      motion: 'panBy 320 px, panBy back, zoomTo +1.5, flyTo Guayaquil z9, zoomTo 7 (1.5–2.5 s each)',
      ...figures,
      boundsUnloaded: bound,
    };
    print('every layer, flat', figures);
    expect(figures.frames).toBeGreaterThanOrEqual(8);
    expect(figures.p50Ms).toBeLessThan(bound.p50Ms * figures.machine.factor);
    expect(figures.maxMs).toBeLessThan(bound.maxMs * figures.machine.factor);
  }, 360_000);

  it('pans and zooms with every layer on and 3D terrain tilted: frame times printed and bounded', async () => {
    const figures = await frameTimes(true, 'all-layers-terrain');
    const bound = FRAME_BOUNDS.terrain;
    results['framesTerrain'] = {
      view: `1366×768, pitch 45°, 3D terrain and layers ${LAYERS}, regions as incidents per km²`,
      motion: 'panBy 320 px, panBy back, zoomTo +1.5, flyTo Guayaquil z9, zoomTo 7 (1.5–2.5 s each)',
      ...figures,
      boundsUnloaded: bound,
    };
    print('every layer + 3D terrain', figures);
    expect(figures.frames).toBeGreaterThanOrEqual(3);
    expect(figures.p50Ms).toBeLessThan(bound.p50Ms * figures.machine.factor);
    expect(figures.maxMs).toBeLessThan(bound.maxMs * figures.machine.factor);
  }, 360_000);
});

function print(what: string, f: Awaited<ReturnType<typeof frameTimes>>): void {
  console.log(
    `frames, ${what} (${JSON.stringify(f.status)}; ready ${f.readyMs} ms after navigation): ` +
      `${f.frames} frames in ${f.seconds} s, p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms, p99 ${f.p99Ms} ms, ` +
      `max ${f.maxMs} ms (${f.meanFps} fps; MapLibre drew ${f.mapRendersPerSecond}/s); ` +
      `load average ${f.machine.load} on ${f.machine.cores} cores`,
  );
}
