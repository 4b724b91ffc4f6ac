/**
 * The map page against the real server and database, in Chromium: what renders, that nothing
 * leaves the origin, the language switch, links that restore the screen, selection and the
 * unreachable-server banner. Screenshots go to test/artifacts/ for a human to look at.
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

async function open(path: string, viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const rec = record(page);
  await page.goto(`${baseUrl}${path}`);
  await waitForMapIdle(page);
  return { page, rec, close: () => context.close() };
}

/** Distinct values of a property over the features rendered in the viewport on these layers. */
function rendered(page: Page, layer: string, property: string): Promise<string[]> {
  return page.evaluate(
    ([layerId, key]) => {
      const features = window.__atalaya!.map!.queryRenderedFeatures({ layers: [layerId] });
      return [...new Set(features.map((f) => String(f.properties[key])))].sort();
    },
    [layer, property] as const,
  );
}

describe('the map page', () => {
  it('renders all 16 regions, the centers and the mainland volcanoes at 1366×768, asking only its own origin', async () => {
    const { page, rec, close } = await open('/');
    try {
      await screenshot(page, 'map-1366x768-es');
      expect(await rendered(page, 'regions-fill', 'centerId')).toHaveLength(16);
      expect(await rendered(page, 'centers-circle', 'id')).toHaveLength(16);
      const volcanoes = await rendered(page, 'volcanoes-circle', 'name');
      expect(volcanoes).toEqual(expect.arrayContaining(['Cotopaxi', 'Tungurahua', 'Sangay', 'Reventador']));
      expect(await rendered(page, 'provinces-line', 'code')).toHaveLength(24);

      const origin = new URL(baseUrl).origin;
      const foreign = rec.requests.filter(
        (url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin,
      );
      expect(foreign).toEqual([]);
      expect(rec.requests).toEqual(
        expect.arrayContaining([`${origin}/api/regions`, `${origin}/tiles/basemap/land.geojson`]),
      );
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('fits 1920×1080 and shows the whole country', async () => {
    const { page, rec, close } = await open('/', { width: 1920, height: 1080 });
    try {
      await screenshot(page, 'map-1920x1080-es');
      expect(await rendered(page, 'regions-fill', 'centerId')).toHaveLength(16);
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('switches the interface to English and back, and the URL follows', async () => {
    const { page, close } = await open('/');
    try {
      const title = page.locator('.sidebar h2').nth(1);
      expect(await title.textContent()).toBe('Capas');
      await page.getByTestId('lang-en').click();
      await expect.poll(() => title.textContent()).toBe('Layers');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.getByTestId('toggle-regions').locator('xpath=..').textContent()).toContain(
        "Regional centers' areas",
      );
      expect(await page.evaluate(() => window.location.hash)).toContain('lang=en');
      await waitForMapIdle(page);
      await screenshot(page, 'map-1366x768-en');
      await page.getByTestId('lang-es').click();
      await expect.poll(() => title.textContent()).toBe('Capas');
    } finally {
      await close();
    }
  });

  it('restores the view, the layers and the language from a link', async () => {
    const { page, close } = await open('/#map=8.5/-0.9/-78.3&layers=centers,volcanoes&lang=en');
    try {
      const view = await page.evaluate(() => {
        const map = window.__atalaya!.map!;
        const visibility = (id: string) => map.getLayoutProperty(id, 'visibility') ?? 'visible';
        return {
          zoom: map.getZoom(),
          center: map.getCenter().toArray(),
          regions: visibility('regions-fill'),
          provinces: visibility('provinces-line'),
          centers: visibility('centers-circle'),
          volcanoes: visibility('volcanoes-circle'),
        };
      });
      expect(view.zoom).toBeCloseTo(8.5, 2);
      expect(view.center[0]).toBeCloseTo(-78.3, 3);
      expect(view.center[1]).toBeCloseTo(-0.9, 3);
      expect(view).toMatchObject({
        regions: 'none',
        provinces: 'none',
        centers: 'visible',
        volcanoes: 'visible',
      });
      expect(await page.getByTestId('toggle-regions').isChecked()).toBe(false);
      expect(await page.getByTestId('toggle-volcanoes').isChecked()).toBe(true);
      expect(await page.locator('.sidebar h2').nth(1).textContent()).toBe('Layers');
      expect(await rendered(page, 'regions-fill', 'centerId')).toEqual([]);
      expect(await rendered(page, 'volcanoes-circle', 'name')).toEqual(
        expect.arrayContaining(['Cotopaxi', 'Antisana']),
      );
      await screenshot(page, 'map-link-restored-en');

      // Toggling a layer is written back to the link.
      await page.getByTestId('toggle-regions').check();
      await expect
        .poll(() => page.evaluate(() => window.location.hash))
        .toContain('layers=regions,centers,volcanoes');
    } finally {
      await close();
    }
  });

  it('opens the details of a volcano clicked on the map and keeps the selection in the link', async () => {
    const { page, close } = await open('/#map=9/-0.75/-78.45&layers=regions,volcanoes&lang=es');
    try {
      const point = await page.evaluate(() => {
        const map = window.__atalaya!.map!;
        const cotopaxi = map
          .queryRenderedFeatures({ layers: ['volcanoes-circle'] })
          .find((f) => f.properties.name === 'Cotopaxi');
        if (!cotopaxi || cotopaxi.geometry.type !== 'Point') return null;
        const { x, y } = map.project(cotopaxi.geometry.coordinates as [number, number]);
        const rect = map.getCanvas().getBoundingClientRect();
        return { x: rect.left + x, y: rect.top + y };
      });
      expect(point).not.toBeNull();
      await page.mouse.click(point!.x, point!.y);
      const info = page.getByTestId('feature-info');
      await info.waitFor();
      expect(await info.locator('h2').textContent()).toBe('Cotopaxi');
      expect(await info.textContent()).toContain('Estratovolcán');
      expect(await page.evaluate(() => window.location.hash)).toContain('sel=volcano:352050');
      await waitForMapIdle(page);
      await screenshot(page, 'map-volcano-selected-es');
      await page.keyboard.press('Escape');
      await info.waitFor({ state: 'detached' });
    } finally {
      await close();
    }
  });

  it('says so when the server cannot be reached', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    try {
      const page = await context.newPage();
      await page.route('**/api/health', (route) => route.abort('connectionrefused'));
      await page.goto(`${baseUrl}/`);
      const banner = page.getByTestId('server-banner');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toContain('Sin conexión con el servidor');
      await waitForMapIdle(page);
      await screenshot(page, 'map-server-unreachable-es');
    } finally {
      await context.close();
    }
  });
});
