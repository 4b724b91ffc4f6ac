import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../../server/db/token-store.js';
import { runImport } from '../../../server/ingest/run-import.js';
import { DATA_DIR, testDatabase } from '../../setup/test-database.js';
import { startTestServer, type TestServer } from '../../setup/test-server.js';

let server: TestServer;
const tokens: Record<string, string> = {};
const sample = (file: string) => readFileSync(path.join(DATA_DIR, 'samples', file), 'utf8');

beforeAll(async () => {
  const db = await testDatabase();
  for (const role of ['viewer', 'operator', 'analyst', 'admin'] as const) {
    tokens[role] = (await createToken(db, `ingest-test-${role}`, role)).secret;
  }
  server = await startTestServer();
});
afterAll(() => server?.close());

interface Answer {
  status: number;
  body: {
    committed?: boolean;
    rows?: number;
    stored?: { inserted: number; updated: number; unchanged: number; conflicting: number };
    rejected?: { line: number; field: string; message: string }[];
    errors?: { line: number; field: string; message: string }[];
    detail?: string;
  };
}

async function post(
  kind: string,
  body: string,
  contentType: string,
  role = 'admin',
  query = '',
): Promise<Answer> {
  const res = await fetch(`${server.url}/api/${kind}${query}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...(role ? { Authorization: `Bearer ${tokens[role]}` } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const db = await testDatabase();
  const [row] = await db.query<{ n: number }>(sql, params);
  return row!.n;
}

describe('POST /api/cameras, /api/incidents, /api/readings with the documented samples', () => {
  it('imports cameras from CSV and GeoJSON, then readings from NDJSON and CSV, then incidents from CSV and GeoJSON', async () => {
    const csv = await post('cameras', sample('cameras.synthetic.csv'), 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.body.stored).toMatchObject({ inserted: 7, updated: 0, unchanged: 0 });
    const geo = await post('cameras', sample('cameras.synthetic.geojson'), 'application/geo+json');
    expect(geo.status).toBe(200);
    expect(geo.body.committed).toBe(true);

    const ndjson = await post('readings', sample('readings.synthetic.ndjson'), 'application/x-ndjson');
    expect(ndjson.body.stored).toMatchObject({ inserted: 8, conflicting: 0 });
    const readingsCsv = await post('readings', sample('readings.synthetic.csv'), 'text/csv');
    expect(readingsCsv.status).toBe(200);

    expect(
      (await post('incidents', sample('incidents.synthetic.csv'), 'text/csv')).body.stored,
    ).toMatchObject({ inserted: 7 });
    expect(
      (await post('incidents', sample('incidents.synthetic.geojson'), 'application/geo+json')).status,
    ).toBe(200);
  });

  it('is idempotent: the same batch again inserts nothing and says every row was unchanged', async () => {
    const again = await post('readings', sample('readings.synthetic.ndjson'), 'application/x-ndjson');
    expect(again.status).toBe(200);
    expect(again.body.stored).toEqual({ received: 8, inserted: 0, updated: 0, unchanged: 8, conflicting: 0 });
    const cams = await post('cameras', sample('cameras.synthetic.csv'), 'text/csv');
    expect(cams.body.stored).toMatchObject({ inserted: 0, updated: 0, unchanged: 7 });
  });

  it('takes one reading as a JSON object', async () => {
    const one = await post(
      'readings',
      JSON.stringify({
        camera_id: 'COTO-TH-01',
        ts: '2024-05-02T00:00:00Z',
        max_temp_c: 12.5,
        quality: 'ok',
      }),
      'application/json',
    );
    expect(one.status).toBe(200);
    expect(one.body.stored).toMatchObject({ inserted: 1 });
  });
});

describe('bad rows', () => {
  const header = 'external_id,category,occurred_at,lon,lat';

  it('refuses the whole batch by default, naming line and field of every bad row', async () => {
    const body = [
      header,
      'BAD-1,fire,2026-01-01T00:00:00Z,-78.5,-0.2',
      'BAD-2,fire,2026-01-01T00:00:00,-78.5,-0.2',
      'BAD-3,flood,2026-01-01T00:00:00Z,-78.5,-0.2',
      'BAD-4,fire,2026-01-01T00:00:00Z,-10,-0.2',
    ].join('\n');
    const { status, body: problem } = await post('incidents', body, 'text/csv');
    expect(status).toBe(422);
    expect(problem.errors!.map((e) => [e.line, e.field])).toEqual([
      [3, 'occurred_at'],
      [4, 'category'],
      [5, 'lon,lat'],
    ]);
    expect(await count("SELECT count(*)::int AS n FROM incidents WHERE external_id LIKE 'BAD-%'")).toBe(0);
  });

  it('imports the good rows in skip-invalid mode and returns the rejected ones with reasons', async () => {
    const body = [
      header,
      'SKIP-1,fire,2026-01-01T00:00:00Z,-78.5,-0.2',
      'SKIP-2,fire,yesterday,-78.5,-0.2',
    ].join('\n');
    const { status, body: result } = await post('incidents', body, 'text/csv', 'admin', '?mode=skip-invalid');
    expect(status).toBe(200);
    expect(result.stored).toMatchObject({ inserted: 1 });
    expect(result.rejected).toEqual([expect.objectContaining({ line: 3, field: 'occurred_at' })]);
    expect(await count("SELECT count(*)::int AS n FROM incidents WHERE external_id LIKE 'SKIP-%'")).toBe(1);
  });

  it('refuses readings of unknown cameras and temperatures outside the physical range', async () => {
    const lines = [
      { camera_id: 'COTO-TH-01', ts: '2024-06-01T00:00:00Z', max_temp_c: 20 },
      { camera_id: 'NO-SUCH-CAM', ts: '2024-06-01T00:00:00Z', max_temp_c: 20 },
      { camera_id: 'COTO-TH-01', ts: '2024-06-01T00:01:00Z', max_temp_c: 5000 },
    ].map((l) => JSON.stringify(l));
    const { status, body } = await post('readings', lines.join('\n'), 'application/x-ndjson');
    expect(status).toBe(422);
    expect(body.errors!.map((e) => [e.line, e.field])).toEqual([
      [2, 'camera_id'],
      [3, 'max_temp_c'],
    ]);
  });

  it('answers 415 naming Content-Type for an unknown format and 400 for a header it cannot use', async () => {
    const unknown = await post('incidents', 'x', 'application/pdf');
    expect(unknown.status).toBe(415);
    expect(unknown.body.errors![0]!.field).toBe('Content-Type');
    const badHeader = await post('incidents', 'external_id,colour\nA,red\n', 'text/csv');
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.detail).toContain('colour');
  });
});

describe('who may write', () => {
  const body = 'external_id,category,occurred_at,lon,lat\nROLE-1,medical,2026-02-01T00:00:00Z,-78.5,-0.2\n';

  it('refuses anonymous callers with 401 and a role without the permission with 403', async () => {
    expect((await post('incidents', body, 'text/csv', '')).status).toBe(401);
    expect((await post('incidents', body, 'text/csv', 'viewer')).status).toBe(403);
    expect((await post('incidents', body, 'text/csv', 'analyst')).status).toBe(403);
    expect((await post('cameras', sample('cameras.synthetic.csv'), 'text/csv', 'operator')).status).toBe(403);
  });

  it('lets an operator post incidents and readings, and records the import in the audit log', async () => {
    expect((await post('incidents', body, 'text/csv', 'operator')).status).toBe(200);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM audit_log WHERE actor = 'ingest-test-operator' AND action = 'incidents.import'`,
      ),
    ).toBe(1);
  });

  it('refuses a malformed or unknown token', async () => {
    const res = await fetch(`${server.url}/api/incidents`, {
      method: 'POST',
      headers: { Authorization: 'Bearer atl_unknownunknownunknownunknown', 'Content-Type': 'text/csv' },
      body,
    });
    expect(res.status).toBe(401);
    const bad = await fetch(`${server.url}/api/health`, { headers: { Authorization: 'Basic abc' } });
    expect(bad.status).toBe(401);
  });
});

describe('a failure in the middle of a batch', () => {
  it('leaves none of the batch visible when the input breaks off after rows were already copied', async () => {
    const db = await testDatabase();
    async function* breaksOff() {
      yield 'external_id,category,occurred_at,lon,lat\n';
      // More than one COPY chunk (20,000 rows) goes into the table before the failure.
      let rows = '';
      for (let i = 0; i < 25_000; i++) rows += `CRASH-${i},traffic,2026-03-01T00:00:00Z,-78.5,-0.2\n`;
      yield rows;
      throw new Error('connection reset by peer');
    }
    await expect(
      runImport(db, breaksOff(), { kind: 'incidents', format: 'csv', mode: 'all-or-nothing', actor: 'test' }),
    ).rejects.toThrow('connection reset');
    expect(await count("SELECT count(*)::int AS n FROM incidents WHERE external_id LIKE 'CRASH-%'")).toBe(0);
  });
});

describe('a body the parser gives up on early', () => {
  // The parser stops on the first chunk while the client is still sending. The answer must still
  // reach the client (a 4xx naming the problem), not a connection reset.
  it.each([
    [
      'GeoJSON in an unsupported CRS',
      'application/geo+json',
      '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32717"}},"features":[',
    ],
    ['CSV with a NUL byte', 'text/csv', 'camera_id,ts\n\u0000'],
  ])('answers %s with a 4xx while more of the body is still coming', async (_, type, head) => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(head));
        await new Promise((resolve) => setTimeout(resolve, 300));
        controller.enqueue(encoder.encode(' '.repeat(256 * 1024)));
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/api/readings`, {
      method: 'POST',
      headers: { 'Content-Type': type, Authorization: `Bearer ${tokens['admin']}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const problem = (await res.json()) as { detail?: string };
    expect(problem.detail ?? '').not.toBe('');
  });
});
