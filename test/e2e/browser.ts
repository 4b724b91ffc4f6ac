/** Chromium for the end-to-end tests: software WebGL, no background traffic of its own. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type {} from '../../client/debug-handle.js';

export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-gpu-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return preferReducedMotion(browser);
}

/**
 * Contexts prefer reduced motion unless a test asks otherwise: pulsing alert markers repaint the map
 * ~20 times a second, which software WebGL would pay for in every test. A test that looks at the
 * pulse opens its context with `reducedMotion: 'no-preference'`.
 */
function preferReducedMotion(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options) => newContext({ reducedMotion: 'reduce', ...options });
  return browser;
}

/** What a page did that a test may want to assert on: every request URL and every uncaught error. */
export interface PageRecord {
  requests: string[];
  errors: string[];
}

export function record(page: Page): PageRecord {
  const rec: PageRecord = { requests: [], errors: [] };
  page.on('request', (request) => rec.requests.push(request.url()));
  page.on('pageerror', (error) => rec.errors.push(error.stack ?? error.message));
  return rec;
}

/**
 * Waits until the reference data has arrived and the map has rendered it: every dataset settled,
 * the map loaded and not moving, then one more 'idle' after a forced repaint.
 */
export async function waitForMapIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const handle = window.__atalaya;
      const map = handle?.map;
      if (!handle || !map) return false;
      const runtime = handle.runtime.get();
      if (!runtime.mapReady) return false;
      if (Object.values(runtime.datasets).some((d) => d.status === 'loading')) return false;
      return map.loaded() && !map.isMoving() && map.areTilesLoaded();
    },
    undefined,
    { timeout: 90_000, polling: 250 },
  );
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__atalaya!.map!;
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
