/**
 * The regions drawn as a choropleth and the exports, against the real server and its synthetic demo
 * slice in Chromium: the fill colours read back from the rendered canvas at each regional center
 * (a point inside its own region) match the class colour of the region's figure blended at the
 * layer's opacity over the land, differ between regions, and change with the measure; the PNG
 * snapshot is a PNG of the canvas' size plus the caption strip that holds the same pixels; the CSV
 * holds the import columns and exactly the incidents of the view, window and categories, as counted
 * through GET /api/incidents. Screenshots go to test/artifacts/ for a human to look at.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHOROPLETH_OPACITY } from '../../client/layers/region-choropleth.js';
import { CAPTION_HEIGHT_PX } from '../../client/map/map-snapshot.js';
import { MAP_THEME } from '../../client/map/map-theme.js';
import { ARTIFACTS_DIR, launchChromium, record, screenshot, waitForMapIdle } from './browser.js';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await serverReady();
}, 360_000);

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

afterAll(async () => {
  await browser?.close();
});

async function open(path: string, viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const rec = record(page);
  await page.goto(`${baseUrl}${path}`);
  await waitForMapIdle(page);
  return { page, rec, close: () => context.close() };
}

/** Waits until the region figures of `measure` are loaded and drawn. */
async function waitForRegionStats(page: Page, measure: string): Promise<void> {
  await page.waitForFunction(
    (m) => {
      const stats = window.__atalaya!.runtime.get().regionStats;
      return stats.status === 'ready' && stats.data?.measure === m;
    },
    measure,
    { timeout: 120_000, polling: 250 },
  );
  await waitForMapIdle(page);
}

interface Sample {
  id: string;
  /** Where, in canvas (device) pixels. */
  x: number;
  y: number;
  rgb: [number, number, number];
}

/**
 * The rendered colour of each region on screen, at a point of it near its regional center where
 * nothing else is drawn: the first spot on a spiral round the center whose 11×11 px box meets only
 * the land and that region's fill (no coast, boundary line or symbol). The colour is the
 * per-channel median of the 5×5 pixels at that spot.
 */
function sampleRegions(page: Page): Promise<Sample[]> {
  return page.evaluate(async () => {
    const handle = window.__atalaya!;
    const map = handle.map!;
    const canvas = map.getCanvas();
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    // The drawing buffer is not preserved: copy it in the 'render' event of a fresh frame.
    await new Promise<void>((resolve) => {
      map.once('render', () => {
        ctx.drawImage(canvas, 0, 0);
        resolve();
      });
      map.triggerRepaint();
    });
    const ratio = canvas.width / canvas.clientWidth;
    const centers = handle.runtime.get().datasets.centers;
    if (centers.status !== 'ready') return [];
    const layers = [
      'land-fill',
      'regions-fill',
      'regions-line',
      'provinces-line',
      'coastline-line',
      'country-borders-line',
      'centers-circle',
      'volcanoes-circle',
    ].filter((id) => map.getLayer(id));
    const clear = (x: number, y: number, id: string) => {
      const hits = map.queryRenderedFeatures(
        [
          [x - 5, y - 5],
          [x + 5, y + 5],
        ],
        { layers },
      );
      const kinds = new Set(
        hits.map((h) => `${h.layer.id}:${h.layer.id === 'regions-fill' ? h.properties['centerId'] : ''}`),
      );
      return kinds.size === 2 && kinds.has('land-fill:') && kinds.has(`regions-fill:${id}`);
    };
    const out: { id: string; x: number; y: number; rgb: [number, number, number] }[] = [];
    for (const f of centers.data.features) {
      const id = f.properties.id;
      const p = map.project(f.geometry.coordinates as [number, number]);
      let spot: { x: number; y: number } | null = null;
      for (let r = 0; r <= 80 && !spot; r += 6) {
        const steps = r === 0 ? 1 : Math.ceil((2 * Math.PI * r) / 6);
        for (let k = 0; k < steps && !spot; k++) {
          const x = p.x + r * Math.cos((2 * Math.PI * k) / steps);
          const y = p.y + r * Math.sin((2 * Math.PI * k) / steps);
          if (x < 8 || y < 8 || x > canvas.clientWidth - 8 || y > canvas.clientHeight - 8) continue;
          if (clear(x, y, id)) spot = { x, y };
        }
      }
      if (!spot) continue;
      const x = Math.round(spot.x * ratio);
      const y = Math.round(spot.y * ratio);
      const data = ctx.getImageData(x - 2, y - 2, 5, 5).data;
      const channel = (c: number) => {
        const values: number[] = [];
        for (let i = c; i < data.length; i += 4) values.push(data[i]!);
        return values.sort((a, b) => a - b)[12]!;
      };
      out.push({ id, x, y, rgb: [channel(0), channel(1), channel(2)] });
    }
    return out;
  });
}

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The fill as the map composites it: colour at `alpha` over the land colour. */
function blend(hex: string, alpha: number): [number, number, number] {
  const c = hexRgb(hex);
  const land = hexRgb(MAP_THEME.land);
  return [0, 1, 2].map((i) => Math.round(alpha * c[i]! + (1 - alpha) * land[i]!)) as [number, number, number];
}

/** The choropleth's opacity at a zoom between 5 and 9 (linear, as the style's interpolate). */
function opacityAt(zoom: number): number {
  const t = Math.min(1, Math.max(0, (zoom - 5) / 4));
  return CHOROPLETH_OPACITY.z5 + (CHOROPLETH_OPACITY.z9 - CHOROPLETH_OPACITY.z5) * t;
}

/** The class colour of each region as the legend shows it, read from the style the map draws. */
function fillColours(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const map = window.__atalaya!.map!;
    const expr = map.getPaintProperty('regions-fill', 'fill-color') as unknown;
    const out: Record<string, string> = {};
    if (!Array.isArray(expr) || expr[0] !== 'match') return out;
    for (let i = 2; i + 1 < expr.length; i += 2) out[String(expr[i])] = String(expr[i + 1]);
    return out;
  });
}

const distance = (a: readonly number[], b: readonly number[]) =>
  Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

describe('the region choropleth', () => {
  it('fills each region with the colour of its class, and switching the measure recolours them', async () => {
    const { page, rec, close } = await open('/#map=6.1/-1.55/-78.7&layers=regions,provinces&rm=incidents');
    try {
      await waitForRegionStats(page, 'incidents');
      const zoom = await page.evaluate(() => window.__atalaya!.map!.getZoom());
      const incidents = await sampleRegions(page);
      const incidentFills = await fillColours(page);
      const figures = await page.evaluate(() => window.__atalaya!.runtime.get().regionStats.data!.values);
      // Every mainland region is on screen; all sixteen have a figure (incidents per km² ≥ 0).
      expect(incidents.length).toBeGreaterThanOrEqual(15);
      expect(Object.keys(incidentFills).sort()).toEqual(Object.keys(figures).sort());
      for (const s of incidents) {
        expect(distance(s.rgb, blend(incidentFills[s.id]!, opacityAt(zoom))), s.id).toBeLessThanOrEqual(12);
      }
      // Quintile classes: several colours on screen, and the densest region (a city region) in the top class.
      const distinct = new Set(incidents.map((s) => s.rgb.join(',')));
      expect(distinct.size).toBeGreaterThanOrEqual(4);
      const densest = Object.entries(figures).sort((a, b) => b[1]! - a[1]!)[0]![0];
      expect(['quito', 'samborondon']).toContain(densest);
      const key = page.getByTestId('choropleth-key');
      expect(await key.getByTestId('choropleth-class').count()).toBe(
        new Set(Object.values(incidentFills)).size,
      );
      expect(await key.textContent()).toContain('incid./km²');
      await screenshot(page, 'choropleth-incidents-1366-es');

      // Coverage %: another scale (cividis) and other classes; the link follows.
      await page.getByTestId('region-measure-coverage').click();
      await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('rm=coverage');
      await waitForRegionStats(page, 'coverage');
      const coverage = await sampleRegions(page);
      const coverageFills = await fillColours(page);
      for (const s of coverage) {
        if (!(s.id in coverageFills)) continue; // no figure: no fill
        expect(distance(s.rgb, blend(coverageFills[s.id]!, opacityAt(zoom))), s.id).toBeLessThanOrEqual(12);
      }
      const changed = coverage.filter((s) => {
        const before = incidents.find((b) => b.id === s.id);
        return before && distance(before.rgb, s.rgb) > 12;
      });
      expect(changed.length).toBeGreaterThanOrEqual(8);
      expect(await key.textContent()).toContain('%');
      await screenshot(page, 'choropleth-coverage-1366-es');

      // Open alerts: count classes 0, 1, 2, 3–4, ≥ 5.
      await page.getByTestId('region-measure-alerts').click();
      await waitForRegionStats(page, 'alerts');
      const labels = await key.getByTestId('choropleth-class').allTextContents();
      expect(labels.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
        '0 alertas',
        '1 alertas',
        '2 alertas',
        '3–4 alertas',
        '≥ 5 alertas',
      ]);

      // Boundaries again: the Okabe–Ito colours, no rm in the link.
      await page.getByTestId('region-measure-none').click();
      await expect.poll(() => page.evaluate(() => window.location.hash)).not.toContain('rm=');
      await waitForMapIdle(page);
      expect(await page.getByTestId('choropleth-key').count()).toBe(0);
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('fits a 1920×1080 operations wall, in English', async () => {
    const { page, rec, close } = await open(
      '/#map=6.6/-1.5/-78.6&layers=regions,provinces,centers,volcanoes&rm=incidents&lang=en',
      { width: 1920, height: 1080 },
    );
    try {
      await waitForRegionStats(page, 'incidents');
      const key = page.getByTestId('choropleth-key');
      expect(await key.textContent()).toContain('Incidents per km²');
      // The legend sits inside the sidebar, not cut off on the right.
      const sidebar = (await page.getByTestId('layer-panel').boundingBox())!;
      const legend = (await key.boundingBox())!;
      expect(legend.x + legend.width).toBeLessThanOrEqual(sidebar.x + sidebar.width + 1);
      await screenshot(page, 'choropleth-incidents-1920-en');
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the exports', () => {
  it('saves a PNG of the map with its caption strip, from the keyboard', async () => {
    const { page, rec, close } = await open(
      '/#map=6.1/-1.55/-78.7&layers=regions,provinces,density&rm=incidents',
    );
    try {
      await waitForRegionStats(page, 'incidents');
      await page.waitForFunction(
        () => window.__atalaya!.runtime.get().density.status === 'ready',
        undefined,
        {
          timeout: 60_000,
        },
      );
      await waitForMapIdle(page);
      const canvas = await page.evaluate(() => {
        const c = window.__atalaya!.map!.getCanvas();
        return { width: c.width, height: c.height };
      });
      const live = await sampleRegions(page);

      await page.getByTestId('export-open').focus();
      await page.keyboard.press('Enter');
      // The first item, the PNG, has the focus.
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('export-png');
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(download.suggestedFilename()).toMatch(/^atalaya-mapa-\d{8}-\d{4}Z\.png$/);
      const path = join(ARTIFACTS_DIR, 'export-snapshot.png');
      await download.saveAs(path);
      const bytes = readFileSync(path);
      expect(pngSize(bytes)).toEqual({ width: canvas.width, height: canvas.height + CAPTION_HEIGHT_PX });
      await expect.poll(() => page.getByTestId('export-status').textContent()).toContain('atalaya-mapa-');

      // The image holds the map's pixels (the same colours at the centers) and the caption strip.
      const snapshot = await page.evaluate(
        async (dataUrl) => {
          const image = new Image();
          image.src = dataUrl;
          await image.decode();
          const c = document.createElement('canvas');
          c.width = image.width;
          c.height = image.height;
          const ctx = c.getContext('2d')!;
          ctx.drawImage(image, 0, 0);
          return { data: [...ctx.getImageData(0, 0, c.width, c.height).data], width: c.width };
        },
        `data:image/png;base64,${bytes.toString('base64')}`,
      );
      const pixel = (x: number, y: number) => {
        const i = (y * snapshot.width + x) * 4;
        return [snapshot.data[i]!, snapshot.data[i + 1]!, snapshot.data[i + 2]!];
      };
      let matched = 0;
      for (const s of live) if (distance(pixel(s.x, s.y), s.rgb) <= 16) matched += 1;
      expect(matched).toBeGreaterThanOrEqual(live.length - 2);
      // Caption background (#141b23) at the strip's bottom-left corner.
      expect(
        distance(pixel(2, canvas.height + CAPTION_HEIGHT_PX - 3), [0x14, 0x1b, 0x23]),
      ).toBeLessThanOrEqual(2);
      await screenshot(page, 'export-menu-open-es');
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('downloads the incidents of the view, window and categories as CSV in the import columns, and as GeoJSON', async () => {
    const demo = (await (await fetch(`${baseUrl}/api/demo`)).json()) as { endAt: string };
    // The day that ends a day before the demo slice does, in whole UTC hours.
    const hour = 3_600_000;
    const to = Math.floor(Date.parse(demo.endAt) / hour) * hour - 24 * hour;
    const from = to - 24 * hour;
    const minute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;
    const { page, rec, close } = await open(
      `/#map=10/-0.2/-78.5&layers=density&cat=medical,fire&time=${minute(from)}/${minute(to)}`,
    );
    try {
      const bounds = await page.evaluate(() => window.__atalaya!.runtime.get().viewBounds!);
      await page.getByTestId('export-open').click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-csv').click(),
      ]);
      const path = join(ARTIFACTS_DIR, 'export-incidents.csv');
      await download.saveAs(path);
      const text = readFileSync(path, 'utf8');
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      // RFC 4180 line ends, as the import accepts.
      expect(text.split('\r\n')[0]).toBe(
        'external_id,category,priority,occurred_at,lon,lat,description,synthetic',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(['medical', 'fire']).toContain(r['category']);
        const t = Date.parse(r['occurred_at']!);
        expect(t).toBeGreaterThanOrEqual(from);
        expect(t).toBeLessThan(to);
        const [lon, lat] = [Number(r['lon']), Number(r['lat'])];
        expect(lon).toBeGreaterThanOrEqual(bounds[0] - 1e-5);
        expect(lon).toBeLessThanOrEqual(bounds[2] + 1e-5);
        expect(lat).toBeGreaterThanOrEqual(bounds[1] - 1e-5);
        expect(lat).toBeLessThanOrEqual(bounds[3] + 1e-5);
        expect(r['synthetic']).toBe('true');
      }
      // The same filter through the paged list: the same incidents, no more, no fewer.
      const bbox = bounds
        .map((v, i) => (i < 2 ? Math.floor(v * 1e5) / 1e5 : Math.ceil(v * 1e5) / 1e5))
        .join(',');
      const ids: string[] = [];
      const list = `${baseUrl}/api/incidents?bbox=${bbox}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&category=medical,fire&limit=1000`;
      let cursor: string | undefined;
      do {
        const answer = (await (
          await fetch(cursor ? `${list}&cursor=${encodeURIComponent(cursor)}` : list)
        ).json()) as { features: { properties: { externalId: string } }[]; next?: string };
        ids.push(...answer.features.map((f) => f.properties.externalId));
        cursor = answer.next;
      } while (cursor);
      expect(rows.map((r) => r['external_id']).sort()).toEqual(ids.sort());

      const [geo] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-geojson').click(),
      ]);
      const geoPath = join(ARTIFACTS_DIR, 'export-incidents.geojson');
      await geo.saveAs(geoPath);
      const collection = JSON.parse(readFileSync(geoPath, 'utf8')) as { type: string; features: unknown[] };
      expect(collection.type).toBe('FeatureCollection');
      expect(collection.features).toHaveLength(rows.length);
      expect(rec.errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
