/**
 * The data layers against the real server and its synthetic demo slice, in Chromium: cameras
 * (clusters at national scale, single cameras and their details in Quito), the thermal chart of
 * Cotopaxi, the incident density and its time slider, and the 3D terrain. Screenshots go to
 * test/artifacts/ for a human to look at.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, record, screenshot, waitForMapIdle } from './browser.js';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function open(path: string) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const rec = record(page);
  await page.goto(`${baseUrl}${path}`);
  await waitForMapIdle(page);
  return { page, rec, close: () => context.close() };
}

/** Waits until a live dataset of the runtime store (cameras, density, histogram) has its answer. */
async function waitForLive(page: Page, key: 'cameras' | 'density' | 'histogram'): Promise<void> {
  await page.waitForFunction((k) => window.__atalaya!.runtime.get()[k].status === 'ready', key, {
    timeout: 60_000,
    polling: 200,
  });
}

async function fetchJson<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describe('the cameras layer', () => {
  it('clusters the whole network at national scale: clusters and single cameras add up to every camera', async () => {
    const { page, rec, close } = await open('/#layers=regions,cameras');
    try {
      await waitForLive(page, 'cameras');
      await waitForMapIdle(page);
      const counts = await page.evaluate(() => {
        const map = window.__atalaya!.map!;
        const clusters = map.queryRenderedFeatures({ layers: ['cameras-cluster-circle'] });
        const singles = map.queryRenderedFeatures({ layers: ['cameras-point'] });
        const inClusters = clusters.reduce((sum, f) => sum + Number(f.properties['point_count']), 0);
        return {
          clusters: clusters.length,
          singles: singles.length,
          total: inClusters + singles.length,
          loaded: window.__atalaya!.runtime.get().cameras.data!.features.length,
        };
      });
      const api = await fetchJson<{ features: unknown[] }>('/api/cameras');
      expect(counts.loaded).toBe(api.features.length);
      expect(counts.clusters).toBeGreaterThan(5);
      expect(counts.singles).toBeLessThan(counts.clusters);
      expect(counts.total).toBe(api.features.length);
      await screenshot(page, 'layers-cameras-national-es');
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('draws single cameras by kind at zoom 14 in Quito and opens the details of one clicked, marked synthetic', async () => {
    const { page, rec, close } = await open('/#map=14/-0.2/-78.5&layers=cameras');
    try {
      await waitForLive(page, 'cameras');
      await waitForMapIdle(page);
      const seen = await page.evaluate(() => {
        const map = window.__atalaya!.map!;
        const singles = map.queryRenderedFeatures({ layers: ['cameras-point'] });
        return {
          clusters: map.queryRenderedFeatures({ layers: ['cameras-cluster-circle'] }).length,
          singles: singles.length,
          kinds: [...new Set(singles.map((f) => String(f.properties['kind'])))].sort(),
          sectors: map.queryRenderedFeatures({ layers: ['cameras-fov-fill'] }).length,
        };
      });
      expect(seen.clusters).toBe(0);
      expect(seen.singles).toBeGreaterThan(10);
      expect(seen.kinds).toEqual(expect.arrayContaining(['dome', 'fixed']));
      expect(seen.sectors).toBeGreaterThan(0);

      const target = await page.evaluate(() => {
        const map = window.__atalaya!.map!;
        const rect = map.getCanvas().getBoundingClientRect();
        const camera = map
          .queryRenderedFeatures({ layers: ['cameras-point'] })
          .map((f) => ({
            f,
            p: map.project(
              f.geometry.type === 'Point' ? (f.geometry.coordinates as [number, number]) : [0, 0],
            ),
          }))
          // One well inside the canvas, away from the controls and the info panel's corner.
          .find(({ p }) => p.x > 60 && p.x < rect.width * 0.6 && p.y > 60 && p.y < rect.height - 60);
        if (!camera) return null;
        return {
          x: rect.left + camera.p.x,
          y: rect.top + camera.p.y,
          id: String(camera.f.properties['externalId']),
        };
      });
      expect(target).not.toBeNull();
      await page.mouse.click(target!.x, target!.y);
      const info = page.getByTestId('feature-info');
      await info.waitFor();
      expect(await info.textContent()).toContain(target!.id);
      expect(await info.getByTestId('synthetic-badge').textContent()).toBe('Sintético');
      expect(await page.evaluate(() => window.location.hash)).toContain(`sel=camera:${target!.id}`);
      await waitForMapIdle(page);
      await screenshot(page, 'layers-cameras-quito-selected-es');
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('the thermal chart', () => {
  it("draws Cotopaxi's cameras as bands and mean lines with data points, and re-fetches finer buckets when zoomed", async () => {
    const { page, rec, close } = await open('/#map=8.5/-0.75/-78.45&layers=volcanoes&sel=volcano:352050');
    try {
      const panel = page.getByTestId('thermal-panel');
      await panel.waitFor();
      const cameras = await fetchJson<{ features: unknown[] }>('/api/cameras?kind=thermal&volcano=352050');
      expect(cameras.features.length).toBeGreaterThan(0);
      // One mean line per camera, each with many points: the d attribute holds the polyline.
      await expect
        .poll(() => panel.locator('path.thermal-mean[data-points]').count(), { timeout: 30_000 })
        .toBe(cameras.features.length);
      const lines = await panel
        .locator('path.thermal-mean')
        .evaluateAll((paths) =>
          paths.map((p) => ({ points: Number(p.getAttribute('data-points')), d: p.getAttribute('d') ?? '' })),
        );
      for (const line of lines) {
        expect(line.points).toBeGreaterThan(20);
        expect(line.d.split('L').length).toBeGreaterThan(20);
      }
      expect(await panel.locator('path.thermal-band').count()).toBe(cameras.features.length);
      expect(await panel.getByTestId('synthetic-badge').count()).toBe(1);
      // The seeded rules watch Cotopaxi at 60 and 250 °C, far above its synthetic readings: named off scale.
      await expect
        .poll(() => panel.locator('text.thermal-offscale').allTextContents(), { timeout: 15_000 })
        .toEqual(expect.arrayContaining([expect.stringContaining('Cotopaxi summit hot spot · 60 °C')]));
      // The details name the volcano's thermal alert level and its latest temperature — or say there
      // is none: the synthetic cloud cover can leave a summit without a clear frame for three hours,
      // depending on the hour the demo slice ends at.
      const info = page.getByTestId('feature-info');
      await expect
        .poll(() => info.textContent(), { timeout: 30_000 })
        .toMatch(/Temperatura reciente(-?[\d,.]+ °C|Sin lectura en 3 h)/);
      expect(await info.textContent()).toContain('Alerta térmica');
      await waitForMapIdle(page);
      await screenshot(page, 'layers-thermal-cotopaxi-es');

      // Zooming the time axis asks again for a narrower range (so finer buckets).
      const readings = () =>
        rec.requests
          .filter((url) => url.includes('/readings?'))
          .map((url) => {
            const q = new URL(url).searchParams;
            return Date.parse(q.get('to')!) - Date.parse(q.get('from')!);
          });
      const widest = Math.max(...readings());
      await panel.getByRole('button', { name: 'Acercar en el tiempo' }).click();
      await expect.poll(() => Math.min(...readings()), { timeout: 15_000 }).toBeLessThan(widest);

      await panel.getByTestId('thermal-range-6h').click();
      await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('tr=6h');
      await expect
        .poll(() => panel.locator('path.thermal-mean[data-points]').count(), { timeout: 30_000 })
        .toBe(cameras.features.length);
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('the incident density', () => {
  it('draws hexagons, and moving the brush changes the window, the count and the link', async () => {
    const { page, rec, close } = await open('/#map=6.3/-1.6/-78.6&layers=provinces,density&lang=en');
    try {
      await waitForLive(page, 'density');
      await waitForLive(page, 'histogram');
      await waitForMapIdle(page);
      const before = await page.evaluate(() => window.__atalaya!.runtime.get().density.data!);
      expect(before.cells.length).toBeGreaterThan(20);
      // The hexagons are on screen: deck.gl picks them under the canvas.
      const picked = await page.evaluate(() => {
        const canvas = window.__atalaya!.map!.getCanvas();
        return window
          .__atalaya!.overlay!.pickObjects({
            x: 0,
            y: 0,
            width: canvas.clientWidth,
            height: canvas.clientHeight,
          })
          .filter((info) => info.layer?.id === 'incident-density').length;
      });
      expect(picked).toBeGreaterThan(20);
      const total = page.getByTestId('density-total');
      expect(Number(await total.getAttribute('data-total'))).toBe(before.total);

      const box = (await page.locator('.histogram-svg').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.62, box.y + box.height / 2, { steps: 6 });
      await page.mouse.up();
      await expect
        .poll(() => page.evaluate(() => window.location.hash))
        .toMatch(/time=\d{4}-\d\d-\d\dT\d\d:00Z\//);
      await expect
        .poll(async () => Number(await total.getAttribute('data-total')), { timeout: 30_000 })
        .toBeLessThan(before.total);
      const after = await page.evaluate(() => window.__atalaya!.runtime.get().density.data!);
      expect(after.total).toBeGreaterThan(0);
      expect(after.total).toBeLessThan(before.total);
      await waitForMapIdle(page);
      await screenshot(page, 'layers-density-brushed-en');

      // A category off: fewer incidents in the same window, and the link says which remain.
      await page.getByTestId('category-traffic').click();
      await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('cat=medical,fire');
      await expect
        .poll(async () => Number(await total.getAttribute('data-total')), { timeout: 30_000 })
        .toBeLessThan(after.total);

      // Play slides the window forward.
      const windowBefore = await page.evaluate(() => window.__atalaya!.app.get().timeWindow);
      await page.getByTestId('slider-play').click();
      await expect
        .poll(() => page.evaluate(() => window.__atalaya!.app.get().timeWindow?.from ?? 0), {
          timeout: 20_000,
        })
        .toBeGreaterThan(windowBefore!.from);
      await page.getByTestId('slider-play').click();
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('the terrain', () => {
  it('turns 3D terrain and the hillshade on and off without errors, and says the Galápagos terrain is unknown', async () => {
    const { page, rec, close } = await open('/#map=9.2/-0.75/-78.4&layers=provinces,volcanoes,centers');
    try {
      await page.getByTestId('toggle-terrain').check();
      await expect
        .poll(() => page.evaluate(() => window.__atalaya!.map!.getPitch()), { timeout: 10_000 })
        .toBeGreaterThan(40);
      await waitForMapIdle(page);
      const state = await page.evaluate(() => {
        const map = window.__atalaya!.map!;
        return {
          terrain: map.getTerrain(),
          hillshade: map.getLayer('terrain-hillshade')?.type,
          elevation: map.queryTerrainElevation([-78.436, -0.677]),
        };
      });
      expect(state.terrain).toMatchObject({ source: 'terrain-dem' });
      expect(state.hillshade).toBe('hillshade');
      // Cotopaxi's summit stands well above 4000 m (exaggerated by the map's factor).
      expect(state.elevation).toBeGreaterThan(4000);
      expect(rec.requests.some((url) => url.includes('/tiles/terrain/'))).toBe(true);
      expect(await page.evaluate(() => window.location.hash)).toContain('layers=terrain,');
      await screenshot(page, 'layers-terrain-cotopaxi-es');

      await page.getByRole('button', { name: 'Galápagos' }).click();
      await page.getByTestId('terrain-note').waitFor({ timeout: 10_000 });
      await waitForMapIdle(page);
      await screenshot(page, 'layers-terrain-galapagos-es');

      await page.getByTestId('toggle-terrain').uncheck();
      await expect.poll(() => page.evaluate(() => window.__atalaya!.map!.getTerrain())).toBeNull();
      await expect.poll(() => page.evaluate(() => window.__atalaya!.map!.getPitch())).toBeLessThan(1);
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
