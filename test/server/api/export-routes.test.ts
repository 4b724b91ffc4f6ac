import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../../server/db/token-store.js';
import { incidentExportPage } from '../../../server/db/network-queries.js';
import { testDatabase } from '../../setup/test-database.js';
import { startTestServer, type TestServer } from '../../setup/test-server.js';

let server: TestServer;
let admin: string;

// Five incidents in 1995 near Puyo (Pastaza): a place and a year no other suite writes to.
const BBOX = '-78.1,-1.6,-77.9,-1.4';
const CSV = [
  'external_id,category,priority,occurred_at,lon,lat,description,synthetic',
  'EXP-1,medical,1,1995-03-01T10:00:00Z,-78.0,-1.5,"Dolor de pecho, Av. Ceslao Marín",false',
  'EXP-2,fire,2,1995-03-01T11:30:00-05:00,-78.01,-1.49,"Incendio ""forestal""\nen la vía a Macas",false',
  'EXP-3,medical,,1995-03-02T00:00:00Z,-78.02,-1.51,,true',
  'EXP-4,traffic,3,1995-03-03T08:15:00Z,-78.03,-1.52,"=HYPERLINK(""http://example.invalid"")",false',
  'EXP-5,medical,5,1995-04-01T00:00:00Z,-78.04,-1.53,fuera de la ventana,false',
].join('\n');

beforeAll(async () => {
  const db = await testDatabase();
  admin = (await createToken(db, 'export-test-admin', 'admin')).secret;
  server = await startTestServer();
  const res = await fetch(`${server.url}/api/incidents`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${admin}` },
    body: CSV,
  });
  expect(res.status, await res.text()).toBe(200);
});
afterAll(() => server?.close());

async function exportOf(query: string) {
  const res = await fetch(`${server.url}/api/incidents/export?bbox=${BBOX}&${query}`);
  return { res, text: await res.text() };
}

describe('GET /api/incidents/export', () => {
  it('downloads the filtered incidents as CSV in the import columns, quoting what needs it', async () => {
    const { res, text } = await exportOf('format=csv&from=1995-03-01T00:00:00Z&to=1995-03-31T00:00:00Z');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="atalaya-incidents-.*\.csv"$/,
    );
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'external_id',
      'category',
      'priority',
      'occurred_at',
      'lon',
      'lat',
      'description',
      'synthetic',
    ]);
    // in time order; 11:30 −05:00 is 16:30 UTC; EXP-5 (April) is outside the window
    expect(rows.map((r) => [r.external_id, r.occurred_at, r.priority, r.synthetic])).toEqual([
      ['EXP-1', '1995-03-01T10:00:00.000Z', '1', 'false'],
      ['EXP-2', '1995-03-01T16:30:00.000Z', '2', 'false'],
      ['EXP-3', '1995-03-02T00:00:00.000Z', '', 'true'],
      ['EXP-4', '1995-03-03T08:15:00.000Z', '3', 'false'],
    ]);
    expect(rows[1]!.description).toBe('Incendio "forestal"\nen la vía a Macas');
    expect([rows[0]!.lon, rows[0]!.lat]).toEqual(['-78', '-1.5']);
    // a cell a spreadsheet would run as a formula is defused
    expect(rows[3]!.description).toBe('\'=HYPERLINK("http://example.invalid")');
  });

  it('keeps to the category filter, and round-trips: importing the export changes nothing', async () => {
    const { text } = await exportOf('format=csv&category=medical,fire');
    const ids = (parse(text, { columns: true }) as Record<string, string>[]).map((r) => r.external_id);
    expect(ids).toEqual(['EXP-1', 'EXP-2', 'EXP-3', 'EXP-5']);
    const res = await fetch(`${server.url}/api/incidents`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${admin}` },
      body: text,
    });
    const body = (await res.json()) as { stored: Record<string, number> };
    expect(body.stored).toMatchObject({ inserted: 0, updated: 0, unchanged: 4, conflicting: 0 });
  });

  it('downloads GeoJSON with the same features', async () => {
    const { res, text } = await exportOf('format=geojson&category=fire');
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const fc = JSON.parse(text) as { features: { id: string; geometry: { coordinates: number[] } }[] };
    expect(fc.features.map((f) => [f.id, f.geometry.coordinates])).toEqual([['EXP-2', [-78.01, -1.49]]]);
  });

  it('answers an empty filter with just the header, and a bad one with 400 naming the parameter', async () => {
    const { text } = await exportOf('format=csv&from=1990-01-01T00:00:00Z&to=1990-01-02T00:00:00Z');
    expect(text).toBe('external_id,category,priority,occurred_at,lon,lat,description,synthetic\r\n');
    const bad = await exportOf('format=xlsx');
    expect(bad.res.status).toBe(400);
    expect(bad.text).toContain('format');
  });

  it('pages by (time, id) without losing or repeating a row', async () => {
    const db = await testDatabase();
    const bbox: [number, number, number, number] = [-78.1, -1.6, -77.9, -1.4];
    const seen: string[] = [];
    let after: { t: string; id: number } | undefined;
    for (;;) {
      const page = await incidentExportPage(db, { bbox, limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.map((r) => r.external_id));
      const last = page[page.length - 1];
      if (page.length < 2 || !last) break;
      after = { t: last.occurred_at.toISOString(), id: last.id };
    }
    expect(seen).toEqual(['EXP-1', 'EXP-2', 'EXP-3', 'EXP-4', 'EXP-5']);
  });
});
