/**
 * Live alerts in the browser against the real server: an operator signs in with a token, a reading
 * posted through the API fires an alert that reaches the page over Server-Sent Events, its marker is
 * drawn on the map and pulses, a click on it opens it in the alerts panel with its evidence, and the
 * operator acknowledges it there (checked through the API). A viewer sees the same alert without any
 * action. Screenshots at 1366×768 and 1920×1080 go to test/artifacts/.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, record, screenshot, waitForMapIdle } from './browser.js';

const baseUrl = inject('baseUrl');
const tokens = inject('tokens');
/**
 * Tungurahua (GVP 352080): alerts of its cameras are placed at its summit. Not Cotopaxi, whose chart
 * the layer tests read: a 650 °C reading there would change its scale.
 */
const TUNGURAHUA = 352080;
const RULE_NAME = `E2E incandescencia ${Date.now()}`;
let browser: Browser;
let cameraId: string;
/** The alert the first test raises; the others look at it. */
let alertId = 0;

interface AlertJson {
  id: number;
  ruleName: string;
  state: string;
  acknowledgedBy: string | null;
  position: [number, number] | null;
}

beforeAll(async () => {
  browser = await launchChromium();
  const cameras = await api<{ features: { properties: { externalId: string } }[] }>(
    'GET',
    `/api/cameras?kind=thermal&volcano=${TUNGURAHUA}`,
  );
  cameraId = cameras.body.features[0]!.properties.externalId;
  // A rule of its own, far above anything the demo readings reach, that fires on one reading.
  const rule = await api('POST', '/api/rules', tokens.analyst, {
    name: RULE_NAME,
    kind: 'thermal_threshold',
    severity: 'orange',
    scope: { type: 'camera', cameraId },
    labels: { origin: 'e2e' },
    params: { thresholdC: 500, clearThresholdC: 400 },
  });
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);
});

afterAll(async () => {
  await browser?.close();
});

async function api<T = unknown>(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function open(path: string, options: BrowserContextOptions) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const rec = record(page);
  await page.goto(`${baseUrl}${path}`);
  await waitForMapIdle(page);
  return { page, rec, close: () => context.close() };
}

async function signIn(page: Page, token: string, name: string): Promise<void> {
  await page.getByTestId('sign-in-open').click();
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in-submit').click();
  await expect
    .poll(() => page.getByTestId('session-user').textContent(), { timeout: 15_000 })
    .toContain(name);
}

async function waitForLiveAlerts(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const alerts = window.__atalaya!.runtime.get().alerts;
      return alerts.connection === 'live' && alerts.status === 'ready';
    },
    undefined,
    { timeout: 60_000, polling: 200 },
  );
}

/** Where the alert is on the map's canvas, and what deck.gl picks there in the alert marker layer. */
async function pickMarker(page: Page, id: number) {
  return page.evaluate((alert) => {
    const { map, overlay, runtime } = window.__atalaya!;
    const position = runtime.get().alerts.list.byId.get(alert)!.position!;
    const point = map!.project(position);
    const info = overlay!.pickObject({ x: point.x, y: point.y, radius: 6, layerIds: ['alert-markers'] });
    return { x: point.x, y: point.y, picked: (info?.object as { id: number } | undefined)?.id ?? null };
  }, id);
}

/** The pulse ring layer as deck.gl holds it: which alerts it rings and its ring size now. */
async function pulseLayer(page: Page) {
  return page.evaluate(() => {
    // deck.gl's layer manager is internal; the test reads it to see what is drawn, not to drive it.
    const deck = (
      window.__atalaya!.overlay as unknown as {
        _deck: {
          layerManager: { getLayers(o: { layerIds: string[] }): { props: Record<string, unknown> }[] };
        };
      }
    )._deck;
    const [layer] = deck.layerManager.getLayers({ layerIds: ['alert-markers-pulse'] });
    if (!layer) return null;
    return {
      ids: (layer.props['data'] as { id: number }[]).map((m) => m.id),
      radiusScale: layer.props['radiusScale'] as number,
    };
  });
}

describe('live alerts', () => {
  it('an alert arrives through SSE, pulses on the map, opens from its marker and is acknowledged by an operator', async () => {
    const { page, rec, close } = await open('/#map=9.5/-1.47/-78.44&layers=volcanoes,alerts', {
      viewport: { width: 1366, height: 768 },
      reducedMotion: 'no-preference',
    });
    try {
      // The panel is closed by default; the header's button opens it.
      await page.getByTestId('alerts-toggle').click();
      await page.getByTestId('alerts-panel').waitFor();
      await signIn(page, tokens.operator, 'e2e-operator');
      // The token is kept for the tab, never put in the address.
      expect(page.url()).not.toContain('atl_');
      expect(await page.evaluate(() => sessionStorage.getItem('atalaya.token'))).toBe(tokens.operator);
      await waitForLiveAlerts(page);

      const listRequests = () => rec.requests.filter((url) => url.includes('/api/alerts?')).length;
      const before = listRequests();
      const reading = JSON.stringify({
        camera_id: cameraId,
        ts: new Date().toISOString(),
        max_temp_c: 650,
        mean_temp_c: 12,
        quality: 'ok',
        synthetic: true,
      });
      const posted = await fetch(`${baseUrl}/api/readings`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.operator}`, 'Content-Type': 'application/x-ndjson' },
        body: reading,
      });
      expect(posted.status).toBe(200);

      const card = page.getByTestId('alert-card').filter({ hasText: RULE_NAME });
      await card.waitFor({ timeout: 30_000 });
      // It came over the stream: the page asked for no list after the reading.
      expect(listRequests()).toBe(before);
      alertId = Number(await card.getAttribute('data-alert-id'));
      expect(await card.getAttribute('data-state')).toBe('firing');
      await expect.poll(() => card.textContent()).toContain('Sin reconocer');

      // Drawn at Tungurahua's summit, pickable, and pulsing (the ring grows between two frames).
      await waitForMapIdle(page);
      const marker = await pickMarker(page, alertId);
      expect(marker.picked).toBe(alertId);
      const first = await pulseLayer(page);
      expect(first?.ids).toContain(alertId);
      await expect
        .poll(async () => (await pulseLayer(page))?.radiusScale, { timeout: 5_000 })
        .not.toBe(first?.radiusScale);

      // A click on the marker selects the alert in the panel, with why it fired.
      const canvas = (await page.locator('#map canvas.maplibregl-canvas').boundingBox())!;
      await page.mouse.click(canvas.x + marker.x, canvas.y + marker.y);
      await expect.poll(() => page.evaluate(() => window.__atalaya!.app.get().alert)).toBe(alertId);
      expect(await card.locator('.alert-summary').getAttribute('aria-expanded')).toBe('true');
      const evidence = card.getByTestId('alert-evidence');
      await evidence.waitFor({ timeout: 15_000 });
      expect(await evidence.textContent()).toContain('650');
      expect(await evidence.textContent()).toContain('> 500');
      expect(page.url()).toContain(`alert=${alertId}`);
      await screenshot(page, 'alerts-operator-1366-es');

      await card.getByTestId('alert-acknowledge').click();
      await card.getByTestId('alert-acknowledged').waitFor({ timeout: 15_000 });
      const stored = await api<{ alert: AlertJson }>('GET', `/api/alerts/${alertId}`);
      expect(stored.body.alert).toMatchObject({ state: 'firing', acknowledgedBy: 'e2e-operator' });
      // Acknowledged: it stops pulsing, and cannot be acknowledged twice from here.
      await expect.poll(async () => (await pulseLayer(page))?.ids.includes(alertId)).toBe(false);
      expect(await card.getByTestId('alert-acknowledge').count()).toBe(0);
      await screenshot(page, 'alerts-acknowledged-1366-es');
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows a viewer the alert and its evidence but no action, and signs out', async () => {
    expect(alertId).toBeGreaterThan(0);
    const { page, rec, close } = await open(
      `/#map=8/-1.2/-78.5&layers=regions,volcanoes,alerts&lang=en&alert=${alertId}&ap=1`,
      { viewport: { width: 1920, height: 1080 } },
    );
    try {
      await signIn(page, tokens.viewer, 'e2e-viewer');
      await waitForLiveAlerts(page);
      const card = page.locator(`[data-testid=alert-card][data-alert-id="${alertId}"]`);
      await card.getByTestId('alert-evidence').waitFor({ timeout: 30_000 });
      expect(await card.textContent()).toContain('Acknowledged by e2e-operator');
      expect(await page.getByTestId('alert-actions').count()).toBe(0);
      expect(await page.getByTestId('alert-acknowledge').count()).toBe(0);
      expect(await card.getByTestId('alert-actions-none').textContent()).toContain(
        'may see alerts but not act',
      );
      // The pulse stands still when the user prefers reduced motion (the test browser does).
      expect(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).toBe(true);
      await waitForMapIdle(page);
      expect((await pickMarker(page, alertId)).picked).toBe(alertId);
      await screenshot(page, 'alerts-viewer-1920-en');

      // Keyboard: the summary is a button that folds and unfolds the details.
      const summary = card.locator('.alert-summary');
      await summary.focus();
      await page.keyboard.press('Enter');
      expect(await summary.getAttribute('aria-expanded')).toBe('false');
      await page.keyboard.press('Enter');
      expect(await summary.getAttribute('aria-expanded')).toBe('true');

      await page.getByTestId('sign-out').click();
      await page.getByTestId('sign-in-open').waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('atalaya.token'))).toBeNull();
      expect(await card.getByTestId('alert-actions-none').textContent()).toContain('Sign in with a token');
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('asks to sign in instead of showing errors when the server says reads need a token', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    try {
      const page = await context.newPage();
      const rec = record(page);
      // This run's server lets anyone read; its answer for anonymous callers is replaced by what a
      // server with ATALAYA_PUBLIC_READS=false says. A signed-in caller gets the real answer.
      await page.route('**/api/session', (route) =>
        route.request().headers()['authorization']
          ? route.continue()
          : route.fulfill({
              contentType: 'application/json',
              body: JSON.stringify({ name: 'anonymous', role: null, permissions: [], publicReads: false }),
            }),
      );
      await page.goto(`${baseUrl}/#layers=regions,alerts`);
      const gate = page.getByTestId('sign-in-gate');
      await gate.waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('server-banner').count()).toBe(0);
      // Nothing is streamed before signing in.
      expect(rec.requests.filter((url) => url.includes('/api/alerts/stream'))).toEqual([]);
      await screenshot(page, 'alerts-sign-in-required-1366-es');
      await gate.getByTestId('token-input').fill(tokens.viewer);
      await gate.getByTestId('sign-in-submit').click();
      await gate.waitFor({ state: 'detached', timeout: 15_000 });
      expect(await page.getByTestId('session-user').textContent()).toContain('e2e-viewer');
      await waitForLiveAlerts(page);
      expect(rec.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a token the server does not know, and text that is not a token, saying which', async () => {
    const { page, close } = await open('/#layers=regions,alerts&lang=es', {
      viewport: { width: 1366, height: 768 },
    });
    try {
      await page.getByTestId('sign-in-open').click();
      await page.getByTestId('token-input').fill('hola');
      await page.getByTestId('sign-in-submit').click();
      await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toContain('atl_');
      await page.getByTestId('token-input').fill(`atl_${'x'.repeat(43)}`);
      await page.getByTestId('sign-in-submit').click();
      await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toContain('no reconoce');
      expect(await page.getByTestId('session-user').count()).toBe(0);
      await screenshot(page, 'alerts-sign-in-error-1366-es');
    } finally {
      await close();
    }
  });
});
